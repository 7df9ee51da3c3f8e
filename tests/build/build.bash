# Helpers of the hull build suites (load after ../lib/helpers and ../image/image).
#   build_ctx: a fresh build context at $CTX.
#   hbuild ARGS...: hull build with this test's store.
#   rootfs_of IMAGE: unpacks IMAGE, echoes the rootfs directory.

build_setup() {
        image_setup
        CTX=$BATS_TEST_TMPDIR/ctx
        mkdir -p "$CTX"
}

hbuild() {
        "$HULL" build "$@"
}

# hullfile TEXT: writes $CTX/Hullfile.
hullfile() {
        printf '%s\n' "$1" >"$CTX/Hullfile"
}

rootfs_of() {
        local d=$BATS_TEST_TMPDIR/unpacked-$1
        d=${d//:/-}
        rm -rf "$d"
        "$HULL" unpack "$1" "$d" >/dev/null || return 1
        echo "$d/rootfs"
}

# config_of IMAGE JQ: a field of the image config.
config_of() {
        "$HULL" inspect --json "$1" | jq -c ".[0].Config.config$2"
}
