#!/bin/bash
# bench/build: building an image of host programs, and unpacking it, with hull
# vs the classic pipeline, side by side in one hyperfine run each (RUNS each,
# default 5, after one warm-up; page cache warm).  Compared by median.
#
#   (a) build: bash, curl, python3 with its standard library, ls, a minimal
#       /etc; one layer (tar+gzip) and a config whose entrypoint is bash, in an
#       OCI image layout:
#         hull             hull build --program ... --with STDLIB
#         lddtree+umoci    lddtree --copy-to-tree, cp of the stdlib, umoci
#                          init/new/unpack, umoci repack (umoci's tar and
#                          parallel gzip), umoci config --config.entrypoint
#         lddtree+tar+gzip lddtree --copy-to-tree, cp of the stdlib,
#                          tar | gzip -n, sha256sum and a hand-written config,
#                          manifest and index.json
#       The ratio is hull against the faster of the two.  Also, for
#       reference: hull build --compression zstd.
#   (b) unpack of hull's image into a runtime bundle: hull unpack vs umoci
#       unpack (and tar -xzf of the layer alone, for reference: the floor).
#
# Every output is checked afterwards: the images are read by skopeo, unpacked,
# and python3 in each imports json, ssl and sqlite3 in a chroot.
# Results: printed, and written to bench/build/README.md.  Never asserted.
#
#   bench/build/run.sh           (RUNS=N to change the count; BENCH_TMPDIR=DIR
#                                 to work elsewhere than /var/tmp, e.g. /dev/shm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
RUNS=${RUNS:-5}
HULL=${HULL:-$BENCH_SRC/$BUILD/src/hull}
PYTHON=${PYTHON:-/usr/bin/python3}
bench_require hyperfine jq umoci skopeo tar gzip sha256sum "$PYTHON"
[ -x /usr/bin/lddtree ] || { echo "bench: needs lddtree (Debian package pax-utils)" >&2; exit 1; }
"$HULL" build --help >/dev/null 2>&1 || { echo "bench: $HULL has no build verb (make)" >&2; exit 1; }

STDLIB=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
PROGRAMS=(/bin/bash /usr/bin/curl "$PYTHON" /usr/bin/ls)
for p in "${PROGRAMS[@]}"; do
        [ -x "$p" ] || { echo "bench: needs $p" >&2; exit 1; }
done

# /var/tmp, not /tmp: on the VM this was written on, both are the same ext4
# file system, yet creating a file below /tmp costs 10x more (326 vs 30 us,
# 500 creates from Python), which would measure that quirk, not the tools.
BENCH_TMPDIR=${BENCH_TMPDIR:-/var/tmp}
work=$(mktemp -d "$BENCH_TMPDIR/hull-bench-build.XXXXXX")
# Every tool's scratch files (hull build's staging directory too) go there.
export TMPDIR=$work
where="$BENCH_TMPDIR ($(stat -f -c %T "$work" | sed 's,ext2/ext3,ext2/3/4,'))"
trap 'rm -rf "$work"' EXIT

# The three builders, as scripts that hyperfine runs (OUT: a fresh directory).
hull_args=()
for p in "${PROGRAMS[@]}"; do hull_args+=(--program "$p"); done
cat >"$work/hull.sh" <<SH
set -e
exec "$HULL" build -q --store "\$1/store" \${2:+--compression "\$2"} ${hull_args[*]} --with "$STDLIB" -t bench:hull >/dev/null
SH

# lddtree is a Python script run by the first python3 on PATH; give it Debian's.
cat >"$work/rootfs.sh" <<SH
# rootfs DIR: the closure of the programs and of the stdlib's extension
# modules, the stdlib, a minimal /etc and /tmp (what hull build writes).
rootfs() {
        PATH=/usr/bin:/bin /usr/bin/lddtree --copy-to-tree "\$1" ${PROGRAMS[*]} "$STDLIB"/lib-dynload/*.so >/dev/null
        cp -a --parents "$STDLIB" "\$1"
        mkdir -p "\$1/etc" "\$1/tmp" "\$1/root"
        chmod 1777 "\$1/tmp"
        chmod 700 "\$1/root"
        printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"\$1/etc/passwd"
        printf 'root:x:0:\nnogroup:x:65534:\n' >"\$1/etc/group"
        printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"\$1/etc/nsswitch.conf"
        printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"\$1/etc/hosts"
}
SH

cat >"$work/umoci.sh" <<'SH'
set -e
. "$(dirname "$0")/rootfs.sh"
out=$1
umoci init --layout "$out/layout"
umoci new --image "$out/layout:bench"
umoci unpack --image "$out/layout:bench" "$out/bundle" >/dev/null
rootfs "$out/bundle/rootfs"
umoci repack --image "$out/layout:bench" "$out/bundle"
umoci config --image "$out/layout:bench" --config.entrypoint /bin/bash
SH

cat >"$work/tar.sh" <<'SH'
set -e
. "$(dirname "$0")/rootfs.sh"
out=$1 L=$1/layout
rootfs "$out/rootfs"
mkdir -p "$L/blobs/sha256"
tar -C "$out/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - . |
        tee >(sha256sum | cut -d' ' -f1 >"$out/diff_id") | gzip -n >"$out/layer"
while [ ! -s "$out/diff_id" ]; do sleep 0.01; done
blob() { # FILE: moves FILE into the layout, prints "DIGEST SIZE"
        local d s
        d=$(sha256sum "$1" | cut -d' ' -f1) s=$(stat -c %s "$1")
        mv "$1" "$L/blobs/sha256/$d"
        echo "sha256:$d $s"
}
read -r layer lsize < <(blob "$out/layer")
jq -n --arg diff "sha256:$(cat "$out/diff_id")" '{architecture: "amd64", os: "linux",
        config: {Entrypoint: ["/bin/bash"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        rootfs: {type: "layers", diff_ids: [$diff]}, created: "1970-01-01T00:00:00Z",
        history: [{created: "1970-01-01T00:00:00Z", created_by: "lddtree + tar"}]}' >"$out/config"
read -r config csize < <(blob "$out/config")
jq -n --arg c "$config" --argjson cs "$csize" --arg l "$layer" --argjson ls "$lsize" '{schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' >"$out/manifest"
read -r manifest msize < <(blob "$out/manifest")
jq -n --arg m "$manifest" --argjson ms "$msize" '{schemaVersion: 2, manifests: [{
        mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
        annotations: {"org.opencontainers.image.ref.name": "bench"}}]}' >"$L/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"
SH

echo "== (a) build: ${PROGRAMS[*]} + $STDLIB ($RUNS runs each)"
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/build.json" \
        --prepare "rm -rf $work/a-hull" --prepare "rm -rf $work/a-umoci" --prepare "rm -rf $work/a-tar" \
        --prepare "rm -rf $work/a-zstd" \
        -n hull "bash $work/hull.sh $work/a-hull" \
        -n lddtree+umoci "bash $work/umoci.sh $work/a-umoci" \
        -n lddtree+tar+gzip "bash $work/tar.sh $work/a-tar" \
        -n "hull --compression zstd" "bash $work/hull.sh $work/a-zstd zstd"

# The image that (b) unpacks: hull's, in a store of its own.
bash "$work/hull.sh" "$work/b"
layer=$(skopeo inspect "oci:$work/b/store:bench:hull" | jq -r '.Layers[0]')
echo "== (b) unpack of that image ($RUNS runs each)"
# Each run unpacks into a directory of its own, and nothing is deleted until
# all have run: ext4 does not reuse an inode freed in the last minute or so
# and searches past them (recently_deleted), so an unpack right after an
# rm -rf of the previous 1,600-file tree pays for that search -- every tool
# alike, 1-2 s here, growing run after run.  For the same reason the unpacks
# start a minute after (a) deleted its trees.
mkdir -p "$work/u"
cat >"$work/unpack.sh" <<SH
d=\$(mktemp -d -p "$work/u" "\$1.XXXXXX")
case \$1 in
hull) exec "$HULL" unpack --store "$work/b/store" bench:hull "\$d/bundle" ;;
umoci) exec umoci unpack --image "$work/b/store:bench:hull" "\$d/bundle" >/dev/null ;;
tar) exec tar -C "\$d" -xzf "$work/b/store/blobs/${layer/://}" ;;
esac
SH
sleep "${UNPACK_PAUSE:-65}"
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/unpack.json" \
        -n "hull unpack" "bash $work/unpack.sh hull" \
        -n "umoci unpack" "bash $work/unpack.sh umoci" \
        -n "tar -xzf (layer only)" "bash $work/unpack.sh tar"

# Every builder made a working image: skopeo reads it, python3 in it imports
# json, ssl and sqlite3 and bash answers.
check() { # NAME LAYOUT:REF [UNPACKER]
        local name=$1 ref=$2 d=$work/check-$1
        skopeo inspect "oci:$ref" >/dev/null || { echo "bench: skopeo cannot read the $name image" >&2; exit 1; }
        case ${3:-umoci} in
        umoci) umoci unpack --image "$ref" "$d" >/dev/null ;;
        hull) "$HULL" unpack --store "${ref%%:*}" "${ref#*:}" "$d" ;;
        esac
        if ! chroot "$d/rootfs" "$PYTHON" -c 'import json, ssl, sqlite3' ||
                ! chroot "$d/rootfs" /bin/bash -c 'ls /' >/dev/null; then
                echo "bench: the $name image does not work" >&2
                exit 1
        fi
        du -sb "${ref%%:*}/blobs" | cut -f1 >"$work/size-$name"
}
check hull "$work/a-hull/store:bench:hull"
check lddtree+umoci "$work/a-umoci/layout:bench"
check lddtree+tar+gzip "$work/a-tar/layout:bench"
# umoci 0.4.7 does not read zstd layers.
check "hull --compression zstd" "$work/a-zstd/store:bench:hull" hull

median() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .median' "$work/$1.json"; }
mean() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .mean' "$work/$1.json"; }
stddev() { jq -r --arg c "$2" '.results[] | select(.command == $c) | .stddev' "$work/$1.json"; }
row() { # JSON NAME [EXTRA]
        printf '| %s | %.2f s | %.2f ± %.2f s |%s\n' "$2" "$(median "$1" "$2")" "$(mean "$1" "$2")" "$(stddev "$1" "$2")" "${3:-}"
}
mib() { awk '{printf " %.1f MiB |", $1 / 1048576}' "$work/size-$1"; }

build_table=$(
        printf '| build | median | mean ± σ | OCI blobs |\n|---|---|---|---|\n'
        for n in hull lddtree+umoci lddtree+tar+gzip "hull --compression zstd"; do row build "$n" "$(mib "$n")"; done
)
unpack_table=$(
        printf '| unpack | median | mean ± σ |\n|---|---|---|\n'
        for n in "hull unpack" "umoci unpack" "tar -xzf (layer only)"; do row unpack "$n"; done
)
classic=$(awk -v a="$(median build lddtree+umoci)" -v b="$(median build lddtree+tar+gzip)" 'BEGIN {print (a < b) ? a : b}')
classic_name=$(awk -v a="$(median build lddtree+umoci)" -v b="$(median build lddtree+tar+gzip)" 'BEGIN {print (a < b) ? "lddtree+umoci" : "lddtree+tar+gzip"}')
build_ratio=$(awk -v c="$classic" -v h="$(median build hull)" 'BEGIN {printf "%.2f", c / h}')
unpack_ratio=$(awk -v u="$(median unpack "umoci unpack")" -v h="$(median unpack "hull unpack")" 'BEGIN {printf "%.2f", u / h}')
summary="- build: $classic_name (the faster classic pipeline) / hull = ${build_ratio} (median; target ≥ 3)
- unpack: umoci unpack / hull unpack = ${unpack_ratio} (median; target ≥ 3)"
size=$(du -sh "$(ls -d "$work"/u/hull.*/bundle/rootfs | head -n 1)" | cut -f1)

echo
echo "$build_table"
echo
echo "$unpack_table"
echo
echo "$summary"

cat >"$here/README.md" <<MD
# bench/build

Building an OCI image of host programs, and unpacking it, with hull and with the
classic tools, side by side in one \`hyperfine -N\` run each ($RUNS runs after one
warm-up, page cache warm; compared by median), every output in $where.

**(a) build**: \`${PROGRAMS[*]}\` with their ELF closure, Python's standard library
(\`$STDLIB\`, with the closure of its extension modules: libssl, libsqlite3...), a
minimal \`/etc\`, \`/tmp\`, \`/root\`; one gzip layer and a config whose entrypoint is
bash, in an OCI image layout ($size unpacked).

- \`hull\`: \`hull build --program ... --with $STDLIB\` into a new store.
- \`lddtree+umoci\`: \`lddtree --copy-to-tree\` (pax-utils) of the programs and the
  extension modules, \`cp -a\` of the stdlib, the same \`/etc\` by hand; \`umoci
  init\`, \`new\`, \`unpack\`, \`repack\` (umoci's own tar and parallel gzip), \`umoci
  config --config.entrypoint\`.
- \`lddtree+tar+gzip\`: the same tree; \`tar --sort=name | gzip -n\`, \`sha256sum\` and a
  config, manifest and \`index.json\` written with jq: the hand-made image.

The ratio is hull (gzip, like both) against the faster classic pipeline.
\`hull --compression zstd\` is the same build with a zstd layer, for reference.

**(b) unpack** of hull's image into a runtime bundle: \`hull unpack\` vs \`umoci unpack\`,
each run into a new directory, nothing deleted between runs, a minute after (a) deleted its
trees (ext4 searches past inodes freed in the last minute: an unpack right after an
\`rm -rf\` of the previous tree pays 1-2 s for it here, every tool alike)
(rootfs, config.json; umoci also writes its mtree manifest); \`tar -xzf\` of the
layer alone is the floor (no bundle, no digest checks).

After the runs every image is checked: skopeo reads it, umoci unpacks it, and in a
chroot python3 imports json, ssl and sqlite3 and bash runs \`ls\`.

Run it: \`bench/build/run.sh\` (\`RUNS=N\` to change the count; \`BENCH_TMPDIR=/dev/shm\`
to write on tmpfs and leave the disk out).  Everything, the tools' scratch files
too (\`TMPDIR\`), is written below \`BENCH_TMPDIR\`, by default /var/tmp: on the
2-core VM this was written on, /tmp and /var/tmp are the same ext4 file system,
yet creating a file below /tmp costs 10x more (326 vs 30 µs), the same for every
tool, which would dominate an unpack of this image's ~1,600 files.

## Latest result ($(date -u +%Y-%m-%d), $(machine_line))

$build_table

$unpack_table

$summary

Versions: $("$HULL" version); $(umoci --version); lddtree $(dpkg-query -W -f='${Version}' pax-utils 2>/dev/null || echo '?') (pax-utils); $(gzip --version | head -n1); $(tar --version | head -n1).
MD
