#!/usr/bin/env bats
# "A Dockerfile that uses only these instructions builds as it would with
# docker": the same Dockerfile built by hull and by buildah (Debian's, the
# engine of podman build, docker's build semantics), compared field by field
# in the image config and file by file in the root filesystem (buildah's
# working container of its image, hull unpack's rootfs).

load ../lib/helpers
load ../image/image
load build

setup() {
        build_setup
        requires jq
        requires_tool buildah
        export TMPDIR=$BATS_TEST_TMPDIR/tmp
        mkdir -p "$TMPDIR"
}

teardown() {
        image_teardown
}

# buildah with a store of this test's own (vfs: no mounts to leave behind).
bah() {
        buildah --root "$BATS_TEST_TMPDIR/bah-root" --runroot "$BATS_TEST_TMPDIR/bah-run" \
                --storage-driver vfs "$@"
}

# The config fields a Dockerfile sets, sorted; buildah's own label dropped.
config_fields() {
        jq -S '{User, ExposedPorts, Env, Entrypoint, Cmd, Volumes, WorkingDir, StopSignal,
                Labels: ((.Labels // {}) | del(."io.buildah.version"))}'
}

# Every entry below a root filesystem: path, mode, owner, size, link target.
tree_of() {
        (cd "$1" && find . -mindepth 1 -printf '%p %m %U:%G %s %l\n' | LC_ALL=C sort)
}

# compare NAME: builds $CTX/Dockerfile with both, compares config and tree.
compare() {
        local name=$1 ctr bah_root
        bah bud --format oci -t "localhost/$name:1" "$CTX" >"$BATS_TEST_TMPDIR/bah.log" 2>&1 || {
                cat "$BATS_TEST_TMPDIR/bah.log"
                return 1
        }
        bah inspect --type image "localhost/$name:1" | jq '.OCIv1.config' | config_fields >"$BATS_TEST_TMPDIR/bah.json"
        # vfs: the working container's root is a plain directory, no mount
        ctr=$(bah from "localhost/$name:1")
        bah_root=$(bah mount "$ctr")

        hbuild -q -t "$name:1" "$CTX" >/dev/null
        "$HULL" inspect --json "$name:1" | jq '.[0].Config.config' | config_fields >"$BATS_TEST_TMPDIR/hull.json"
        "$HULL" unpack "$name:1" "$BATS_TEST_TMPDIR/hull-bundle" >/dev/null

        diff -u "$BATS_TEST_TMPDIR/bah.json" "$BATS_TEST_TMPDIR/hull.json"
        diff -u <(tree_of "$bah_root") <(tree_of "$BATS_TEST_TMPDIR/hull-bundle/rootfs")
}

@test "docker-compat: COPY, ADD, ENV, ARG, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, ENTRYPOINT, CMD as buildah builds them" {
        mkdir -p "$CTX/dir/sub" "$BATS_TEST_TMPDIR/t/in/deep"
        echo hello >"$CTX/file.txt"
        echo x >"$CTX/dir/sub/y"
        chmod 640 "$CTX/dir/sub/y"
        ln -s sub/y "$CTX/dir/link"
        echo a >"$BATS_TEST_TMPDIR/t/in/a"
        echo b >"$BATS_TEST_TMPDIR/t/in/deep/b"
        tar -C "$BATS_TEST_TMPDIR/t" -cf "$CTX/arch.tar" in
        tar -C "$BATS_TEST_TMPDIR/t" -czf "$CTX/arch.tgz" in
        cat >"$CTX/Dockerfile" <<'EOF'
# every instruction hull shares with docker
FROM scratch
ARG VERSION=1.2
ARG EMPTY
ENV APP_VERSION=$VERSION GREETING="hello world" \
    PATH=/opt/app/bin:$PATH
ENV LEGACY legacy form
LABEL org.example.name="demo" version=${VERSION} empty=${EMPTY:-none}
COPY file.txt /etc/file.txt
COPY dir /opt/dir/
COPY file.txt dir/sub/y /multi/
ADD arch.tar /srv/
ADD arch.tgz /srv/gz/
WORKDIR /srv/work
WORKDIR relative
USER 1000:1000
EXPOSE 8080 53/udp
VOLUME /data
VOLUME ["/cache", "/logs"]
STOPSIGNAL SIGQUIT
CMD ["--port", "8080"]
ENTRYPOINT ["/bin/app", "--serve"]
CMD echo "shell form" $APP_VERSION
EOF
        compare full
}

@test "docker-compat: shell-form ENTRYPOINT, an ENTRYPOINT that resets no CMD of its own, COPY into WORKDIR" {
        echo data >"$CTX/data"
        cat >"$CTX/Dockerfile" <<'EOF'
FROM scratch
WORKDIR /app
COPY data .
COPY data ./copy/
ENTRYPOINT exec /bin/app "$HOME"
EOF
        compare shell
}
