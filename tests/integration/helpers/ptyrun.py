#!/usr/bin/env python3
"""Runs a command as a person at a terminal would: on a new pty of a given size.

usage: ptyrun.py ROWS COLS [--expect TEXT --send TEXT]... -- CMD...

Each --expect waits until TEXT has appeared in the output (after the previous
one), then types its --send.  All output is copied to stdout; the exit status
is the command's (128+N for a signal), 124 if it did not end within 60 s.
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main():
    argv = sys.argv[1:]
    rows, cols = int(argv[0]), int(argv[1])
    argv = argv[2:]
    steps = []
    while argv and argv[0] != "--":
        if argv[0] == "--expect" and len(argv) >= 4 and argv[2] == "--send":
            steps.append((argv[1].encode(), argv[3].encode().decode("unicode_escape").encode("latin-1")))
            argv = argv[4:]
        else:
            sys.exit("usage: ptyrun.py ROWS COLS [--expect TEXT --send TEXT]... -- CMD...")
    cmd = argv[1:]

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    out = b""
    seen = 0
    deadline = time.monotonic() + 60
    timed_out = False
    while True:
        if time.monotonic() > deadline:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            break
        r, _, _ = select.select([fd], [], [], 0.1)
        if fd in r:
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the other side is closed
                break
            if not data:
                break
            out += data
        while steps and steps[0][0] in out[seen:]:
            seen = out.index(steps[0][0], seen) + len(steps[0][0])
            os.write(fd, steps[0][1])
            steps.pop(0)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    if timed_out:
        sys.exit(124)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
