# SPDX-License-Identifier: GPL-2.0
"""The differential corpus: crafted IPv4 packets from a (10.0.0.1) to b
(10.0.0.2). Each case says how to build its frames, how long to let them
settle, any sysctl it needs in b, and what native must do with it (so the
case proves it exercises what it names)."""
import os
import struct
import subprocess

from pkt import csum, frame, icmp_echo, iphdr, tcp_syn, udp

A, B, C = "10.0.0.1", "10.0.0.2", "10.0.1.2"
FWD = {"net.ipv4.ip_forward": 1}
XFRM_SEL = ["xfrm", "policy", "add", "src", A + "/32", "dst", C + "/32"]
BCAST_MAC = "ff:ff:ff:ff:ff:ff"

# IP option bytes (RFC 791, RFC 2113).
OPT_RR = bytes([7, 11, 4]) + b"\0" * 8             # record route, 2 slots
OPT_TS = bytes([68, 12, 5, 0]) + b"\0" * 8          # timestamp, 2 slots
OPT_RA = bytes([148, 4, 0, 0])                      # router alert
OPT_LSRR = bytes([131, 7, 4]) + bytes([10, 0, 0, 1])  # loose source route via a
OPT_SSRR = bytes([137, 7, 4]) + bytes([10, 0, 0, 1])  # strict source route via a
OPT_BADLEN = bytes([7, 40, 4, 0])                   # RR claiming 40 bytes
OPT_NOPS = bytes([1, 1, 1, 0])                      # NOP NOP NOP EOL

_ident = [0x2000]


def next_id():
    _ident[0] = (_ident[0] + 1) & 0xFFFF
    return _ident[0]


class Case:
    def __init__(self, name, build, settle=0.0, sysctls=None, expect=None, mroute=False, ip=None):
        self.name = name
        self.mroute = mroute
        self.build = build
        self.settle = settle
        self.sysctls = sysctls or {}
        self.expect = expect
        # `ip -n b` commands: (set up, undo), each a list of argument lists.
        self.ip = ip or ([], [])
        self._saved = {}

    def frames(self, rig, ethertype):
        return self.build(rig, ethertype)

    def prepare(self, sysctl):
        for k, v in self.sysctls.items():
            sysctl("b", k, v)
        for args in self.ip[0]:
            subprocess.run(["ip", "-n", "b", *args], check=True)

    def restore(self, sysctl):
        for k in self.sysctls:
            sysctl("b", k, DEFAULTS.get(k, 0))
        for args in self.ip[1]:
            subprocess.run(["ip", "-n", "b", *args], check=True)


DEFAULTS = {
    "net.ipv4.conf.all.drop_unicast_in_l2_multicast": 0,
    "net.ipv4.conf.veth-b.drop_unicast_in_l2_multicast": 0,
    "net.ipv4.conf.all.rp_filter": 0,
    "net.ipv4.conf.veth-b.rp_filter": 0,
    "net.ipv4.ip_forward": 0,
    "net.ipv4.ip_forward_update_priority": 1,
    "net.ipv4.conf.all.send_redirects": 1,
    "net.ipv4.conf.veth-b.send_redirects": 1,
    "net.ipv4.conf.all.accept_source_route": 0,
    "net.ipv4.conf.veth-b.accept_source_route": 0,
    # What the replayed fuzz cases (fuzz_cases.txt) set, at the kernel's defaults.
    "net.ipv4.conf.veth-bc.send_redirects": 1,
    "net.ipv4.conf.all.route_localnet": 0,
    "net.ipv4.conf.veth-b.route_localnet": 0,
    "net.ipv4.conf.all.accept_local": 0,
    "net.ipv4.conf.veth-b.accept_local": 0,
    "net.ipv4.conf.all.bc_forwarding": 0,
    "net.ipv4.conf.veth-b.bc_forwarding": 0,
    "net.ipv4.conf.veth-bc.bc_forwarding": 0,
}

if os.path.exists("/proc/sys/net/ipv4/tcp_syncookies"):  # CONFIG_SYN_COOKIES
    DEFAULTS["net.ipv4.tcp_syncookies"] = 1


def setup(sysctl):
    for k, v in {
        "net.ipv4.icmp_ratelimit": 0,
        "net.ipv4.icmp_msgs_per_sec": 100000,
        "net.ipv4.icmp_msgs_burst": 100000,
        "net.ipv4.ipfrag_time": 1,
        "net.ipv4.icmp_echo_ignore_broadcasts": 0,
        **DEFAULTS,
    }.items():
        sysctl("b", k, v)


def ip(rig, et, l4, proto, src=A, dst=B, dst_mac=None, pad=b"", **kw):
    kw.setdefault("ident", next_id())
    return frame(dst_mac or rig.b_mac, rig.a_mac, et, iphdr(src, dst, proto, len(l4), **kw) + l4 + pad)


def u(dport=9, src=A, dst=B, payload=b"oxip", **kw):
    return lambda rig, et: [ip(rig, et, udp(src, dst, 40000, dport, payload), 17, src=src, dst=dst, **kw)]


def raw(payload_fn):
    """A frame whose IP bytes the case writes itself."""
    return lambda rig, et: [frame(rig.b_mac, rig.a_mac, et, payload_fn())]


def udp_bytes(**kw):
    l4 = udp(A, B, 40000, 9)
    return iphdr(A, B, 17, len(l4), ident=next_id(), **kw) + l4


def patched(offset, value, **kw):
    def f():
        b = bytearray(udp_bytes(**kw))
        b[offset] = value
        return bytes(b)
    return f


def fragments(first_only=False, middle_only=False):
    def build(rig, et):
        ident = next_id()
        payload = udp(A, B, 40000, 9, b"x" * 40)
        first, second = payload[:24], payload[24:]
        f1 = frame(rig.b_mac, rig.a_mac, et, iphdr(A, B, 17, len(first), ident=ident, frag=0x2000) + first)
        f2 = frame(rig.b_mac, rig.a_mac, et, iphdr(A, B, 17, len(second), ident=ident, frag=3) + second)
        if first_only:
            return [f1]
        if middle_only:
            mid = frame(rig.b_mac, rig.a_mac, et, iphdr(A, B, 17, len(first), ident=ident, frag=0x2000 | 3) + first)
            return [mid]
        return [f1, f2]
    return build


def delivered(n):
    return lambda r: r["delivered"] == n


def dropped(r):
    return r["delivered"] == 0


def replied(text):
    return lambda r: any(text in x for x in r["replies"])


def hdr_error(r):
    return r["mibs"].get("Ip.InHdrErrors", 0) == 1 and r["delivered"] == 0


def igmp_query_bytes():
    """An IGMPv2 general query with a 0.1 s maximum response time, so the
    reports it draws come within the case's settle time."""
    h = bytearray([0x11, 1, 0, 0, 0, 0, 0, 0])
    c = csum(bytes(h))
    h[2:4] = c.to_bytes(2, "big")
    return bytes(h)


IGMP_QUERY = lambda rig, et: [  # noqa: E731
    ip(rig, et, igmp_query_bytes(), 2, dst="224.0.0.1",
       dst_mac="01:00:5e:00:00:01", ttl=1, options=OPT_RA)]

CASES = [
    # Valid traffic.
    Case("udp_local", u(), expect=delivered(1)),
    Case("udp_closed_port", u(dport=10), expect=replied("type 3 code 3")),
    Case("icmp_echo", lambda rig, et: [ip(rig, et, icmp_echo(), 1)], expect=replied("type 0 code 0")),
    Case("tcp_syn_listening", lambda rig, et: [ip(rig, et, tcp_syn(A, B, 40001, 80), 6)], expect=replied("tcp")),
    Case("tcp_syn_closed", lambda rig, et: [ip(rig, et, tcp_syn(A, B, 40002, 81), 6)], expect=replied("AR")),
    Case("udp_ttl1_local", u(ttl=1), expect=delivered(1)),
    Case("udp_ecn_ect0", u(tos=2), expect=lambda r: r["mibs"].get("IpExt.InECT0Pkts") == 1),
    Case("udp_ecn_ect1", u(tos=1), expect=lambda r: r["mibs"].get("IpExt.InECT1Pkts") == 1),
    Case("udp_ecn_ce", u(tos=3), expect=lambda r: r["mibs"].get("IpExt.InCEPkts") == 1),
    Case("udp_dscp_ef", u(tos=0xB8), expect=delivered(1)),
    Case("udp_large", u(payload=b"L" * 1400), expect=delivered(1)),
    Case("udp_burst_same_dst", lambda rig, et: u()(rig, et) * 8, expect=delivered(8)),
    Case("unknown_protocol", lambda rig, et: [ip(rig, et, b"\0" * 8, 253)], expect=replied("type 3 code 2")),
    Case("igmp_query", IGMP_QUERY, settle=0.5),
    # Malformed headers.
    Case("bad_version_6", raw(patched(0, 0x65)), expect=hdr_error),
    Case("bad_version_0", raw(patched(0, 0x05)), expect=hdr_error),
    Case("ihl_4", raw(patched(0, 0x44)), expect=hdr_error),
    Case("ihl_0", raw(patched(0, 0x40)), expect=hdr_error),
    Case("ihl_15_past_packet", raw(lambda: udp_bytes(ihl=15)), expect=hdr_error),
    Case("bad_checksum", raw(lambda: udp_bytes(check=0x1234)),
         expect=lambda r: r["mibs"].get("Ip.InHdrErrors") == 1 and r["mibs"].get("IpExt.InCsumErrors") == 1),
    Case("zero_checksum", raw(lambda: udp_bytes(check=0)), expect=hdr_error),
    Case("truncated_tot_len", raw(lambda: udp_bytes(tot_len=200)),
         expect=lambda r: r["mibs"].get("IpExt.InTruncatedPkts") == 1),
    Case("tot_len_below_ihl", raw(lambda: udp_bytes(tot_len=12)), expect=hdr_error),
    Case("tot_len_zero", raw(lambda: udp_bytes(tot_len=0)), expect=hdr_error),
    Case("shorter_than_iphdr", raw(lambda: udp_bytes()[:12]), expect=hdr_error),
    Case("ethernet_padding", u(pad=b"\0" * 18), expect=delivered(1)),
    Case("trailing_garbage", u(pad=b"\xaa" * 100), expect=delivered(1)),
    # Options.
    Case("opt_record_route", u(options=OPT_RR), expect=delivered(1)),
    Case("opt_timestamp", u(options=OPT_TS), expect=delivered(1)),
    Case("opt_router_alert", u(options=OPT_RA), expect=delivered(1)),
    Case("opt_nops", u(options=OPT_NOPS), expect=delivered(1)),
    Case("opt_bad_length", u(options=OPT_BADLEN), expect=replied("type 12")),
    Case("opt_lsrr_refused", u(options=OPT_LSRR), expect=dropped),
    Case("opt_ssrr_refused", u(options=OPT_SSRR), expect=dropped),
    Case("opt_lsrr_accepted", u(options=OPT_LSRR),
         sysctls={"net.ipv4.conf.all.accept_source_route": 1, "net.ipv4.conf.veth-b.accept_source_route": 1}),
    # Fragments.
    Case("fragments_complete", fragments(), expect=delivered(1)),
    Case("fragment_first_alone", fragments(first_only=True), settle=1.6, expect=replied("type 11 code 1")),
    Case("fragment_middle_alone", fragments(middle_only=True), settle=1.6, expect=dropped),
    # Broadcast and multicast.
    Case("subnet_broadcast", u(dst="10.0.0.255", dst_mac=BCAST_MAC), expect=delivered(1)),
    Case("limited_broadcast", u(dst="255.255.255.255", dst_mac=BCAST_MAC), expect=delivered(1)),
    Case("icmp_echo_broadcast", lambda rig, et: [ip(rig, et, icmp_echo(), 1, dst="10.0.0.255", dst_mac=BCAST_MAC)]),
    Case("multicast_joined", u(dst="239.1.1.1", dst_mac="01:00:5e:01:01:01"), expect=delivered(1)),
    Case("multicast_not_joined", u(dst="239.2.2.2", dst_mac="01:00:5e:02:02:02"), expect=dropped),
    Case("multicast_all_hosts", u(dst="224.0.0.1", dst_mac="01:00:5e:00:00:01")),
    Case("unicast_in_l2_broadcast", u(dst_mac=BCAST_MAC), expect=delivered(1)),
    Case("unicast_in_l2_broadcast_dropped", u(dst_mac=BCAST_MAC), expect=dropped,
         sysctls={"net.ipv4.conf.all.drop_unicast_in_l2_multicast": 1}),
    Case("unicast_in_l2_multicast_dropped", u(dst_mac="01:00:5e:01:01:01"), expect=dropped,
         sysctls={"net.ipv4.conf.veth-b.drop_unicast_in_l2_multicast": 1}),
    Case("otherhost_mac", u(dst_mac="02:00:00:00:00:99"), expect=dropped),
    # Routing outcomes.
    Case("not_local_no_forwarding", u(dst="10.9.9.9"), expect=dropped),
    Case("forward_back_out_same_if", u(dst="10.0.0.1", src="10.0.0.3"),
         sysctls={"net.ipv4.ip_forward": 1}, expect=replied("udp 10.0.0.3>10.0.0.1")),
    Case("forward_ttl1_time_exceeded", u(dst="10.0.0.1", src="10.0.0.3", ttl=1),
         sysctls={"net.ipv4.ip_forward": 1}, expect=replied("type 11 code 0")),
    Case("forward_unreachable_route", u(dst="198.51.100.7"),
         sysctls={"net.ipv4.ip_forward": 1}, expect=replied("type 3")),
    # Forwarding a -> b -> c (10.0.1.2); veth-bc has MTU 1000.
    # Redirects first: oxip's two passes share its redirect limiter (native's
    # inet_peer sees one pass), so the later bursts must not precede them.
    Case("fwd_redirect_same_if", u(dst="10.0.0.1", src="10.0.0.3"), sysctls=FWD,
         expect=replied("type 5 code 1 gw 10.0.0.1")),
    Case("fwd_no_redirects_when_disabled", u(dst="10.0.0.1", src="10.0.0.3"),
         sysctls={**FWD, "net.ipv4.conf.all.send_redirects": 0, "net.ipv4.conf.veth-b.send_redirects": 0},
         expect=lambda r: not any("type 5" in x for x in r["replies"])),
    Case("fwd_udp_to_c", u(dst=C), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_icmp_echo_to_c", lambda rig, et: [ip(rig, et, icmp_echo(), 1, dst=C)], sysctls=FWD,
         expect=replied("icmp 10.0.1.2>10.0.0.1 type 0")),
    Case("fwd_tcp_syn_to_c", lambda rig, et: [ip(rig, et, tcp_syn(A, C, 40003, 80), 6, dst=C)], sysctls=FWD,
         expect=replied("tcp 10.0.1.2>10.0.0.1")),
    Case("fwd_ttl1_time_exceeded", u(dst=C, ttl=1), sysctls=FWD, expect=replied("type 11 code 0")),
    Case("fwd_ttl2_delivered", u(dst=C, ttl=2), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_df_over_mtu", u(dst=C, payload=b"D" * 1400), sysctls=FWD, expect=replied("code 4 mtu 1000")),
    Case("fwd_no_df_fragmented", u(dst=C, payload=b"F" * 1400, frag=0), sysctls=FWD,
         expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_df_fits_mtu", u(dst=C, payload=b"f" * 900), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_nft_forward_drop", u(dst=C, dport=7777), sysctls=FWD,
         expect=lambda r: r["delivered_c"] == 0 and not r["replies"]),
    # IPsec policies in b (no SA): xfrm4_policy_check and xfrm4_route_forward
    # leave their no-policy fast paths and ask the policy database.
    Case("fwd_xfrm_fwd_policy_block", u(dst=C), sysctls=FWD,
         ip=([XFRM_SEL + ["dir", "fwd", "action", "block"]], [["xfrm", "policy", "flush"]]),
         expect=lambda r: r["delivered_c"] == 0 and not r["replies"]),
    Case("fwd_xfrm_fwd_policy_allow", u(dst=C), sysctls=FWD,
         ip=([XFRM_SEL + ["dir", "fwd", "action", "allow"]], [["xfrm", "policy", "flush"]]),
         expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_xfrm_out_policy_block", u(dst=C), sysctls=FWD,
         ip=([XFRM_SEL + ["dir", "out", "action", "block"]], [["xfrm", "policy", "flush"]]),
         expect=lambda r: r["delivered_c"] == 0),
    Case("fwd_xfrm_other_flow_policy", u(dst=C), sysctls=FWD,
         ip=([["xfrm", "policy", "add", "src", "10.9.9.9/32", "dst", C + "/32", "dir", d, "action", "block"]
              for d in ("fwd", "out")], [["xfrm", "policy", "flush"]]),
         expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_record_route", u(dst=C, options=OPT_RR), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_router_alert", u(dst=C, options=OPT_RA), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_timestamp", u(dst=C, options=OPT_TS), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_ecn_ce", u(dst=C, tos=3), sysctls=FWD, expect=lambda r: r["delivered_c"] == 1),
    Case("fwd_burst_same_dst", lambda rig, et: u(dst=C)(rig, et) * 8, sysctls=FWD,
         expect=lambda r: r["delivered_c"] == 8),
    Case("fwd_burst_two_dsts", lambda rig, et: (u(dst=C)(rig, et) + u(dst="10.0.0.1", src="10.0.0.3")(rig, et)) * 4,
         sysctls=FWD, expect=lambda r: r["delivered_c"] == 4),
    Case("fwd_priority_update", u(dst=C, tos=0x10), sysctls={**FWD, "net.ipv4.ip_forward_update_priority": 0},
         expect=lambda r: r["delivered_c"] == 1),
    # Multicast routing: smcroute in b forwards (10.0.0.1, 239.3.3.3) from
    # veth-b to veth-bc; b and c have joined the group (local copy at b).
    Case("mc_fwd_to_c", u(dst="239.3.3.3", dst_mac="01:00:5e:03:03:03", ttl=10), mroute=True,
         expect=lambda r: r["delivered_c"] == 1 and r["delivered"] == 1),
    Case("mc_fwd_ttl1_not_forwarded", u(dst="239.3.3.3", dst_mac="01:00:5e:03:03:03", ttl=1), mroute=True,
         expect=lambda r: r["delivered_c"] == 0 and r["delivered"] == 1),
    Case("mc_fwd_burst", lambda rig, et: u(dst="239.3.3.3", dst_mac="01:00:5e:03:03:03", ttl=10)(rig, et) * 8,
         mroute=True, expect=lambda r: r["delivered_c"] == 8),
    Case("mc_fwd_df_fits", u(dst="239.3.3.3", dst_mac="01:00:5e:03:03:03", ttl=10, payload=b"m" * 900),
         mroute=True, expect=lambda r: r["delivered_c"] == 1),
    Case("mc_fwd_df_over_mtu_dropped", u(dst="239.3.3.3", dst_mac="01:00:5e:03:03:03", ttl=10, payload=b"M" * 1400),
         mroute=True, expect=lambda r: r["delivered_c"] == 0 and r["mibs"].get("Ip.FragFails") == 1),
    Case("mc_other_source_unresolved", u(dst="239.3.3.3", dst_mac="01:00:5e:03:03:03", ttl=10, src="10.0.0.3"),
         mroute=True, expect=lambda r: r["delivered_c"] == 0),
    Case("martian_source_loopback", u(src="127.0.0.1"), expect=dropped),
    # 0.0.0.0/8 sources are valid unicast since Linux 5.3 (route.c); only the
    # hint path's ip_route_use_hint still calls them martian.
    Case("source_zeronet_accepted", u(src="0.0.0.5"), expect=delivered(1)),
    Case("martian_source_multicast", u(src="224.0.0.5"), expect=dropped),
    Case("martian_dest_loopback", u(dst="127.0.0.1"), expect=dropped),
    Case("dest_zeronet", u(dst="0.0.0.0"), expect=dropped),
    Case("rp_filter_strict_drop", u(src="192.0.2.77"), expect=dropped,
         sysctls={"net.ipv4.conf.all.rp_filter": 1, "net.ipv4.conf.veth-b.rp_filter": 1}),
    Case("off_link_source_accepted", u(src="192.0.2.78"), expect=delivered(1)),
]


def fuzz_cases(path=None):
    """The divergences the fuzzer (fuzz.py) found, saved in fuzz_cases.txt,
    one case a line: NAME mode=MODE profile=K=V,... pkts=L2:HEX[,L2:HEX...].
    Each replays its packets under its profile's sysctls; with fragments it
    waits for the reassembly queues to expire."""
    from fuzzgen import Packet, l2_dst, parse_profile, profile_sysctls
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_cases.txt")
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, *fields = line.split()
        kv = dict(f.split("=", 1) for f in fields)
        pkts = [Packet.decode(i, t) for i, t in enumerate(kv["pkts"].split(","))]

        def build(rig, et, pkts=pkts):
            return [frame(l2_dst(p.l2, p.ip, rig.b_mac), rig.a_mac, et, p.ip) for p in pkts]
        settle = 1.6 if any(p.is_fragment for p in pkts) else 0.0
        out.append(Case(name, build, settle=settle, sysctls=profile_sysctls(parse_profile(kv["profile"]))))
    return out


CASES += fuzz_cases()

