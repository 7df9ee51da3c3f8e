#!/usr/bin/env bats
# Host programs built into images by `hull build`, run by runtimes hull did not
# write: curl, python3 (with its standard library) and bash, each built from a
# Hullfile, unpacked by `hull unpack` and run by Debian's runc and by
# hull-runtime; each answers --version as it does on the host.  skopeo
# inspects and copies the images, umoci unpacks them.  No network: curl reads
# a file:// URL.
#
# Every test has its own store (image_setup), its own runtime state roots and
# cgroup parent; teardown deletes its containers by id.

load ../lib/helpers
load ../image/image

RUNC=${RUNC:-runc}
PYTHON=${PYTHON:-/usr/bin/python3}

setup() {
        image_setup
        requires root jq
        W=$BATS_TEST_TMPDIR
        ROOT=$W/state-hull
        RUNC_ROOT=$W/state-runc
        CGROUP_PARENT=hull-test-$$
        mkdir -p "$ROOT" "$RUNC_ROOT"
}

teardown() {
        local d
        for d in "$RUNC_ROOT"/*/; do
                [ -d "$d" ] || continue
                d=${d%/}
                "$RUNC" --root "$RUNC_ROOT" delete --force "${d##*/}" >/dev/null 2>&1 || true
        done
        image_teardown
}

# hullfile NAME: builds the Hullfile on stdin (in a context directory of its
# own) as NAME:test; prints the manifest digest.
hullfile() {
        local ctx=$W/ctx-$1
        mkdir -p "$ctx"
        cat >"$ctx/Hullfile"
        hull build -q -f "$ctx/Hullfile" -t "$1:test" "$ctx"
}

# bundle IMAGE DIR: `hull unpack` of IMAGE, with this test's cgroup parent.
bundle() {
        hull unpack "$1" "$2"
        update_config '.process.terminal = false' "$2"
}

# in_container RUNTIME BUNDLE [ARG...]: runs the bundle in the foreground with
# runc or hull-runtime (ARGs replace the bundle's process.args); stdout is the
# container's, stderr goes to $W/stderr.  Returns the container's status.
in_container() {
        local rt=$1 b=$2 id=p$$-$BATS_TEST_NUMBER-$RANDOM
        shift 2
        if [ $# -gt 0 ]; then
                update_config ".process.args = $(jq -cn '$ARGS.positional' --args -- "$@")" "$b"
        fi
        update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT"'/'"$id"'"' "$b"
        case $rt in
        runc) "$RUNC" --root "$RUNC_ROOT" run --bundle "$b" "$id" </dev/null 2>"$W/stderr" ;;
        hull-runtime) "$HULL_RUNTIME" --root "$ROOT" run --bundle "$b" "$id" </dev/null 2>"$W/stderr" ;;
        esac
}

# answers RUNTIME BUNDLE PROGRAM ARG...: PROGRAM ARG... in the container prints
# exactly what it prints on the host.
answers() {
        local rt=$1 b=$2 host ours status=0
        shift 2
        host=$("$@" 2>&1)
        ours=$(in_container "$rt" "$b" "$@") || status=$?
        if [ "$status" -ne 0 ] || [ "$ours" != "$host" ]; then
                echo "$rt: $* exited $status"
                echo "in the container:"
                echo "$ours"
                cat "$W/stderr"
                echo "on the host:"
                echo "$host"
                return 1
        fi
}

@test "curl: built from a Hullfile, runc and hull-runtime run it, it answers --version and reads a file:// URL" {
        [ -x /usr/bin/curl ] || skip "needs curl"
        [ -f /etc/ssl/certs/ca-certificates.crt ] || skip "needs ca-certificates"
        hullfile curl <<'EOF'
FROM scratch
PROGRAM /usr/bin/curl
ETC
CA_CERTIFICATES
ENTRYPOINT ["/usr/bin/curl"]
CMD ["--version"]
EOF
        bundle curl:test "$W/b"
        [ "$(jq -c .process.args "$W/b/config.json")" = '["/usr/bin/curl","--version"]' ]
        # As unpacked (the image's ENTRYPOINT and CMD), then each runtime.
        run in_container runc "$W/b"
        [ "$status" -eq 0 ]
        [ "$output" = "$(/usr/bin/curl --version)" ]
        answers runc "$W/b" /usr/bin/curl --version
        answers hull-runtime "$W/b" /usr/bin/curl --version
        # curl works, not just starts: the image's own /etc/os-release.
        run in_container runc "$W/b" /usr/bin/curl -sS file:///etc/os-release
        [ "$status" -eq 0 ]
        [[ $output == *ID=hull* ]]
        run in_container hull-runtime "$W/b" /usr/bin/curl -sS --cacert /etc/ssl/certs/ca-certificates.crt file:///etc/ssl/certs/ca-certificates.crt
        [ "$status" -eq 0 ]
        [ "$output" = "$(cat /etc/ssl/certs/ca-certificates.crt)" ]
}

@test "python3: built with its standard library, it answers --version and imports json, ssl, sqlite3" {
        [ -x "$PYTHON" ] || skip "needs $PYTHON"
        local stdlib script
        stdlib=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
        hullfile python <<EOF
FROM scratch
PROGRAM $PYTHON
WITH $stdlib
ETC
ENV PYTHONDONTWRITEBYTECODE=1
ENTRYPOINT ["$PYTHON"]
EOF
        bundle python:test "$W/b"
        answers runc "$W/b" "$PYTHON" --version
        answers hull-runtime "$W/b" "$PYTHON" --version
        # The extension modules (lib-dynload) and the libraries they need
        # (libssl, libsqlite3, libz, libffi...), the codecs, the zoneinfo C module.
        script='import json, ssl, sqlite3, hashlib, zlib, ctypes, decimal, encodings.idna, sys
print(sys.version)
print(sys.getfilesystemencoding(), "é".encode("latin-1"), "bücher.example".encode("idna"))
print(json.dumps({"ssl": ssl.OPENSSL_VERSION, "sqlite": sqlite3.sqlite_version}, sort_keys=True))
print(hashlib.sha256(b"hull").hexdigest(), zlib.crc32(b"hull"), decimal.Decimal(1) / 7)
db = sqlite3.connect(":memory:"); print(db.execute("select 6 * 7").fetchone()[0])
ctx = ssl.create_default_context(); print(ctx.protocol)'
        answers runc "$W/b" "$PYTHON" -c "$script"
        answers hull-runtime "$W/b" "$PYTHON" -c "$script"
}

@test "bash: built with coreutils, it answers --version and runs as PID 1 of its container" {
        hullfile bash <<'EOF'
FROM scratch
PROGRAM /bin/bash /usr/bin/ls /usr/bin/cat /usr/bin/id
ETC
WORKDIR /root
ENTRYPOINT ["/bin/bash"]
CMD ["--version"]
EOF
        bundle bash:test "$W/b"
        answers runc "$W/b" /bin/bash --version
        answers hull-runtime "$W/b" /bin/bash --version
        for rt in runc hull-runtime; do
                run in_container "$rt" "$W/b" /bin/bash -c 'echo "$$ $PWD $(id -un)"; ls /; cat /etc/os-release'
                [ "$status" -eq 0 ]
                [ "${lines[0]}" = "1 /root root" ]
                [[ $output == *$'\nbin\n'*$'\netc\n'*$'\nusr'* ]]
                [[ $output == *ID=hull* ]]
        done
        # Only what the programs need: no shell but bash, no busybox.
        [ ! -e "$W/b/rootfs/bin/sh" ]
        [ ! -e "$W/b/rootfs/usr/bin/dash" ]
}

@test "the quick path: hull build --program ... runs the first program" {
        [ -x /usr/bin/curl ] || skip "needs curl"
        hull build -q --program /bin/bash --program /usr/bin/curl -t quick:test
        run hull inspect --json quick:test
        [ "$status" -eq 0 ]
        [ "$(jq -c '.[0].Config.config.Entrypoint' <<<"$output")" = '["/bin/bash"]' ]
        bundle quick:test "$W/b"
        answers runc "$W/b" /usr/bin/curl --version
        run in_container hull-runtime "$W/b" /bin/bash -c 'echo $$; exit 3'
        [ "$status" -eq 3 ]
        [ "$output" = 1 ]
}

@test "skopeo inspects the built image in the store and copies it to a docker-archive that runs" {
        requires_tool skopeo umoci
        [ -x /usr/bin/curl ] || skip "needs curl"
        local digest
        digest=$(hullfile curl <<'EOF'
FROM scratch
PROGRAM /usr/bin/curl
ETC
ENTRYPOINT ["/usr/bin/curl"]
CMD ["--version"]
LABEL org.example.built-by=programs.bats
EOF
)
        run skopeo inspect "oci:$HULL_STORE:curl:test"
        [ "$status" -eq 0 ]
        [ "$(jq -r .Digest <<<"$output")" = "$digest" ]
        [ "$(jq -r .Os <<<"$output")/$(jq -r .Architecture <<<"$output")" = "linux/$(go_arch)" ]
        [ "$(jq -r '.Layers | length' <<<"$output")" -eq 1 ]
        [ "$(jq -r '.Labels["org.example.built-by"]' <<<"$output")" = programs.bats ]
        run skopeo inspect --config "oci:$HULL_STORE:curl:test"
        [ "$status" -eq 0 ]
        [ "$(jq -c .config.Entrypoint <<<"$output")" = '["/usr/bin/curl"]' ]
        [ "$(jq -c .config.Cmd <<<"$output")" = '["--version"]' ]
        # skopeo checks the layer against the config's diff_id on the way.
        run skopeo copy "oci:$HULL_STORE:curl:test" "docker-archive:$W/d.tar:curl:copied"
        [ "$status" -eq 0 ]
        [ "$(tar -xOf "$W/d.tar" manifest.json | jq -c '.[0].RepoTags')" = '["docker.io/library/curl:copied"]' ]
        run skopeo inspect "docker-archive:$W/d.tar"
        [ "$status" -eq 0 ]
        [ "$(jq -r '.Layers | length' <<<"$output")" -eq 1 ]
        # Back through skopeo into a layout of its own, unpacked by umoci, run by runc:
        # the image works after a round trip through tools hull did not write.
        skopeo copy "docker-archive:$W/d.tar" "oci:$W/layout:curl"
        umoci unpack --image "$W/layout:curl" "$W/u" >/dev/null
        update_config '.process.terminal = false' "$W/u"
        answers runc "$W/u" /usr/bin/curl --version
}

@test "umoci unpacks the built python3 image as hull unpack does, and runc runs umoci's bundle" {
        requires_tool umoci
        [ -x "$PYTHON" ] || skip "needs $PYTHON"
        local stdlib
        stdlib=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
        hullfile python <<EOF
FROM scratch
PROGRAM $PYTHON
WITH $stdlib
ETC
ENTRYPOINT ["$PYTHON"]
CMD ["--version"]
EOF
        run umoci unpack --image "$HULL_STORE:python:test" "$W/umoci"
        [ "$status" -eq 0 ]
        hull unpack python:test "$W/hull"
        diff -r --no-dereference "$W/umoci/rootfs" "$W/hull/rootfs"
        [ "$(jq -c .process.args "$W/umoci/config.json")" = "$(jq -c .process.args "$W/hull/config.json")" ]
        [ "$(jq -c .process.args "$W/hull/config.json")" = "[\"$PYTHON\",\"--version\"]" ]
        update_config '.process.terminal = false' "$W/umoci"
        answers runc "$W/umoci" "$PYTHON" --version
        answers runc "$W/umoci" "$PYTHON" -c 'import json, sqlite3, ssl; print(ssl.OPENSSL_VERSION)'
        # umoci verifies every blob it reads.
        run umoci stat --image "$HULL_STORE:python:test"
        [ "$status" -eq 0 ]
}

# go_arch: the host's architecture as OCI names it.
go_arch() {
        case $(uname -m) in
        x86_64) echo amd64 ;;
        aarch64) echo arm64 ;;
        i?86) echo 386 ;;
        armv7l) echo arm ;;
        *) uname -m ;;
        esac
}
