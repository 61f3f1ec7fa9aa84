// SPDX-License-Identifier: GPL-2.0
/*
 * oxip: one-line forwarders of static inline functions and macros, one per
 * function, prefixed oxip_, with no logic (as rust/helpers/ does).
 */
#include "helpers.h"

struct sk_buff *oxip_skb_share_check(struct sk_buff *skb) { return skb_share_check(skb, GFP_ATOMIC); }
bool oxip_pskb_may_pull(struct sk_buff *skb, unsigned int len) { return pskb_may_pull(skb, len); }
unsigned char *oxip_skb_network_header(const struct sk_buff *skb) { return skb_network_header(skb); }
unsigned int oxip_skb_headlen(const struct sk_buff *skb) { return skb_headlen(skb); }
int oxip_pskb_trim_rcsum(struct sk_buff *skb, unsigned int len) { return pskb_trim_rcsum(skb, len); }
void oxip_skb_set_transport_header(struct sk_buff *skb, int offset) { skb_set_transport_header(skb, offset); }
bool oxip_skb_sk_is_prefetched(struct sk_buff *skb) { return skb_sk_is_prefetched(skb); }
void oxip_skb_orphan(struct sk_buff *skb) { skb_orphan(skb); }
bool oxip_skb_is_gso(const struct sk_buff *skb) { return skb_is_gso(skb); }
unsigned short oxip_skb_gso_segs(const struct sk_buff *skb) { return skb_shinfo(skb)->gso_segs; }
int oxip_skb_cow(struct sk_buff *skb, unsigned int headroom) { return skb_cow(skb, headroom); }
unsigned int oxip_skb_headroom(const struct sk_buff *skb) { return skb_headroom(skb); }
unsigned char oxip_skb_pkt_type(const struct sk_buff *skb) { return skb->pkt_type; }
struct sk_buff *oxip_skb_list_pop(struct list_head *head) { struct sk_buff *skb = list_first_entry_or_null(head, struct sk_buff, list); if (skb) skb_list_del_init(skb); return skb; }
void oxip_skb_list_add_tail(struct sk_buff *skb, struct list_head *head) { list_add_tail(&skb->list, head); }
void oxip_list_init(struct list_head *head) { INIT_LIST_HEAD(head); }
bool oxip_list_empty(const struct list_head *head) { return list_empty(head); }
struct sk_buff *oxip_alloc_skb(unsigned int size) { return alloc_skb(size, GFP_KERNEL); }
struct sk_buff *oxip_skb_put_data(struct sk_buff *skb, const void *data, unsigned int len) { skb_put_data(skb, data, len); return skb; }
void oxip_skb_reset_network_header(struct sk_buff *skb) { skb_reset_network_header(skb); }
struct net_device *oxip_skb_dev(const struct sk_buff *skb) { return skb->dev; }
__be16 oxip_skb_protocol(const struct sk_buff *skb) { return skb->protocol; }
int oxip_skb_iif(const struct sk_buff *skb) { return skb->skb_iif; }
int oxip_skb_network_offset(const struct sk_buff *skb) { return skb_network_offset(skb); }
void oxip_skb_set_protocol(struct sk_buff *skb, __be16 protocol) { skb->protocol = protocol; }

struct inet_skb_parm *oxip_ipcb(struct sk_buff *skb) { return IPCB(skb); }
__sum16 oxip_ip_fast_csum(const void *iph, unsigned int ihl) { return ip_fast_csum(iph, ihl); }

struct dst_entry *oxip_skb_dst(const struct sk_buff *skb) { return skb_dst(skb); }
bool oxip_skb_valid_dst(const struct sk_buff *skb) { return skb_valid_dst(skb); }
struct rtable *oxip_skb_rtable(const struct sk_buff *skb) { return skb_rtable(skb); }
unsigned long oxip_skb_refdst(const struct sk_buff *skb) { return skb->_skb_refdst; }
void oxip_skb_dst_copy_refdst(struct sk_buff *skb, unsigned long refdst) { __skb_dst_copy(skb, refdst); }
int oxip_dst_input(struct sk_buff *skb) { return dst_input(skb); }

struct in_device *oxip_in_dev_get_rcu(const struct net_device *dev) { return __in_dev_get_rcu(dev); }
bool oxip_in_dev_source_route(const struct in_device *in_dev) { return IN_DEV_SOURCE_ROUTE(in_dev); }
bool oxip_in_dev_drop_unicast_in_l2_multicast(const struct in_device *in_dev) { return IN_DEV_ORCONF(in_dev, DROP_UNICAST_IN_L2_MULTICAST); }
bool oxip_in_dev_nopolicy(const struct in_device *in_dev) { return IN_DEV_ORCONF(in_dev, NOPOLICY); }
bool oxip_in_dev_route_localnet(const struct in_device *in_dev, const struct net *net) { return IN_DEV_NET_ROUTE_LOCALNET(in_dev, net); }

bool oxip_fib4_has_custom_rules(const struct net *net) { return fib4_has_custom_rules(net); }
struct sk_buff *oxip_l3mdev_ip_rcv(struct sk_buff *skb) { return l3mdev_ip_rcv(skb); }

struct net *oxip_dev_net(const struct net_device *dev) { return dev_net(dev); }
void oxip_dev_core_stats_rx_otherhost_dropped_inc(struct net_device *dev) { dev_core_stats_rx_otherhost_dropped_inc(dev); }
void *oxip_net_generic(const struct net *net, unsigned int id) { return net_generic(net, id); }
struct net *oxip_seq_file_net(struct seq_file *seq) { return seq_file_net(seq); }
struct net *oxip_seq_file_single_net(struct seq_file *seq) { return seq_file_single_net(seq); }
struct net_device *oxip_netdev_notifier_info_to_dev(void *info) { return netdev_notifier_info_to_dev(info); }
void oxip_rcu_read_lock(void) { rcu_read_lock(); }
void oxip_rcu_read_unlock(void) { rcu_read_unlock(); }

int oxip_nf_hook_prerouting(struct net *net, struct sk_buff *skb, struct net_device *dev, int (*okfn)(struct net *, struct sock *, struct sk_buff *)) { return NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, dev, NULL, okfn); }
void oxip_nf_hook_list_prerouting(struct net *net, struct list_head *head, struct net_device *dev, int (*okfn)(struct net *, struct sock *, struct sk_buff *)) { NF_HOOK_LIST(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, head, dev, NULL, okfn); }

void *oxip_this_cpu_ptr(void __percpu *p) { return this_cpu_ptr(p); }
void *oxip_per_cpu_ptr(void __percpu *p, unsigned int cpu) { return per_cpu_ptr(p, cpu); }
unsigned int oxip_cpumask_next_possible(int cpu) { return cpumask_next(cpu, cpu_possible_mask); }
unsigned int oxip_nr_cpu_ids(void) { return nr_cpu_ids; }
void __percpu *oxip_alloc_percpu(size_t size, size_t align) { return __alloc_percpu(size, align); }

void oxip_kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason) { kfree_skb_reason(skb, reason); }
void oxip_consume_skb(struct sk_buff *skb) { consume_skb(skb); }
