#!/usr/bin/env python3
"""Measures container inits side by side; prints a Markdown table.

    measure.py SIGREC ITERATIONS NAME=PATH[:ARGS] ...

For each init, always as PID 1 of a fresh PID namespace (unshare --pid --fork
--mount-proc --kill-child):
  size     bytes of the binary, and whether it is static (a dynamic one also
           maps its libc, not counted here);
  RSS      VmRSS of the init after 0.5 s at rest with `sleep infinity` as its
           child, median of 5 starts;
  latency  time from kill(init, SIGUSR1) by this script to the moment the
           child (init-sigrec -t, a signalfd reader) reads the forwarded
           signal, both on CLOCK_MONOTONIC; ITERATIONS signals one after
           the other, in 4 rounds where the inits take turns (after a round
           not counted); median and 90th percentile.
Results are written, never asserted.
"""
import os
import signal
import statistics
import struct
import subprocess
import sys
import time


def child_of(pid):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError("no child of %d" % pid)


def start(path, args, child, **kw):
    cmd = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", path] + args + child
    p = subprocess.Popen(cmd, **kw)
    return p, child_of(p.pid)


def stop(p, init):
    for pid in (init, p.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    p.wait()


def is_static(path):
    """No PT_INTERP program header: nothing but the file is mapped."""
    with open(path, "rb") as f:
        elf = f.read(1 << 16)
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        return False
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", elf, phoff + i * phentsize)
        if p_type == 3:
            return False
    return True


def rss_kib(path, args):
    values = []
    for _ in range(5):
        p, init = start(path, args, ["sleep", "infinity"])
        time.sleep(0.5)
        with open("/proc/%d/status" % init) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    values.append(int(line.split()[1]))
        stop(p, init)
    return statistics.median(values)


def latency_samples(path, args, sigrec, count):
    """count latencies in µs of signals forwarded by the init at path."""
    ready = "/tmp/hull-bench-init.%d.ready" % os.getpid()
    if os.path.exists(ready):
        os.unlink(ready)
    p, init = start(path, args, [sigrec, "-t", "-r", ready], stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(ready):
            if time.monotonic() > deadline:
                raise RuntimeError("the recorder did not start under %s" % path)
            time.sleep(0.01)
        samples = []
        for i in range(50 + count):
            t0 = time.monotonic_ns()
            os.kill(init, signal.SIGUSR1)
            line = p.stdout.readline().split()
            if not line:
                raise RuntimeError("the recorder ended under %s" % path)
            if i >= 50:
                samples.append((int(line[1]) - t0) / 1000.0)
        return samples
    finally:
        stop(p, init)
        if os.path.exists(ready):
            os.unlink(ready)


ROUNDS = 4


def main():
    sigrec, iterations = sys.argv[1], int(sys.argv[2])
    inits = []
    for spec in sys.argv[3:]:
        name, _, rest = spec.partition("=")
        path, _, extra = rest.partition(":")
        inits.append((name, path, extra.split() if extra else []))

    # A round not counted warms the machine up; then the inits take turns,
    # in a rotated order each round, so that a noisy moment hits them alike.
    latency_samples(inits[0][1], inits[0][2], sigrec, iterations // ROUNDS)
    samples = {name: [] for name, _, _ in inits}
    for r in range(ROUNDS):
        for k in range(len(inits)):
            name, path, args = inits[(k + r) % len(inits)]
            samples[name] += latency_samples(path, args, sigrec, iterations // ROUNDS)

    print("| init | binary | linked | RSS at rest | signal latency, median | p90 |")
    print("|---|---|---|---|---|---|")
    for name, path, args in inits:
        size = os.path.getsize(path)
        s = sorted(samples[name])
        print("| %s | %.1f KB (%d B) | %s | %d KiB | %.1f µs | %.1f µs |"
              % (name, size / 1000.0, size, "static" if is_static(path) else "dynamic",
                 rss_kib(path, args), statistics.median(s), s[int(len(s) * 0.9)]))


if __name__ == "__main__":
    main()
