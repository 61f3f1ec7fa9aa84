#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build IPv4 packets byte by byte and send them on an AF_PACKET socket.

Used inside the VM only, on veths in namespaces the tests create.
"""
import argparse
import socket
import struct


ETH_P_8021Q = 0x8100


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
    """The device's MAC, asked of the current namespace (SIOCGIFHWADDR):
    unlike /sys/class/net, right under `nsenter --net` too."""
    import fcntl
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        r = fcntl.ioctl(s.fileno(), 0x8927, struct.pack("256s", ifname.encode()[:15]))
    return ":".join(f"{b:02x}" for b in r[18:24])


def send_frames(ifname, frames):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for fr in frames:
        s.send(fr)
    s.close()


def sock_send(dst, port, count, ttl=None, mcast_if=None, rr_slots=0, interval=0.0, payload=b"oxip"):
    """UDP through an ordinary socket (the sender's own stack builds the
    header): multicast TTL and interface, and a record-route option of
    rr_slots empty slots (IP_OPTIONS)."""
    import time
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if ttl is not None:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
    if mcast_if:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(mcast_if))
    if rr_slots:
        # IPOPT_RR, length, pointer 4, the slots; an end-of-list pad.
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS,
                     bytes([7, 3 + 4 * rr_slots, 4]) + bytes(4 * rr_slots) + b"\0")
    for _ in range(count):
        s.sendto(payload, (dst, port))
        if interval:
            time.sleep(interval)


def capture(ifname, dst, seconds, out, ethertype=None):
    """Count what arrives on ifname until out + '.stop' exists or seconds
    pass (out + '.ready' is written once bound). Without ethertype: the UDP
    packets to dst, writing 'COUNT RR' to out, RR being the record-route
    slots of the first (comma-separated) or '-'. With ethertype: the frames
    a packet socket of that protocol sees, by the protocol it reports
    ('0x88b5:10 ...', sll_protocol:frames)."""
    import os
    import time
    proto = 0x0800 if ethertype is None else ethertype
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM if ethertype is None else socket.SOCK_RAW,
                      socket.htons(proto))
    s.bind((ifname, proto))
    s.settimeout(0.2)
    open(out + ".ready", "w").close()
    n, rr, seen = 0, "-", {}
    end = time.time() + seconds
    want = socket.inet_aton(dst) if dst else None
    while time.time() < end and not os.path.exists(out + ".stop"):
        try:
            d, a = s.recvfrom(4096)
        except socket.timeout:
            continue
        if a[2] == socket.PACKET_OUTGOING:
            continue
        if ethertype is not None:
            seen[a[1]] = seen.get(a[1], 0) + 1
            continue
        if len(d) < 20 or d[9] != 17 or d[16:20] != want:
            continue
        n += 1
        ihl = (d[0] & 15) * 4
        o = d[20:ihl]
        if n == 1 and len(o) >= 3 and o[0] == 7:
            rr = ",".join(socket.inet_ntoa(o[i:i + 4]) for i in range(3, o[1] - 3, 4))
    with open(out, "w") as f:
        if ethertype is None:
            f.write(f"{n} {rr}\n")
        else:
            f.write(" ".join(f"{p:#06x}:{k}" for p, k in sorted(seen.items())) + "\n")


def main():
    ap = argparse.ArgumentParser(description="IPv4 test packets (inside the VM's namespaces)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("send", help="frames built byte by byte, on an AF_PACKET socket")
    p.add_argument("--ifname", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--ethertype", type=lambda x: int(x, 0), default=0x0800)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--proto", default="udp")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--sport", type=int, default=40000)
    p.add_argument("--dport", type=int, default=9)
    p.add_argument("--flows", type=int, default=1,
                   help="cycle the UDP source port over this many values (flows)")
    p.add_argument("--dst-range", type=int, default=1,
                   help="cycle the destination over this many addresses from --dst")
    p.add_argument("--alt-src", default=None,
                   help="odd-numbered frames come from this source instead")
    p.add_argument("--ttl", type=int, default=64)
    p.add_argument("--version", type=int, default=4, help="the IP version field to write")
    p.add_argument("--vlan", type=int, default=None,
                   help="an 802.1Q tag with this VID (the ethertype goes inside it)")
    p.add_argument("--check", type=lambda x: int(x, 0), default=None,
                   help="the IPv4 header checksum to write (default: the right one)")
    p.add_argument("--payload-len", type=int, default=None,
                   help="UDP payload bytes (default: 'oxip')")
    q = sub.add_parser("sock-send", help="UDP through an ordinary socket")
    q.add_argument("dst")
    q.add_argument("port", type=int)
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--ttl", type=int, default=None, help="multicast TTL")
    q.add_argument("--mcast-if", default=None)
    q.add_argument("--rr", type=int, default=0, help="record-route slots")
    q.add_argument("--interval", type=float, default=0.0)
    c = sub.add_parser("capture", help="count UDP to DST, or frames of an ethertype, on an interface")
    c.add_argument("--ifname", required=True)
    c.add_argument("--dst")
    c.add_argument("--ethertype", type=lambda x: int(x, 0), default=None,
                   help="count the frames of this protocol by sll_protocol instead")
    c.add_argument("--seconds", type=float, default=60)
    c.add_argument("out")
    a = ap.parse_args()
    if a.cmd == "sock-send":
        sock_send(a.dst, a.port, a.count, a.ttl, a.mcast_if, a.rr, a.interval)
        return
    if a.cmd == "capture":
        capture(a.ifname, a.dst, a.seconds, a.out, a.ethertype)
        return
    payload = b"oxip" if a.payload_len is None else b"x" * a.payload_len
    src_mac = if_mac(a.ifname)
    frames = []
    variants = max(a.flows, a.dst_range) * (2 if a.alt_src else 1)
    for i in range(max(1, min(variants, a.count))):
        src = a.alt_src if a.alt_src and i % 2 else a.src
        sport = a.sport + i % a.flows
        dst = socket.inet_ntoa(struct.pack("!I", struct.unpack("!I", ip_aton(a.dst))[0] + i % a.dst_range))
        if a.proto == "udp":
            l4, proto = udp(src, dst, sport, a.dport, payload), 17
        elif a.proto == "icmp":
            l4, proto = icmp_echo(), 1
        else:
            l4, proto = tcp_syn(src, dst, sport, a.dport), 6
        ip = iphdr(src, dst, proto, len(l4), ttl=a.ttl, check=a.check, version=a.version) + l4
        if a.vlan is None:
            frames.append(frame(a.dst_mac, src_mac, a.ethertype, ip))
        else:
            frames.append(frame(a.dst_mac, src_mac, ETH_P_8021Q, struct.pack("!HH", a.vlan, a.ethertype) + ip))
    send_frames(a.ifname, [frames[i % len(frames)] for i in range(a.count)])


def if_mac_ns(ns, ifname, enter):
    """The MAC of ifname in namespace ns (SIOCGIFHWADDR on a socket made there)."""
    import fcntl
    with enter(ns):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    info = fcntl.ioctl(s.fileno(), 0x8927, struct.pack("256s", ifname.encode()))
    s.close()
    return ":".join(f"{b:02x}" for b in info[18:24])


if __name__ == "__main__":
    main()
