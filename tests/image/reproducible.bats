#!/usr/bin/env bats
# Reproducibility: the same tree gives the same manifest digest whoever
# imports it, from wherever, whenever (mtimes clamped to SOURCE_DATE_EPOCH or
# 0, owners 0:0, sorted entries, no gzip name or time, a fixed `created`).

load ../lib/helpers
load image

setup() {
        image_setup
}

teardown() {
        image_teardown
}

# tree DIR STAMP: the same content each time, created in a different order
# with different mtimes (touch -d STAMP) and owners.
tree() {
        local d=$1
        mkdir -p "$d"
        if [ "$2" = a ]; then
                mkdir "$d/etc" "$d/bin"
                echo one >"$d/etc/one"; echo two >"$d/etc/two"
        else
                mkdir "$d/bin" "$d/etc"
                echo two >"$d/etc/two"; echo one >"$d/etc/one"
        fi
        head -c 3000000 /dev/zero | tr '\0' 'x' >"$d/bin/big" # more than one 1 MiB gzip block
        printf '#!/bin/sh\n' >"$d/bin/tool"
        chmod 0755 "$d/bin/tool"
        ln -s tool "$d/bin/link"
        ln "$d/etc/one" "$d/etc/hardlink"
        find "$d" -exec touch -h -d "$3" {} +
        if [ "$(id -u)" -eq 0 ]; then
                chown -R "$4" "$d"
        fi
}

@test "two imports of the same tree, in different places and on different days, give one digest" {
        tree "$BATS_TEST_TMPDIR/x/first" a "2021-03-04 05:06:07" 0:0
        tree "$BATS_TEST_TMPDIR/elsewhere/deeper/second" b "2024-12-31 23:59:59" 1000:1000
        a=$(hull import "$BATS_TEST_TMPDIR/x/first" -t r --change 'CMD ["/bin/tool"]')
        # Another store, another name, another working directory.
        b=$(cd "$BATS_TEST_TMPDIR/elsewhere" && HULL_STORE=$BATS_TEST_TMPDIR/other hull import deeper/second -t s --change 'CMD ["/bin/tool"]')
        [ "$a" = "$b" ]
        # The layer itself is byte-identical.
        hull save r -o "$BATS_TEST_TMPDIR/r.tar"
        HULL_STORE=$BATS_TEST_TMPDIR/other hull save s -o "$BATS_TEST_TMPDIR/s.tar"
        requires jq
        [ "$(hull inspect --json r | jq -r '.[0].Manifest.layers[0].digest')" = \
          "$(HULL_STORE=$BATS_TEST_TMPDIR/other hull inspect --json s | jq -r '.[0].Manifest.layers[0].digest')" ]
        [ "$(hull inspect --json r | jq -r '.[0].Config.created')" = 1970-01-01T00:00:00Z ]
}

@test "SOURCE_DATE_EPOCH sets created and clamps mtimes" {
        requires jq
        tree "$BATS_TEST_TMPDIR/t1" a "2022-01-01" 0:0
        tree "$BATS_TEST_TMPDIR/t2" b "2023-06-01" 0:0
        export SOURCE_DATE_EPOCH=1600000000 # 2020-09-13: before both trees
        a=$(hull import "$BATS_TEST_TMPDIR/t1" -t a)
        b=$(hull import "$BATS_TEST_TMPDIR/t2" -t b)
        [ "$a" = "$b" ]
        [ "$(hull inspect --json a | jq -r '.[0].Config.created, .[0].Config.history[0].created')" = \
          "$(printf '2020-09-13T12:26:40Z\n2020-09-13T12:26:40Z')" ]
        [ "$(hull inspect --json a | jq -r '.[0].Manifest.annotations["org.opencontainers.image.created"]')" = 2020-09-13T12:26:40Z ]
        hull unpack a "$BATS_TEST_TMPDIR/bundle"
        [ "$(stat -c %Y "$BATS_TEST_TMPDIR/bundle/rootfs/etc/one")" -eq 1600000000 ]
        # Without it: created at 0, every mtime 0; a different digest.
        unset SOURCE_DATE_EPOCH
        c=$(hull import "$BATS_TEST_TMPDIR/t1" -t c)
        [ "$c" != "$a" ]
        hull unpack c "$BATS_TEST_TMPDIR/bundle0"
        [ "$(stat -c %Y "$BATS_TEST_TMPDIR/bundle0/rootfs/etc/one")" -eq 0 ]
}

@test "the gzip layer has no name or time; zstd layers are reproducible too" {
        requires jq
        tree "$BATS_TEST_TMPDIR/t1" a "2022-01-01" 0:0
        tree "$BATS_TEST_TMPDIR/t2" b "2023-06-01" 0:0
        hull import "$BATS_TEST_TMPDIR/t1" -t g >/dev/null
        layer=$(hull inspect --json g | jq -r '.[0].Manifest.layers[0].digest')
        [ "$(head -c 10 "$HULL_STORE/blobs/sha256/${layer#sha256:}" | od -An -tx1 | tr -d ' \n')" = 1f8b08000000000000ff ]
        gzip -t <"$HULL_STORE/blobs/sha256/${layer#sha256:}"
        a=$(hull import "$BATS_TEST_TMPDIR/t1" -t z1 --compression zstd)
        b=$(hull import "$BATS_TEST_TMPDIR/t2" -t z2 --compression zstd)
        [ "$a" = "$b" ]
        [ "$(hull inspect --json z1 | jq -r '.[0].Manifest.layers[0].mediaType')" = application/vnd.oci.image.layer.v1.tar+zstd ]
}

@test "save writes the same archive twice" {
        tree "$BATS_TEST_TMPDIR/t" a "2022-01-01" 0:0
        hull import "$BATS_TEST_TMPDIR/t" -t s >/dev/null
        hull save s -o "$BATS_TEST_TMPDIR/1.tar"
        hull save s -o "$BATS_TEST_TMPDIR/2.tar"
        cmp "$BATS_TEST_TMPDIR/1.tar" "$BATS_TEST_TMPDIR/2.tar"
        hull save --format docker-archive s -o "$BATS_TEST_TMPDIR/3.tar"
        hull save --format docker-archive s -o "$BATS_TEST_TMPDIR/4.tar"
        cmp "$BATS_TEST_TMPDIR/3.tar" "$BATS_TEST_TMPDIR/4.tar"
}
