#!/bin/bash
# bench/init: hull-init vs tini (dynamic and static), dumb-init and catatonit,
# side by side: binary size, RSS at rest, signal-forwarding latency.  Each init
# runs as PID 1 of its own PID namespace.  Results: printed, and written to
# bench/init/README.md.  Never asserted.
#
#   bench/init/run.sh            (ITERATIONS=N: latency samples per init, default 2000)
#
# The peers come from Debian (apt-get install tini dumb-init catatonit); those
# that are missing are left out of the table and named.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
ITERATIONS=${ITERATIONS:-2000}
HULL_INIT=${HULL_INIT:-$BENCH_SRC/$BUILD/src/init/hull-init}
SIGREC=${SIGREC:-$BENCH_SRC/$BUILD/src/init/init-sigrec}

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
for f in "$HULL_INIT" "$SIGREC"; do
        [ -x "$f" ] || { echo "bench: $f is not built (make)" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "bench: needs python3" >&2; exit 1; }

inits=("hull-init=$HULL_INIT:--")
missing=()
add() { # NAME PATH ARGS
        if [ -x "$2" ]; then inits+=("$1=$2:$3"); else missing+=("$1"); fi
}
add tini /usr/bin/tini --
add tini-static /usr/bin/tini-static --
add dumb-init /usr/bin/dumb-init --
add catatonit /usr/bin/catatonit --

table=$(python3 "$here/measure.py" "$SIGREC" "$ITERATIONS" "${inits[@]}")
versions="hull-init $("$HULL_INIT" --version | cut -d' ' -f2)"
for p in tini dumb-init catatonit; do
        v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) && versions+="; $p $v (Debian)"
done
note=""
[ ${#missing[@]} -eq 0 ] || note="Not installed, so left out: ${missing[*]}."

echo "$table"
[ -z "$note" ] || echo "$note"

cat >"$here/README.md" <<MD
# bench/init

hull-init against the inits it replaces, each run as PID 1 of a PID namespace of
its own (\`unshare --pid --fork --mount-proc\`):

- **binary**: the size of the file.  A dynamic binary also maps its libc (about
  2 MB of glibc, shared with other processes), which this column does not count.
- **RSS at rest**: \`VmRSS\` of the init 0.5 s after it started \`sleep infinity\`,
  median of 5 starts.
- **signal latency**: from \`kill(init, SIGUSR1)\` in the measuring script to the
  moment the child (\`init-sigrec -t\`, reading a signalfd) reads the forwarded
  signal, both on \`CLOCK_MONOTONIC\`; ${ITERATIONS} signals per init, one after
  the other, in 4 rounds in which the inits take turns (after a warm-up round not
  counted), so that a noisy moment of this shared machine hits them alike.  It
  includes the child's wake-up, which is the same for every init.

Run it: \`bench/init/run.sh\` (\`ITERATIONS=N\` to change the count).  Needs root,
python3, and the peers from Debian: \`apt-get install tini dumb-init catatonit\`.

## Latest result ($(date +%Y-%m-%d), $(machine_line))

$table

${note}
Versions: ${versions}.
MD
