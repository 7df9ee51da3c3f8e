#!/usr/bin/env bats
# Hullfile instructions, each checked in the image it builds (hull inspect,
# hull unpack): COPY, ADD, ENV, ARG, WORKDIR, USER, ENTRYPOINT, CMD, SHELL,
# LABEL, EXPOSE, STOPSIGNAL, VOLUME, MAINTAINER and hull's PROGRAM, WITH,
# ETC, CA_CERTIFICATES, TZDATA, GCONV, INIT.

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

@test "recipe: COPY files and directories, modes, --chown, --chmod, relative destinations" {
        requires root
        mkdir -p "$CTX/dir/sub"
        echo one >"$CTX/one.txt"
        echo two >"$CTX/dir/sub/two"
        chmod 0750 "$CTX/dir/sub/two"
        ln -s two "$CTX/dir/sub/link"
        echo a >"$CTX/a.conf"
        echo b >"$CTX/b.conf"
        hullfile 'FROM scratch
ETC --user app:1234:4321
COPY one.txt /opt/
COPY one.txt /opt/renamed
COPY dir /tree
COPY --chown=app --chmod=0600 one.txt /owned
COPY --chown=7:8 dir/sub /numeric/
WORKDIR /w
COPY one.txt rel
COPY *.conf /etc/app/
COPY ["one.txt", "/json form/"]'
        run hbuild -q -t c:1 "$CTX"
        [ "$status" -eq 0 ]
        [[ "$output" == sha256:* ]]
        R=$(rootfs_of c:1)
        [ "$(cat "$R/opt/one.txt")" = one ]
        [ "$(cat "$R/opt/renamed")" = one ]
        [ "$(cat "$R/tree/sub/two")" = two ]
        [ "$(stat -c %a "$R/tree/sub/two")" = 750 ]
        [ "$(readlink "$R/tree/sub/link")" = two ]
        [ "$(stat -c '%u:%g %a' "$R/owned")" = "1234:1234 600" ]
        [ "$(stat -c '%u:%g' "$R/numeric/two")" = "7:8" ]
        [ "$(stat -c '%u:%g' "$R/opt/one.txt")" = "0:0" ]
        [ "$(cat "$R/w/rel")" = one ]
        [ "$(cat "$R/etc/app/a.conf" "$R/etc/app/b.conf")" = "a
b" ]
        [ "$(cat "$R/json form/one.txt")" = one ]
        [ "$(config_of c:1 .WorkingDir)" = '"/w"' ]
}

@test "recipe: ADD copies files and unpacks tar, tar.gz and tar.zst archives" {
        requires root
        mkdir -p "$BATS_TEST_TMPDIR/t/d"
        echo inside >"$BATS_TEST_TMPDIR/t/d/f"
        tar -C "$BATS_TEST_TMPDIR/t" -cf "$CTX/plain.tar" d
        tar -C "$BATS_TEST_TMPDIR/t" -czf "$CTX/gz.tgz" d
        tar -C "$BATS_TEST_TMPDIR/t" -cf - d | zstd -q >"$CTX/z.tar.zst"
        echo notatar >"$CTX/file.gz"
        hullfile 'FROM scratch
ADD plain.tar /p
ADD gz.tgz /g/
ADD z.tar.zst /z
ADD file.gz /f/'
        run hbuild -q -t a:1 "$CTX"
        [ "$status" -eq 0 ]
        R=$(rootfs_of a:1)
        [ "$(cat "$R/p/d/f" "$R/g/d/f" "$R/z/d/f")" = "inside
inside
inside" ]
        [ "$(cat "$R/f/file.gz")" = notatar ]
}

@test "recipe: ADD refuses URLs and an archive that climbs out of its directory" {
        hullfile 'FROM scratch
ADD https://example.org/x.tar /x'
        run hbuild -t a:1 "$CTX"
        [ "$status" -eq 4 ]
        [[ "$output" == *"Hullfile:2:5: ADD https://example.org/x.tar: URLs are refused"* ]]
        python3 - "$CTX/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("../../escaped"); data = b"x"; i.size = len(data)
    t.addfile(i, io.BytesIO(data))
PY
        hullfile 'FROM scratch
ADD evil.tar /x/'
        run hbuild -t a:1 "$CTX"
        [ "$status" -ne 0 ]
        [[ "$output" == *'Hullfile:2:5: archive evil.tar: entry 1 ("../../escaped")'* ]]
        [ ! -e "$BATS_TEST_TMPDIR/escaped" ]
        [ ! -e /escaped ]
}

@test "recipe: ENV, ARG with --build-arg, LABEL, EXPOSE, VOLUME, STOPSIGNAL, USER, MAINTAINER" {
        hullfile 'ARG BASE=scratch
FROM $BASE
ARG VERSION=1.0
ARG FROM_CLI
ENV A=1 B="two words" \
    C=${VERSION} D=${FROM_CLI:-none}
ENV LEGACY value of $A
LABEL org.opencontainers.image.version=$VERSION "a key"=v
EXPOSE 80 53/udp 8000-8001
VOLUME ["/data"]
VOLUME /cache
STOPSIGNAL SIGINT
USER 1000:1000
MAINTAINER hull tests'
        run hbuild -q -t e:1 --build-arg VERSION=2.0 --build-arg UNUSED=x "$CTX"
        [ "$status" -eq 0 ]
        [ "$(config_of e:1 .Env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=1","B=two words","C=2.0","D=none","LEGACY=value of 1"]' ]
        [ "$(config_of e:1 '.Labels | to_entries | sort_by(.key) | from_entries')" = '{"a key":"v","org.opencontainers.image.version":"2.0"}' ]
        [ "$(config_of e:1 '.ExposedPorts | keys')" = '["53/udp","80/tcp","8000/tcp","8001/tcp"]' ]
        [ "$(config_of e:1 '.Volumes | keys')" = '["/cache","/data"]' ]
        [ "$(config_of e:1 .StopSignal)" = '"SIGINT"' ]
        [ "$(config_of e:1 .User)" = '"1000:1000"' ]
        [ "$("$HULL" inspect --json e:1 | jq -r '.[0].Config.author')" = "hull tests" ]
        run hbuild -t e:2 --build-arg UNUSED=x "$CTX"
        [[ "$output" == *"warning: --build-arg UNUSED: no ARG declares it"* ]]
}

@test "recipe: ENTRYPOINT and CMD in both forms, SHELL, docker's CMD reset" {
        hullfile 'FROM scratch
CMD ["a"]
ENTRYPOINT ["/bin/x", "-v"]'
        hbuild -q -t c:1 "$CTX"
        [ "$(config_of c:1 .Entrypoint)" = '["/bin/x","-v"]' ]
        # docker: a CMD set in the same recipe survives a later ENTRYPOINT
        [ "$(config_of c:1 .Cmd)" = '["a"]' ]
        hullfile 'FROM scratch
SHELL ["/bin/bash", "-c"]
ENTRYPOINT exec app "$@"
CMD []'
        hbuild -q -t c:2 "$CTX"
        [ "$(config_of c:2 .Entrypoint)" = '["/bin/bash","-c","exec app \"$@\""]' ]
        # an empty CMD: no Cmd at all
        [ "$(config_of c:2 .Cmd)" = null ]
        hullfile 'FROM scratch
CMD echo $HOME'
        hbuild -q -t c:3 "$CTX"
        [ "$(config_of c:3 .Cmd)" = '["/bin/sh","-c","echo $HOME"]' ]
}

@test "recipe: every instruction is a history entry, one squashed layer" {
        echo x >"$CTX/x"
        hullfile 'FROM scratch
COPY x /x
ENV A=1
CMD ["/x"]'
        hbuild -q -t h:1 "$CTX"
        run "$HULL" inspect --json h:1
        [ "$(jq -c '[.[0].Config.history[] | [.created_by, (.empty_layer // false)]]' <<<"$output")" = \
                '[["COPY x /x",true],["ENV A=1",true],["CMD [\"/x\"]",true],["hull build",false]]' ]
        [ "$(jq '.[0].Manifest.layers | length' <<<"$output")" -eq 1 ]
}

@test "recipe: PROGRAM, WITH, GCONV, ETC, CA_CERTIFICATES, TZDATA" {
        requires root
        [ -e /etc/ssl/certs/ca-certificates.crt ] || skip "needs the host's CA certificates"
        [ -d /usr/share/zoneinfo ] || skip "needs tzdata"
        hullfile 'FROM scratch
PROGRAM /bin/bash /usr/bin/id
WITH /etc/ld.so.conf
GCONV UTF-16
ETC --user app --user svc:1500:100
CA_CERTIFICATES
TZDATA
USER app
ENTRYPOINT ["/bin/bash", "-c"]'
        run hbuild -q -t p:1 "$CTX"
        [ "$status" -eq 0 ]
        R=$(rootfs_of p:1)
        [ -x "$R/usr/bin/bash" ]
        [ -e "$R/etc/ld.so.conf" ]
        ls "$R"/usr/lib/*/gconv/UTF-16.so
        grep -qx 'app:x:1000:1000:app:/home/app:/bin/sh' "$R/etc/passwd"
        grep -qx 'svc:x:1500:100:svc:/home/svc:/bin/sh' "$R/etc/passwd"
        grep -q 'NAME="hull"' "$R/etc/os-release"
        [ "$(stat -c %a "$R/tmp")" = 1777 ]
        [ -s "$R/etc/ssl/certs/ca-certificates.crt" ]
        [ -e "$R/usr/share/zoneinfo/UTC" ]
        run chroot --userspec=1000:1000 "$R" /bin/bash -c 'id -un; echo ok'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = app ]
}

@test "recipe: INIT puts hull-init in the image and in front of the entrypoint" {
        [ -x "$HULL_INIT" ] || skip "hull-init is not built: $HULL_INIT"
        hullfile 'FROM scratch
INIT
ENTRYPOINT ["/app"]
CMD ["--serve"]'
        HULL_INIT=$HULL_INIT hbuild -q -t i:1 "$CTX"
        [ "$(config_of i:1 .Entrypoint)" = '["/sbin/hull-init","--","/app"]' ]
        [ "$(config_of i:1 .Cmd)" = '["--serve"]' ]
        R=$(rootfs_of i:1)
        cmp "$R/sbin/hull-init" "$HULL_INIT"
        [ "$(stat -c %a "$R/sbin/hull-init")" = 755 ]
        HULL_INIT=/nonexistent run hbuild -t i:2 "$CTX"
        [ "$status" -eq 4 ]
        [[ "$output" == *"Hullfile:2:1: INIT: hull-init not found"* ]]
}

@test "recipe: GCONV without a PROGRAM before it is refused" {
        hullfile 'FROM scratch
GCONV UTF-16'
        run hbuild -t g:1 "$CTX"
        [ "$status" -eq 4 ]
        [[ "$output" == *"Hullfile:2:1: GCONV needs a PROGRAM before it"* ]]
}

@test "recipe: a Dockerfile builds when there is no Hullfile, -f picks another file" {
        printf 'FROM scratch\nENV FROM=dockerfile\n' >"$CTX/Dockerfile"
        hbuild -q -t d:1 "$CTX"
        [ "$(config_of d:1 .Env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","FROM=dockerfile"]' ]
        printf 'FROM scratch\nENV FROM=other\n' >"$BATS_TEST_TMPDIR/Other"
        hbuild -q -t d:2 -f "$BATS_TEST_TMPDIR/Other" "$CTX"
        [ "$(config_of d:2 .Env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","FROM=other"]' ]
        printf 'FROM scratch\nENV FROM=stdin\n' | hbuild -q -t d:3 -f - "$CTX"
        [ "$(config_of d:3 .Env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","FROM=stdin"]' ]
}
