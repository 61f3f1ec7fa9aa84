#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build IPv4 packets byte by byte and send them on an AF_PACKET socket.

Used inside the VM only, on veths in namespaces the tests create.
"""
import argparse
import socket
import struct


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip_aton(a: str) -> bytes:
    return socket.inet_aton(a)


def iphdr(src, dst, proto, payload_len, ttl=64, tos=0, ident=0x1234, frag=0x4000,
          options=b"", version=4, ihl=None, tot_len=None, check=None):
    if ihl is None:
        ihl = 5 + (len(options) + 3) // 4
    options = options + b"\0" * ((4 - len(options) % 4) % 4)
    if tot_len is None:
        tot_len = ihl * 4 + payload_len if ihl >= 5 else 20 + len(options) + payload_len
    h = struct.pack("!BBHHHBBH4s4s", (version << 4) | (ihl & 0xF), tos, tot_len & 0xFFFF,
                    ident, frag, ttl, proto, 0, ip_aton(src), ip_aton(dst)) + options
    c = csum(h[: max(ihl, 5) * 4]) if check is None else check
    return h[:10] + struct.pack("!H", c) + h[12:]


def udp(src, dst, sport, dport, payload=b"oxip"):
    ln = 8 + len(payload)
    pseudo = ip_aton(src) + ip_aton(dst) + struct.pack("!BBH", 0, 17, ln)
    h = struct.pack("!HHHH", sport, dport, ln, 0)
    c = csum(pseudo + h + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, ln, c) + payload


def icmp_echo(ident=0x42, seq=1, payload=b"oxip-ping"):
    h = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def tcp_syn(src, dst, sport, dport):
    h = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = ip_aton(src) + ip_aton(dst) + struct.pack("!BBH", 0, 6, len(h))
    c = csum(pseudo + h)
    return h[:16] + struct.pack("!H", c) + h[18:]


def mac_bytes(m: str) -> bytes:
    return bytes(int(x, 16) for x in m.split(":"))


def frame(dst_mac, src_mac, ethertype, payload):
    return mac_bytes(dst_mac) + mac_bytes(src_mac) + struct.pack("!H", ethertype) + payload


def if_mac(ifname):
    with open(f"/sys/class/net/{ifname}/address") as f:
        return f.read().strip()


def send_frames(ifname, frames):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for fr in frames:
        s.send(fr)
    s.close()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("send")
    p.add_argument("--ifname", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--ethertype", type=lambda x: int(x, 0), default=0x0800)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--proto", default="udp")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dport", type=int, default=9)
    a = ap.parse_args()
    if a.proto == "udp":
        l4, proto = udp(a.src, a.dst, 40000, a.dport), 17
    elif a.proto == "icmp":
        l4, proto = icmp_echo(), 1
    else:
        l4, proto = tcp_syn(a.src, a.dst, 40000, a.dport), 6
    pkt = iphdr(a.src, a.dst, proto, len(l4)) + l4
    fr = frame(a.dst_mac, if_mac(a.ifname), a.ethertype, pkt)
    send_frames(a.ifname, [fr] * a.count)


if __name__ == "__main__":
    main()


def if_mac_ns(ns, ifname, enter):
    """The MAC of ifname in namespace ns (SIOCGIFHWADDR on a socket made there)."""
    import fcntl
    with enter(ns):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    info = fcntl.ioctl(s.fileno(), 0x8927, struct.pack("256s", ifname.encode()))
    s.close()
    return ":".join(f"{b:02x}" for b in info[18:24])
