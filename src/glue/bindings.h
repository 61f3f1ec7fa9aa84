/* SPDX-License-Identifier: GPL-2.0 */
/* oxip: what bindgen reads to make gen/bindings_generated.rs (see scripts/bindgen.sh). */
#include "helpers.h"
#include "params.h"

/* Exported (EXPORT_SYMBOL_GPL, net/netfilter/nf_queue.c) but declared only in
 * net/netfilter/nf_internals.h, outside include/: its prototype. */
void nf_queue_nf_hook_drop(struct net *net);

/* Flag macros built with BIT(), which bindgen cannot evaluate: as enums it can. */
enum oxip_consts {
	OXIP_IPSKB_NOPOLICY = IPSKB_NOPOLICY,
	OXIP_IPSKB_MULTIPATH = IPSKB_MULTIPATH,
	OXIP_IPSKB_FORWARDED = IPSKB_FORWARDED,
	OXIP_IPSKB_DOREDIRECT = IPSKB_DOREDIRECT,
	OXIP_RTNL_FAMILY_IPMR = RTNL_FAMILY_IPMR,
	OXIP_RT_TABLE_DEFAULT = RT_TABLE_DEFAULT,
};
