#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal NFQUEUE reader over raw netlink (no libraries): binds queue
NUM, holds every packet it is given, and when the file GO appears sends an
ACCEPT verdict for each, printing how many were held and how each verdict
was answered (0, or the errno: ENOENT once the kernel dropped the entry).

Used inside the VM only.
"""
import argparse
import errno
import os
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS = 1, 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NF_ACCEPT = 1


def attr(t, payload):
    ln = 4 + len(payload)
    return struct.pack("=HH", ln, t) + payload + b"\0" * ((4 - ln % 4) % 4)


def msg(mtype, flags, seq, res_id, attrs):
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, res_id) + attrs
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | mtype, flags, seq, 0) + body


def parse_attrs(b):
    out = {}
    while len(b) >= 4:
        ln, t = struct.unpack("=HH", b[:4])
        if ln < 4:
            break
        out[t & 0x7FFF] = b[4:ln]
        b = b[(ln + 3) & ~3:]
    return out


def messages(data):
    while len(data) >= 16:
        ln, mtype, flags, seq, pid = struct.unpack("=IHHII", data[:16])
        if ln < 16:
            break
        yield mtype, seq, data[16:ln]
        data = data[(ln + 3) & ~3:]


def ack(sock, seq):
    """The errno of the request `seq` (0 on success)."""
    while True:
        data = sock.recv(65536)
        for mtype, s, body in messages(data):
            if mtype == NLMSG_ERROR and s == seq:
                return -struct.unpack("=i", body[:4])[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--queue", type=int, default=0)
    p.add_argument("--go", required=True, help="send the verdicts once this file exists")
    p.add_argument("--ready", required=True, help="created once the queue is bound")
    p.add_argument("--timeout", type=float, default=120)
    a = p.parse_args()
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, 0))
    seq = 1
    s.send(msg(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, a.queue,
               attr(NFQA_CFG_CMD, struct.pack("!BBH", NFQNL_CFG_CMD_BIND, 0, socket.AF_INET))))
    e = ack(s, seq)
    if e:
        sys.exit(f"nfq: bind queue {a.queue}: {os.strerror(e)}")
    seq += 1
    s.send(msg(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, a.queue,
               attr(NFQA_CFG_PARAMS, struct.pack("!IB", 0xFFFF, NFQNL_COPY_META))))
    e = ack(s, seq)
    if e:
        sys.exit(f"nfq: copy mode: {os.strerror(e)}")
    open(a.ready, "w").close()
    held = []
    s.settimeout(0.2)
    t_end = time.time() + a.timeout
    while not os.path.exists(a.go) and time.time() < t_end:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        for mtype, _, body in messages(data):
            if mtype != (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                continue
            hdr = parse_attrs(body[4:]).get(NFQA_PACKET_HDR)
            if hdr:
                pid, _, hook = struct.unpack("!IHB", hdr[:7])
                held.append((pid, hook))
    s.settimeout(None)
    answers = {}
    for pid, hook in held:
        seq += 1
        s.send(msg(NFQNL_MSG_VERDICT, NLM_F_REQUEST | NLM_F_ACK, seq, a.queue,
                   attr(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, pid))))
        e = ack(s, seq)
        k = errno.errorcode.get(e, str(e)) if e else "0"
        answers[k] = answers.get(k, 0) + 1
    hooks = sorted({h for _, h in held})
    print(f"nfq: held {len(held)} packets (hooks {hooks}); verdict answers {answers}")


if __name__ == "__main__":
    main()
