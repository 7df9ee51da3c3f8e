#!/usr/bin/env bats
# Reproducible builds: the same Hullfile in two directories, with other file
# mtimes, TZ and umask, gives the same manifest digest; another
# SOURCE_DATE_EPOCH another one.  Tools hull did not write read the image:
# skopeo inspect, umoci unpack.

load ../lib/helpers
load ../image/image
load build

setup() {
        build_setup
        requires jq
}

teardown() {
        image_teardown
}

# make_context DIR: the same files, created now (other mtimes, inodes).
make_context() {
        mkdir -p "$1/dir/sub"
        echo one >"$1/one.txt"
        echo two >"$1/dir/sub/two"
        chmod 0755 "$1/dir/sub/two"
        ln -sf two "$1/dir/sub/link"
        printf 'FROM scratch\nPROGRAM /bin/sh\nETC --user app\nCOPY one.txt /opt/\nCOPY dir /dir\nENV A=1\nCMD ["/bin/sh"]\n' >"$1/Hullfile"
}

@test "reproducible: two directories, other mtimes, TZ and umask: the same digest" {
        requires root
        make_context "$BATS_TEST_TMPDIR/a"
        touch -d '2001-02-03 04:05:06' "$BATS_TEST_TMPDIR/a/one.txt"
        d1=$(cd "$BATS_TEST_TMPDIR" && umask 022 && TZ=UTC "$HULL" build -q -t r:1 a)
        sleep 1
        make_context "$BATS_TEST_TMPDIR/elsewhere/b"
        d2=$(cd "$BATS_TEST_TMPDIR/elsewhere" && umask 077 && TZ=Asia/Tokyo "$HULL" build -q -t r:2 b)
        [[ "$d1" == sha256:* ]]
        [ "$d1" = "$d2" ]
        # into another store too
        d3=$(HULL_STORE=$BATS_TEST_TMPDIR/store2 "$HULL" build -q -t r:3 "$BATS_TEST_TMPDIR/a")
        [ "$d1" = "$d3" ]
        run "$HULL" inspect --json r:1
        [ "$(jq -r '.[0].Config.created' <<<"$output")" = 1970-01-01T00:00:00Z ]
}

@test "reproducible: SOURCE_DATE_EPOCH is every mtime and created; another one, another digest" {
        requires root
        make_context "$CTX"
        d1=$(SOURCE_DATE_EPOCH=1700000000 hbuild -q -t s:1 "$CTX")
        d2=$(SOURCE_DATE_EPOCH=1700000000 hbuild -q -t s:2 "$CTX")
        d3=$(SOURCE_DATE_EPOCH=1700000001 hbuild -q -t s:3 "$CTX")
        [ "$d1" = "$d2" ]
        [ "$d1" != "$d3" ]
        [ "$("$HULL" inspect --json s:1 | jq -r '.[0].Config.created')" = 2023-11-14T22:13:20Z ]
        R=$(rootfs_of s:1)
        [ "$(stat -c %Y "$R/opt/one.txt")" = 1700000000 ]
        [ "$(stat -c %Y "$R/etc/passwd")" = 1700000000 ]
        run env SOURCE_DATE_EPOCH=yesterday "$HULL" build -t s:4 "$CTX"
        [ "$status" -eq 2 ]
}

@test "reproducible: skopeo inspect and umoci unpack read the built image" {
        requires root
        requires_tool skopeo umoci
        make_context "$CTX"
        digest=$(hbuild -q -t interop:1 "$CTX")
        run skopeo inspect "oci:$HULL_STORE:interop:1"
        [ "$status" -eq 0 ]
        [ "$(jq -r .Digest <<<"$output")" = "$digest" ]
        [ "$(jq -c .Env <<<"$output")" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=1"]' ]
        [ "$(jq -r '.Layers | length' <<<"$output")" -eq 1 ]
        run umoci unpack --image "$HULL_STORE:interop:1" "$BATS_TEST_TMPDIR/umoci"
        [ "$status" -eq 0 ]
        [ "$(cat "$BATS_TEST_TMPDIR/umoci/rootfs/opt/one.txt")" = one ]
        [ "$(jq -c .process.args "$BATS_TEST_TMPDIR/umoci/config.json")" = '["/bin/sh"]' ]
        R=$(rootfs_of interop:1)
        diff -r --no-dereference "$BATS_TEST_TMPDIR/umoci/rootfs" "$R"
}

# The closure's host files go into the layer from the host (grafts), not
# through copies in the temporary root: the image must be the one the copies
# give (HULL_BUILD_NO_GRAFT=1), with later steps over those paths winning.
@test "reproducible: host files written from the host give the digest their copies give" {
        requires root
        echo fake >"$CTX/fake"
        chmod 0750 "$CTX/fake"
        mkdir -p "$BATS_TEST_TMPDIR/t/usr/bin"
        echo from-tar >"$BATS_TEST_TMPDIR/t/usr/bin/tarred"
        tar -C "$BATS_TEST_TMPDIR/t" -cf "$CTX/add.tar" usr
        hullfile 'FROM scratch
COPY fake /usr/bin/ls
PROGRAM /bin/bash /usr/bin/ls /usr/bin/id /usr/bin/passwd
WITH /etc/ld.so.conf /usr/lib/os-release
COPY fake /usr/bin/id
COPY fake /usr/bin/zz-new
ETC --user app
WORKDIR /srv
ENTRYPOINT ["/bin/bash"]'
        d1=$(hbuild -q -t g:1 "$CTX")
        d2=$(HULL_BUILD_NO_GRAFT=1 hbuild -q -t g:2 "$CTX")
        [[ "$d1" == sha256:* ]]
        [ "$d1" = "$d2" ]
        R=$(rootfs_of g:1)
        [ "$(cat "$R/usr/bin/id")" = fake ]
        cmp "$R/usr/bin/ls" /usr/bin/ls
        [ "$(stat -c %a "$R/usr/bin/passwd")" = "$(stat -L -c %a /usr/bin/passwd)" ]
        # ADD copies the host files first (an archive may name them); COPY --chown reads the image's /etc
        printf 'ADD add.tar /\nCOPY --chown=app fake /usr/bin/zz-owned\n' >>"$CTX/Hullfile"
        d3=$(hbuild -q -t g:3 "$CTX")
        d4=$(HULL_BUILD_NO_GRAFT=1 hbuild -q -t g:4 "$CTX")
        [ "$d3" = "$d4" ]
        [ "$d3" != "$d1" ]
        R=$(rootfs_of g:3)
        [ "$(cat "$R/usr/bin/tarred")" = from-tar ]
        cmp "$R/usr/bin/bash" /bin/bash
}
