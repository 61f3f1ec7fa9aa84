/* SPDX-License-Identifier: GPL-2.0 */
/* oxip: what bindgen reads to make gen/bindings_generated.rs (see scripts/bindgen.sh). */
#include "helpers.h"
#include "params.h"

/* Headers of the constants the core names and src/glue/kunit.rs checks
 * against (ICMP_*, INET_ECN_*, INET_DSCP_MASK, TC_PRIO_*, IFNAMSIZ, ...).
 */
#include <linux/icmp.h>
#include <linux/if.h>
#include <linux/pkt_sched.h>
#include <linux/mroute.h>
#include <net/inet_ecn.h>
#include <net/inet_dscp.h>

/* Exported (EXPORT_SYMBOL_GPL, net/netfilter/nf_queue.c) but declared only in
 * net/netfilter/nf_internals.h, outside include/: its prototype.
 */
void nf_queue_nf_hook_drop(struct net *net);

/* Flag macros built with BIT(), which bindgen cannot evaluate: as enums it can. */
enum oxip_consts {
	OXIP_IPSKB_NOPOLICY = IPSKB_NOPOLICY,
	OXIP_IPSKB_MULTIPATH = IPSKB_MULTIPATH,
	OXIP_IPSKB_FORWARDED = IPSKB_FORWARDED,
	OXIP_IPSKB_DOREDIRECT = IPSKB_DOREDIRECT,
	OXIP_RTNL_FAMILY_IPMR = RTNL_FAMILY_IPMR,
	OXIP_RT_TABLE_DEFAULT = RT_TABLE_DEFAULT,
	/* Macros over enum members or with a U suffix. */
	OXIP_RTN_MAX = RTN_MAX,
	OXIP_IP_MAX_MTU = IP_MAX_MTU,
	/* The device flags l3mdev_l3_rcv() tests before it calls anything. */
	OXIP_IFF_L3MDEV_ANY = IFF_L3MDEV_MASTER | IFF_L3MDEV_SLAVE | IFF_L3MDEV_RX_HANDLER,
	/* The IPv4 hooks whose net->nf.hooks_ipv4[] slot nf_hook() tests. */
	OXIP_NF_INET_PRE_ROUTING = NF_INET_PRE_ROUTING,
	OXIP_NF_INET_FORWARD = NF_INET_FORWARD,
	/* The policy directions and default of xfrm4_policy_check()'s and
	 * xfrm4_route_forward()'s no-policy tests (uapi: always defined).
	 */
	OXIP_XFRM_POLICY_OUT = XFRM_POLICY_OUT,
	OXIP_XFRM_POLICY_FWD = XFRM_POLICY_FWD,
	OXIP_XFRM_USERPOLICY_ACCEPT = XFRM_USERPOLICY_ACCEPT,
#if IS_ENABLED(CONFIG_XFRM)
	/* secpath_exists(): skb->active_extensions & this. */
	OXIP_SKB_EXT_SEC_PATH_BIT = 1 << SKB_EXT_SEC_PATH,
#endif
};
