#!/usr/bin/env python3
"""Writes an OCI archive for the hostile-input tests of tests/image.

  make-hostile.py KIND OUT.tar OUTSIDE

layer-*   a well-formed archive of an image "hostile:KIND" whose one layer
          (uncompressed tar) holds the hostile entries: `hull load` takes it,
          `hull unpack` must refuse it (or, for the in-root cases, keep every
          write inside the bundle).
archive-* an archive whose own members are hostile: `hull load` must refuse it.
OUTSIDE is a directory the archive aims at; it must stay empty.
"""
import hashlib, io, json, sys, tarfile

kind, out, outside = sys.argv[1], sys.argv[2], sys.argv[3]


def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            k, name = e[0], e[1]
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            data = None
            if k == "f":
                data = e[2].encode()
                ti.size, ti.mode = len(data), 0o644
            elif k == "d":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            elif k == "s":
                ti.type, ti.linkname = tarfile.SYMTYPE, e[2]
            elif k == "h":
                ti.type, ti.linkname = tarfile.LNKTYPE, e[2]
            elif k == "c":
                ti.type, ti.devmajor, ti.devminor, ti.mode = tarfile.CHRTYPE, 1, 3, 0o666
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return b.getvalue()


layers = {
    "layer-dotdot": [("f", "../../../../../../.." + outside + "/pwned", "x")],
    "layer-absolute": [("f", outside + "/pwned", "x")],
    "layer-symlink-file": [("s", "link", outside), ("f", "link/pwned", "x")],
    "layer-symlink-relative": [("d", "etc/"), ("s", "up", "../../../../../../.."), ("f", "up/etc/inside", "x")],
    "layer-hardlink": [("h", "hl", "../../../../../../.." + outside + "/secret")],
    "layer-hardlink-absolute": [("h", "hl", outside + "/secret")],
    "layer-symlink-loop": [("s", "l1", "l2"), ("s", "l2", "l1"), ("f", "l1/x", "x")],
    "layer-file-as-dir": [("f", "f", "x"), ("f", "f/x", "x")],
    "layer-device": [("f", "ok", "fine"), ("c", "null")],
}

sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
members = []
if kind in layers:
    layer = tar(layers[kind])
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/ok"]},
                         "rootfs": {"type": "layers", "diff_ids": [sha(layer)]}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config),
                                      "size": len(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha(layer),
                                       "size": len(layer)}]}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(manifest), "size": len(manifest),
         "annotations": {"org.opencontainers.image.ref.name": "hostile:" + kind}}]}).encode()
    for blob in (layer, config, manifest):
        members.append(("f", "blobs/sha256/" + sha(blob)[7:], blob))
    members += [("f", "index.json", index), ("f", "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
elif kind == "archive-dotdot":
    members = [("f", "../../../../../../.." + outside + "/pwned", b"x"), ("f", "index.json", b"{}")]
elif kind == "archive-absolute":
    members = [("f", outside + "/pwned", b"x"), ("f", "index.json", b"{}")]
elif kind == "archive-symlink":
    members = [("s", "index.json", "../../../../../../.." + outside + "/index.json")]
elif kind == "archive-bad-blob":
    fake = sha(b"the real content")
    members = [("f", "blobs/sha256/" + fake[7:], b"something else"),
               ("f", "index.json", json.dumps({"schemaVersion": 2, "manifests": [
                   {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": fake, "size": 14}]}).encode()),
               ("f", "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
else:
    sys.exit("unknown kind " + kind)

with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for k, name, data in members:
        ti = tarfile.TarInfo(name)
        ti.mtime = 0
        if k == "s":
            ti.type, ti.linkname = tarfile.SYMTYPE, data
            t.addfile(ti)
        else:
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
