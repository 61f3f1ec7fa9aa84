#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Differential fuzzing: seeded, mutated IPv4 packets (fuzzgen.py) sent in
batches from a to b, once through the native path and once through oxip in
each mode (ethertype, takeover), on the topology of the differential
corpus (lib.sh diff_topology).

Per packet (attributed by the tag every packet carries) it compares what b
and c delivered to their UDP sockets and every frame that arrived at a or at
c (b's replies, forwarded copies, c's answers to them), normalised only where
native itself is not repeatable (IP ids, TCP sequence numbers, timestamps in
the timestamp option). Per batch it compares b's counter deltas (kernel +
oxip, by the kernel's names) and the kfree_skb drop reasons.

A batch that differs is run again; if it differs again it is narrowed down
to the packet(s) responsible (each packet that differed alone first, then
by bisection), and the case is printed and written to
$OXIP_OUT/fuzz-divergences.txt in the format of tests/vm/fuzz_cases.txt,
which corpus.py replays as part of the differential corpus.

Environment: FUZZ_SEED (1), FUZZ_PACKETS (2000), FUZZ_SECS (0: no limit; sending
stops then, narrowing a divergence found by then 20 s later at most),
FUZZ_BATCH (100), FUZZ_MODES ("ethertype takeover"), FUZZ_MIN_PACKETS (0: the
run fails if fewer were sent when FUZZ_SECS ran out).
Exit status: 0 when every batch matched.
"""
import os
import socket
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzzgen  # noqa: E402
from diffrig import OXIP_ETHERTYPE  # noqa: E402
from diffrig import TRACE  # noqa: E402
from diffrig import In  # noqa: E402
from diffrig import Rig  # noqa: E402
from diffrig import combined  # noqa: E402
from diffrig import delta  # noqa: E402
from diffrig import read_mibs  # noqa: E402
from diffrig import sysctl  # noqa: E402
from diffrig import takeover  # noqa: E402
from diffrig import trace_reasons  # noqa: E402
from diffrig import trace_reset  # noqa: E402
from pkt import csum  # noqa: E402
from pkt import frame  # noqa: E402

SO_RCVBUFFORCE = 33
IP_PKTINFO, IP_RECVTTL, IP_RECVTOS = 8, 12, 13
IP_TOS_CMSG, IP_TTL_CMSG = 1, 2
PKTTYPE = {0: "host", 1: "bcast", 2: "mcast", 3: "otherhost", 4: "outgoing"}
SETTLE = float(os.environ.get("FUZZ_SETTLE", "0.1"))
B_ADDRS = {fuzzgen.B, fuzzgen.B2}


class FuzzRig(Rig):
    """The differential Rig, with large buffers, the destination, TTL and
    TOS of each datagram, and a capture in c as well."""

    def __init__(self):
        super().__init__()
        for s in (self.cap, self.udp, self.udp_c):
            s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        # Room for every SYN of a batch (without SYN cookies).
        self.tcp.listen(4096)
        for s in (self.udp, self.udp_c):
            for opt in (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS):
                s.setsockopt(socket.IPPROTO_IP, opt, 1)
        with In("c"):
            self.cap_c = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
            self.cap_c.bind(("veth-cb", 0))
            self.cap_c.setblocking(False)
            self.cap_c.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)

    @staticmethod
    def datagrams(sock):
        out = []
        while True:
            try:
                data, anc, _, addr = sock.recvmsg(65535, 256)
            except BlockingIOError:
                return out
            dst, ttl, tos = "?", -1, -1
            for level, typ, val in anc:
                if level != socket.IPPROTO_IP:
                    continue
                if typ == IP_PKTINFO and len(val) >= 12:
                    dst = socket.inet_ntoa(val[8:12])
                elif typ == IP_TTL_CMSG and len(val) >= 4:
                    ttl = struct.unpack("i", val[:4])[0]
                elif typ == IP_TOS_CMSG and len(val) >= 1:
                    tos = val[0]
            out.append((data, f"{addr[0]}:{addr[1]}>{dst} ttl={ttl} tos={tos:#x} len={len(data)} "
                              f"crc={zlib.crc32(data):08x}"))

    @staticmethod
    def frames_in(sock):
        out = []
        while True:
            try:
                data, addr = sock.recvfrom(65535)
            except BlockingIOError:
                return out
            # What arrived, not what this namespace sent; no ARP.
            if addr[2] == socket.PACKET_OUTGOING or addr[1] == 0x0806:
                continue
            out.append((data, addr[2]))

    def drain_all(self):
        return {
            "b": self.datagrams(self.udp),
            "c": self.datagrams(self.udp_c),
            "wire-a": self.frames_in(self.cap),
            "wire-c": self.frames_in(self.cap_c),
        }


def frag_queues():
    """Reassembly queues still open in a, b and c."""
    n = 0
    for ns in ("a", "b", "c"):
        with In(ns):
            for line in open("/proc/net/sockstat"):
                if line.startswith("FRAG:"):
                    n += int(line.split()[2])
    return n


# --- describing what was seen -----------------------------------------------

def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def l4_summary(proto, l4, frag_off):
    if frag_off & 0x1FFF:
        return f"fragdata crc={zlib.crc32(l4):08x} len={len(l4)}"
    if proto == fuzzgen.IPPROTO_ICMP and len(l4) >= 8:
        t, code = l4[0], l4[1]
        ok = "ok" if csum(l4) == 0 else "bad"
        if t in (3, 4, 5, 11, 12):
            inner = bytearray(fuzzgen.mask_ts(l4[8:]))
            if len(inner) >= 12:
                # The quoted id may be another stack's (c answering a
                # forwarded packet), the checksum covers clock readings.
                inner[4:6] = b"\0\0"
                inner[10:12] = b"\0\0"
            return f"icmp {t}/{code} rest={l4[4:8].hex()} quoted={bytes(inner).hex()}"
        if t in (0, 8):
            return f"icmp {t}/{code} csum={ok} id/seq={l4[4:8].hex()} crc={zlib.crc32(l4[8:]):08x} len={len(l4)}"
        return f"icmp {t}/{code} csum={ok} len={len(l4)}"
    if proto == fuzzgen.IPPROTO_TCP and len(l4) >= 14:
        sport, dport = struct.unpack("!HH", l4[:4])
        flags = "".join(c for bit, c in ((2, "S"), (16, "A"), (4, "R"), (1, "F"), (8, "P")) if l4[13] & bit)
        doff = (l4[12] >> 4) * 4
        return f"tcp {sport}>{dport} {flags} data={max(0, len(l4) - doff)}"
    if proto == fuzzgen.IPPROTO_UDP and len(l4) >= 8:
        sport, dport, ulen, uc = struct.unpack("!HHHH", l4[:8])
        return f"udp {sport}>{dport} ulen={ulen} csum={uc:04x} crc={zlib.crc32(l4[8:]):08x} len={len(l4)}"
    return f"proto {proto} crc={zlib.crc32(l4):08x} len={len(l4)}"


def fingerprint(fr, pkttype):
    """A frame, without what native itself does not repeat: IP id and
    header checksum (kept as ok/bad), TCP sequence numbers, the clock
    readings of the timestamp option."""
    head = f"{mac_str(fr[0:6])}<{mac_str(fr[6:12])} {PKTTYPE.get(pkttype, pkttype)}"
    if len(fr) < 14:
        return f"{head} short"
    et = struct.unpack("!H", fr[12:14])[0]
    if et != 0x0800:
        return f"{head} eth:{et:#06x} len={len(fr)}"
    ip = fr[14:]
    if len(ip) < 20:
        return f"{head} ip-short {ip.hex()}"
    ihl = (ip[0] & 0xF) * 4
    tot_len, frag_off = struct.unpack("!HH", ip[2:4] + ip[6:8])
    ok = "ok" if len(ip) >= ihl >= 20 and csum(ip[:ihl]) == 0 else "bad"
    masked = fuzzgen.mask_ts(ip)
    opts = masked[20:ihl].hex()
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    body = ip[ihl:tot_len] if tot_len >= ihl else ip[ihl:]
    return (f"{head} ip {src}>{dst} ver/ihl={ip[0]:#x} tos={ip[1]:#x} tot_len={tot_len} frag={frag_off:#x} "
            f"ttl={ip[8]} proto={ip[9]} csum={ok} opts={opts} trail={len(ip) - tot_len} | "
            f"{l4_summary(ip[9], body, frag_off)}")


def tag_of(ip, inner=False):
    """The (kind, value) tag an IPv4 packet carries: see fuzzgen."""
    if len(ip) < 20:
        return None
    ihl = (ip[0] & 0xF) * 4
    if ihl < 20:
        return None
    proto = ip[9]
    ident = struct.unpack("!H", ip[4:6])[0]
    frag_off = struct.unpack("!H", ip[6:8])[0]
    l4 = ip[ihl:]
    if frag_off & 0x1FFF:
        return ("id", ident)
    if proto == fuzzgen.IPPROTO_ICMP and len(l4) >= 8:
        if l4[0] in (0, 8):
            return ("echo", struct.unpack("!H", l4[4:6])[0])
        if l4[0] in (3, 4, 5, 11, 12) and not inner:
            return tag_of(l4[8:], inner=True)
    if proto in (fuzzgen.IPPROTO_TCP, fuzzgen.IPPROTO_UDP) and len(l4) >= 4:
        for port in struct.unpack("!HH", l4[:4]):
            if fuzzgen.PORT_BASE <= port < fuzzgen.PORT_BASE + fuzzgen.PORT_SPAN:
                return ("port", port - fuzzgen.PORT_BASE)
    return ("id", ident)


class Tags:
    def __init__(self, pkts):
        self.idx = {p.idx for p in pkts}
        self.by = {"port": {}, "echo": {}, "id": {}}
        for p in pkts:
            self.by["port"].setdefault(p.idx % fuzzgen.PORT_SPAN, p.idx)
            self.by["echo"].setdefault(p.idx & 0xFFFF, p.idx)
            self.by["id"].setdefault(p.idx & 0xFFFF, p.idx)

    def of_payload(self, data):
        at = data.find(fuzzgen.MARKER)
        if at < 0 or at + 8 > len(data):
            return None
        idx = struct.unpack("!I", data[at + 4:at + 8])[0]
        return idx if idx in self.idx else None

    def of_ip(self, ip):
        t = tag_of(ip)
        if t is None:
            return None
        return self.by[t[0]].get(t[1])


def outcome(events):
    """The coarse outcome of one packet from its events."""
    kinds = set()
    for e in events:
        if e.startswith("deliver-b"):
            kinds.add("delivered")
        elif e.startswith("deliver-c"):
            kinds.add("forwarded")
        elif e.startswith("wire-c"):
            kinds.add("forwarded")
        elif e.startswith("wire-a"):
            src = e.split(" ip ", 1)[1].split(">", 1)[0] if " ip " in e else ""
            kinds.add("reply" if src in B_ADDRS else "forwarded")
    return "+".join(sorted(kinds)) or "dropped"


def analyse(pkts, seen, mibs, drops):
    tags = Tags(pkts)
    per = {p.idx: [] for p in pkts}
    other = []
    for where in ("b", "c"):
        for data, text in seen[where]:
            ev = f"deliver-{where} {text}"
            idx = tags.of_payload(data)
            (per[idx] if idx is not None else other).append(ev)
    for where in ("wire-a", "wire-c"):
        for fr, pt in seen[where]:
            ev = f"{where} {fingerprint(fr, pt)}"
            idx = tags.of_ip(fr[14:]) if len(fr) >= 34 and fr[12:14] == b"\x08\x00" else None
            (per[idx] if idx is not None else other).append(ev)
    return {
        "pkt": {k: sorted(v) for k, v in per.items()},
        "other": sorted(other),
        "mibs": mibs,
        "drops": drops,
    }


def compare(nat, res):
    """(differences as text, indexes of packets whose outcome differs)."""
    diffs, bad = [], []
    for idx, ev in nat["pkt"].items():
        if res["pkt"].get(idx) != ev:
            bad.append(idx)
            diffs.append(f"packet {idx}: native {ev!r}\n{' ' * 12}oxip   {res['pkt'].get(idx)!r}")
    for k in ("other", "mibs", "drops"):
        if nat[k] != res[k]:
            if k == "mibs":
                keys = sorted(set(nat[k]) | set(res[k]))
                d = {x: (nat[k].get(x, 0), res[k].get(x, 0)) for x in keys if nat[k].get(x, 0) != res[k].get(x, 0)}
                diffs.append(f"counters (native, oxip): {d}")
            elif k == "drops":
                n, o = count_list(nat[k]), count_list(res[k])
                d = {x: (n.get(x, 0), o.get(x, 0)) for x in sorted(set(n) | set(o)) if n.get(x, 0) != o.get(x, 0)}
                diffs.append(f"drop reasons (native, oxip): {d}")
            else:
                diffs.append(f"{k}: native {nat[k]!r}\n{' ' * 12}oxip   {res[k]!r}")
    return diffs, bad


def count_list(xs):
    out = {}
    for x in xs:
        out[x] = out.get(x, 0) + 1
    return out


# --- running -----------------------------------------------------------------

class Fuzzer:
    def __init__(self, rig, seed, modes, deadline):
        self.deadline = deadline
        self.rig = rig
        self.seed = seed
        self.modes = modes
        self.frames_sent = 0
        self.oxip = {}
        self.runs = 0
        self.profile = None

    def set_profile(self, prof):
        if prof == self.profile:
            return
        for k, v in fuzzgen.profile_sysctls(prof).items():
            sysctl("b", k, v)
        self.profile = dict(prof)
        time.sleep(0.05)

    def run(self, pkts, mode):
        """Sends pkts through one path; returns what happened."""
        rig = self.rig
        et = OXIP_ETHERTYPE if mode == "ethertype" else 0x0800
        frames = [frame(fuzzgen.l2_dst(p.l2, p.ip, rig.b_mac), rig.a_mac, et, p.ip) for p in pkts]
        if mode == "takeover":
            takeover(True)
        try:
            rig.drain_all()
            trace_reset()
            before = read_mibs("b")
            for fr in frames:
                try:
                    rig.tx.send(fr)
                except OSError:
                    pass
            self.frames_sent += len(frames)
            self.runs += 1
            time.sleep(SETTLE)
            if any(p.is_fragment for p in pkts):
                deadline = time.monotonic() + 6
                while frag_queues() and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(SETTLE)
            seen = rig.drain_all()
            after = read_mibs("b")
            drops = trace_reasons()
        finally:
            if mode == "takeover":
                takeover(False)
        d = delta(before, after)
        for k in ("ListBatches", "TakeoverRcv", "EthertypeRcv"):
            self.oxip[k] = self.oxip.get(k, 0) + d.get("oxip:Oxip." + k, 0)
        return analyse(pkts, seen, combined(d), drops)

    def differs(self, pkts, mode):
        nat = self.run(pkts, "native")
        res = self.run(pkts, mode)
        return compare(nat, res) + (nat,)

    def narrow(self, pkts, mode, suspects, budget):
        """The smallest sets of packets found that still diverge."""
        found = []
        for idx in suspects:
            one = [p for p in pkts if p.idx == idx]
            if budget[0] <= 0 or time.monotonic() > self.deadline:
                break
            budget[0] -= 1
            if self.differs(one, mode)[0]:
                found.append(one)
        if found:
            return found
        return self.bisect(pkts, mode, budget)

    def bisect(self, pkts, mode, budget):
        if len(pkts) <= 1 or budget[0] <= 0 or time.monotonic() > self.deadline:
            return [pkts]
        half = len(pkts) // 2
        out = []
        for part in (pkts[:half], pkts[half:]):
            budget[0] -= 1
            if self.differs(part, mode)[0]:
                out += self.bisect(part, mode, budget)
        return out or [pkts]


LIST_SOURCES = {socket.inet_aton(fuzzgen.A), socket.inet_aton(fuzzgen.A2), b"\xff\xff\xff\xff"}


def list_source_ok(ip):
    """A source native's hint path and full lookup judge alike (see main)."""
    if len(ip) < 16:
        return True
    return ip[12:16] in LIST_SOURCES or ip[12] & 0xF0 == 0xE0


def case_line(seed, mode, prof, pkts):
    name = f"fuzz_s{seed}_i{pkts[0].idx}"
    return (f"{name} mode={mode} profile={fuzzgen.profile_text(prof)} "
            f"pkts={','.join(p.encode() for p in pkts)}")


def main():
    seed = int(os.environ.get("FUZZ_SEED", "1"))
    count = int(os.environ.get("FUZZ_PACKETS", "2000"))
    secs = float(os.environ.get("FUZZ_SECS", "0") or 0)
    size = int(os.environ.get("FUZZ_BATCH", "100"))
    modes = os.environ.get("FUZZ_MODES", "ethertype takeover").split()
    min_packets = int(os.environ.get("FUZZ_MIN_PACKETS", "0"))
    out_dir = os.environ.get("OXIP_OUT", "/tmp")
    cases_path = os.path.join(out_dir, "fuzz-divergences.txt")
    verbose = os.environ.get("FUZZ_VERBOSE", "0") == "1"
    # Listified receive (veth GRO): native and oxip take their list paths,
    # whose batches are cut by timing (and the takeover backlog batches
    # again). Where a batch-mate's route is reused, native's
    # ip_route_use_hint judges the source differently from the full lookup:
    # a 0.0.0.0/8 source is martian only there, and a forwarded packet's
    # source is not validated at all (local, broadcast or unroutable
    # sources, rp_filter). So only sources both judge alike are kept: a's
    # addresses, multicast and limited broadcast.
    list_rcv = os.environ.get("FUZZ_LIST", "0") == "1"
    skipped = 0

    t_start = time.monotonic()
    from corpus import setup
    setup(sysctl)
    # a and c answer what b forwards to them: no ICMP rate limit there either.
    for ns in ("a", "c"):
        for k, v in (("net.ipv4.icmp_ratelimit", 0), ("net.ipv4.icmp_msgs_per_sec", 100000),
                     ("net.ipv4.icmp_msgs_burst", 100000), ("net.ipv4.ipfrag_time", 1)):
            sysctl(ns, k, v)
    with open(f"{TRACE}/events/skb/kfree_skb/enable", "w") as f:
        f.write("1")
    rig = FuzzRig()
    time.sleep(float(os.environ.get("DIFF_WARMUP", "3")))  # IGMP reports of the joins
    # Narrowing a divergence may run 20 s past FUZZ_SECS, no more.
    fz = Fuzzer(rig, seed, modes, time.monotonic() + (secs or 1e9) + 20)
    print(f"fuzz: set up in {time.monotonic() - t_start:.1f} s; seed {seed}, up to {count} packets"
          + (f" or {secs:.0f} s" if secs else "") + f", batches of {size}, native vs {' and '.join(modes)}")
    sys.stdout.flush()

    t0 = time.monotonic()
    sent = divergences = flaky = 0
    outcomes = {}
    saved = []
    for n, (kind, pkts, prof) in enumerate(fuzzgen.batches(seed, count, size)):
        if secs and time.monotonic() - t0 > secs:
            break
        if list_rcv:
            keep = [p for p in pkts if list_source_ok(p.ip)]
            skipped += len(pkts) - len(keep)
            pkts = keep
            if not pkts:
                continue
        fz.set_profile(prof)
        nat = fz.run(pkts, "native")
        status = []
        for mode in modes:
            res = fz.run(pkts, mode)
            diffs, bad = compare(nat, res)
            if not diffs:
                status.append(f"{mode} ok")
                continue
            # Again, to tell a divergence from noise.
            diffs2, bad2, _ = fz.differs(pkts, mode)
            if not diffs2:
                flaky += 1
                status.append(f"{mode} FLAKY")
                print(f"FLAKY batch {n} [{mode}] differed once, not again:")
                for d in diffs:
                    print(f"     {d}")
                continue
            divergences += 1
            status.append(f"{mode} DIVERGED")
            print(f"DIVERGENCE batch {n} [{mode}] profile {fuzzgen.profile_text(prof)}:")
            for d in diffs2:
                print(f"     {d}")
            budget = [48]
            for culprit in fz.narrow(pkts, mode, bad2, budget):
                line = case_line(seed, mode, prof, culprit)
                d3, _, _ = fz.differs(culprit, mode)
                print(f"  narrowed to {len(culprit)} packet(s): {[p.idx for p in culprit]}"
                      f" ({'reproduces' if d3 else 'does not reproduce alone'})")
                for p in culprit:
                    print(f"     {p.idx}: {p.note}")
                for d in d3:
                    print(f"     {d}")
                print(f"  case: {line}")
                saved.append(line)
        sent += len(pkts)
        for idx, ev in nat["pkt"].items():
            o = outcome(ev)
            outcomes[o] = outcomes.get(o, 0) + 1
        el = time.monotonic() - t0
        print(f"batch {n:4d} {kind:5s} {len(pkts):3d} pkts  profile {fuzzgen.profile_text(prof)}  "
              f"{'; '.join(status)}  [{sent} sent, {el:.0f} s]")
        if verbose:
            for p in pkts:
                print(f"     {p.idx}: {outcome(nat['pkt'][p.idx])}: {p.note}")
        sys.stdout.flush()

    el = time.monotonic() - t0
    if saved:
        with open(cases_path, "a") as f:
            for line in saved:
                f.write(line + "\n")
        print(f"fuzz: {len(saved)} case(s) written to {cases_path} (append them to tests/vm/fuzz_cases.txt)")
    print("fuzz: native outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    got = fz.oxip.get("TakeoverRcv", 0) + fz.oxip.get("EthertypeRcv", 0)
    print(f"fuzz: oxip received {got} frames in {fz.oxip.get('ListBatches', 0)} list batches"
          + (f"; {skipped} packets with other sources left out (list receive)" if list_rcv else ""))
    print(f"fuzz: {sent} packets sent ({fz.frames_sent} frames over native and {len(modes)} oxip paths, "
          f"{fz.runs} batch runs) in {el:.1f} s: {sent / el if el else 0:.1f} packets/s, "
          f"{fz.frames_sent / el if el else 0:.1f} frames/s; divergences {divergences}, flaky {flaky}")
    ok = divergences == 0 and flaky == 0 and sent > 0 and sent + skipped >= min_packets
    if sent + skipped < min_packets:
        print(f"fuzz: only {sent} of the {min_packets} packets required were sent in time")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
