#!/usr/bin/env bats
# The bundle `hull unpack` writes is one that runtimes run: runc (a tool hull
# did not write) and hull-runtime.

load ../lib/helpers
load image

setup() {
        image_setup
        requires root busybox jq
        ROOT=$BATS_TEST_TMPDIR/state
        CID=img$$-$BATS_TEST_NUMBER-$RANDOM
        CGROUP_PARENT=hull-image-test-$$
        mkdir -p "$ROOT"
        import_busybox app --change 'ENTRYPOINT ["/bin/sh", "-c"]' \
                --change 'CMD ["echo \"hello from $GREETING in $(pwd) as $(id -u)\""]' \
                --change 'ENV GREETING=hull' --change 'WORKDIR /tmp' --change 'USER nobody' >/dev/null
        BUNDLE=$BATS_TEST_TMPDIR/bundle
        hull unpack app "$BUNDLE"
        # This test's cgroup, so that the cleanup finds what a runtime leaves.
        update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT"'/'"$CID"'"'
}

teardown() {
        if [ -n "${CID:-}" ]; then
                runc --root "$ROOT" delete --force "$CID" >/dev/null 2>&1 || true
        fi
        image_teardown
}

@test "runc runs the bundle hull unpack wrote" {
        requires runc
        run timeout 60 runc --root "$ROOT" run -b "$BUNDLE" "$CID" </dev/null
        [ "$status" -eq 0 ]
        [ "$output" = "hello from hull in /tmp as 65534" ]
}

@test "hull-runtime runs the bundle hull unpack wrote" {
        [ -x "$HULL_RUNTIME" ] || skip "hull-runtime is not built: $HULL_RUNTIME"
        run timeout 60 "$HULL_RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$CID" </dev/null
        [ "$status" -eq 0 ]
        [ "$output" = "hello from hull in /tmp as 65534" ]
}

@test "the container's exit status comes through the image's command" {
        requires runc
        update_config '.process.args = ["/bin/sh", "-c", "exit 7"]'
        run timeout 60 runc --root "$ROOT" run -b "$BUNDLE" "$CID" </dev/null
        [ "$status" -eq 7 ]
}
