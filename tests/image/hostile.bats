#!/usr/bin/env bats
# Hostile input, one path-traversal class per test: `hull unpack` of an image
# whose layer tries to get out of the bundle, and `hull load` of an archive
# whose members do.  Each is refused (exit 5 for an escape, 4 for a layer that
# cannot be applied), leaves nothing behind, and $OUTSIDE stays as it was.

load ../lib/helpers
load image

setup() {
        image_setup
        OUTSIDE=$BATS_TEST_TMPDIR/outside
        mkdir -p "$OUTSIDE"
        echo "do not link me" >"$OUTSIDE/secret"
        BUNDLE=$BATS_TEST_TMPDIR/bundle
}

teardown() {
        image_teardown
}

# unpack_hostile KIND STATUS: loads the image, unpacks it, expects STATUS.
unpack_hostile() {
        local f
        f=$(hostile "$1")
        run hull load -i "$f"
        [ "$status" -eq 0 ]
        [ "$output" = "Loaded image: hostile:$1" ]
        run hull unpack "hostile:$1" "$BUNDLE"
        echo "$output"
        [ "$status" -eq "$2" ]
        if [ "$2" -ne 0 ]; then
                [ ! -e "$BUNDLE" ]
        fi
        assert_outside_untouched
        [ "$(stat -c %h "$OUTSIDE/secret")" -eq 1 ]
}

@test "unpack: a \"..\" path is refused" {
        unpack_hostile layer-dotdot 5
        [[ $output == *'path has a ".." component'* ]]
}

@test "unpack: an absolute path is refused" {
        unpack_hostile layer-absolute 5
        [[ $output == *"absolute path"* ]]
}

@test "unpack: a file through a symlink to the outside does not get out" {
        unpack_hostile layer-symlink-file 4
}

@test "unpack: a file through a climbing relative symlink lands inside the root" {
        unpack_hostile layer-symlink-relative 0
        [ -f "$BUNDLE/rootfs/etc/inside" ]
}

@test "unpack: a hardlink to a file outside is refused" {
        unpack_hostile layer-hardlink 5
        [[ $output == *"outside the root"* ]]
        rm -rf "$BUNDLE"
        unpack_hostile layer-hardlink-absolute 5
}

@test "unpack: a symlink loop is refused" {
        unpack_hostile layer-symlink-loop 4
        [[ $output == *"symbolic links"* ]]
}

@test "unpack: a file where a directory is expected is refused" {
        unpack_hostile layer-file-as-dir 4
        [[ $output == *"not a directory"* ]]
}

@test "unpack: device nodes only as root" {
        requires root
        unpack_hostile layer-device 0
        [ -c "$BUNDLE/rootfs/null" ]
        run hull unpack --rootless hostile:layer-device "$BATS_TEST_TMPDIR/rootless"
        [ "$status" -eq 0 ]
        [[ $output == *"1 device node not created"* ]]
        [ ! -e "$BATS_TEST_TMPDIR/rootless/rootfs/null" ]
        [ -f "$BATS_TEST_TMPDIR/rootless/rootfs/ok" ]
}

# load_hostile KIND STATUS NEEDLE
load_hostile() {
        local f before
        import_busybox existing >/dev/null
        before=$(store_state)
        f=$(hostile "$1")
        run hull load -i "$f"
        echo "$output"
        [ "$status" -eq "$2" ]
        [[ $output == *"$3"* ]]
        [ "$(store_state)" = "$before" ]
        assert_outside_untouched
}

@test "load: an archive member with \"..\" is refused" {
        load_hostile archive-dotdot 5 '".."'
}

@test "load: an absolute archive member is refused" {
        load_hostile archive-absolute 5 "absolute path"
}

@test "load: a symlink member leaving the archive is refused" {
        load_hostile archive-symlink 5 "outside the archive"
}

@test "load: a blob that does not match its digest is refused" {
        load_hostile archive-bad-blob 4 "does not match its digest"
}
