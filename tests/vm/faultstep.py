#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Packet-path fault injection one failure at a time, each accounted for.

  faultstep.py STEPS SECONDS SEED

Runs in the initial namespace on router_topology 3 (h1 -> r -> h2, h3) with
takeover on r's veth-r1 and the multicast route 10.0.1.2 -> 239.2.2.2 to veth-r2 and veth-r3. The
failslab and fail_page_alloc directories must already carry the stack
filter (oxip's text) with probability 0.

Each step arms one of the two (failslab seven times in eight) for a single
failure (`times` 1) with a probability of 100, 50 or 20 per allocation,
sends one frame from h1 (unicast to h2 or multicast to h2 and h3, 64 or
1,400 bytes of payload, chosen by SEED), waits for its copies on h2 and h3
(UDP sockets, which consume them), disarms, and reads what happened:
  injected   the attribute's `times` went from 1 to 0
  site       the call oxip made, from the failure's stack in the kernel log
             (the function above the innermost [oxip] frame); failslab logs
             no stack for a __GFP_NOWARN allocation: "nowarn:" and the
             allocation's caller (tracepoints kmem_cache_alloc and kmalloc
             with ptr 0)
  lost       copies expected and not received
  oxip       oxip's drop counters in r, by reason (/proc/net/oxip_drops)
  native     kfree_skb events (tracepoint skb:kfree_skb, IPv4) whose
             location is not in oxip, by reason and location
A step is accounted for when it lost nothing and oxip counted no drop (the
failure was absorbed: an allocation the kernel retries or can do without),
or when every copy it lost has a drop counted with a reason, by oxip or by
native (for a multicast frame, one drop may lose both copies: the frame
was dropped before it was replicated), and oxip counted no more drops than
copies were lost. A step with no injection must lose nothing and count no
drop of oxip's. (Native drops of the VM's own traffic can fall in a step:
they never make a step with nothing lost fail.) Prints one line per
injected step and a summary; exits 1 if any step is not accounted for.
Stops after STEPS steps or SECONDS seconds. Used inside the VM only.
"""
import collections
import errno
import os
import random
import re
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402
from netns import In  # noqa: E402

ETH_P_IP = 0x0800
ETH_P_ALL = 0x0003
D = "/sys/kernel/debug"
T = "/sys/kernel/tracing"


def in_ns(name, fn):
    """fn() run in network namespace NAME, then back (netns.In)."""
    with In(name):
        return fn()


def wr(path, text):
    with open(path, "w") as f:
        f.write(str(text))


def rd(path):
    with open(path) as f:
        return f.read().strip()


def packet_socket(ifname, proto):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(proto))
    s.bind((ifname, proto))
    s.setblocking(False)
    return s


def udp_socket(i):
    """A receiver on port 5000 and group 239.2.2.2 in h<i> (10.0.<i>.2): it
    consumes what it receives, so that no copy ends as a kfree_skb there."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", 5000))
    mreq = socket.inet_aton("239.2.2.2") + socket.inet_aton("10.0.%s.2" % i)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.setblocking(False)
    return s


def drops_reader():
    """A reader of oxip's drop counters in r: {reason: count}."""
    fd = in_ns("r", lambda: os.open("/proc/net/oxip_drops", os.O_RDONLY))

    def read():
        os.lseek(fd, 0, os.SEEK_SET)
        text = b""
        while True:
            b = os.read(fd, 65536)
            if not b:
                break
            text += b
        out = {}
        for line in text.decode().splitlines():
            f = line.split()
            if len(f) >= 2 and f[1].isdigit():
                out[f[0]] = int(f[1])
        return out
    return read


class Kmsg:
    """The kernel log from now on, read without blocking."""

    def __init__(self):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)

    def lines(self):
        out = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                return out
            except OSError as e:
                if e.errno == errno.EPIPE:  # overwritten records: go on
                    continue
                raise
            if not rec:
                return out
            out.append(rec.decode(errors="replace").split(";", 1)[-1].split("\n")[0])


def fault_sites(lines):
    """The call oxip made for each failure logged in LINES: the function just
    above the innermost [oxip] frame; unreliable frames ("? ") skipped."""
    sites, cur, prev, site = [], False, "", ""
    for line in lines:
        if "FAULT_INJECTION: forcing a failure" in line:
            if cur:
                sites.append(site or "-")
            cur, prev, site = True, "", ""
            continue
        if not cur:
            continue
        if "</TASK>" in line:
            sites.append(site or "-")
            cur = False
            continue
        s = line.strip()
        if s.startswith("? "):
            continue
        fn = re.sub(r"\+0x.*", "", s)
        if not site and "[oxip]" in s:
            site = prev or "-"
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", fn):
            prev = fn
    if cur:
        sites.append(site or "-")
    return sites


class Trace:
    """Tracepoint events, read without blocking: kfree_skb of IPv4 skbs, and
    the slab allocations that returned NULL (kmem_cache_alloc and kmalloc
    fire with ptr 0 for a failure, a __GFP_NOWARN one included)."""
    EVENTS = {"skb/kfree_skb": "protocol == 2048", "kmem/kmem_cache_alloc": "ptr == 0",
              "kmem/kmalloc": "ptr == 0"}

    def __init__(self):
        wr(T + "/tracing_on", 0)
        wr(T + "/trace", "")
        for ev, flt in self.EVENTS.items():
            wr(T + "/events/" + ev + "/filter", flt)
            wr(T + "/events/" + ev + "/enable", 1)
        wr(T + "/tracing_on", 1)
        self.fd = os.open(T + "/trace_pipe", os.O_RDONLY | os.O_NONBLOCK)
        self.buf = b""

    def events(self):
        """([(location, reason)] of kfree_skb, [call site] of failed allocations)."""
        while True:
            r, _, _ = select.select([self.fd], [], [], 0)
            if not r:
                break
            try:
                b = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not b:
                break
            self.buf += b
        *lines, self.buf = self.buf.split(b"\n")
        frees, fails = [], []
        for ln in lines:
            m = re.search(rb"location=(\S+) reason: (\S+)", ln)
            if m:
                frees.append((m.group(1).decode(), m.group(2).decode()))
                continue
            m = re.search(rb"call_site=([^+ ]+)", ln)
            if m:
                fails.append(m.group(1).decode())
        return frees, fails

    def close(self):
        for ev in self.EVENTS:
            wr(T + "/events/" + ev + "/enable", 0)
            wr(T + "/events/" + ev + "/filter", 0)
        os.close(self.fd)


def main():
    steps, seconds, seed = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    attrs = {"slab": D + "/failslab", "page": D + "/fail_page_alloc"}
    tx = in_ns("h1", lambda: packet_socket("veth-h1", 0))  # sends only
    # A packet tap on r's veth-r1 without a ring: packet_rcv() clones the
    # frame it is handed, so the frame oxip receives is a clone and oxip's
    # forwarding must copy its header (skb_cow) before it writes the TTL.
    # Drained every step: a full tap stops cloning.
    tap = in_ns("r", lambda: packet_socket("veth-r1", ETH_P_ALL))
    rx = {h: in_ns(h, lambda h=h: udp_socket(h[1])) for h in ("h2", "h3")}
    r_mac = bytes.fromhex("020000000101")
    mc_mac = bytes.fromhex("01005e020202")
    h1_mac = bytes.fromhex("020000000102")
    drops = drops_reader()
    kmsg = Kmsg()
    trace = Trace()

    def frame(kind, size, tag):
        dst, mac, ttl = ("10.0.2.2", r_mac, 64) if kind == "uc" else ("239.2.2.2", mc_mac, 8)
        l4 = pkt.udp("10.0.1.2", dst, 40000, 5000, payload=tag + b"x" * (size - len(tag)))
        ip = pkt.iphdr("10.0.1.2", dst, 17, len(l4), ttl=ttl, ident=rng.randrange(65536))
        return mac + h1_mac + ETH_P_IP.to_bytes(2, "big") + ip + l4

    def receive(tag, want, seen, wait):
        """Adds to SEEN the hosts that received TAG, until WANT or WAIT s."""
        end = time.monotonic() + wait
        while True:
            for h, s in rx.items():
                while True:
                    try:
                        b = s.recv(4096)
                    except BlockingIOError:
                        break
                    if tag in b:
                        seen.add(h)
            if want <= seen or time.monotonic() >= end:
                return seen
            select.select(list(rx.values()), [], [], max(0.0, min(0.05, end - time.monotonic())))

    def drain(sock):
        while True:
            try:
                sock.recv(65536)
            except BlockingIOError:
                return

    def delta(a, b):
        return {k: b.get(k, 0) - a.get(k, 0) for k in b if b.get(k, 0) != a.get(k, 0)}

    # Warm up: the neighbours, the multicast cache entry, the route cache.
    for i in range(3):
        for kind in ("uc", "mc"):
            tag = b"oxfi-warm-%d-%s" % (i, kind.encode())
            tx.send(frame(kind, 64, tag))
            receive(tag, {"h2"} if kind == "uc" else {"h2", "h3"}, set(), 2.0)
    # The IGMP reports of the joins above go out for a few seconds.
    time.sleep(3)
    kmsg.lines()
    trace.events()

    t0 = time.monotonic()
    n = injected = bad = 0
    outcome = collections.Counter()
    for step in range(1, steps + 1):
        if time.monotonic() - t0 >= seconds:
            break
        n = step
        kind = rng.choice(("uc", "mc"))
        which = "page" if rng.random() < 0.125 else "slab"
        prob = rng.choice((100, 50, 20))
        size = rng.choice((64, 1400))
        tag = b"oxfi%07d" % step
        want = {"h2"} if kind == "uc" else {"h2", "h3"}
        a = attrs[which]
        drain(tap)
        d0 = drops()
        wr(a + "/times", 1)
        wr(a + "/probability", prob)
        tx.send(frame(kind, size, tag))
        seen = receive(tag, want, set(), 0.5)
        wr(a + "/probability", 0)
        inj = rd(a + "/times") == "0"
        wr(a + "/times", -1)
        oxd = delta(d0, drops())
        frees, fails = trace.events()
        if len(want - seen) > sum(oxd.values()) + len(frees):
            # Slow under TCG: late copies, late counters.
            seen = receive(tag, want, seen, 1.5)
            oxd = delta(d0, drops())
            f2, a2 = trace.events()
            frees, fails = frees + f2, fails + a2
        nat = [e for e in frees if "[oxip]" not in e[0]]
        sites = fault_sites(kmsg.lines())
        lost = len(want - seen)
        ox = sum(oxd.values())
        if not inj:
            # A native drop elsewhere in the VM (its own traffic) is no
            # loss of this frame; a lost copy or a drop of oxip's is.
            if lost or ox:
                bad += 1
                print(f"step {step}: no injection, lost {lost}, oxip {oxd}, native {nat} (NOT ACCOUNTED)")
            continue
        injected += 1
        # The call oxip made, from the logged stack; a __GFP_NOWARN failure
        # logs none: then the allocation's caller, from the tracepoint.
        site = ",".join(sites) if sites else "nowarn:" + (",".join(fails) or "?")
        if lost == 0:
            # Nothing lost: absorbed, unless oxip counted a drop anyway.
            verdict = "absorbed" if ox == 0 else "NOT ACCOUNTED"
        elif ox <= lost and (lost <= ox + len(nat) or lost == len(want) and ox + len(nat) >= 1):
            # Every lost copy has its drop (one drop before replication
            # loses every copy of a multicast frame), and oxip counted no
            # more drops than copies were lost.
            verdict = "dropped"
        else:
            verdict = "NOT ACCOUNTED"
        bad += verdict == "NOT ACCOUNTED"
        who = ",".join(["oxip:" + k for k in sorted(oxd) for _ in range(oxd[k])]
                       + ["native:%s@%s" % (r, l) for l, r in nat]) or "-"
        outcome[(which, site, verdict, who)] += 1
        print(f"step {step}: {kind} {size} B {which} p{prob}: site {site}, lost {lost} of {len(want)}, "
              f"drops {who}: {verdict}")
    trace.close()
    print(f"steps {n} injected {injected} not_accounted {bad} seconds {time.monotonic() - t0:.0f}")
    for (which, site, verdict, who), c in sorted(outcome.items(), key=lambda x: -x[1]):
        print(f"  {c} x {which} {site}: {verdict} ({who})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
