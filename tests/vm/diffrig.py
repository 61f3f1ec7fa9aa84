#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What the differential tests (diff.py, fuzz.py) share: entering the test
namespaces, reading b's counters and the kfree_skb drop reasons, describing
frames b sent, the Rig of sockets that sends from a and observes b and c,
takeover on b's two ports, and the smcroute daemon for multicast routing.

Topology (tests/vm/lib.sh diff_topology): a (sender, 10.0.0.1 and 10.0.0.3),
b (receiver and router, 10.0.0.2 and 10.0.1.1) and c (behind b, 10.0.1.2).
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402
from netns import In  # noqa: E402,F401
from netns import read_mibs  # noqa: E402,F401
from netns import setns  # noqa: E402,F401
from netns import sysctl  # noqa: E402,F401

TRACE = "/sys/kernel/tracing"
A_IP, B_IP = "10.0.0.1", "10.0.0.2"
OXIP_ETHERTYPE = 0x88B5
SETTLE = float(os.environ.get("DIFF_SETTLE", "0.1"))


# Counters that are levels, not events, or that timers move.
SKIP = {"Ip.Forwarding", "Ip.DefaultTTL", "Tcp.RtoAlgorithm", "Tcp.RtoMin", "Tcp.RtoMax",
        "Tcp.MaxConn", "Tcp.CurrEstab"}
GROUPS = ("Ip.", "IpExt.", "Icmp.", "IcmpMsg.", "Udp.", "UdpLite.", "Tcp.", "TcpExt.IPReversePathFilter")


def delta(before, after):
    d = {}
    for k, v in after.items():
        if k in SKIP:
            continue
        dv = v - before.get(k, 0)
        if dv:
            d[k] = dv
    return d


def combined(d):
    """Kernel deltas plus oxip's own, by the kernel's names."""
    out = {}
    for k, v in d.items():
        if k.startswith("oxip:"):
            k = k[5:]
            if k.startswith("Oxip."):
                continue
        if not k.startswith(GROUPS):
            continue
        out[k] = out.get(k, 0) + v
    return {k: v for k, v in out.items() if v}


def trace_reset():
    with open(f"{TRACE}/trace", "w") as f:
        f.write("")


def trace_reasons():
    reasons = []
    for line in open(f"{TRACE}/trace"):
        if "kfree_skb:" in line and "reason:" in line:
            reasons.append(line.rsplit("reason:", 1)[1].strip())
    return sorted(reasons)


def describe(frame):
    """A stable description of a frame b sent back."""
    if len(frame) < 14:
        return "short"
    et = struct.unpack("!H", frame[12:14])[0]
    if et != 0x0800:
        return f"eth:{et:#06x}"
    ip = frame[14:]
    ihl = (ip[0] & 0xF) * 4
    proto, src, dst = ip[9], socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    l4 = ip[ihl:]
    if proto == 1 and len(l4) >= 8:
        extra = ""
        if l4[0] == 3 and l4[1] == 4:
            extra = f" mtu {struct.unpack('!H', l4[6:8])[0]}"
        elif l4[0] == 5:
            extra = f" gw {socket.inet_ntoa(l4[4:8])}"
        return f"icmp {src}>{dst} type {l4[0]} code {l4[1]}{extra}"
    if proto == 6 and len(l4) >= 14:
        flags = l4[13]
        names = "".join(c for b, c in ((2, "S"), (16, "A"), (4, "R"), (1, "F")) if flags & b)
        return f"tcp {src}>{dst} {names}"
    if proto == 17 and len(l4) >= 4:
        return f"udp {src}>{dst} dport {struct.unpack('!H', l4[2:4])[0]}"
    return f"ip {src}>{dst} proto {proto}"


class Rig:
    def __init__(self):
        with In("a"):
            self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            self.tx.bind(("veth-a", 0))
            self.cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
            self.cap.bind(("veth-a", 0))
            self.cap.setblocking(False)
        with In("b"):
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.udp.bind(("0.0.0.0", 9))
            for g in ("239.1.1.1", "239.3.3.3"):
                mreq = socket.inet_aton(g) + socket.inet_aton(B_IP)
                self.udp.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
            self.udp.setblocking(False)
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.tcp.bind(("0.0.0.0", 80))
            self.tcp.listen(16)
        with In("c"):
            self.udp_c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.udp_c.bind(("0.0.0.0", 9))
            mreq = socket.inet_aton("239.3.3.3") + socket.inet_aton("10.0.1.2")
            self.udp_c.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
            self.udp_c.setblocking(False)
        self.a_mac = pkt.if_mac_ns("a", "veth-a", In)
        self.b_mac = pkt.if_mac_ns("b", "veth-b", In)

    @staticmethod
    def count(sock):
        got = 0
        while True:
            try:
                sock.recv(65535)
                got += 1
            except BlockingIOError:
                return got

    def drain(self):
        got = self.count(self.udp)
        got_c = self.count(self.udp_c)
        replies = []
        while True:
            try:
                data, addr = self.cap.recvfrom(65535)
            except BlockingIOError:
                break
            # Only what b's IPv4 stack sent: not ours, not ARP.
            if addr[2] == socket.PACKET_OUTGOING or addr[1] != 0x0800:
                continue
            replies.append(describe(data))
        return got, got_c, sorted(replies)

    def run(self, case, ethertype):
        self.drain()
        trace_reset()
        before = read_mibs("b")
        frames = case.frames(self, ethertype)
        for fr in frames:
            self.tx.send(fr)
        time.sleep(SETTLE + case.settle)
        got, got_c, replies = self.drain()
        after = read_mibs("b")
        return {
            "delivered": got,
            "delivered_c": got_c,
            "replies": replies,
            "mibs": combined(delta(before, after)),
            "drops": trace_reasons(),
        }


SMC_CONF = "/tmp/oxip-diff-smcroute.conf"
SMC_SOCK = "/tmp/oxip-diff-smcroute.sock"


def mroute_daemon(on, _proc=[]):
    """smcroute in b for the multicast routing cases: started before such a
    case (and waited for until the kernel has the route), stopped after, so
    the other cases see b without multicast routing."""
    import subprocess
    if on:
        with open(SMC_CONF, "w") as f:
            f.write("phyint veth-b enable\nphyint veth-bc enable\n"
                    "mroute from veth-b source 10.0.0.1 group 239.3.3.3 to veth-bc\n")
        p = subprocess.Popen(["ip", "netns", "exec", "b", "smcrouted", "-n", "-N", "-f", SMC_CONF,
                              "-u", SMC_SOCK], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _proc.append(p)
        # The debug kernel can take seconds to start smcrouted in b; a case
        # run before the route is in would compare native without it.
        for _ in range(300):
            with In("b"):
                if any(l.startswith("030303EF") for l in open("/proc/net/ip_mr_cache")):
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("smcrouted did not install 239.3.3.3 in 30 s")
        time.sleep(0.2)
    else:
        while _proc:
            p = _proc.pop()
            p.terminate()
            p.wait()
        time.sleep(0.2)


def takeover(on):
    """b's two ports, as a router in takeover mode has them."""
    with In("b"):
        for dev in ("veth-b", "veth-bc"):
            with open("/proc/net/oxip_takeover", "w") as f:
                f.write(("+" if on else "-") + dev)
