#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded generator of mutated IPv4 packets for the differential fuzzer
(fuzz.py), and the encoding of saved cases (fuzz_cases.txt) that the
differential corpus (corpus.py) replays.

Every packet starts valid (UDP, ICMP, TCP SYN, another protocol, or a
fragment of a UDP datagram, from a to b, to c behind b, or elsewhere) and
then has some of its fields mutated: version, ihl, tos/ECN, tot_len, id,
frag_off flags and offset, ttl, protocol, header checksum, source and
destination address classes, option bytes and lengths, trailing padding or
truncation, and the L2 destination (b's MAC, broadcast, multicast, another
host's MAC). The same seed gives the same packets.

Addresses are chosen so that nothing anyone sends needs ARP (every unicast
neighbour in the topology is static), so the outcome of a packet does not
depend on timers: see fuzz_differential.sh for the topology additions.

Each packet carries its index in a tag: the IP id, the UDP/TCP source port
(PORT_BASE + idx % PORT_SPAN), the ICMP echo id, and the UDP payload
(MARKER + idx), so whatever comes out can be attributed to it.
"""
import os
import random
import struct

from pkt import csum
from pkt import ip_aton
from pkt import udp

A, A2, B, B2, C = "10.0.0.1", "10.0.0.3", "10.0.0.2", "10.0.1.1", "10.0.1.2"
# On-link addresses with static neighbours whose MAC no one has.
OTHER_A, OTHER_C = "10.0.0.9", "10.0.1.9"
OTHER_A_MAC, OTHER_C_MAC = "02:00:00:00:00:99", "02:00:00:00:01:99"

# Address classes (the IPv4 classes native treats differently).
ADDRS = {
    "local": [B, B2],
    "remote": [A, A2, C, OTHER_A, OTHER_C],
    "offlink": ["192.0.2.77", "198.51.100.7"],
    "broadcast": ["255.255.255.255", "10.0.0.255", "10.0.1.255", "10.0.0.0"],
    "multicast": ["224.0.0.1", "224.0.0.251", "239.1.1.1", "239.2.2.2", "239.3.3.3", "232.1.2.3"],
    "martian": ["240.0.0.1", "255.255.255.254"],
    "loopback": ["127.0.0.1", "127.1.2.3"],
    "zeronet": ["0.0.0.0", "0.0.0.5"],
}

IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_TCP, IPPROTO_UDP = 1, 2, 6, 17
# Protocols a mutated packet may claim. Not IGMP: a query makes b answer
# after a random delay, which no batch boundary can hold.
PROTOCOLS = [0, 1, 4, 6, 17, 41, 47, 50, 51, 89, 103, 132, 136, 253, 255]

# IP options (RFC 791, RFC 2113), by type.
IPOPT_END, IPOPT_NOOP, IPOPT_RR, IPOPT_TS = 0, 1, 7, 68
IPOPT_LSRR, IPOPT_SSRR, IPOPT_RA, IPOPT_SEC, IPOPT_CIPSO = 131, 137, 148, 130, 134

IP_DF, IP_MF, IP_CE = 0x4000, 0x2000, 0x8000
MARKER = b"oxfz"
PORT_BASE, PORT_SPAN = 20000, 40000
ETH_MTU = 1500

L2_KINDS = ("host", "bcast", "mcast", "other")
L2_OTHER_MAC = "02:00:00:00:00:99"


class Packet:
    """One generated packet: its IP bytes, the kind of L2 destination, and
    what the generator did (for the log)."""

    __slots__ = ("idx", "ip", "l2", "note")

    def __init__(self, idx, ip, l2, note):
        self.idx = idx
        self.ip = bytes(ip)
        self.l2 = l2
        self.note = note

    @property
    def is_fragment(self):
        """MF or a fragment offset: waits in a reassembly queue somewhere."""
        return len(self.ip) >= 8 and struct.unpack("!H", self.ip[6:8])[0] & 0x3FFF != 0

    def encode(self):
        return f"{self.l2}:{self.ip.hex()}"

    @staticmethod
    def decode(idx, text):
        l2, hx = text.split(":", 1)
        if l2 not in L2_KINDS:
            raise ValueError(f"bad L2 kind {l2!r}")
        return Packet(idx, bytes.fromhex(hx), l2, "saved")


def l2_dst(kind, ip, b_mac):
    """The destination MAC of a frame of this kind carrying ip."""
    if kind == "bcast":
        return "ff:ff:ff:ff:ff:ff"
    if kind == "other":
        return L2_OTHER_MAC
    if kind == "mcast":
        if len(ip) >= 20 and ip[16] & 0xF0 == 0xE0:
            return "01:00:5e:%02x:%02x:%02x" % (ip[17] & 0x7F, ip[18], ip[19])
        return "01:00:5e:01:01:01"
    return b_mac


# Per-batch configuration of b: the sysctls that change what native does
# with a packet. Encoded as 'fwd=1,rpf=2,...' in saved cases.
PROFILE_KNOBS = {
    "fwd": ((0, 1), ["net.ipv4.ip_forward"]),
    "rpf": ((0, 1, 2), ["net.ipv4.conf.all.rp_filter", "net.ipv4.conf.veth-b.rp_filter"]),
    "srr": ((0, 1), ["net.ipv4.conf.all.accept_source_route", "net.ipv4.conf.veth-b.accept_source_route"]),
    "dul2": ((0, 1), ["net.ipv4.conf.all.drop_unicast_in_l2_multicast",
                      "net.ipv4.conf.veth-b.drop_unicast_in_l2_multicast"]),
    "lnet": ((0, 1), ["net.ipv4.conf.all.route_localnet", "net.ipv4.conf.veth-b.route_localnet"]),
    "alocal": ((0, 1), ["net.ipv4.conf.all.accept_local", "net.ipv4.conf.veth-b.accept_local"]),
    "bcf": ((0, 1), ["net.ipv4.conf.all.bc_forwarding", "net.ipv4.conf.veth-b.bc_forwarding",
                     "net.ipv4.conf.veth-bc.bc_forwarding"]),
    "ieb": ((0, 1), ["net.ipv4.icmp_echo_ignore_broadcasts"]),
}
# Fixed for every fuzz batch: no redirects (their rate limit is per source
# and time-based: oxip keeps its own, native an inet_peer), and SYN cookies
# always where the kernel has them (a SYN leaves no request socket whose
# SYN-ACK retransmits later; without them, SYNs to the listening port come
# only from hosts that answer the SYN-ACK with a reset: see base_packet).
PROFILE_FIXED = {
    "net.ipv4.conf.all.send_redirects": 0,
    "net.ipv4.conf.veth-b.send_redirects": 0,
    "net.ipv4.conf.veth-bc.send_redirects": 0,
}
if os.path.exists("/proc/sys/net/ipv4/tcp_syncookies"):  # CONFIG_SYN_COOKIES
    PROFILE_FIXED["net.ipv4.tcp_syncookies"] = 2


def random_profile(r):
    p = {}
    for k, (vals, _) in PROFILE_KNOBS.items():
        # Mostly the defaults, so packets reach the deeper paths.
        p[k] = vals[0] if r.random() < 0.6 else r.choice(vals)
    if r.random() < 0.5:
        p["fwd"] = 1
    return p


def profile_text(p):
    return ",".join(f"{k}={p[k]}" for k in PROFILE_KNOBS)


def parse_profile(text):
    p = {}
    for item in text.split(","):
        k, v = item.split("=")
        if k not in PROFILE_KNOBS:
            raise ValueError(f"unknown profile knob {k!r}")
        p[k] = int(v)
    return p


def profile_sysctls(p):
    out = dict(PROFILE_FIXED)
    for k, (_, keys) in PROFILE_KNOBS.items():
        for key in keys:
            out[key] = p.get(k, 0)
    return out


def tag_port(idx):
    return PORT_BASE + idx % PORT_SPAN


def payload(r, idx, lo=0, hi=64):
    n = r.randrange(lo, hi + 1)
    return MARKER + struct.pack("!I", idx) + bytes(r.randrange(256) for _ in range(n))


def pick_addr(r, cls=None):
    if cls is None:
        cls = r.choice(list(ADDRS))
    return r.choice(ADDRS[cls])


def pick_src(r):
    if r.random() < 0.7:
        return r.choice([A, A, A, A2, C])
    return pick_addr(r)


def pick_dst(r):
    x = r.random()
    if x < 0.45:
        return B
    if x < 0.65:
        return r.choice([C, A, A2, OTHER_A, OTHER_C, B2])
    return pick_addr(r)


# --- options ---------------------------------------------------------------

def addr_list(r, k):
    return b"".join(ip_aton(r.choice([A, A2, B, B2, C, OTHER_C, "192.0.2.77"])) for _ in range(k))


def opt_rr(r):
    k = r.randrange(1, 10)
    ln = 3 + 4 * k
    ptr = r.choice([4, 4, 4 + 4 * r.randrange(k + 1), ln + 1, r.randrange(256)])
    return bytes([IPOPT_RR, ln, ptr]) + bytes(4 * k)


def opt_ts(r):
    flg = r.choice([0, 0, 1, 1, 3, 3, r.randrange(16)])
    step = 4 if flg == 0 else 8
    k = r.randrange(1, 5)
    ln = 4 + step * k
    ptr = r.choice([5, 5, 5 + step * r.randrange(k + 1), ln + 1, r.randrange(256)])
    oflw = r.choice([0, 0, 0, r.randrange(16)])
    data = bytearray(step * k)
    if flg in (1, 3):
        for i in range(k):
            data[i * 8:i * 8 + 4] = ip_aton(r.choice([B, B2, A, C]))
    return bytes([IPOPT_TS, ln, ptr, (oflw << 4) | flg]) + bytes(data)


def opt_srr(r):
    t = r.choice([IPOPT_LSRR, IPOPT_SSRR])
    k = r.randrange(1, 5)
    ln = 3 + 4 * k
    ptr = r.choice([4, 4, 8, ln + 1, r.randrange(256)])
    return bytes([t, ln, ptr]) + addr_list(r, k)


def opt_ra(r):
    return r.choice([bytes([IPOPT_RA, 4, 0, 0]), bytes([IPOPT_RA, 4, 0, 1]), bytes([IPOPT_RA, 2]),
                     bytes([IPOPT_RA, 6, 0, 0, 0, 0])])


def opt_other(r):
    t = r.choice([IPOPT_SEC, IPOPT_CIPSO, 25, 0x44 | 0x80, r.randrange(2, 256)])
    ln = r.randrange(2, 12)
    return bytes([t, ln]) + bytes(r.randrange(256) for _ in range(ln - 2))


def opt_malformed(r):
    t = r.choice([IPOPT_RR, IPOPT_TS, IPOPT_LSRR, IPOPT_SSRR, IPOPT_RA, r.randrange(256)])
    ln = r.choice([0, 1, 2, 3, 39, 40, 41, 255])
    return bytes([t, ln]) + bytes(r.randrange(256) for _ in range(r.randrange(0, 6)))


OPTION_MAKERS = [opt_rr, opt_rr, opt_ts, opt_ts, opt_srr, opt_ra, opt_ra, opt_other, opt_malformed,
                 lambda r: bytes([IPOPT_NOOP] * r.randrange(1, 4)),
                 lambda r: bytes([IPOPT_END]) + bytes(r.randrange(256) for _ in range(r.randrange(0, 4)))]


def gen_options(r):
    opts = b"".join(r.choice(OPTION_MAKERS)(r) for _ in range(r.choice([1, 1, 1, 2, 3])))
    return opts[:40]


def mask_ts(ip):
    """A copy of the IPv4 packet ip whose timestamp option values (the
    clock readings native writes on receive) are zeroed, for comparing
    headers across runs. Addresses recorded in the option are kept."""
    if len(ip) < 20:
        return ip
    ihl = (ip[0] & 0xF) * 4
    end = min(ihl, len(ip))
    b = bytearray(ip)
    i = 20
    while i < end:
        t = b[i]
        if t == IPOPT_END:
            break
        if t == IPOPT_NOOP:
            i += 1
            continue
        if i + 1 >= end:
            break
        ln = b[i + 1]
        if ln < 2 or i + ln > end:
            break
        if t == IPOPT_TS and ln >= 4:
            flg = b[i + 3] & 0xF
            if flg == 0:
                for j in range(i + 4, i + ln):
                    b[j] = 0
            else:
                # Address and clock pairs: native writes the address at
                # pointer - 1 and the clock at pointer + 3, and moves the
                # pointer on by 8, so the clock words lie on the grid the
                # pointer gives (a pointer off the usual 5 + 8k included).
                base = (b[i + 2] - 1) % 8
                for m in range(i + 4, i + ln):
                    k = (m - i - base - 4) % 8
                    # A clock word whose address word would start in the
                    # option's own 4 header bytes is none.
                    if k < 4 and m - i - k >= 8:
                        b[m] = 0
        i += ln
    return bytes(b)


# --- packet builders --------------------------------------------------------

def ip_header(src, dst, proto, body_len, ttl=64, tos=0, ident=0, frag=IP_DF, options=b""):
    options = options + b"\0" * ((4 - len(options) % 4) % 4)
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, ihl * 4 + body_len, ident & 0xFFFF, frag, ttl, proto,
                    0, ip_aton(src), ip_aton(dst)) + options
    return h[:10] + struct.pack("!H", csum(h)) + h[12:]


def tcp_syn(src, dst, sport, dport, seq):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = ip_aton(src) + ip_aton(dst) + struct.pack("!BBH", 0, IPPROTO_TCP, len(h))
    c = csum(pseudo + h)
    return h[:16] + struct.pack("!H", c) + h[18:]


def icmp(t, code, rest, body):
    h = struct.pack("!BBH", t, code, 0) + rest + body
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def base_packet(r, idx):
    """A valid packet: (src, dst, proto, l4 bytes, note)."""
    src, dst = pick_src(r), pick_dst(r)
    kind = r.choices(["udp", "icmp", "tcp", "raw", "icmperr"], [40, 18, 14, 10, 6])[0]
    port = tag_port(idx)
    if kind == "udp":
        dport = r.choice([9, 9, 9, 10, 7777, 53])
        big = r.random() < 0.15
        l4 = udp(src, dst, port, dport, payload(r, idx, 0, 1400 if big else 64))
        if r.random() < 0.1:  # no UDP checksum
            l4 = l4[:6] + b"\0\0" + l4[8:]
        return src, dst, IPPROTO_UDP, l4, f"udp:{dport}"
    if kind == "icmp":
        body = payload(r, idx, 0, 64 if r.random() < 0.9 else 1200)
        return src, dst, IPPROTO_ICMP, icmp(8, 0, struct.pack("!HH", idx & 0xFFFF, 1), body), "echo"
    if kind == "tcp":
        dport = r.choice([80, 80, 81])
        if src not in (A, A2, C) or dst not in (A, A2, B, B2, C):
            # Without SYN cookies, a SYN-ACK no one resets (sent nowhere,
            # or from 127.0.0.1 with route_localnet) leaves a request that
            # retransmits it a second later, into another batch.
            dport = 81
        return src, dst, IPPROTO_TCP, tcp_syn(src, dst, port, dport, idx), f"syn:{dport}"
    if kind == "raw":
        proto = r.choice(PROTOCOLS)
        return src, dst, proto, payload(r, idx, 0, 64), f"proto:{proto}"
    # An ICMP error to b quoting a UDP datagram b sent (dest unreachable or
    # time exceeded; never frag-needed or redirect: those leave route state).
    t, code = r.choice([(3, 0), (3, 1), (3, 2), (3, 3), (11, 0), (12, 0), (42, 0)])
    inner = ip_header(B, r.choice([A, C, "192.0.2.77"]), IPPROTO_UDP, 8, ident=idx) + \
        struct.pack("!HHHH", 9, port, 8 + 4, 0)
    return src, dst, IPPROTO_ICMP, icmp(t, code, b"\0\0\0\0", inner), f"icmp{t}/{code}"


# Where each header field mutation writes up to (a truncated packet has none).
FIELD_END = {"version": 1, "ihl": 1, "tos": 2, "tot_len": 4, "id": 6, "frag": 8, "ttl": 9, "proto": 10,
             "csum": 12, "saddr": 16, "daddr": 20}


def mutate(r, ip, notes):
    """Mutate header fields of ip (a bytearray); returns the packet and
    whether the header checksum was deliberately broken."""
    bad_csum = False
    ops = ["version", "ihl", "tos", "tot_len", "id", "frag", "ttl", "proto", "csum", "saddr", "daddr",
           "optbyte", "pad", "trunc"]
    weights = [2, 3, 4, 4, 2, 6, 5, 4, 3, 4, 4, 4, 5, 3]
    n = r.choice([1, 1, 1, 2, 2, 3])
    for op in r.choices(ops, weights, k=n):
        if len(ip) < FIELD_END.get(op, 1):
            continue
        ihl = (ip[0] & 0xF) * 4
        if op == "version":
            v = r.choice([0, 5, 6, 15, r.randrange(16)])
            ip[0] = (v << 4) | (ip[0] & 0xF)
            notes.append(f"ver={v}")
        elif op == "ihl":
            v = r.choice([0, 1, 4, 5, 6, 15, (ip[0] & 0xF) + 1, max(0, (ip[0] & 0xF) - 1), r.randrange(16)])
            ip[0] = (ip[0] & 0xF0) | (v & 0xF)
            notes.append(f"ihl={v & 0xF}")
        elif op == "tos":
            v = r.choice([1, 2, 3, 0xB8, 0xFF, r.randrange(256)])
            ip[1] = v
            notes.append(f"tos={v:#x}")
        elif op == "tot_len":
            n_ = len(ip)
            v = r.choice([0, r.randrange(1, 20), max(0, ihl - 1), ihl, n_ - 1, n_ + 1, n_ + r.randrange(2, 200),
                          r.randrange(65536), 65535]) & 0xFFFF
            ip[2:4] = struct.pack("!H", v)
            notes.append(f"tot_len={v}")
        elif op == "id":
            v = r.randrange(65536)
            ip[4:6] = struct.pack("!H", v)
            notes.append(f"id={v}")
        elif op == "frag":
            flags = r.choice([0, IP_DF, IP_MF, IP_DF | IP_MF, IP_CE, IP_CE | IP_MF])
            off = r.choice([0, 0, 1, 3, r.randrange(8192), 8191])
            ip[6:8] = struct.pack("!H", flags | off)
            notes.append(f"frag={flags | off:#x}")
        elif op == "ttl":
            v = r.choice([0, 1, 1, 2, 255, r.randrange(256)])
            ip[8] = v
            notes.append(f"ttl={v}")
        elif op == "proto":
            v = r.choice(PROTOCOLS)
            ip[9] = v
            notes.append(f"proto={v}")
        elif op == "csum":
            bad_csum = True
            c = struct.unpack("!H", ip[10:12])[0]
            v = r.choice([0, 0xFFFF, c ^ (1 << r.randrange(16)), r.randrange(65536)])
            ip[10:12] = struct.pack("!H", v)
            notes.append("csum")
        elif op in ("saddr", "daddr"):
            a = pick_addr(r)
            at = 12 if op == "saddr" else 16
            ip[at:at + 4] = ip_aton(a)
            notes.append(f"{op}={a}")
        elif op == "optbyte":
            if ihl > 20 and len(ip) >= ihl:
                at = r.randrange(20, ihl)
                ip[at] = r.randrange(256)
                notes.append(f"opt[{at - 20}]")
        elif op == "pad":
            n_ = r.randrange(1, 100)
            fill = bytes(n_) if r.random() < 0.5 else bytes(r.randrange(256) for _ in range(n_))
            ip += fill[:max(0, ETH_MTU - len(ip))]
            notes.append(f"pad={n_}")
        elif op == "trunc":
            if len(ip) > 1:
                v = r.choice([r.randrange(len(ip)), r.randrange(min(len(ip), 24)), len(ip) - 1])
                del ip[v:]
                notes.append(f"trunc={v}")
    return ip, bad_csum


def fix_csum(ip):
    if len(ip) < 12:
        return
    ihl = max(20, (ip[0] & 0xF) * 4)
    if len(ip) < ihl:
        return
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", csum(bytes(ip[:ihl])))


def pick_l2(r, dst):
    x = r.random()
    if x < 0.75:
        if dst.split(".")[0].isdigit() and 224 <= int(dst.split(".")[0]) < 240:
            return "mcast" if r.random() < 0.8 else "host"
        if dst.endswith(".255"):
            return "bcast" if r.random() < 0.8 else "host"
        return "host"
    return r.choice(L2_KINDS)


def gen_single(r, idx):
    src, dst, proto, l4, note = base_packet(r, idx)
    notes = [note, f"{src}>{dst}"]
    opts = b""
    if r.random() < 0.2:
        opts = gen_options(r)
        notes.append(f"opts={opts.hex()}")
    tos = 0 if r.random() < 0.7 else r.choice([1, 2, 3, 0x10, 0xB8])
    ttl = 64 if r.random() < 0.8 else r.choice([1, 2, 255])
    frag = IP_DF if r.random() < 0.8 else 0
    ip = bytearray(ip_header(src, dst, proto, len(l4), ttl=ttl, tos=tos, ident=idx, frag=frag, options=opts) + l4)
    if r.random() < 0.65:
        ip, bad = mutate(r, ip, notes)
        if not bad:
            fix_csum(ip)
    return Packet(idx, bytes(ip[:ETH_MTU]), pick_l2(r, dst), " ".join(notes))


def gen_fragments(r, idx0):
    """A UDP datagram cut into fragments, sent whole, in part, reordered,
    duplicated or overlapping; returns the list (idx0, idx0+1, ...)."""
    src = r.choice([A, A, A2, C]) if r.random() < 0.85 else pick_src(r)
    dst = r.choice([B, B, B, C, A]) if r.random() < 0.85 else pick_dst(r)
    data = udp(src, dst, tag_port(idx0), r.choice([9, 9, 10]), payload(r, idx0, 8, 1200))
    nfrag = r.choice([2, 2, 3, 4])
    cuts = sorted({8 * r.randrange(1, max(2, len(data) // 8)) for _ in range(nfrag - 1)})
    cuts = [c for c in cuts if 0 < c < len(data)] or [8]
    bounds = [0] + cuts + [len(data)]
    pieces = [(bounds[i], data[bounds[i]:bounds[i + 1]], i == len(bounds) - 2) for i in range(len(bounds) - 1)]
    how = r.choice(["all", "all", "reverse", "drop", "dup", "overlap", "first", "last"])
    if how == "reverse":
        pieces.reverse()
    elif how == "drop" and len(pieces) > 1:
        pieces.pop(r.randrange(len(pieces)))
    elif how == "dup":
        pieces.insert(r.randrange(len(pieces) + 1), r.choice(pieces))
    elif how == "overlap":
        off, chunk, last = r.choice(pieces)
        shift = 8 * r.randrange(0, 3)
        pieces.append((max(0, off - shift), bytes(r.randrange(256) for _ in range(len(chunk))), last))
    elif how == "first":
        pieces = pieces[:1]
    elif how == "last":
        pieces = pieces[-1:]
    ttl = 64 if r.random() < 0.85 else r.choice([1, 2])
    out = []
    for n, (off, chunk, last) in enumerate(pieces):
        idx = idx0 + n
        flags = (0 if last else IP_MF) | (IP_DF if r.random() < 0.05 else 0)
        ip = bytearray(ip_header(src, dst, IPPROTO_UDP, len(chunk), ttl=ttl, ident=idx0, frag=flags | (off // 8))
                       + chunk)
        notes = [f"frag{n}/{how}", f"{src}>{dst}", f"off={off}"]
        if r.random() < 0.15:
            ip, bad = mutate(r, ip, notes)
            if not bad:
                fix_csum(ip)
        out.append(Packet(idx, bytes(ip[:ETH_MTU]), pick_l2(r, dst) if r.random() < 0.1 else "host", " ".join(notes)))
    return out


def generate(seed, count, start=0):
    """Yields count packets of the stream of seed, from index start on (the
    stream is the same whatever count is asked for)."""
    r = random.Random(seed)
    idx = 0
    while idx < start + count:
        pkts = gen_fragments(r, idx) if r.random() < 0.1 else [gen_single(r, idx)]
        for p in pkts:
            if start <= p.idx < start + count:
                yield p
        idx += len(pkts)


def batches(seed, count, size):
    """The packets of seed in batches of about size: packets that wait in a
    reassembly queue (fragments) in batches of their own, so only those
    batches wait for the queues to expire. A batch is (kind, packets,
    profile); the profile is drawn per batch from the seed."""
    r = random.Random(seed ^ 0x5EED)
    plain, frag = [], []
    for p in generate(seed, count):
        (frag if p.is_fragment else plain).append(p)
        for lst, kind, n in ((plain, "plain", size), (frag, "frag", 3 * size)):
            if len(lst) >= n:
                yield kind, lst[:], random_profile(r)
                del lst[:]
    for lst, kind in ((plain, "plain"), (frag, "frag")):
        if lst:
            yield kind, lst[:], random_profile(r)


def main():
    import argparse
    from collections import Counter
    ap = argparse.ArgumentParser(description="print a seed's packets (host-side check of the generator)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--batch", type=int, default=64)
    a = ap.parse_args()
    kinds = Counter()
    for kind, pkts, prof in batches(a.seed, a.count, a.batch):
        kinds[kind] += 1
        print(f"# batch {kind} n={len(pkts)} profile {profile_text(prof)}")
        for p in pkts:
            print(f"{p.idx:5d} {p.l2:5s} len={len(p.ip):4d} {p.note}")
    print(f"# {dict(kinds)}")


if __name__ == "__main__":
    main()
