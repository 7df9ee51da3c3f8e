#!/usr/bin/env python3
"""The receiving end of --console-socket, as engines have it.

usage: console-socket.py SOCKET OUTFILE INPUT

Listens on the AF_UNIX socket SOCKET, receives one file descriptor (the pty
master) in an SCM_RIGHTS message, writes "received" to stdout, then types
INPUT into the pty and copies what the pty says to OUTFILE until it closes
or 60 s have passed.  Exits 0 if a descriptor that is a tty was received.
"""
import array
import os
import select
import socket
import sys
import time


def main():
    path, outfile, text = sys.argv[1], sys.argv[2], sys.argv[3]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    with open(path + ".ready", "w") as f:
        f.write("ready\n")
    srv.settimeout(60)
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(16 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    conn.close()
    if len(fds) != 1:
        print("expected one descriptor, got %d" % len(fds))
        sys.exit(1)
    master = fds[0]
    if not os.isatty(master):
        print("the descriptor is not a terminal")
        sys.exit(1)
    print("received")
    sys.stdout.flush()
    os.write(master, text.encode().decode("unicode_escape").encode("latin-1"))
    out = b""
    deadline = time.monotonic() + 60
    with open(outfile, "wb") as f:
        while time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.1)
            if master in r:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    break
                if not data:
                    break
                f.write(data)
                f.flush()
    sys.exit(0)


if __name__ == "__main__":
    main()
