#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Multicast test traffic inside the VM's namespaces.
  mcast.py send SRC_ADDR GROUP PORT TTL COUNT
  mcast.py recv IFADDR GROUP PORT SECONDS OUTFILE [STOPFILE]
      writes the count to OUTFILE (0 as soon as it has joined); runs SECONDS,
      or with STOPFILE until that file exists (then half a second more),
      SECONDS at most: under a loaded TCG host a fixed window can close
      before a slow sender is done; GROUP may be a unicast address of its own
  mcast.py send-loop SRC_ADDR PREFIX NGROUPS PORT TTL COUNT [ROUNDS]
      COUNT datagrams to PREFIX.<random 1..NGROUPS>, again and again until
      killed; with ROUNDS, that many times, to PREFIX.(i % NGROUPS + 1) in turn
  mcast.py mrt-table TABLE READYFILE SECONDS
      holds an MRT socket (MRT_TABLE, MRT_INIT) that creates multicast routing
      table TABLE with no entries; writes READYFILE, then sleeps SECONDS
"""
import os
import random
import socket
import struct
import sys
import time


def send(src, group, port, ttl, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    for i in range(count):
        s.sendto(struct.pack("!I", i) + b"oxip-mcast", (group, port))
        time.sleep(0.002)


def recv(ifaddr, group, port, seconds, out, stop=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((group, port))
    if socket.inet_aton(group)[0] >> 4 == 0xE:  # a multicast group: join it
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(ifaddr))
    s.settimeout(0.2)
    n = 0
    with open(out, "w") as f:
        f.write("0\n")
    end = time.time() + seconds
    while time.time() < end:
        if stop and os.path.exists(stop):
            end = min(end, time.time() + 0.5)
            stop = None
        try:
            s.recv(2048)
            n += 1
        except socket.timeout:
            pass
        with open(out, "w") as f:
            f.write(f"{n}\n")


def mrt_table(table, ready, seconds):
    MRT_INIT, MRT_TABLE = 200, 209  # include/uapi/linux/mroute.h
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, MRT_TABLE, table)
    s.setsockopt(socket.IPPROTO_IP, MRT_INIT, 1)
    open(ready, "w").close()
    time.sleep(seconds)


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "send":
        send(a[2], a[3], int(a[4]), int(a[5]), int(a[6]))
    elif a[1] == "send-loop" and len(a) > 8:
        for i in range(1, int(a[8]) + 1):
            send(a[2], f"{a[3]}.{i % int(a[4]) + 1}", int(a[5]), int(a[6]), int(a[7]))
    elif a[1] == "send-loop":
        while True:
            try:
                send(a[2], f"{a[3]}.{random.randint(1, int(a[4]))}", int(a[5]), int(a[6]), int(a[7]))
            except OSError:
                time.sleep(0.1)
    elif a[1] == "mrt-table":
        mrt_table(int(a[2]), a[3], float(a[4]))
    else:
        recv(a[2], a[3], int(a[4]), float(a[5]), a[6], a[7] if len(a) > 7 else None)
