#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the Nth fault-injection point this task reaches fail
(/proc/thread-self/fail-nth), then do one operation, and report:
  rc=<0 or errno name> injected=<0|1> calls=<fault points reached>
Operations: insmod KO (finit_module), write FILE TEXT (one write(2)),
unshare (a new network namespace, unshare(CLONE_NEWNET), freed on exit).
N=0 injects nothing and only counts (calls).
Sweeps, each in one process (an exec costs a second on the debug kernel):
  failnth.py sweep-insmod KO SECONDS     fail each allocation of the load in
      turn (SECONDS at most); a load that succeeds is unloaded again
  failnth.py sweep-unshare               the same for a new network namespace
  failnth.py sweep-write FILE TEXT UNDO LINE
      the same for writing TEXT to FILE: a write that succeeds must make FILE
      list LINE (then UNDO is written), one that fails must not
each printing `calls=<points> tried=<n> injected=<n> failed=<n> ok=<n>`.
  failnth.py text-range KO               oxip's executable sections in memory:
      `LO HI` (from /sys/module/oxip/sections and the .ko's section sizes)
  failnth.py kmemleak-range              `LO HI` of kmemleak's text (0 0 if none)
Used inside the VM only.
"""
import ctypes
import errno
import os
import struct
import sys
import time

SYS_finit_module = 313  # x86_64
SYS_delete_module = 176  # x86_64
BIG = 1 << 30


def operation(libc, op, args):
    """A maker of the operation: called before the fault point is armed, it
    opens what the operation needs and returns (run, done)."""
    if op == "insmod":
        fd = os.open(args[0], os.O_RDONLY)
        params = ctypes.c_char_p(b"")
        return lambda: (lambda: libc.syscall(SYS_finit_module, fd, params, 0), lambda: None)
    if op == "write":
        data = (args[1] + "\n").encode()
        buf = ctypes.create_string_buffer(data, len(data))

        def make():
            fd = os.open(args[0], os.O_WRONLY)
            return lambda: libc.write(fd, buf, len(data)), lambda: os.close(fd)
        return make
    if op == "unshare":
        return lambda: (lambda: libc.unshare(0x40000000), lambda: None)  # CLONE_NEWNET
    sys.exit("op: insmod, write or unshare")


def fail_nth(libc, n, make):
    """Run with the Nth fault point failing (N=0: none); (rc, injected, calls)."""
    run, done = make()
    nth = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    start = n if n else BIG
    os.write(nth, b"%d" % start)
    r = run()
    e = ctypes.get_errno() if r < 0 else 0
    # procfs' fail-nth cannot seek: read and reset through fresh opens.
    rd = os.open("/proc/thread-self/fail-nth", os.O_RDONLY)
    left = int(os.read(rd, 32).strip() or b"0")
    os.close(rd)
    os.write(nth, b"0")
    os.close(nth)
    done()
    injected = 1 if (n and left == 0) else 0
    calls = (n - left) if n else (BIG - left)
    return (errno.errorcode.get(e, e) if e else 0), injected, calls


def oxip_loaded():
    with open("/proc/modules") as f:
        return any(line.startswith("oxip ") for line in f)


def rmmod(libc):
    if libc.syscall(SYS_delete_module, b"oxip", os.O_NONBLOCK) != 0:
        raise OSError(ctypes.get_errno(), "delete_module oxip")


def in_child(fn):
    """fn() in a forked child (an unshare must not move this process); its result."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, repr(fn()).encode())
        os._exit(0)
    os.close(w)
    out = b""
    while True:
        b = os.read(r, 4096)
        if not b:
            break
        out += b
    os.close(r)
    os.waitpid(pid, 0)
    return eval(out)  # noqa: S307 (our own repr of a tuple)


def sweep(libc, op, args):
    """Fail each fault point of one operation in turn (after counting them
    with none failing); settle(n, rc) judges and undoes each outcome."""
    deadline = None
    if op == "insmod":
        make = operation(libc, "insmod", args[:1])
        deadline = time.time() + float(args[1])

        def attempt(n):
            return fail_nth(libc, n, make)

        def settle(n, rc):  # a load that succeeded is undone
            if not oxip_loaded():
                return False
            rmmod(libc)
            return True
    elif op == "unshare":
        make = operation(libc, "unshare", [])

        def attempt(n):
            return in_child(lambda: fail_nth(libc, n, make))

        def settle(n, rc):
            return rc == 0
    elif op == "write":
        path, text, undo, line = args
        make = operation(libc, "write", [path, text])
        undo_make = operation(libc, "write", [path, undo])

        def attempt(n):
            return fail_nth(libc, n, make)

        def settle(n, rc):  # listed if and only if the write succeeded
            with open(path) as f:
                listed = sum(1 for x in f if x.rstrip("\n") == line)
            if rc == 0:
                if listed != 1:
                    sys.exit(f"failnth: write {n} succeeded but {line} is not listed")
                fail_nth(libc, 0, undo_make)
                return True
            if listed != 0:
                sys.exit(f"failnth: write {n} failed ({rc}) but {line} is listed")
            return False
    else:
        sys.exit("sweep: insmod, unshare or write")
    rc, _, calls = attempt(0)
    settle(0, rc)
    tried = injected = ok = 0
    for n in range(1, calls + 1):
        rc, inj, _ = attempt(n)
        tried += 1
        injected += inj
        ok += settle(n, rc)
        if deadline and time.time() > deadline:
            break
    print(f"calls={calls} tried={tried} injected={injected} failed={tried - ok} ok={ok}")


def text_range(ko):
    """oxip's executable sections in memory: the module's section addresses
    and the .ko's section sizes (init text, freed after load, left out)."""
    with open(ko, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    strtab = sh(shstrndx)

    def name(off):
        s = data[strtab[4] + off:]
        return s[:s.index(b"\0")].decode()
    lo, hi = None, None
    for i in range(shnum):
        nm, typ, flags, addr, off, size = sh(i)[:6]
        n = name(nm)
        if not (flags & 4) or n.startswith(".init") or size == 0:  # SHF_EXECINSTR
            continue
        p = "/sys/module/oxip/sections/" + n
        if not os.path.exists(p):
            continue
        with open(p) as f:
            a = int(f.read(), 16)
        lo = a if lo is None else min(lo, a)
        hi = a + size if hi is None else max(hi, a + size)
    return lo, hi


def kmemleak_range():
    """The run of kmemleak text symbols around kmemleak_alloc (mm/kmemleak.c;
    its init code lies elsewhere and is left out); (0, 0) without kmemleak."""
    with open("/proc/kallsyms") as f:
        syms = sorted((int(x[0], 16), x[2]) for x in (line.split() for line in f)
                      if x[1] in "tT" and "kmemleak" in x[2])
    at = [a for a, n in syms if n == "kmemleak_alloc"]
    if not at:
        return 0, 0
    addrs = [a for a, _ in syms]
    i = addrs.index(at[0])
    lo = hi = i
    while lo > 0 and addrs[lo] - addrs[lo - 1] < 65536:
        lo -= 1
    while hi + 1 < len(addrs) and addrs[hi + 1] - addrs[hi] < 65536:
        hi += 1
    return addrs[lo], addrs[hi] + 4096


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if sys.argv[1] == "text-range":
        print(*text_range(sys.argv[2]))
        return
    if sys.argv[1] == "kmemleak-range":
        print(*kmemleak_range())
        return
    if sys.argv[1].startswith("sweep-"):
        sweep(libc, sys.argv[1][len("sweep-"):], sys.argv[2:])
        return
    n, op, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    rc, injected, calls = fail_nth(libc, n, operation(libc, op, args))
    print(f"rc={rc} injected={injected} calls={calls}")


if __name__ == "__main__":
    main()
