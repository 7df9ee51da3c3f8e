#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal and drives it as a person would.

    ptydrive.py -- COMMAND [ARGS...]  < SCRIPT

SCRIPT has one step a line:
    send TEXT       types TEXT (Python escapes: \\n, \\x03 for ^C, \\x1a for ^Z, \\x04 for ^D)
    expect REGEX    waits until the output since the last match matches REGEX
    absent REGEX    the whole output so far must not match REGEX
    wait            waits for the command to exit; prints "exit=N"
Every wait is bounded (30 s) so that a broken test fails instead of hanging.
Exits 0 when every step succeeded, 1 otherwise, printing the transcript.  The
command is killed (SIGKILL) if it is still running at the end.
"""
import codecs
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

TIMEOUT = 30.0


def main():
    if len(sys.argv) < 3 or sys.argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    steps = [l.rstrip("\n") for l in sys.stdin if l.strip()]
    env = dict(os.environ, TERM="dumb")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(sys.argv[2], sys.argv[2:], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    out = b""
    pos = 0
    status = None

    def pump(deadline):
        nonlocal out
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                return None
            out += data
        return True

    def fail(why):
        sys.stdout.write("step failed: %s\n--- transcript ---\n%s\n---\n" % (why, out.decode("utf-8", "replace")))
        return 1

    try:
        for step in steps:
            verb, _, arg = step.partition(" ")
            if verb == "send":
                os.write(fd, codecs.decode(arg, "unicode_escape").encode())
            elif verb == "expect":
                rx = re.compile(arg.encode())
                deadline = time.monotonic() + TIMEOUT
                while True:
                    m = rx.search(out, pos)
                    if m:
                        pos = m.end()
                        break
                    if not pump(deadline):
                        return fail("expected /%s/" % arg)
            elif verb == "absent":
                if re.search(arg.encode(), out):
                    return fail("found /%s/" % arg)
            elif verb == "wait":
                deadline = time.monotonic() + TIMEOUT
                while pump(deadline):
                    pass
                while time.monotonic() < deadline:
                    done, st = os.waitpid(pid, os.WNOHANG)
                    if done:
                        status = os.waitstatus_to_exitcode(st)
                        break
                    time.sleep(0.05)
                if status is None:
                    return fail("the command did not exit")
                print("exit=%d" % status)
            else:
                return fail("unknown step %r" % step)
        return 0
    finally:
        if status is None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
