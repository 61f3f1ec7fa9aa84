#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the Nth fault-injection point this task reaches fail
(/proc/thread-self/fail-nth), then do one operation, and report:
  rc=<0 or errno name> injected=<0|1> calls=<fault points reached>
Operations: insmod KO (finit_module), write FILE TEXT (one write(2)),
unshare (a new network namespace, unshare(CLONE_NEWNET), freed on exit).
N=0 injects nothing and only counts (calls). Used inside the VM only.
"""
import ctypes
import errno
import os
import sys

SYS_finit_module = 313  # x86_64
BIG = 1 << 30


def main():
    n, op, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    nth = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    if op == "insmod":
        fd = os.open(args[0], os.O_RDONLY)
        params = ctypes.c_char_p(b"")
        run = lambda: libc.syscall(SYS_finit_module, fd, params, 0)  # noqa: E731
    elif op == "write":
        fd = os.open(args[0], os.O_WRONLY)
        data = (args[1] + "\n").encode()
        buf = ctypes.create_string_buffer(data, len(data))
        run = lambda: libc.write(fd, buf, len(data))  # noqa: E731
    elif op == "unshare":
        run = lambda: libc.unshare(0x40000000)  # noqa: E731  CLONE_NEWNET
    else:
        sys.exit("op: insmod, write or unshare")
    start = n if n else BIG
    os.write(nth, b"%d" % start)
    r = run()
    e = ctypes.get_errno() if r < 0 else 0
    # procfs' fail-nth cannot seek: read and reset through fresh opens.
    rd = os.open("/proc/thread-self/fail-nth", os.O_RDONLY)
    left = int(os.read(rd, 32).strip() or b"0")
    os.close(rd)
    os.write(nth, b"0")
    injected = 1 if (n and left == 0) else 0
    calls = (n - left) if n else (BIG - left)
    print(f"rc={errno.errorcode.get(e, e) if e else 0} injected={injected} calls={calls}")


if __name__ == "__main__":
    main()
