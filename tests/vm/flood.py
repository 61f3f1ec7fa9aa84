#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one IPv4/UDP frame (built by pkt.py) on an AF_PACKET socket again and
again until killed or SECONDS pass; errors (the device going away) end it
quietly; a full backlog (ENOBUFS) does not. Prints the number of frames
sent. Used inside the VM only.
"""
import argparse
import errno
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ifname", required=True)
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--ethertype", type=lambda x: int(x, 0), default=0x0800)
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--dport", type=int, default=9)
    ap.add_argument("--seconds", type=float, default=3600)
    a = ap.parse_args()
    l4 = pkt.udp(a.src, a.dst, 40000, a.dport, payload=b"x" * 64)
    fr = pkt.frame(a.dst_mac, pkt.if_mac(a.ifname), a.ethertype, pkt.iphdr(a.src, a.dst, 17, len(l4)) + l4)
    n = 0
    end = time.time() + a.seconds
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((a.ifname, 0))
        while time.time() < end:
            for _ in range(256):
                try:
                    s.send(fr)
                    n += 1
                except OSError as e:
                    # ENOBUFS: the receiving CPU's backlog is full (a frame
                    # dropped, as a NIC's would be); go on.
                    if e.errno != errno.ENOBUFS:
                        raise
    except (OSError, KeyboardInterrupt):
        pass
    print(n)


if __name__ == "__main__":
    main()
