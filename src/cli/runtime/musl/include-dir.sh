#!/bin/sh
# include-dir.sh DIR JANSSON_INCLUDEDIR SECCOMP_INCLUDEDIR: makes DIR a
# directory of links to the headers that hull-runtime's musl build needs and
# musl-gcc does not see: the kernel's (linux/, asm/, asm-generic/), jansson's
# and libseccomp's.  Run by meson at setup (src/meson.build).
set -eu
dir=$1 jansson=$2 seccomp=$3
mkdir -p "$dir"
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
asm=/usr/include/asm
[ -n "$multiarch" ] && [ -d "/usr/include/$multiarch/asm" ] && asm=/usr/include/$multiarch/asm
ln -sfn /usr/include/linux "$dir/linux"
ln -sfn /usr/include/asm-generic "$dir/asm-generic"
ln -sfn "$asm" "$dir/asm"
for h in jansson.h jansson_config.h; do ln -sf "$jansson/$h" "$dir/$h"; done
for h in seccomp.h seccomp-syscalls.h; do ln -sf "$seccomp/$h" "$dir/$h"; done
# Prints the directory of musl's libc.a and start files (the one of
# musl-gcc's specs): musl-gcc does not link a static PIE by itself.
specs=$(grep -o '/[^ "]*musl-gcc.specs' "$(command -v musl-gcc)" | head -n1)
[ -n "$specs" ] && [ -f "$(dirname "$specs")/rcrt1.o" ] || { echo "include-dir.sh: no rcrt1.o next to musl-gcc's specs ($specs)" >&2; exit 1; }
dirname "$specs"
