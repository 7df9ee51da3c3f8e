#!/usr/bin/env bats
# The image verbs driven as a user would: every verb, its output and its
# exit statuses (0 ok, 1 failure, 2 usage, 3 no such image, 4 invalid input,
# 5 unsafe archive).

load ../lib/helpers
load image

setup() {
        image_setup
}

teardown() {
        image_teardown
}

@test "every image verb answers --help" {
        local v
        for v in images import inspect tag rmi save load unpack; do
                run hull "$v" --help
                [ "$status" -eq 0 ]
                [[ $output == *"Usage: hull $v"* ]]
                [[ $output == *"Exit status"* ]]
        done
        run hull --help
        [ "$status" -eq 0 ]
        for v in images import inspect tag rmi save load unpack; do
                [[ $output == *"  $v "* ]]
        done
}

@test "usage errors exit 2" {
        run hull images extra
        [ "$status" -eq 2 ]
        run hull images --bogus
        [ "$status" -eq 2 ]
        [[ $output == *"unknown option --bogus"* ]]
        run hull import "$BATS_TEST_TMPDIR"
        [ "$status" -eq 2 ]
        [[ $output == *"-t NAME[:TAG] is required"* ]]
        run hull import "$BATS_TEST_TMPDIR" -t 'Bad Name'
        [ "$status" -eq 2 ]
        [[ $output == *"invalid image name"* ]]
        run hull import "$BATS_TEST_TMPDIR" -t ok --compression lzma
        [ "$status" -eq 2 ]
        run hull import "$BATS_TEST_TMPDIR" -t ok --change 'RUN rm -rf /'
        [ "$status" -eq 2 ]
        [[ $output == *"unknown instruction"* ]]
        run hull tag onlyone
        [ "$status" -eq 2 ]
        run hull save --format zip x -o "$BATS_TEST_TMPDIR/x.tar"
        [ "$status" -eq 2 ]
        run hull rmi
        [ "$status" -eq 2 ]
        SOURCE_DATE_EPOCH=yesterday run hull import "$BATS_TEST_TMPDIR" -t ok
        [ "$status" -eq 2 ]
        [[ $output == *SOURCE_DATE_EPOCH* ]]
}

@test "images: an empty store, a table, --json and -q" {
        run hull images
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ ${lines[0]} == NAME* ]]
        run hull images --json
        [ "$output" = "[]" ]
        digest=$(import_busybox bb:1.0)
        [[ $digest == sha256:* ]]
        run hull images
        [ "$status" -eq 0 ]
        [[ ${lines[1]} == "bb "*" 1.0 "*"${digest:7:12}"* ]]
        run hull images -q
        [ "$output" = "$digest" ]
        requires jq
        [ "$(hull images --json | jq -r '.[0].Name, .[0].Repository, .[0].Tag, .[0].Digest, .[0].Layers')" = \
          "$(printf 'bb:1.0\nbb\n1.0\n%s\n1' "$digest")" ]
}

@test "inspect: a summary, --json, and exit 3 for a missing image" {
        requires jq
        digest=$(import_busybox bb --change 'CMD ["/bin/sh"]' --author me -m 'first')
        run hull inspect bb
        [ "$status" -eq 0 ]
        [[ $output == *"Digest:      $digest"* ]]
        [[ $output == *"Cmd:         /bin/sh"* ]]
        [[ $output == *"application/vnd.oci.image.layer.v1.tar+gzip"* ]]
        run hull inspect --json bb "${digest:7:12}"
        [ "$status" -eq 0 ]
        [ "$(jq -r '.[0].Digest, .[1].Digest, .[0].Config.author, .[0].Config.history[0].comment' <<<"$output")" = \
          "$(printf '%s\n%s\nme\nfirst' "$digest" "$digest")" ]
        [ "$(jq -r '.[0].Manifest.mediaType' <<<"$output")" = application/vnd.oci.image.manifest.v1+json ]
        [ "$(jq -r '.[0].Manifest.config.mediaType' <<<"$output")" = application/vnd.oci.image.config.v1+json ]
        run hull inspect nosuch
        [ "$status" -eq 3 ]
        [[ $output == *"no such image: nosuch"* ]]
}

@test "tag and rmi: names, digests, and the collection of unreferenced blobs" {
        digest=$(import_busybox a)
        hull tag a b:2
        hull tag "${digest:7:8}" c
        [ "$(hull images -q | sort -u)" = "$digest" ]
        [ "$(hull images | wc -l)" -eq 4 ]
        run hull rmi a
        [ "$status" -eq 0 ]
        [[ $output == *"Collected: 0 blobs"* ]]
        [ "$(ls "$HULL_STORE/blobs/sha256" | wc -l)" -eq 3 ]
        # A digest removes every name of the image, and its blobs go.
        run hull rmi "$digest"
        [ "$status" -eq 0 ]
        [[ $output == *"Collected: 3 blobs"* ]]
        [ "$(hull images | wc -l)" -eq 1 ]
        [ -z "$(ls "$HULL_STORE/blobs/sha256")" ]
        run hull rmi a
        [ "$status" -eq 3 ]
        run hull tag nosuch x
        [ "$status" -eq 3 ]
        # --keep-blobs then --prune.
        import_busybox k >/dev/null
        hull rmi --keep-blobs k
        [ "$(ls "$HULL_STORE/blobs/sha256" | wc -l)" -eq 3 ]
        run hull rmi --prune
        [[ $output == *"Collected: 3 blobs"* ]]
        [ -z "$(ls "$HULL_STORE/blobs/sha256")" ]
}

@test "import --change, --label, --annotation and --platform fill the config" {
        requires jq
        import_busybox cfg --change 'ENTRYPOINT ["/bin/sh", "-c"]' --change 'CMD echo hi' \
                --change 'ENV A=1 B="two words"' --change 'EXPOSE 80 53/udp' --change 'VOLUME /data' \
                --change 'WORKDIR /tmp' --change 'USER nobody' --change 'STOPSIGNAL SIGINT' --change 'LABEL x=y' \
                --label l=m --annotation org.opencontainers.image.version=1.2 --platform linux/arm64 >/dev/null
        c=$(hull inspect --json cfg | jq -c '.[0].Config')
        [ "$(jq -c .config.Entrypoint <<<"$c")" = '["/bin/sh","-c"]' ]
        [ "$(jq -c .config.Cmd <<<"$c")" = '["/bin/sh","-c","echo hi"]' ]
        [ "$(jq -c .config.Env <<<"$c")" = '["A=1","B=two words"]' ]
        [ "$(jq -c '.config.ExposedPorts | keys' <<<"$c")" = '["53/udp","80/tcp"]' ]
        [ "$(jq -c '.config.Volumes | keys' <<<"$c")" = '["/data"]' ]
        [ "$(jq -r '.config.WorkingDir, .config.User, .config.StopSignal, .architecture, .os' <<<"$c")" = \
          "$(printf '/tmp\nnobody\nSIGINT\narm64\nlinux')" ]
        [ "$(jq -c .config.Labels <<<"$c")" = '{"x":"y","l":"m"}' ]
        [ "$(hull inspect --json cfg | jq -r '.[0].Manifest.annotations["org.opencontainers.image.version"]')" = 1.2 ]
        run hull import "$BATS_TEST_TMPDIR/bb" -t p --platform linux
        [ "$status" -eq 2 ]
}

@test "import --base adds a layer; whiteouts delete; no DIR changes only the config" {
        requires jq
        import_busybox base >/dev/null
        mkdir -p "$BATS_TEST_TMPDIR/up/etc"
        echo new >"$BATS_TEST_TMPDIR/up/new-file"
        touch "$BATS_TEST_TMPDIR/up/etc/.wh.group"
        hull import "$BATS_TEST_TMPDIR/up" --base base -t top --change 'ENV STEP=2' >/dev/null
        hull import --base top -t meta --change 'CMD ["/bin/true"]' >/dev/null
        m=$(hull inspect --json meta)
        [ "$(jq '.[0].Manifest.layers | length' <<<"$m")" -eq 2 ]
        [ "$(jq '.[0].Config.rootfs.diff_ids | length' <<<"$m")" -eq 2 ]
        [ "$(jq -c '[.[0].Config.history[] | .empty_layer // false]' <<<"$m")" = '[false,false,true]' ]
        [ "$(jq -r '.[0].Manifest.annotations["org.opencontainers.image.base.name"]' <<<"$m")" = top:latest ]
        hull unpack meta "$BATS_TEST_TMPDIR/bundle"
        [ -f "$BATS_TEST_TMPDIR/bundle/rootfs/new-file" ]
        [ ! -e "$BATS_TEST_TMPDIR/bundle/rootfs/etc/group" ]
        [ ! -e "$BATS_TEST_TMPDIR/bundle/rootfs/etc/.wh.group" ]
        [ -f "$BATS_TEST_TMPDIR/bundle/rootfs/etc/passwd" ]
        [ "$(jq -c .process.args "$BATS_TEST_TMPDIR/bundle/config.json")" = '["/bin/true"]' ]
        run hull import --base nosuch -t x
        [ "$status" -eq 3 ]
}

@test "save and load: oci-archive and docker-archive round trips" {
        digest=$(import_busybox rt:1)
        hull save rt:1 -o "$BATS_TEST_TMPDIR/oci.tar"
        hull save --format docker-archive rt:1 -o "$BATS_TEST_TMPDIR/docker.tar"
        tar -tf "$BATS_TEST_TMPDIR/oci.tar" | grep -qx index.json
        tar -tf "$BATS_TEST_TMPDIR/oci.tar" | grep -qx oci-layout
        tar -tf "$BATS_TEST_TMPDIR/docker.tar" | grep -qx manifest.json
        # No temporary file is left beside the output.
        [ "$(ls "$BATS_TEST_TMPDIR" | grep -c hull-tmp)" -eq 0 ]
        export HULL_STORE=$BATS_TEST_TMPDIR/store2
        run hull load -i "$BATS_TEST_TMPDIR/oci.tar"
        [ "$status" -eq 0 ]
        [ "$output" = "Loaded image: rt:1" ]
        [ "$(hull images -q)" = "$digest" ]
        run hull load -i "$BATS_TEST_TMPDIR/docker.tar" -t fromdocker
        [ "$status" -eq 0 ]
        [ "$output" = "Loaded image: fromdocker:latest" ]
        # stdin, gzip-compressed.
        [ "$(gzip -c "$BATS_TEST_TMPDIR/docker.tar" | hull load -t gz)" = "Loaded image: gz:latest" ]
        hull unpack rt:1 "$BATS_TEST_TMPDIR/b1"
        hull unpack fromdocker "$BATS_TEST_TMPDIR/b2"
        diff -r "$BATS_TEST_TMPDIR/b1/rootfs" "$BATS_TEST_TMPDIR/b2/rootfs"
        # Saving to stdout.
        hull save rt:1 >"$BATS_TEST_TMPDIR/stdout.tar"
        cmp "$BATS_TEST_TMPDIR/oci.tar" "$BATS_TEST_TMPDIR/stdout.tar"
        run hull save nosuch -o "$BATS_TEST_TMPDIR/n.tar"
        [ "$status" -eq 3 ]
        [ ! -e "$BATS_TEST_TMPDIR/n.tar" ]
        run hull load -i "$BATS_TEST_TMPDIR/nosuch.tar"
        [ "$status" -eq 1 ]
        echo "not an archive" >"$BATS_TEST_TMPDIR/junk"
        run hull load -i "$BATS_TEST_TMPDIR/junk"
        [ "$status" -eq 4 ]
}

@test "unpack: a bundle whose config.json comes from the image config" {
        requires jq
        import_busybox app --change 'ENTRYPOINT ["/bin/echo"]' --change 'CMD ["hello"]' --change 'ENV GREETING=hi' \
                --change 'WORKDIR /tmp' --change 'USER nobody' --change 'STOPSIGNAL SIGINT' --change 'EXPOSE 8080' \
                --change 'LABEL com.example=yes' >/dev/null
        mkdir "$BATS_TEST_TMPDIR/empty"
        hull unpack app "$BATS_TEST_TMPDIR/empty"
        c=$BATS_TEST_TMPDIR/empty/config.json
        [ "$(jq -c .process.args "$c")" = '["/bin/echo","hello"]' ]
        [ "$(jq -r .process.cwd "$c")" = /tmp ]
        [ "$(jq -c .process.user "$c")" = '{"uid":65534,"gid":65534}' ]
        jq -e '.process.env | index("GREETING=hi")' "$c" >/dev/null
        jq -e '.process.env | map(startswith("PATH=")) | any' "$c" >/dev/null
        [ "$(jq -r .process.terminal "$c")" = false ]
        [ "$(jq -r '.annotations["org.opencontainers.image.stopSignal"]' "$c")" = SIGINT ]
        [ "$(jq -r '.annotations["org.opencontainers.image.exposedPorts"]' "$c")" = 8080/tcp ]
        [ "$(jq -r '.annotations["com.example"]' "$c")" = yes ]
        [ "$(jq -r .root.path "$c")" = rootfs ]
        [ -x "$BATS_TEST_TMPDIR/empty/rootfs/bin/busybox" ]
        # Not into a directory that holds something.
        run hull unpack app "$BATS_TEST_TMPDIR/empty"
        [ "$status" -eq 1 ]
        [[ $output == *"not empty"* ]]
        # A user the image does not know.
        import_busybox ghost --change 'USER ghost' >/dev/null
        run hull unpack ghost "$BATS_TEST_TMPDIR/ghost"
        [ "$status" -eq 4 ]
        [ ! -e "$BATS_TEST_TMPDIR/ghost" ]
}

@test "unpack --rootless: no device nodes, no owners, a rootless config" {
        requires jq root
        busybox_rootfs "$BATS_TEST_TMPDIR/bb"
        mknod "$BATS_TEST_TMPDIR/bb/dev/null" c 1 3
        chown 1:1 "$BATS_TEST_TMPDIR/bb/etc/passwd"
        hull import "$BATS_TEST_TMPDIR/bb" -t dev --keep-owner >/dev/null
        hull unpack dev "$BATS_TEST_TMPDIR/asroot"
        [ -c "$BATS_TEST_TMPDIR/asroot/rootfs/dev/null" ]
        [ "$(stat -c %u "$BATS_TEST_TMPDIR/asroot/rootfs/etc/passwd")" -eq 1 ]
        run hull unpack --rootless dev "$BATS_TEST_TMPDIR/rootless"
        [ "$status" -eq 0 ]
        [[ $output == *"device node"*"not created"* ]]
        [ ! -e "$BATS_TEST_TMPDIR/rootless/rootfs/dev/null" ]
        [ "$(stat -c %u "$BATS_TEST_TMPDIR/rootless/rootfs/etc/passwd")" -eq 0 ]
        jq -e '.linux.namespaces | map(.type) | index("user")' "$BATS_TEST_TMPDIR/rootless/config.json" >/dev/null
}

@test "unpack refuses a blob that does not match its digest, and leaves nothing" {
        requires jq
        import_busybox c >/dev/null
        layer=$(hull inspect --json c | jq -r '.[0].Manifest.layers[0].digest')
        f=$HULL_STORE/blobs/sha256/${layer#sha256:}
        printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
        run hull unpack c "$BATS_TEST_TMPDIR/bundle"
        [ "$status" -eq 4 ]
        [[ $output == *"does not match its digest"* ]]
        [ ! -e "$BATS_TEST_TMPDIR/bundle" ]
        # save checks blobs too.
        run hull save c -o "$BATS_TEST_TMPDIR/c.tar"
        [ "$status" -eq 4 ]
        [ ! -e "$BATS_TEST_TMPDIR/c.tar" ]
}
