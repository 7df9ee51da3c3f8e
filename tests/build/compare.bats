#!/usr/bin/env bats
# hull's closure against lddtree (pax-utils) and ldd on every ELF file in
# this machine's /usr/bin and /usr/lib: hull must find at least what they
# find.  compare-closure.py lists the known ways in which the tools differ
# from ld.so (each checked, not assumed); anything else fails.

load ../lib/helpers

HULL=${HULL:-$HULL_BUILD/src/hull}

requires_lddtree() {
        [ -x /usr/bin/lddtree ] || skip "needs lddtree (Debian package pax-utils)"
        /usr/bin/python3 -c 'import elftools' 2>/dev/null || skip "needs python3-pyelftools (pulled in by pax-utils)"
}

compare() {
        run /usr/bin/python3 "$BATS_TEST_DIRNAME/compare-closure.py" "$HULL" "$@"
        local line
        # the summary and every explained difference, in the TAP output
        while IFS= read -r line; do
                case $line in
                "reason "* | *" ELF files, "* | UNEXPLAINED*) echo "# $line" >&3 ;;
                esac
        done <<<"$output"
        [ "$status" -eq 0 ]
        [[ "${lines[-1]}" == *" 0 unexplained" ]]
}

@test "compare: every ELF in /usr/bin: hull finds what lddtree and ldd find" {
        requires_lddtree
        compare /usr/bin
}

@test "compare: every ELF in /usr/lib: hull finds what lddtree and ldd find" {
        requires_lddtree
        compare /usr/lib
}
