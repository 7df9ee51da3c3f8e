#!/usr/bin/env python3
# Writes the seed corpus of fuzz-image-json into corpus/: the first byte picks
# the parser (0 manifest, 1 index, 2 config, 3 --change lines, 4 image name).
import json, os

out = "corpus"
os.makedirs(out, exist_ok=True)
D1 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
D2 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def write(name, sel, doc):
    data = bytes([sel]) + (doc.encode() if isinstance(doc, str) else doc)
    assert len(data) < 64 * 1024
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


desc = lambda mt, d, s, **kw: dict(mediaType=mt, digest=d, size=s, **kw)
write("manifest-oci", 0, json.dumps(dict(
    schemaVersion=2, mediaType="application/vnd.oci.image.manifest.v1+json",
    config=desc("application/vnd.oci.image.config.v1+json", D1, 300),
    layers=[desc("application/vnd.oci.image.layer.v1.tar+gzip", D2, 1000, annotations={"a": "b"}),
            desc("application/vnd.oci.image.layer.v1.tar+zstd", D1, 10)],
    annotations={"org.opencontainers.image.created": "1970-01-01T00:00:00Z"})))
write("manifest-docker", 0, json.dumps(dict(
    schemaVersion=2, mediaType="application/vnd.docker.distribution.manifest.v2+json",
    config=desc("application/vnd.docker.container.image.v1+json", D1, 3),
    layers=[desc("application/vnd.docker.image.rootfs.diff.tar.gzip", D2, 1)])))
write("manifest-bad", 0, '{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:00","size":-1},"layers":{}}')
write("index", 1, json.dumps(dict(schemaVersion=2, mediaType="application/vnd.oci.image.index.v1+json", manifests=[
    desc("application/vnd.oci.image.manifest.v1+json", D1, 500, annotations={"org.opencontainers.image.ref.name": "a:b"},
         platform=dict(architecture="amd64", os="linux")),
    desc("application/vnd.oci.image.manifest.v1+json", D2, 500, platform=dict(architecture="arm", os="linux", variant="v7"))])))
write("index-nested", 1, json.dumps(dict(schemaVersion=2, manifests=[desc("application/vnd.oci.image.index.v1+json", D1, 1)])))
write("config-full", 2, json.dumps({
    "created": "2024-01-01T00:00:00Z", "author": "me", "architecture": "amd64", "os": "linux", "variant": "v8",
    "config": {"User": "1000:1000", "ExposedPorts": {"80/tcp": {}, "53/udp": {}}, "Env": ["PATH=/bin", "A=1"],
               "Entrypoint": ["/init"], "Cmd": ["-v"], "Volumes": {"/data": {}}, "WorkingDir": "/srv",
               "Labels": {"k": "v"}, "StopSignal": "SIGTERM", "Healthcheck": {"Test": ["NONE"]}},
    "rootfs": {"type": "layers", "diff_ids": [D1, D2]},
    "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "hull import"}, {"empty_layer": True, "comment": "c"}]}))
write("config-minimal", 2, '{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}')
write("config-bad", 2, '{"architecture":1,"os":"linux","rootfs":{"type":"zfs","diff_ids":["x"]},"history":[1]}')
write("changes", 3, "\n".join([
    'CMD ["echo", "a b"]', "cmd echo hi", 'ENTRYPOINT ["/init"]', "ENV A=1 B=\"two words\" C='x y' D=\\ e",
    "ENV OLD the rest", "LABEL a=b c=\"d e\"", "EXPOSE 80 53/udp", 'VOLUME ["/data"]', "VOLUME /a /b",
    "WORKDIR /srv", "USER nobody:nogroup", "STOPSIGNAL SIGQUIT", "RUN nope", 'ENV X="unterminated']))
for i, n in enumerate(["busybox", "localhost:5000/a/b:v1.0", "registry.example.com/a-b__c.d/e:V_1", "Bad:Name",
                       "a//b", "a:" + "t" * 129, "x@sha256:00"]):
    write("name-%d" % i, 4, n)
