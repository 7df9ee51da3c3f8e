#!/usr/bin/env python3
# Writes the seed corpus of fuzz-tar into corpus/ (run from this directory).
# Each seed is small (< 64 KB): well-formed layers in the formats hull meets,
# and one hostile or malformed archive per class the extractor must refuse.
import gzip, io, os, struct, subprocess, tarfile

out = "corpus"
os.makedirs(out, exist_ok=True)


def tar(entries, fmt=tarfile.PAX_FORMAT):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        for e in entries:
            kind, name = e[0], e[1]
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            data = None
            if kind == "f":
                data = e[2].encode() if isinstance(e[2], str) else e[2]
                ti.size = len(data)
                ti.mode = e[3] if len(e) > 3 else 0o644
            elif kind == "d":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            elif kind == "s":
                ti.type, ti.linkname = tarfile.SYMTYPE, e[2]
            elif kind == "h":
                ti.type, ti.linkname = tarfile.LNKTYPE, e[2]
            elif kind == "c":
                ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
            elif kind == "p":
                ti.type = tarfile.FIFOTYPE
            if len(e) > 4:
                ti.pax_headers = e[4]
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return b.getvalue()


def write(name, data):
    assert len(data) < 64 * 1024, name
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


base = [("d", "etc/"), ("f", "etc/hostname", "box\n"), ("s", "etc/link", "hostname"),
        ("h", "etc/hard", "etc/hostname"), ("p", "fifo"), ("c", "dev/null"),
        ("f", "bin/tool", "#!/bin/sh\necho hi\n", 0o4755)]
write("simple.tar", tar(base))
write("simple-ustar.tar", tar(base, tarfile.USTAR_FORMAT))
write("layer.tar.gz", gzip.compress(tar(base), mtime=0))
z = subprocess.run(["zstd", "-q", "-c"], input=tar(base), capture_output=True, check=True).stdout
write("layer.tar.zst", z)
long = "d" * 120 + "/" + "n" * 150
write("pax-long.tar", tar([("f", long, "x"), ("s", "l", "t" * 200),
                           ("f", "caps", "c", 0o755, {"SCHILY.xattr.security.capability": "\x01\x00\x00\x02",
                                                      "SCHILY.xattr.user.k": "v", "mtime": "1.5"})]))
write("gnu-long.tar", tar([("f", "g" * 300, "x"), ("s", "gl", "y" * 300)], tarfile.GNU_FORMAT))
write("whiteouts.tar", tar([("d", "a/"), ("f", "a/.wh..wh..opq", ""), ("f", "a/new", "n"), ("f", ".wh.gone", ""),
                            ("f", "x/.wh.y", ""), ("f", ".wh..wh.plnk", ""), ("f", "a/.wh..", "")]))
write("dotdot.tar", tar([("f", "../escape", "x"), ("f", "a/../../escape2", "x")]))
write("absolute.tar", tar([("f", "/tmp/hull-fuzz-absolute", "x")]))
write("symlink-then-file.tar", tar([("s", "link", "../outside"), ("f", "link/pwned", "x"),
                                    ("s", "up", "../../../../.."), ("f", "up/inside", "x"),
                                    ("s", "abs", "/"), ("f", "abs/etc-x", "x")]))
write("hardlink-outside.tar", tar([("h", "hl", "../outside/x"), ("h", "hl2", "/etc/passwd"),
                                   ("s", "out", "../outside"), ("h", "hl3", "out/x"), ("d", "dir/"), ("h", "hl4", "dir")]))
write("symlink-loop.tar", tar([("s", "l1", "l2"), ("s", "l2", "l1"), ("f", "l1/x", "x"), ("s", "self", "self/self"),
                               ("f", "self/y", "y")]))
write("file-as-dir.tar", tar([("f", "f", "x"), ("f", "f/x", "x"), ("d", "d/"), ("f", "d", "replaces dir"),
                              ("d", "d/"), ("s", ".", "/")]))
t = bytearray(tar([("f", "big", "0123456789" * 100)]))
write("truncated.tar", bytes(t[:700]))
bad = bytearray(t)
bad[0] ^= 1
write("bad-checksum.tar", bytes(bad))
# A ustar header whose size field is base-256 2^62, followed by little data.
h = bytearray(t[:512])
h[124:136] = b"\x80" + b"\x00" * 3 + b"\x40" + b"\x00" * 7
h[148:156] = b" " * 8
h[148:155] = ("%06o\0" % sum(h)).encode()
write("huge-size.tar", bytes(h) + b"\0" * 1024)
# A pax header whose record length runs past its payload.
p = bytearray(tar([("f", "p", "x", 0o644, {"comment": "c"})]))
i = p.find(b" comment=")
p[i - 2:i] = b"99"
write("pax-bogus-length.tar", bytes(p))
