#!/usr/bin/env bats
# Interoperability with tools hull did not write: skopeo reads the store and
# hull's archives, umoci unpacks hull's images, and hull reads what they write.

load ../lib/helpers
load image

setup() {
        image_setup
        requires_tool skopeo umoci
        requires jq
        digest=$(import_busybox bb:1 --change 'CMD ["/bin/echo","hi"]' --change 'ENV X=1')
}

teardown() {
        image_teardown
}

@test "skopeo inspect oci:STORE:NAME sees the image hull committed" {
        run skopeo inspect "oci:$HULL_STORE:bb:1"
        [ "$status" -eq 0 ]
        [ "$(jq -r .Digest <<<"$output")" = "$digest" ]
        [ "$(jq -r .Os <<<"$output")" = linux ]
        [ "$(jq -r '.Layers | length' <<<"$output")" -eq 1 ]
        [ "$(jq -c .Env <<<"$output")" = '["X=1"]' ]
        run skopeo inspect --raw "oci:$HULL_STORE:bb:1"
        [ "$status" -eq 0 ]
        [ "$(jq -r .mediaType <<<"$output")" = application/vnd.oci.image.manifest.v1+json ]
        run skopeo inspect --config "oci:$HULL_STORE:bb:1"
        [ "$status" -eq 0 ]
        [ "$(jq -c .rootfs.diff_ids <<<"$output" | jq length)" -eq 1 ]
}

@test "skopeo copy from the store to a docker-archive, and hull loads it back" {
        run skopeo copy "oci:$HULL_STORE:bb:1" "docker-archive:$BATS_TEST_TMPDIR/d.tar:bb:copied"
        [ "$status" -eq 0 ]
        run hull load -i "$BATS_TEST_TMPDIR/d.tar"
        [ "$status" -eq 0 ]
        # skopeo writes the fully qualified name.
        [ "$output" = "Loaded image: docker.io/library/bb:copied" ]
        hull unpack bb:1 "$BATS_TEST_TMPDIR/a"
        hull unpack docker.io/library/bb:copied "$BATS_TEST_TMPDIR/b"
        diff -r "$BATS_TEST_TMPDIR/a/rootfs" "$BATS_TEST_TMPDIR/b/rootfs"
        cmp "$BATS_TEST_TMPDIR/a/config.json" "$BATS_TEST_TMPDIR/b/config.json"
}

@test "skopeo reads hull save's docker-archive and oci-archive" {
        hull save --format docker-archive bb:1 -o "$BATS_TEST_TMPDIR/d.tar"
        hull save bb:1 -o "$BATS_TEST_TMPDIR/o.tar"
        run skopeo inspect "docker-archive:$BATS_TEST_TMPDIR/d.tar"
        [ "$status" -eq 0 ]
        [ "$(jq -r '.Layers | length' <<<"$output")" -eq 1 ]
        [ "$(tar -xOf "$BATS_TEST_TMPDIR/d.tar" manifest.json | jq -c '.[0].RepoTags')" = '["bb:1"]' ]
        # A copy checks every layer against the config's diff_ids (what docker load does).
        run skopeo copy "docker-archive:$BATS_TEST_TMPDIR/d.tar" "oci:$BATS_TEST_TMPDIR/layout:fromdocker"
        [ "$status" -eq 0 ]
        run skopeo inspect "oci-archive:$BATS_TEST_TMPDIR/o.tar"
        [ "$status" -eq 0 ]
        [ "$(jq -r .Digest <<<"$output")" = "$digest" ]
        run skopeo copy "oci-archive:$BATS_TEST_TMPDIR/o.tar" "oci:$BATS_TEST_TMPDIR/layout:fromoci"
        [ "$status" -eq 0 ]
        # skopeo keeps the manifest: the same digest in its layout.
        [ "$(skopeo inspect "oci:$BATS_TEST_TMPDIR/layout:fromoci" | jq -r .Digest)" = "$digest" ]
}

@test "hull loads an oci-archive written by skopeo, and reads a layout skopeo wrote" {
        hull save --format docker-archive bb:1 -o "$BATS_TEST_TMPDIR/d.tar"
        skopeo copy "docker-archive:$BATS_TEST_TMPDIR/d.tar" "oci-archive:$BATS_TEST_TMPDIR/s.tar:skopeo/bb:2"
        run hull load -i "$BATS_TEST_TMPDIR/s.tar"
        [ "$status" -eq 0 ]
        [ "$output" = "Loaded image: skopeo/bb:2" ]
        hull unpack skopeo/bb:2 "$BATS_TEST_TMPDIR/u"
        [ -x "$BATS_TEST_TMPDIR/u/rootfs/bin/busybox" ]
        # A layout that only skopeo ever wrote is a store hull reads.
        skopeo copy "docker-archive:$BATS_TEST_TMPDIR/d.tar" "oci:$BATS_TEST_TMPDIR/sk:x:y"
        run env HULL_STORE="$BATS_TEST_TMPDIR/sk" "$HULL" images
        [ "$status" -eq 0 ]
        [[ $output == *"x "*" y "* ]]
        HULL_STORE="$BATS_TEST_TMPDIR/sk" hull unpack x:y "$BATS_TEST_TMPDIR/v"
        diff -r "$BATS_TEST_TMPDIR/u/rootfs" "$BATS_TEST_TMPDIR/v/rootfs"
}

@test "umoci unpack unpacks a hull image like hull unpack does" {
        run umoci unpack --image "$HULL_STORE:bb:1" "$BATS_TEST_TMPDIR/umoci"
        [ "$status" -eq 0 ]
        hull unpack bb:1 "$BATS_TEST_TMPDIR/hull"
        diff -r --no-dereference "$BATS_TEST_TMPDIR/umoci/rootfs" "$BATS_TEST_TMPDIR/hull/rootfs"
        [ "$(jq -c .process.args "$BATS_TEST_TMPDIR/umoci/config.json")" = "$(jq -c .process.args "$BATS_TEST_TMPDIR/hull/config.json")" ]
        # umoci verifies the store's blobs on the way: a gc run leaves them intact.
        run umoci stat --image "$HULL_STORE:bb:1"
        [ "$status" -eq 0 ]
}

@test "an image umoci builds (umoci new/repack) is one hull lists and unpacks" {
        local L=$BATS_TEST_TMPDIR/umoci-layout
        umoci init --layout "$L"
        umoci new --image "$L:base"
        umoci unpack --image "$L:base" "$BATS_TEST_TMPDIR/ub"
        echo "made by umoci" >"$BATS_TEST_TMPDIR/ub/rootfs/hello"
        umoci repack --image "$L:base" "$BATS_TEST_TMPDIR/ub"
        umoci config --image "$L:base" --config.cmd /hello
        run env HULL_STORE="$L" "$HULL" images
        [ "$status" -eq 0 ]
        [[ $output == *"base"* ]]
        HULL_STORE="$L" hull unpack base "$BATS_TEST_TMPDIR/from-umoci"
        [ "$(cat "$BATS_TEST_TMPDIR/from-umoci/rootfs/hello")" = "made by umoci" ]
        [ "$(jq -c .process.args "$BATS_TEST_TMPDIR/from-umoci/config.json")" = '["/hello"]' ]
        # And saved by hull, loaded by hull elsewhere.
        HULL_STORE="$L" hull save base -o "$BATS_TEST_TMPDIR/u.tar"
        run hull load -i "$BATS_TEST_TMPDIR/u.tar" -t umoci:base
        [ "$status" -eq 0 ]
}
