// SPDX-License-Identifier: GPL-2.0
/*
 * oxip: one-line forwarders of static inline functions and macros, one per
 * function, prefixed oxip_, with no logic (as rust/helpers/ does).
 */
#include "helpers.h"

struct sk_buff *oxip_skb_share_check(struct sk_buff *skb) { return skb_share_check(skb, GFP_ATOMIC); }
bool oxip_pskb_may_pull(struct sk_buff *skb, unsigned int len) { return pskb_may_pull(skb, len); }
int oxip_pskb_trim_rcsum(struct sk_buff *skb, unsigned int len) { return pskb_trim_rcsum(skb, len); }
bool oxip_skb_sk_is_prefetched(struct sk_buff *skb) { return skb_sk_is_prefetched(skb); }
void oxip_skb_orphan(struct sk_buff *skb) { skb_orphan(skb); }
int oxip_skb_cow(struct sk_buff *skb, unsigned int headroom) { return skb_cow(skb, headroom); }
unsigned int oxip_skb_headroom(const struct sk_buff *skb) { return skb_headroom(skb); }
struct sk_buff *oxip_skb_list_pop(struct list_head *head)
{
	struct sk_buff *skb = list_first_entry_or_null(head, struct sk_buff, list);

	if (skb)
		skb_list_del_init(skb);
	return skb;
}
void oxip_skb_list_add_tail(struct sk_buff *skb, struct list_head *head) { list_add_tail(&skb->list, head); }
void oxip_list_init(struct list_head *head) { INIT_LIST_HEAD(head); }
bool oxip_list_empty(const struct list_head *head) { return list_empty(head); }
struct sk_buff *oxip_alloc_skb(unsigned int size) { return alloc_skb(size, GFP_KERNEL); }
struct sk_buff *oxip_skb_put_data(struct sk_buff *skb, const void *data, unsigned int len) { skb_put_data(skb, data, len); return skb; }
void oxip_skb_reset_network_header(struct sk_buff *skb) { skb_reset_network_header(skb); }

__sum16 oxip_ip_fast_csum(const void *iph, unsigned int ihl) { return ip_fast_csum(iph, ihl); }
int oxip_ip_decrease_ttl(struct iphdr *iph) { return ip_decrease_ttl(iph); }

int oxip_dst_input(struct sk_buff *skb) { return dst_input(skb); }

bool oxip_in_dev_source_route(const struct in_device *in_dev) { return IN_DEV_SOURCE_ROUTE(in_dev); }
bool oxip_in_dev_drop_unicast_in_l2_multicast(const struct in_device *in_dev) { return IN_DEV_ORCONF(in_dev, DROP_UNICAST_IN_L2_MULTICAST); }
bool oxip_in_dev_nopolicy(const struct in_device *in_dev) { return IN_DEV_ORCONF(in_dev, NOPOLICY); }
bool oxip_in_dev_route_localnet(const struct in_device *in_dev, const struct net *net) { return IN_DEV_NET_ROUTE_LOCALNET(in_dev, net); }

bool oxip_in_dev_rp_filter(const struct in_device *in_dev) { return IN_DEV_RPFILTER(in_dev); }
bool oxip_in_dev_accept_local(const struct in_device *in_dev) { return IN_DEV_ACCEPT_LOCAL(in_dev); }
struct sk_buff *oxip_l3mdev_ip_rcv(struct sk_buff *skb) { return l3mdev_ip_rcv(skb); }

void oxip_dev_core_stats_rx_otherhost_dropped_inc(struct net_device *dev) { dev_core_stats_rx_otherhost_dropped_inc(dev); }
void *oxip_net_generic(const struct net *net, unsigned int id) { return net_generic(net, id); }
struct net *oxip_seq_file_single_net(struct seq_file *seq) { return seq_file_single_net(seq); }
struct net_device *oxip_netdev_notifier_info_to_dev(void *info) { return netdev_notifier_info_to_dev(info); }
bool oxip_changeupper_linking(void *info) { return ((struct netdev_notifier_changeupper_info *)info)->linking; }
bool oxip_changeupper_master(void *info) { return ((struct netdev_notifier_changeupper_info *)info)->master; }
struct net_device *oxip_first_net_device(struct net *net) { return first_net_device(net); }
struct net_device *oxip_next_net_device(struct net_device *dev) { return next_net_device(dev); }
bool oxip_dev_is_loopback(const struct net_device *dev) { return dev->flags & IFF_LOOPBACK; }
unsigned int oxip_net_inum(const struct net *net) { return net->ns.inum; }

/* nf_hook(), NF_HOOK without its okfn call: 1 means every hook accepted and the caller goes on with the skb. */
int oxip_nf_hook_prerouting(struct net *net, struct sk_buff *skb, struct net_device *dev, int (*okfn)(struct net *, struct sock *, struct sk_buff *)) { return nf_hook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, dev, NULL, okfn); }
void oxip_nf_hook_list_prerouting(struct net *net, struct list_head *head, struct net_device *dev, int (*okfn)(struct net *, struct sock *, struct sk_buff *)) { NF_HOOK_LIST(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, head, dev, NULL, okfn); }

void *oxip_this_cpu_ptr(void __percpu *p) { return this_cpu_ptr(p); }
void *oxip_per_cpu_ptr(void __percpu *p, unsigned int cpu) { return per_cpu_ptr(p, cpu); }
unsigned int oxip_cpumask_next_possible(int cpu) { return cpumask_next(cpu, cpu_possible_mask); }
unsigned int oxip_nr_cpu_ids(void) { return nr_cpu_ids; }
void __percpu *oxip_alloc_percpu(size_t size, size_t align) { return __alloc_percpu(size, align); }

bool oxip_skb_warn_if_lro(const struct sk_buff *skb) { return skb_warn_if_lro(skb); }
bool oxip_xfrm4_policy_check_fwd(struct sk_buff *skb) { return xfrm4_policy_check(NULL, XFRM_POLICY_FWD, skb); }
bool oxip_xfrm4_route_forward(struct sk_buff *skb) { return xfrm4_route_forward(skb); }
bool oxip_ipcb_rr_needaddr(struct sk_buff *skb) { return IPCB(skb)->opt.rr_needaddr; }
bool oxip_ipcb_srr_is_hit(struct sk_buff *skb) { return IPCB(skb)->opt.srr_is_hit; }
bool oxip_ipcb_ts_needaddr(struct sk_buff *skb) { return IPCB(skb)->opt.ts_needaddr; }
bool oxip_ipcb_is_changed(struct sk_buff *skb) { return IPCB(skb)->opt.is_changed; }
void oxip_ipcb_clear_is_changed(struct sk_buff *skb) { IPCB(skb)->opt.is_changed = 0; }
bool oxip_net_ra_chain_empty(const struct net *net) { return !rcu_access_pointer(net->ipv4.ra_chain); }
unsigned int oxip_dst_lwt_headroom(const struct dst_entry *dst) { return lwtunnel_headroom(dst->lwtstate, IP_MAX_MTU); }
void oxip_icmp_send(struct sk_buff *skb, int type, int code, __be32 info) { icmp_send(skb, type, code, info); }
int oxip_skb_cow_for_output(struct sk_buff *skb, const struct dst_entry *dst) { return skb_cow(skb, LL_RESERVED_SPACE(dst_dev(dst)) + dst->header_len); }
bool oxip_in_dev_tx_redirects(const struct in_device *in_dev) { return IN_DEV_TX_REDIRECTS(in_dev); }
int oxip_l3mdev_master_ifindex_rcu(const struct net_device *dev) { return l3mdev_master_ifindex_rcu(dev); }
__be32 oxip_rt_nexthop(const struct rtable *rt, __be32 daddr) { return rt_nexthop(rt, daddr); }
unsigned long oxip_jiffies(void) { return jiffies; }
unsigned int oxip_hz(void) { return HZ; }
int oxip_nf_hook_forward(struct net *net, struct sk_buff *skb, struct net_device *in, struct net_device *out, int (*okfn)(struct net *, struct sock *, struct sk_buff *)) { return nf_hook(NFPROTO_IPV4, NF_INET_FORWARD, net, NULL, skb, in, out, okfn); }
int oxip_dst_output(struct net *net, struct sock *sk, struct sk_buff *skb) { return dst_output(net, sk, skb); }
__be32 oxip_inet_select_addr_universe(const struct net_device *dev, __be32 dst) { return inet_select_addr(dev, dst, RT_SCOPE_UNIVERSE); }

void oxip_netif_napi_add(struct net_device *dev, struct napi_struct *napi, int (*poll)(struct napi_struct *, int)) { netif_napi_add(dev, napi, poll); }
void oxip_netif_napi_del(struct napi_struct *napi) { netif_napi_del(napi); }
bool oxip_napi_schedule(struct napi_struct *napi) { return napi_schedule(napi); }
void oxip_udelay(unsigned int us)
{
	while (us) {
		unsigned int n = min(us, 1000U);

		udelay(n);
		us -= n;
	}
}
struct net_device *oxip_alloc_netdev_dummy(void) { return alloc_netdev_dummy(0); }
void oxip_skb_queue_head_init(struct sk_buff_head *list) { skb_queue_head_init(list); }
struct sk_buff *oxip___skb_dequeue(struct sk_buff_head *list) { return __skb_dequeue(list); }
void oxip_skb_queue_lock_bh(struct sk_buff_head *list) { spin_lock_bh(&list->lock); }
void oxip_skb_queue_unlock_bh(struct sk_buff_head *list) { spin_unlock_bh(&list->lock); }
struct sk_buff *oxip_skb_peek(const struct sk_buff_head *list) { return skb_peek(list); }
struct sk_buff *oxip_skb_peek_next(struct sk_buff *skb, const struct sk_buff_head *list) { return skb_peek_next(skb, list); }
void oxip___skb_unlink(struct sk_buff *skb, struct sk_buff_head *list) { __skb_unlink(skb, list); }
void oxip_local_bh_disable(void) { local_bh_disable(); }
void oxip_local_bh_enable(void) { local_bh_enable(); }
/* teardown: linux/netdevice.h, linux/capability.h */
bool oxip_netif_running(const struct net_device *dev) { return netif_running(dev); }
bool oxip_ns_capable_net_admin(const struct net *net) { return ns_capable(net->user_ns, CAP_NET_ADMIN); }

int oxip_fib_info_family(const struct fib_notifier_info *info) { return info->family; }
u32 oxip_mfc_info_tb_id(const struct fib_notifier_info *info) { return container_of(info, struct mfc_entry_notifier_info, info)->tb_id; }
__be32 oxip_mfc_info_origin(const struct fib_notifier_info *info) { return container_of(container_of(info, struct mfc_entry_notifier_info, info)->mfc, struct mfc_cache, _c)->mfc_origin; }
__be32 oxip_mfc_info_group(const struct fib_notifier_info *info) { return container_of(container_of(info, struct mfc_entry_notifier_info, info)->mfc, struct mfc_cache, _c)->mfc_mcastgrp; }
unsigned short oxip_mfc_info_parent(const struct fib_notifier_info *info) { return container_of(info, struct mfc_entry_notifier_info, info)->mfc->mfc_parent; }
const unsigned char *oxip_mfc_info_ttls(const struct fib_notifier_info *info) { return container_of(info, struct mfc_entry_notifier_info, info)->mfc->mfc_un.res.ttls; }
u32 oxip_vif_info_tb_id(const struct fib_notifier_info *info) { return container_of(info, struct vif_entry_notifier_info, info)->tb_id; }
unsigned short oxip_vif_info_index(const struct fib_notifier_info *info) { return container_of(info, struct vif_entry_notifier_info, info)->vif_index; }
unsigned short oxip_vif_info_flags(const struct fib_notifier_info *info) { return container_of(info, struct vif_entry_notifier_info, info)->vif_flags; }
int oxip_vif_info_ifindex(const struct fib_notifier_info *info) { return container_of(info, struct vif_entry_notifier_info, info)->dev->ifindex; }

struct rtable *oxip_ip_route_output_mc(struct net *net, __be32 daddr, u8 tos, int oif) { struct flowi4 fl4; struct rtable *rt = ip_route_output_ports(net, &fl4, NULL, daddr, 0, 0, 0, IPPROTO_IPIP, tos & INET_DSCP_MASK, oif); return IS_ERR(rt) ? NULL : rt; }
void oxip_ip_rt_put(struct rtable *rt) { ip_rt_put(rt); }
unsigned int oxip_dst_mtu(const struct dst_entry *dst) { return dst_mtu(dst); }
struct sk_buff *oxip_skb_clone_atomic(struct sk_buff *skb) { return skb_clone(skb, GFP_ATOMIC); }

void oxip_kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason) { kfree_skb_reason(skb, reason); }

bool oxip_skb_is_gso_tcp(const struct sk_buff *skb) { return skb_is_gso_tcp(skb); }
void oxip_skb_dst_copy(struct sk_buff *nskb, const struct sk_buff *oskb) { skb_dst_copy(nskb, oskb); }
bool oxip_rt_is_output_route(const struct rtable *rt) { return rt_is_output_route(rt); }
const struct fib_rule *oxip_fib_rule_info_rule(const struct fib_notifier_info *info) { return container_of(info, struct fib_rule_notifier_info, info)->rule; }
bool oxip_ipmr_rule_default(const struct fib_rule *rule) { return ipmr_rule_default(rule); }
u32 oxip_skb_mark(const struct sk_buff *skb) { return skb->mark; }
int oxip_fib_lookup(struct net *net, struct flowi4 *flp, struct fib_result *res) { return fib_lookup(net, flp, res, 0); }

/*
 * The route cache. rt_cache_valid() of net/ipv4/route.c, with the netns
 * given (the skb's: a valid cached route's device is in it).
 */
bool oxip_dst_hold_safe(struct dst_entry *dst) { return dst_hold_safe(dst); }
void oxip_dst_release(struct dst_entry *dst) { dst_release(dst); }
bool oxip_rt_cache_valid(const struct dst_entry *dst, const struct net *net)
{
	const struct rtable *rt = container_of(dst, struct rtable, dst);

	return READ_ONCE(dst->obsolete) == DST_OBSOLETE_FORCE_CHK &&
	       rt->rt_genid == rt_genid_ipv4(net);
}

/*
 * References for the KUnit test of the Rust field readers (skb::field and
 * friends read these fields directly, without a call per read).
 */
#if IS_ENABLED(CONFIG_KUNIT)
/* The inline functions and fields the Rust readers and writers replace
 * (skb::field, NetDevice, Net, InDevice, Dst), as C reads and writes them.
 */
void oxip_skb_set_transport_header(struct sk_buff *skb, int offset) { skb_set_transport_header(skb, offset); }
bool oxip_skb_is_gso(const struct sk_buff *skb) { return skb_is_gso(skb); }
unsigned short oxip_skb_gso_segs(const struct sk_buff *skb) { return skb_shinfo(skb)->gso_segs; }
__be16 oxip_skb_protocol(const struct sk_buff *skb) { return skb->protocol; }
bool oxip_skb_pfmemalloc(const struct sk_buff *skb) { return skb_pfmemalloc(skb); }
bool oxip_skb_valid_dst(const struct sk_buff *skb) { return skb_valid_dst(skb); }
bool oxip_fib_has_tclassid_users(struct net *net) { return fib_num_tclassid_users(net) != 0; }
bool oxip_skb_secpath_exists(const struct sk_buff *skb) { return secpath_exists(skb); }
void oxip_skb_forward_csum(struct sk_buff *skb) { skb_forward_csum(skb); }
void oxip_skb_set_priority(struct sk_buff *skb, u32 priority) { skb->priority = priority; }
void oxip_skb_clear_tstamp(struct sk_buff *skb) { skb_clear_tstamp(skb); }
bool oxip_skb_vlan_tag_present(const struct sk_buff *skb) { return skb_vlan_tag_present(skb); }
bool oxip_dev_rx_handler_present(const struct net_device *dev) { return rcu_access_pointer(dev->rx_handler) != NULL; }
bool oxip_skb_cloned(const struct sk_buff *skb) { return skb_cloned(skb); }
bool oxip_skb_shared(const struct sk_buff *skb) { return skb_shared(skb); }
bool oxip_skb_ignore_df(const struct sk_buff *skb) { return skb->ignore_df; }
bool oxip_dev_l3mdev_any(const struct net_device *dev) { return netif_is_l3_slave(dev) || netif_is_l3_master(dev) || netif_has_l3_rx_handler(dev); }
u16 oxip_skb_transport_header(const struct sk_buff *skb) { return skb->transport_header; }
u8 oxip_skb_ip_summed(const struct sk_buff *skb) { return skb->ip_summed; }
u32 oxip_skb_priority(const struct sk_buff *skb) { return skb->priority; }
s64 oxip_skb_tstamp(const struct sk_buff *skb) { return skb->tstamp; }
void oxip_skb_set_ip_summed(struct sk_buff *skb, u8 v) { skb->ip_summed = v; }
void oxip_skb_set_tstamp(struct sk_buff *skb, s64 t) { skb->tstamp = t; }
void oxip_rt_mtu_inputs(const struct rtable *rt, struct oxip_mtu_inputs *out)
{
	const struct dst_entry *dst = &rt->dst;

	out->mtu_locked = ip_mtu_locked(dst);
	out->rt_pmtu = rt->rt_pmtu;
	out->pmtu_fresh = time_before(jiffies, READ_ONCE(dst->expires));
	out->metric_mtu = dst_metric_raw(dst, RTAX_MTU);
	out->dev_mtu = READ_ONCE(dst_dev(dst)->mtu);
	out->lwt_headroom = lwtunnel_headroom(dst->lwtstate, IP_MAX_MTU);
}

/* A route of init_net's loopback device with default metrics, and its PMTU
 * fields, for the MTU readers' test.
 */
struct rtable *oxip_rt_dst_alloc_lo(void) { return rt_dst_alloc(init_net.loopback_dev, 0, RTN_UNICAST, false); }
void oxip_rt_set_pmtu(struct rtable *rt, unsigned int pmtu, bool locked, unsigned long expires)
{
	rt->rt_pmtu = pmtu;
	rt->rt_mtu_locked = locked;
	rt->dst.expires = expires;
}
int oxip_skb_iif(const struct sk_buff *skb) { return skb->skb_iif; }
int oxip_skb_network_offset(const struct sk_buff *skb) { return skb_network_offset(skb); }
bool oxip_fib4_has_custom_rules(const struct net *net) { return fib4_has_custom_rules(net); }
bool oxip_fib_has_custom_local_routes(const struct net *net) { return READ_ONCE(net->ipv4.fib_has_custom_local_routes); }
bool oxip_skb_has_sk(const struct sk_buff *skb) { return skb->sk; }
bool oxip_ipcb_router_alert(struct sk_buff *skb) { return IPCB(skb)->opt.router_alert; }
bool oxip_ipcb_is_strictroute(struct sk_buff *skb) { return IPCB(skb)->opt.is_strictroute; }
bool oxip_net_fwd_use_pmtu(const struct net *net) { return READ_ONCE(net->ipv4.sysctl_ip_fwd_use_pmtu); }
bool oxip_net_fwd_update_priority(const struct net *net) { return READ_ONCE(net->ipv4.sysctl_ip_fwd_update_priority); }
struct dst_entry *oxip_skb_dst(const struct sk_buff *skb) { return skb_dst(skb); }
unsigned char *oxip_skb_network_linear(const struct sk_buff *skb, unsigned int *len) { *len = skb_headlen(skb) - skb_network_offset(skb); return skb_network_header(skb); }
unsigned char oxip_skb_pkt_type(const struct sk_buff *skb) { return skb->pkt_type; }
struct net_device *oxip_skb_dev(const struct sk_buff *skb) { return skb->dev; }
struct inet_skb_parm *oxip_ipcb(struct sk_buff *skb) { return IPCB(skb); }
struct rtable *oxip_skb_rtable(const struct sk_buff *skb) { return skb_rtable(skb); }
struct in_device *oxip_in_dev_get_rcu(const struct net_device *dev) { return __in_dev_get_rcu(dev); }
struct net *oxip_dev_net(const struct net_device *dev) { return dev_net(dev); }
void oxip_skb_dst_set_noref(struct sk_buff *skb, struct dst_entry *dst) { skb_dst_set_noref(skb, dst); }
unsigned long oxip_skb_refdst(const struct sk_buff *skb) { return skb->_skb_refdst; }
bool oxip_skb_slow_gro(const struct sk_buff *skb) { return skb->slow_gro; }
void oxip_skb_clear_refdst(struct sk_buff *skb) { skb->_skb_refdst = 0; }
void oxip_skb_dst_replace(struct sk_buff *skb, struct dst_entry *dst)
{
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
}
bool oxip_net_ipv4_hooks(const struct net *net, int hook)
{
#if IS_ENABLED(CONFIG_NETFILTER)
	return rcu_access_pointer(net->nf.hooks_ipv4[hook]) != NULL;
#else
	return false;
#endif
}
/* __xfrm_check_nopolicy()'s and xfrm_route_forward()'s namespace test. */
bool oxip_net_xfrm_no_policy(const struct net *net, int dir)
{
#if IS_ENABLED(CONFIG_XFRM)
	return !READ_ONCE(net->xfrm.policy_count[dir]) &&
	       READ_ONCE(net->xfrm.policy_default[dir]) == XFRM_USERPOLICY_ACCEPT;
#else
	return true;
#endif
}
#endif
