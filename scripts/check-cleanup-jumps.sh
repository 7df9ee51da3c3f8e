#!/bin/bash
# A goto that jumps over a _cleanup_ variable's initialisation makes the
# cleanup run on garbage.  gcc's -Wjump-misses-init finds the jumps; this keeps
# only those that skip a _cleanup_ declaration.  Exit 1 if any.
cd "$(dirname "$0")/.."
bad=0
cfg=${1:-build/hull-config.h}
for f in $(git ls-files 'src/*.c' 'tests/unit/*.c'); do
        gcc -fsyntax-only -Wjump-misses-init -D_GNU_SOURCE -include "$cfg" -Isrc/lib -Isrc "$f" 2>&1 |
                grep "declared here" | sed -E 's/^([^:]+):([0-9]+):.*/\1 \2/' | sort -u |
                while read -r file line; do
                        l=$(sed -n "${line}p" "$file")
                        case "$l" in *_cleanup_*) echo "$file:$line: goto skips the initialisation of: $l"; exit 1 ;; esac
                done || bad=1
done
exit $bad
