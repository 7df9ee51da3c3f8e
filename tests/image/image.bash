# Helpers of the image suite (load after ../lib/helpers):
#   load ../lib/helpers
#   load image
#
# Every test gets its own store ($HULL_STORE under $BATS_TEST_TMPDIR), so
# nothing is left in /var/lib/hull.

bats_require_minimum_version 1.5.0
: "${BATS_TEST_TIMEOUT:=300}"

HULL=${HULL:-$HULL_BUILD/src/hull}
IMAGE_TESTS=$HULL_SRC/tests/image

# The store of this test.
image_setup() {
        # skopeo and buildah (containers/image) keep a blob-info cache in
        # /var/lib/containers/cache as root, whatever their flags say: what a
        # test creates there goes again in image_teardown.
        _had_containers_dir=$([ -e /var/lib/containers ] && echo 1 || true)
        _had_containers_cache=$([ -e /var/lib/containers/cache ] && echo 1 || true)
        export HULL_STORE=$BATS_TEST_TMPDIR/store
        unset SOURCE_DATE_EPOCH
        [ -x "$HULL" ] || skip "hull is not built: $HULL"
}

image_teardown() {
        cleanup_containers
        [ -n "${_had_containers_cache-1}" ] || rm -rf /var/lib/containers/cache
        [ -n "${_had_containers_dir-1}" ] || rmdir /var/lib/containers 2>/dev/null || true
}

hull() {
        "$HULL" "$@"
}

# requires_tool NAME...: skips (failing under HULL_MUST_WORK) without it.
requires_tool() {
        local t
        for t in "$@"; do
                if ! command -v "$t" >/dev/null; then
                        if [ -n "${HULL_MUST_WORK:-}" ]; then
                                echo "$t must be installed on this machine" >&2
                                return 1
                        fi
                        skip "needs $t"
                fi
        done
}

# busybox_rootfs DIR: a busybox root filesystem (passwd, group, links).
busybox_rootfs() {
        requires busybox
        mkdir -p "$(dirname "$1")"
        cp -a "$(_rootfs_template)" "$1"
}

# import_busybox NAME [hull import options...]: an image of a busybox rootfs.
import_busybox() {
        local name=$1
        shift
        [ -d "$BATS_TEST_TMPDIR/bb" ] || busybox_rootfs "$BATS_TEST_TMPDIR/bb"
        hull import "$BATS_TEST_TMPDIR/bb" -t "$name" "$@"
}

# store_state: index.json, the blob list and the temporary files: what must
# not change when a write fails.
store_state() {
        cat "$HULL_STORE/index.json"
        echo
        ls "$HULL_STORE/blobs/sha256"
        echo "tmp:"
        ls -A "$HULL_STORE/.hull/tmp"
}

# hostile KIND: an OCI archive from make-hostile.py aiming at $OUTSIDE.
hostile() {
        OUTSIDE=${OUTSIDE:-$BATS_TEST_TMPDIR/outside}
        mkdir -p "$OUTSIDE"
        python3 "$IMAGE_TESTS/make-hostile.py" "$1" "$BATS_TEST_TMPDIR/$1.tar" "$OUTSIDE"
        echo "$BATS_TEST_TMPDIR/$1.tar"
}

# assert_outside_untouched: $OUTSIDE holds only what the test put there.
assert_outside_untouched() {
        local extra
        extra=$(ls -A "$OUTSIDE" | grep -vx secret || true)
        if [ -n "$extra" ]; then
                echo "written outside: $extra" >&2
                return 1
        fi
}
