#!/usr/bin/env bats
# `hull build` as a user drives it: the quick path (--program), tags, output,
# exit statuses, errors with file:line:column, COPY escape attempts, a
# failing or killed build leaving the store as it was, and a built image
# that runs under hull-runtime.

load ../lib/helpers
load ../image/image
load build

setup() {
        build_setup
        requires jq
}

teardown() {
        if [ -n "${CID:-}" ]; then
                "$HULL_RUNTIME" --root "$ROOT" delete --force "$CID" >/dev/null 2>&1 || true
        fi
        image_teardown
}

@test "build: the quick path, --program with its closure, a minimal /etc, the first program the entrypoint" {
        requires root
        run hbuild --program /bin/bash --program /usr/bin/id --user app --ca-certificates -t quick:1
        [ "$status" -eq 0 ]
        digest=${lines[-1]}
        [[ "$digest" == sha256:* ]]
        [[ "$output" == *"[2/5] PROGRAM /bin/bash /usr/bin/id"* ]]
        [ "$(config_of quick:1 .Entrypoint)" = '["/bin/bash"]' ]
        [ "$(config_of quick:1 .Env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]' ]
        R=$(rootfs_of quick:1)
        grep -q '^app:x:1000:1000:' "$R/etc/passwd"
        run chroot "$R" /bin/bash -c 'id -u; echo hello'
        [ "$status" -eq 0 ]
        [ "${lines[1]}" = hello ]
}

@test "build: --init, -q prints only the digest, more -t names tag the same image" {
        [ -x "$HULL_INIT" ] || skip "hull-init is not built: $HULL_INIT"
        requires root
        HULL_INIT=$HULL_INIT run --separate-stderr hbuild -q --program /bin/true --init -t q:1 -t q:2 -t other
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == sha256:* ]]
        [ -z "$stderr" ]
        [ "$(config_of q:1 .Entrypoint)" = '["/sbin/hull-init","--","/bin/true"]' ]
        "$HULL" inspect other:latest >/dev/null
        [ "$("$HULL" inspect --json q:2 | jq -r '.[0].Digest')" = "$("$HULL" inspect --json q:1 | jq -r '.[0].Digest')" ]
}

@test "build: usage errors exit 2, a missing recipe 3, a bad recipe 4 with file:line:column" {
        run hbuild "$CTX"
        [ "$status" -eq 2 ]
        [[ "$output" == *"-t NAME[:TAG] is required"* ]]
        run hbuild -t 'Bad Name' "$CTX"
        [ "$status" -eq 2 ]
        run hbuild --with /etc -t x "$CTX"
        [ "$status" -eq 2 ]
        run hbuild --compression lz4 -t x "$CTX"
        [ "$status" -eq 2 ]
        run hbuild -t x "$CTX"
        [ "$status" -eq 3 ]
        [[ "$output" == *"no Hullfile or Dockerfile in $CTX"* ]]
        hullfile 'FROM scratch
  BOGUS x'
        run hbuild -t x "$CTX"
        [ "$status" -eq 4 ]
        [ "$output" = 'hull build: Hullfile:2:3: unknown instruction "BOGUS"' ]
        hullfile 'FROM alpine:3'
        run hbuild -t x "$CTX"
        [ "$status" -eq 4 ]
        [ "$output" = 'hull build: Hullfile:1:6: FROM alpine:3 needs RUN support (a later issue); only FROM scratch' ]
        run hbuild --help
        [ "$status" -eq 0 ]
        [[ "$output" == *"--build-arg"* ]]
}

@test "build: a missing source, program or library fails with the chain" {
        hullfile 'FROM scratch
COPY nothere /x'
        run hbuild -t x "$CTX"
        [ "$status" -eq 4 ]
        [ "${lines[-1]}" = "hull build: Hullfile:2:6: COPY nothere: not found in the build context" ]
        hullfile 'FROM scratch
PROGRAM /nonexistent/prog'
        run hbuild -t x "$CTX"
        [ "$status" -eq 4 ]
        [[ "$output" == *"Hullfile:2:1: "*"/nonexistent/prog"* ]]
        # a program that needs a library that is not there: the chain
        cp /bin/true "$BATS_TEST_TMPDIR/needy"
        python3 - "$BATS_TEST_TMPDIR/needy" <<'PY' || skip "cannot craft the ELF file"
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
i = b.find(b"libc.so.6\0")
assert i > 0
b[i:i + 10] = b"libzz.so.6\0"[:10]
open(p, "wb").write(b)
PY
        hullfile "FROM scratch
PROGRAM $BATS_TEST_TMPDIR/needy"
        run hbuild -t x "$CTX"
        [ "$status" -eq 4 ]
        [[ "$output" == *"Hullfile:2:1: "*"needy needs libzz.so."*"not found"* ]]
}

@test "build: COPY cannot read outside the build context" {
        echo secret >"$BATS_TEST_TMPDIR/secret"
        mkdir -p "$CTX/d"
        ln -s "$BATS_TEST_TMPDIR/secret" "$CTX/abs-link"
        ln -s ../../secret "$CTX/d/rel-link"
        for src in ../secret ../../etc/passwd d/../../secret; do
                hullfile "FROM scratch
COPY $src /x"
                run hbuild -t x "$CTX"
                [ "$status" -eq 4 ]
                [[ "$output" == *"Hullfile:2:6: COPY \"$src\": outside the build context"* ]]
        done
        # symlinks resolve inside the context: these lead nowhere
        for src in abs-link d/rel-link; do
                hullfile "FROM scratch
COPY $src /x"
                run hbuild -t x "$CTX"
                [ "$status" -eq 4 ]
                [[ "$output" == *"not found in the build context"* ]]
        done
        # a symlink inside a copied directory is copied as a symlink, not followed
        hullfile 'FROM scratch
COPY d /d'
        hbuild -q -t links:1 "$CTX"
        R=$(rootfs_of links:1)
        [ -L "$R/d/rel-link" ]
        ! grep -rqs secret "$R"
        run "$HULL" inspect x
        [ "$status" -eq 3 ]
}

@test "build: a failing build leaves the store and TMPDIR as they were" {
        mkdir -p "$BATS_TEST_TMPDIR/tmp"
        export TMPDIR=$BATS_TEST_TMPDIR/tmp
        echo a >"$CTX/a"
        hullfile 'FROM scratch
COPY a /a'
        hbuild -q -t keep:1 "$CTX"
        before=$(store_state; find "$HULL_STORE" | sort)
        hullfile 'FROM scratch
COPY a /a
ENV X=1
COPY missing /m'
        run hbuild -t keep:1 "$CTX"
        [ "$status" -eq 4 ]
        [ "$(store_state; find "$HULL_STORE" | sort)" = "$before" ]
        [ -z "$(ls -A "$TMPDIR")" ]
        # a build killed while it commits: the store still lists the old image only
        dd if=/dev/urandom of="$CTX/big" bs=1M count=64 status=none
        hullfile 'FROM scratch
COPY big /big'
        hbuild -q -t keep:2 "$CTX" &
        pid=$!
        track_pid "$pid"
        sleep 0.3
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" || true
        # keep:2 is there only if the build finished before the kill
        run "$HULL" inspect keep:1
        [ "$status" -eq 0 ]
        run "$HULL" images
        [ "$status" -eq 0 ]
        # a killed build leaves its temporary root filesystem (nothing in the store)
        rm -rf "$TMPDIR"/hull-build-*
}

@test "build: hull unpack then hull-runtime run of a built image answers" {
        requires root busybox
        [ -x "$HULL_RUNTIME" ] || skip "hull-runtime is not built: $HULL_RUNTIME"
        hullfile 'FROM scratch
PROGRAM /bin/bash /usr/bin/id
ETC --user app
ENV GREETING=hull
WORKDIR /srv
USER app
ENTRYPOINT ["/bin/bash", "-c"]
CMD ["echo hello from $GREETING in $PWD as $(id -un) with bash ${BASH_VERSINFO[0]}"]'
        hbuild -q -t run:1 "$CTX"
        BUNDLE=$BATS_TEST_TMPDIR/bundle
        "$HULL" unpack run:1 "$BUNDLE"
        ROOT=$BATS_TEST_TMPDIR/state
        CID=build$$-$BATS_TEST_NUMBER
        CGROUP_PARENT=hull-build-test-$$ # removed by cleanup_containers
        mkdir -p "$ROOT"
        update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT"'/'"$CID"'"'
        run timeout 60 "$HULL_RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$CID" </dev/null
        [ "$status" -eq 0 ]
        [[ "$output" == "hello from hull in /srv as app with bash 5" ]]
        CID=
}
