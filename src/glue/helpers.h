/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oxip: one-line forwarders of static inline functions and macros, so that
 * Rust can call them. Definitions in helpers.c; nothing here has logic.
 */
#ifndef OXIP_HELPERS_H
#define OXIP_HELPERS_H

#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/inetdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/rtnetlink.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <net/ip.h>
#include <net/ip_fib.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/dst_metadata.h>
#include <net/l3mdev.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/dropreason-core.h>
#include <net/icmp.h>
#include <net/xfrm.h>
#include <net/lwtunnel.h>
#include <net/gso.h>
#include <net/fib_notifier.h>
#include <linux/mroute.h>
#include <linux/mroute_base.h>
#include <linux/if_vlan.h>
#include <net/fib_rules.h>
#include <linux/capability.h>
#include <linux/delay.h>

/* linux/skbuff.h */
struct sk_buff *oxip_skb_share_check(struct sk_buff *skb);
bool oxip_pskb_may_pull(struct sk_buff *skb, unsigned int len);
int oxip_pskb_trim_rcsum(struct sk_buff *skb, unsigned int len);
bool oxip_skb_sk_is_prefetched(struct sk_buff *skb);
void oxip_skb_orphan(struct sk_buff *skb);
int oxip_skb_cow(struct sk_buff *skb, unsigned int headroom);
unsigned int oxip_skb_headroom(const struct sk_buff *skb);
struct sk_buff *oxip_skb_list_pop(struct list_head *head);
void oxip_skb_list_add_tail(struct sk_buff *skb, struct list_head *head);
void oxip_list_init(struct list_head *head);
bool oxip_list_empty(const struct list_head *head);
struct sk_buff *oxip_alloc_skb(unsigned int size);
struct sk_buff *oxip_skb_put_data(struct sk_buff *skb, const void *data, unsigned int len);
void oxip_skb_reset_network_header(struct sk_buff *skb);
/* net/ip.h */
__sum16 oxip_ip_fast_csum(const void *iph, unsigned int ihl);
int oxip_ip_decrease_ttl(struct iphdr *iph);
/* net/dst.h, net/route.h, net/dst_metadata.h */
int oxip_dst_input(struct sk_buff *skb);
/* linux/inetdevice.h */
bool oxip_in_dev_source_route(const struct in_device *in_dev);
bool oxip_in_dev_drop_unicast_in_l2_multicast(const struct in_device *in_dev);
bool oxip_in_dev_nopolicy(const struct in_device *in_dev);
bool oxip_in_dev_route_localnet(const struct in_device *in_dev, const struct net *net);
/* net/ip_fib.h, net/l3mdev.h */
bool oxip_in_dev_rp_filter(const struct in_device *in_dev);
bool oxip_in_dev_accept_local(const struct in_device *in_dev);
struct sk_buff *oxip_l3mdev_ip_rcv(struct sk_buff *skb);
/* linux/netdevice.h, net/net_namespace.h, net/netns/generic.h */
void oxip_dev_core_stats_rx_otherhost_dropped_inc(struct net_device *dev);
void *oxip_net_generic(const struct net *net, unsigned int id);
struct net *oxip_seq_file_single_net(struct seq_file *seq);
struct net_device *oxip_netdev_notifier_info_to_dev(void *info);
bool oxip_changeupper_linking(void *info);
bool oxip_changeupper_master(void *info);
struct net_device *oxip_first_net_device(struct net *net);
struct net_device *oxip_next_net_device(struct net_device *dev);
bool oxip_dev_is_loopback(const struct net_device *dev);
unsigned int oxip_net_inum(const struct net *net);
/* linux/netfilter.h */
int oxip_nf_hook_prerouting(struct net *net, struct sk_buff *skb, struct net_device *dev,
			    int (*okfn)(struct net *, struct sock *, struct sk_buff *));
void oxip_nf_hook_list_prerouting(struct net *net, struct list_head *head, struct net_device *dev,
				  int (*okfn)(struct net *, struct sock *, struct sk_buff *));
/* linux/percpu.h, linux/cpumask.h */
void *oxip_this_cpu_ptr(void __percpu *p);
void *oxip_per_cpu_ptr(void __percpu *p, unsigned int cpu);
unsigned int oxip_cpumask_next_possible(int cpu);
unsigned int oxip_nr_cpu_ids(void);
void __percpu *oxip_alloc_percpu(size_t size, size_t align);
/* forwarding: net/ip.h, net/route.h, net/dst.h, net/xfrm.h, linux/skbuff.h */
bool oxip_skb_warn_if_lro(const struct sk_buff *skb);
bool oxip_xfrm4_policy_check_fwd(struct sk_buff *skb);
bool oxip_xfrm4_route_forward(struct sk_buff *skb);
bool oxip_ipcb_rr_needaddr(struct sk_buff *skb);
bool oxip_ipcb_srr_is_hit(struct sk_buff *skb);
bool oxip_ipcb_ts_needaddr(struct sk_buff *skb);
bool oxip_ipcb_is_changed(struct sk_buff *skb);
void oxip_ipcb_clear_is_changed(struct sk_buff *skb);
bool oxip_net_ra_chain_empty(const struct net *net);
/*
 * What ip_dst_mtu_maybe_forward() reads of a route, in one call (six
 * one-line helpers were six calls per forwarded packet): ip_mtu_locked(),
 * rt_pmtu, time_before(jiffies, dst->expires), dst_metric_raw(RTAX_MTU),
 * the device's mtu, lwtunnel_headroom(lwtstate, IP_MAX_MTU).
 */
struct oxip_mtu_inputs {
	unsigned int rt_pmtu;
	unsigned int metric_mtu;
	unsigned int dev_mtu;
	unsigned int lwt_headroom;
	bool mtu_locked;
	bool pmtu_fresh;
};
/* lwtunnel_headroom(dst->lwtstate, IP_MAX_MTU), for a dst with an lwtstate. */
unsigned int oxip_dst_lwt_headroom(const struct dst_entry *dst);
void oxip_icmp_send(struct sk_buff *skb, int type, int code, __be32 info);
int oxip_skb_cow_for_output(struct sk_buff *skb, const struct dst_entry *dst);
bool oxip_in_dev_tx_redirects(const struct in_device *in_dev);
int oxip_l3mdev_master_ifindex_rcu(const struct net_device *dev);
__be32 oxip_rt_nexthop(const struct rtable *rt, __be32 daddr);
unsigned long oxip_jiffies(void);
unsigned int oxip_hz(void);
int oxip_nf_hook_forward(struct net *net, struct sk_buff *skb, struct net_device *in, struct net_device *out,
			 int (*okfn)(struct net *, struct sock *, struct sk_buff *));
int oxip_dst_output(struct net *net, struct sock *sk, struct sk_buff *skb);
__be32 oxip_inet_select_addr_universe(const struct net_device *dev, __be32 dst);
/* takeover backlog: linux/netdevice.h, linux/skbuff.h, linux/bottom_half.h */
void oxip_netif_napi_add(struct net_device *dev, struct napi_struct *napi, int (*poll)(struct napi_struct *, int));
void oxip_netif_napi_del(struct napi_struct *napi);
bool oxip_napi_schedule(struct napi_struct *napi);
void oxip_udelay(unsigned int us);
struct net_device *oxip_alloc_netdev_dummy(void);
void oxip_skb_queue_head_init(struct sk_buff_head *list);
struct sk_buff *oxip___skb_dequeue(struct sk_buff_head *list);
void oxip_skb_queue_lock_bh(struct sk_buff_head *list);
void oxip_skb_queue_unlock_bh(struct sk_buff_head *list);
struct sk_buff *oxip_skb_peek(const struct sk_buff_head *list);
struct sk_buff *oxip_skb_peek_next(struct sk_buff *skb, const struct sk_buff_head *list);
void oxip___skb_unlink(struct sk_buff *skb, struct sk_buff_head *list);
void oxip_local_bh_disable(void);
void oxip_local_bh_enable(void);
/* teardown: linux/netdevice.h, linux/capability.h */
bool oxip_netif_running(const struct net_device *dev);
bool oxip_ns_capable_net_admin(const struct net *net);
/* multicast routing mirror: net/fib_notifier.h, linux/mroute_base.h, linux/mroute.h */
int oxip_fib_info_family(const struct fib_notifier_info *info);
u32 oxip_mfc_info_tb_id(const struct fib_notifier_info *info);
__be32 oxip_mfc_info_origin(const struct fib_notifier_info *info);
__be32 oxip_mfc_info_group(const struct fib_notifier_info *info);
unsigned short oxip_mfc_info_parent(const struct fib_notifier_info *info);
const unsigned char *oxip_mfc_info_ttls(const struct fib_notifier_info *info);
u32 oxip_vif_info_tb_id(const struct fib_notifier_info *info);
unsigned short oxip_vif_info_index(const struct fib_notifier_info *info);
unsigned short oxip_vif_info_flags(const struct fib_notifier_info *info);
int oxip_vif_info_ifindex(const struct fib_notifier_info *info);
struct rtable *oxip_ip_route_output_mc(struct net *net, __be32 daddr, u8 tos, int oif);
void oxip_ip_rt_put(struct rtable *rt);
unsigned int oxip_dst_mtu(const struct dst_entry *dst);
/* skb_dst_drop(skb); skb_dst_set(skb, dst): a held route replaces the skb's. */
struct sk_buff *oxip_skb_clone_atomic(struct sk_buff *skb);
/* linux/skbuff.h, net/dropreason-core.h */
void oxip_kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason);
/* behaviour: what native receive decides before IPv4 sees a frame, and
 * route/rule facts (linux/skbuff.h, linux/if_vlan.h, linux/netdevice.h,
 * net/route.h, net/fib_rules.h, linux/mroute.h)
 */
bool oxip_skb_is_gso_tcp(const struct sk_buff *skb);
void oxip_skb_dst_copy(struct sk_buff *nskb, const struct sk_buff *oskb);
bool oxip_rt_is_output_route(const struct rtable *rt);
const struct fib_rule *oxip_fib_rule_info_rule(const struct fib_notifier_info *info);
bool oxip_ipmr_rule_default(const struct fib_rule *rule);
u32 oxip_skb_mark(const struct sk_buff *skb);
int oxip_fib_lookup(struct net *net, struct flowi4 *flp, struct fib_result *res);
/* the route cache: include/net/dst.h, include/net/route.h, net/ipv4/route.c */
bool oxip_dst_hold_safe(struct dst_entry *dst);
void oxip_dst_release(struct dst_entry *dst);
bool oxip_rt_cache_valid(const struct dst_entry *dst, const struct net *net);

/* References for the field readers' KUnit test (helpers.c). */
#if IS_ENABLED(CONFIG_KUNIT)
/* The inline functions and fields the Rust readers and writers replace
 * (skb::field, NetDevice, Net, InDevice, Dst), as C reads and writes them.
 */
void oxip_skb_set_transport_header(struct sk_buff *skb, int offset);
bool oxip_skb_is_gso(const struct sk_buff *skb);
unsigned short oxip_skb_gso_segs(const struct sk_buff *skb);
__be16 oxip_skb_protocol(const struct sk_buff *skb);
bool oxip_skb_pfmemalloc(const struct sk_buff *skb);
bool oxip_skb_valid_dst(const struct sk_buff *skb);
bool oxip_fib_has_tclassid_users(struct net *net);
bool oxip_skb_secpath_exists(const struct sk_buff *skb);
void oxip_skb_forward_csum(struct sk_buff *skb);
void oxip_skb_set_priority(struct sk_buff *skb, u32 priority);
void oxip_skb_clear_tstamp(struct sk_buff *skb);
bool oxip_skb_vlan_tag_present(const struct sk_buff *skb);
bool oxip_dev_rx_handler_present(const struct net_device *dev);
bool oxip_skb_cloned(const struct sk_buff *skb);
bool oxip_skb_shared(const struct sk_buff *skb);
bool oxip_skb_ignore_df(const struct sk_buff *skb);
bool oxip_dev_l3mdev_any(const struct net_device *dev);
u16 oxip_skb_transport_header(const struct sk_buff *skb);
u8 oxip_skb_ip_summed(const struct sk_buff *skb);
u32 oxip_skb_priority(const struct sk_buff *skb);
s64 oxip_skb_tstamp(const struct sk_buff *skb);
void oxip_skb_set_ip_summed(struct sk_buff *skb, u8 v);
void oxip_skb_set_tstamp(struct sk_buff *skb, s64 t);
void oxip_rt_mtu_inputs(const struct rtable *rt, struct oxip_mtu_inputs *out);
struct rtable *oxip_rt_dst_alloc_lo(void);
void oxip_rt_set_pmtu(struct rtable *rt, unsigned int pmtu, bool locked, unsigned long expires);
int oxip_skb_iif(const struct sk_buff *skb);
int oxip_skb_network_offset(const struct sk_buff *skb);
bool oxip_fib4_has_custom_rules(const struct net *net);
bool oxip_fib_has_custom_local_routes(const struct net *net);
bool oxip_skb_has_sk(const struct sk_buff *skb);
bool oxip_ipcb_router_alert(struct sk_buff *skb);
bool oxip_ipcb_is_strictroute(struct sk_buff *skb);
bool oxip_net_fwd_use_pmtu(const struct net *net);
bool oxip_net_fwd_update_priority(const struct net *net);
struct dst_entry *oxip_skb_dst(const struct sk_buff *skb);
unsigned char *oxip_skb_network_linear(const struct sk_buff *skb, unsigned int *len);
unsigned char oxip_skb_pkt_type(const struct sk_buff *skb);
struct net_device *oxip_skb_dev(const struct sk_buff *skb);
struct inet_skb_parm *oxip_ipcb(struct sk_buff *skb);
struct rtable *oxip_skb_rtable(const struct sk_buff *skb);
struct in_device *oxip_in_dev_get_rcu(const struct net_device *dev);
struct net *oxip_dev_net(const struct net_device *dev);
void oxip_skb_dst_set_noref(struct sk_buff *skb, struct dst_entry *dst);
unsigned long oxip_skb_refdst(const struct sk_buff *skb);
bool oxip_skb_slow_gro(const struct sk_buff *skb);
void oxip_skb_clear_refdst(struct sk_buff *skb);
void oxip_skb_dst_replace(struct sk_buff *skb, struct dst_entry *dst);
bool oxip_net_ipv4_hooks(const struct net *net, int hook);
bool oxip_net_xfrm_no_policy(const struct net *net, int dir);
#endif

#endif
