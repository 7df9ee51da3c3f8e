#!/usr/bin/env bats
# The root filesystem assembly (hull_rootfs_assemble, through
# `hull deps --copy-to`): programs copied with their closure run in a chroot
# and in a user namespace; the minimal /etc; reproducibility; libraries that
# only ld.so.conf makes loadable.  No busybox: only what the closure copies.

load ../lib/helpers

HULL=${HULL:-$HULL_BUILD/src/hull}

setup() {
        R=$BATS_TEST_TMPDIR/rootfs
}

@test "rootfs: bash and coreutils copied with their closure run in a chroot" {
        requires root
        run "$HULL" deps --copy-to "$R" /bin/bash /usr/bin/id /usr/bin/ls /usr/bin/cat
        [ "$status" -eq 0 ]
        [ -z "$output" ]
        # the symlink chains of the host, kept
        [ "$(readlink "$R/lib")" = usr/lib ]
        [ "$(readlink "$R/lib64")" = usr/lib64 ]
        [ "$(readlink "$R/usr/lib64/ld-linux-x86-64.so.2")" = /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ]
        [ "$(stat -c %a "$R/usr/bin/bash")" = "$(stat -c %a /usr/bin/bash)" ]
        run chroot "$R" /bin/bash -c 'echo hello from $(id -un); cat /etc/os-release; ls /'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "hello from root" ]
        [[ "$output" == *'NAME="hull"'* ]]
        # nothing but the closure and the minimal /etc
        [ "$(ls "$R" | tr '\n' ' ')" = "bin etc lib lib64 root tmp usr " ]
}

@test "rootfs: the copy runs in a user namespace (unshare -r --root)" {
        requires root userns
        "$HULL" deps --copy-to "$R" /bin/bash /usr/bin/id
        run unshare -r --root="$R" /bin/bash -c 'id -u; echo ok'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]
        [ "${lines[1]}" = ok ]
}

@test "rootfs: the minimal /etc" {
        requires root
        run "$HULL" deps --copy-to "$R" --user app --user svc:1500:100 /usr/bin/id
        [ "$status" -eq 0 ]
        diff -u - "$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
svc:x:1500:100:svc:/home/svc:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
        diff -u - "$R/etc/group" <<'EOF'
root:x:0:
svc:x:100:
app:x:1000:
nogroup:x:65534:
EOF
        grep -qx 'passwd:         files' "$R/etc/nsswitch.conf"
        grep -qx 'hosts:          files dns' "$R/etc/nsswitch.conf"
        ! grep -q systemd "$R/etc/nsswitch.conf"
        grep -qx $'127.0.0.1\tlocalhost' "$R/etc/hosts"
        grep -qx 'ID=hull' "$R/etc/os-release"
        [ "$(stat -c %a "$R/tmp")" = 1777 ]
        [ "$(stat -c %a "$R/root")" = 700 ]
        [ "$(stat -c %u:%g "$R/home/app")" = 1000:1000 ]
        run chroot --userspec=1000:1000 "$R" /usr/bin/id
        [ "$output" = "uid=1000(app) gid=1000(app) groups=1000(app)" ]
        run "$HULL" deps --copy-to "$R" --user root /usr/bin/id
        [ "$status" -eq 1 ]
        [[ "$output" == *'user "root": the image already has it'* ]]
}

@test "rootfs: CA certificates and tzdata on request" {
        requires root
        [ -f /etc/ssl/certs/ca-certificates.crt ] || skip "needs ca-certificates"
        [ -d /usr/share/zoneinfo ] || skip "needs tzdata"
        [ -x /usr/bin/curl ] || skip "needs curl"
        run "$HULL" deps --copy-to "$R" --ca-certificates --tzdata /usr/bin/curl /usr/bin/date
        [ "$status" -eq 0 ]
        cmp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
        run chroot "$R" /usr/bin/curl -sS file:///etc/hosts
        [ "$status" -eq 0 ]
        [[ "$output" == *localhost* ]]
        TZ=Europe/Paris run chroot "$R" /usr/bin/date -d @0 +%Z
        [ "$output" = CET ]
        TZ=America/New_York run chroot "$R" /usr/bin/date -d @0 +%Z
        [ "$output" = EST ]
        # without them, neither is there
        "$HULL" deps --copy-to "$BATS_TEST_TMPDIR/bare" /usr/bin/date
        [ ! -e "$BATS_TEST_TMPDIR/bare/usr/share/zoneinfo" ]
        [ ! -e "$BATS_TEST_TMPDIR/bare/etc/ssl" ]
}

@test "rootfs: two assemblies are identical, times fixed by SOURCE_DATE_EPOCH" {
        requires root
        SOURCE_DATE_EPOCH=1700000000 "$HULL" deps --copy-to "$R.1" --user app --tzdata /bin/bash /usr/bin/curl
        SOURCE_DATE_EPOCH=1700000000 "$HULL" deps --copy-to "$R.2" --user app --tzdata /bin/bash /usr/bin/curl
        listing() {
                (cd "$1" && find . -printf '%p %M %U:%G %s %T@ %l\n' | LC_ALL=C sort &&
                        find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
        }
        diff <(listing "$R.1") <(listing "$R.2")
        [ "$(find "$R.1" ! -newermt @1700000000 | wc -l)" = "$(find "$R.1" | wc -l)" ]
        [ "$(find "$R.1" -newermt @1700000000 | wc -l)" = 0 ]
}

@test "rootfs: a library found only through ld.so.conf is loadable without a cache" {
        requires root
        command -v gcc >/dev/null || skip "needs gcc"
        local host=$BATS_TEST_TMPDIR/host d=$BATS_TEST_TMPDIR
        # a host root (assembled by hull itself) with a vendor library in an
        # ld.so.conf directory and an ld.so.cache that lists it
        "$HULL" deps --copy-to "$host" /bin/bash
        mkdir -p "$host/opt/vendor/lib" "$host/etc/ld.so.conf.d" "$host/usr/local/bin"
        echo 'int vendor(void) { return 42; }' >"$d/v.c"
        echo '#include <stdio.h>
int vendor(void); int main(void) { printf("vendor says %d\n", vendor()); return 0; }' >"$d/m.c"
        gcc -shared -fPIC -o "$host/opt/vendor/lib/libvendor.so.1" -Wl,-soname,libvendor.so.1 "$d/v.c"
        gcc -o "$host/usr/local/bin/uses-vendor" "$d/m.c" "$host/opt/vendor/lib/libvendor.so.1"
        echo 'include /etc/ld.so.conf.d/*.conf' >"$host/etc/ld.so.conf"
        echo '/opt/vendor/lib' >"$host/etc/ld.so.conf.d/vendor.conf"
        ldconfig -r "$host"
        run chroot "$host" /usr/local/bin/uses-vendor
        [ "$output" = "vendor says 42" ]

        run "$HULL" deps --root "$host" --json /usr/local/bin/uses-vendor
        [ "$(jq -r '.programs[0].objects[] | select(.name == "libvendor.so.1") | .via' <<<"$output")" = ld.so.cache ]
        run "$HULL" deps --root "$host" --copy-to "$R" /usr/local/bin/uses-vendor
        [ "$status" -eq 0 ]
        [ ! -e "$R/etc/ld.so.cache" ]
        [ "$(readlink "$R/usr/lib/x86_64-linux-gnu/libvendor.so.1")" = /opt/vendor/lib/libvendor.so.1 ]
        run chroot "$R" /usr/local/bin/uses-vendor
        [ "$status" -eq 0 ]
        [ "$output" = "vendor says 42" ]

        # a stale cache (ldconfig not run): found through ld.so.conf all the same
        rm "$host/etc/ld.so.cache"
        run "$HULL" deps --root "$host" --json /usr/local/bin/uses-vendor
        [ "$(jq -r '.programs[0].objects[] | select(.name == "libvendor.so.1") | .via' <<<"$output")" = ld.so.conf ]
        run "$HULL" deps --root "$host" --copy-to "$R.2" /usr/local/bin/uses-vendor
        run chroot "$R.2" /usr/local/bin/uses-vendor
        [ "$output" = "vendor says 42" ]
}

@test "rootfs: a missing library fails the assembly with its chain" {
        requires root
        command -v gcc >/dev/null || skip "needs gcc"
        local d=$BATS_TEST_TMPDIR
        echo 'int gone(void) { return 0; }' >"$d/g.c"
        echo 'int gone(void); int main(void) { return gone(); }' >"$d/m.c"
        gcc -shared -fPIC -o "$d/libgone.so.3" -Wl,-soname,libgone.so.3 "$d/g.c"
        gcc -o "$d/prog" "$d/m.c" "$d/libgone.so.3"
        rm "$d/libgone.so.3"
        run "$HULL" deps --copy-to "$R" "$d/prog"
        [ "$status" -eq 1 ]
        [[ "$output" == "hull deps: $d/prog needs libgone.so.3: not found in ld.so.cache"* ]]
}

@test "rootfs: python3 with its standard library (--with) runs in a chroot" {
        requires root
        [ -x /usr/bin/python3 ] && [ -d /usr/lib/python3.11 ] || skip "needs Debian's python3.11"
        run "$HULL" deps --copy-to "$R" --with /usr/lib/python3.11 /usr/bin/python3
        [ "$status" -eq 0 ]
        run chroot "$R" /usr/bin/python3 -c 'import json, ssl, sqlite3, ctypes; print(json.dumps({"ok": ssl.OPENSSL_VERSION_NUMBER > 0}))'
        [ "$status" -eq 0 ]
        [ "$output" = '{"ok": true}' ]
}
