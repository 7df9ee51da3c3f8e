#!/usr/bin/env bats
# `hull deps` on this machine's programs: output formats, options, errors.

load ../lib/helpers

HULL=${HULL:-$HULL_BUILD/src/hull}

# realpaths of what ldd finds for a file
ldd_paths() {
        ldd "$1" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | xargs -r realpath | sort -u
}

# realpaths of hull's closure (objects after the program itself)
hull_paths() {
        "$HULL" deps --json "$@" | jq -r '.programs[] | .objects[1:][] | .realpath // empty' | sort -u
}

@test "deps: bash as a tree like lddtree" {
        run "$HULL" deps /bin/bash
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/bin/bash (interpreter => /lib64/ld-linux-x86-64.so.2)" ]
        [[ "$output" == *"    libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6"* ]]
        [[ "$output" == *"    libtinfo.so.6 => /lib/x86_64-linux-gnu/libtinfo.so.6"* ]]
}

@test "deps: bash, curl and python3 hold at least what ldd finds" {
        local p missing
        for p in /bin/bash /usr/bin/curl /usr/bin/python3; do
                [ -x "$p" ] || continue
                missing=$(comm -23 <(ldd_paths "$p") <(hull_paths "$p"))
                if [ -n "$missing" ]; then
                        echo "$p: ldd finds what hull does not: $missing"
                        return 1
                fi
        done
}

@test "deps: --flat lists the program, its interpreter and libraries in load order" {
        run "$HULL" deps --flat /usr/bin/python3
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = /usr/bin/python3 ]
        [ "${lines[1]}" = /lib64/ld-linux-x86-64.so.2 ]
        [[ "$output" == *"/lib/x86_64-linux-gnu/libc.so.6"* ]]
        run "$HULL" deps --flat --json /bin/bash
        [ "$status" -eq 0 ]
        [ "$(jq -r '.[0]' <<<"$output")" = /bin/bash ]
}

@test "deps: --json describes every object and the files an image needs" {
        requires jq
        run "$HULL" deps --json /bin/bash
        [ "$status" -eq 0 ]
        [ "$(jq -r '.programs[0].objects[0].elf.interpreter' <<<"$output")" = /lib64/ld-linux-x86-64.so.2 ]
        [ "$(jq -r '.programs[0].objects[0].elf.kind' <<<"$output")" = program ]
        [ "$(jq -r '.programs[0].objects[] | select(.name == "libc.so.6") | .via' <<<"$output")" = ld.so.cache ]
        [ "$(jq -r '.programs[0].objects[] | select(.name == "libc.so.6") | .links[0].target' <<<"$output")" = usr/lib ]
        [ "$(jq -r '.errors' <<<"$output")" = 0 ]
        # files: sorted, unique, with the symlinks on the way
        jq -r '.files[]' <<<"$output" >"$BATS_TEST_TMPDIR/files"
        LC_ALL=C sort -u "$BATS_TEST_TMPDIR/files" | cmp - "$BATS_TEST_TMPDIR/files"
        grep -qx /lib "$BATS_TEST_TMPDIR/files"
        grep -qx /usr/lib/x86_64-linux-gnu/libc.so.6 "$BATS_TEST_TMPDIR/files"
}

@test "deps: a #!/usr/bin/env script is followed to its interpreter" {
        printf '#!/usr/bin/env python3\nprint(1)\n' >"$BATS_TEST_TMPDIR/s.py"
        chmod +x "$BATS_TEST_TMPDIR/s.py"
        run "$HULL" deps "$BATS_TEST_TMPDIR/s.py"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == *"/s.py (#! /usr/bin/env python3)" ]]
        [[ "$output" == *"    /usr/bin/env (interpreter => /lib64/ld-linux-x86-64.so.2)"* ]]
        [[ "$output" == *"/usr/bin/python3 (interpreter => /lib64/ld-linux-x86-64.so.2)"* ]]
}

@test "deps: a missing library fails with the chain that led to it" {
        command -v gcc >/dev/null || skip "needs gcc"
        local d=$BATS_TEST_TMPDIR
        echo 'int bar(void) { return 0; }' >"$d/bar.c"
        echo 'int bar(void); int foo(void) { return bar(); }' >"$d/foo.c"
        echo 'int foo(void); int main(void) { return foo(); }' >"$d/main.c"
        gcc -shared -fPIC -o "$d/libbar.so.2" -Wl,-soname,libbar.so.2 "$d/bar.c"
        gcc -shared -fPIC -o "$d/libfoo.so.1" -Wl,-soname,libfoo.so.1 "$d/foo.c" -L"$d" -l:libbar.so.2
        gcc -o "$d/prog" "$d/main.c" -L"$d" -l:libfoo.so.1 -Wl,--enable-new-dtags,-rpath,/opt/x:"$d"
        run "$HULL" deps "$d/prog"
        [ "$status" -eq 1 ]
        # libfoo is found through the program's RUNPATH; libbar is not:
        # RUNPATH serves only the program's own DT_NEEDED (ld.so agrees)
        [[ "$output" == *"hull deps: $d/prog needs libfoo.so.1 ($d/libfoo.so.1), which needs libbar.so.2: not found in ld.so.cache"*", /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib"* ]]
        [[ "$output" == *"        libbar.so.2 => not found"* ]]
        run ldd "$d/prog"
        [[ "$output" == *"libbar.so.2 => not found"* ]]
        # a direct one names the RUNPATH it searched
        rm "$d/libfoo.so.1"
        run "$HULL" deps "$d/prog"
        [ "$status" -eq 1 ]
        [[ "$output" == *"hull deps: $d/prog needs libfoo.so.1: not found in RUNPATH /opt/x:$d, ld.so.cache"* ]]
}

@test "deps: errors and usage" {
        run "$HULL" deps /nonexistent/prog
        [ "$status" -eq 1 ]
        [[ "$output" == *"hull deps: /nonexistent/prog: not found"* ]]
        printf '#!%s/b\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/a"
        printf '#!%s/a\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/b"
        run "$HULL" deps "$BATS_TEST_TMPDIR/a"
        [ "$status" -eq 1 ]
        [[ "$output" == *"a loop of #! interpreters"* ]]
        printf '#!python3\n' >"$BATS_TEST_TMPDIR/rel"
        run "$HULL" deps "$BATS_TEST_TMPDIR/rel"
        [ "$status" -eq 1 ]
        [[ "$output" == *"$BATS_TEST_TMPDIR/rel:1:3: the #! interpreter \"python3\" is a relative path"* ]]
        run "$HULL" deps
        [ "$status" -eq 1 ]
        [[ "$output" == *"no PROGRAM given"* ]]
        run "$HULL" deps --bogus /bin/true
        [ "$status" -eq 1 ]
        [[ "$output" == *"unknown option or missing argument: --bogus"* ]]
        run "$HULL" deps --user app /bin/true
        [ "$status" -eq 1 ]
        [[ "$output" == *"need --copy-to"* ]]
        run "$HULL" deps --help
        [ "$status" -eq 0 ]
        [[ "$output" == *"Usage: hull deps [options] PROGRAM..."* ]]
        run "$HULL" --help
        [[ "$output" == *"deps "* ]]
}

@test "deps: what glibc dlopens: libgcc_s, NSS modules, gconv modules" {
        # curl (libcurl, krb5...) imports pthread_cancel or pthread_exit somewhere
        run "$HULL" deps /usr/bin/curl
        [ "$status" -eq 0 ]
        [[ "$output" == *"libgcc_s.so.1 => /lib/x86_64-linux-gnu/libgcc_s.so.1 [dlopen: unwinder for pthread_cancel]"* ]]
        run "$HULL" deps --gconv UTF-16 --gconv latin1 /bin/bash
        [ "$status" -eq 0 ]
        [[ "$output" == *"/usr/lib/x86_64-linux-gnu/gconv/UTF-16.so [dlopen: gconv]"* ]]
        [[ "$output" == *"/usr/lib/x86_64-linux-gnu/gconv/gconv-modules [dlopen: gconv]"* ]]
        run "$HULL" deps --gconv NO-SUCH-CHARSET /bin/bash
        [ "$status" -eq 1 ]
        [[ "$output" == *'serves the character set "NO-SUCH-CHARSET"'* ]]
        printf 'passwd: files nosuchservice\nhosts: files dns\n' >"$BATS_TEST_TMPDIR/nsswitch.conf"
        run "$HULL" deps --nsswitch "$BATS_TEST_TMPDIR/nsswitch.conf" /usr/bin/id
        [ "$status" -eq 0 ]
        [[ "$output" == *"warning: $BATS_TEST_TMPDIR/nsswitch.conf:1:15: NSS service \"nosuchservice\" needs libnss_nosuchservice.so.2, which is not found"* ]]
        if [ -e /lib/x86_64-linux-gnu/libnss_systemd.so.2 ]; then
                printf 'passwd: files systemd\n' >"$BATS_TEST_TMPDIR/nsswitch.conf"
                run "$HULL" deps --nsswitch "$BATS_TEST_TMPDIR/nsswitch.conf" /usr/bin/id
                [[ "$output" == *"libnss_systemd.so.2 => /lib/x86_64-linux-gnu/libnss_systemd.so.2 [dlopen: NSS]"* ]]
        fi
}

@test "deps: --with adds files and directories with their closure" {
        mkdir -p "$BATS_TEST_TMPDIR/plugins/sub"
        cp /lib/x86_64-linux-gnu/libz.so.1 "$BATS_TEST_TMPDIR/plugins/sub/"
        echo data >"$BATS_TEST_TMPDIR/plugins/README"
        run "$HULL" deps --flat --with "$BATS_TEST_TMPDIR/plugins" /bin/true
        [ "$status" -eq 0 ]
        [[ "$output" == *"$BATS_TEST_TMPDIR/plugins/README"* ]]
        [[ "$output" == *"$BATS_TEST_TMPDIR/plugins/sub/libz.so.1"* ]]
}

@test "deps: --root resolves inside another tree" {
        requires root
        local r=$BATS_TEST_TMPDIR/root
        "$HULL" deps --copy-to "$r" /bin/bash
        # no ld.so.cache in the copy: the default directories find everything
        run "$HULL" deps --root "$r" /bin/bash
        [ "$status" -eq 0 ]
        [[ "$output" == *"libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6"* ]]
        run "$HULL" deps --root "$r" --json /bin/bash
        [ "$(jq -r '.programs[0].objects[] | select(.name == "libc.so.6") | .via' <<<"$output")" = default ]
        run "$HULL" deps --root "$r" /usr/bin/curl
        [ "$status" -eq 1 ]
        [[ "$output" == *"/usr/bin/curl: not found"* ]]
}
