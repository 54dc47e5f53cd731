#!/usr/bin/env bash
# cgroup.sh - an index larger than the memory a process may use still answers.
# Needs root and a memory cgroup (v2 memory.max, or v1 memory.limit_in_bytes);
# elsewhere it says so and stops.
# Run: labs/09-annoy-index/observe/cgroup.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 09
limit_mb=16

# Make a cgroup with a memory limit: v2 if the machine has it, else v1.
cg="" limit_file=""
if ((EUID != 0)); then
    wrap "skipped: making a memory cgroup needs root (run it with sudo). Nothing else here needs it."
    exit 0
fi
if [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
    cg=/sys/fs/cgroup/wb-annoy-$$ limit_file=memory.max
elif [[ -d /sys/fs/cgroup/memory ]]; then
    cg=/sys/fs/cgroup/memory/wb-annoy-$$ limit_file=memory.limit_in_bytes
fi
if [[ -z $cg ]] || ! mkdir "$cg" 2>/dev/null; then
    wrap "skipped: no memory cgroup can be made here (no cgroup v2 memory controller, no writable v1 memory hierarchy)."
    exit 0
fi
trap 'rmdir "$cg" 2>/dev/null; rm -rf "$WORK"' EXIT
echo $((limit_mb << 20)) >"$cg/$limit_file"

oracle=$("$OBS_ROOT/tools/annoy-oracle.sh")
"$oracle" build index.ann angular 64 100000 10 1
"$oracle" queries 64 2 200 | sed "s/^/10 -1 /" >queries.txt
size=$(stat -c %s index.ann)
printf 'index.ann: %d MB; the cgroup may use %d MB (%s)\n' $((size >> 20)) "$limit_mb" "$cg/$limit_file"

heading "Twice through every page, inside the cgroup, then 2000 queries"
look "A scan of the whole index ($((size >> 20)) MB, $(((size + 4095) / 4096)) pages) with -r (no readahead)," \
    "cold (-c: its cached pages dropped first, so that the pages read now are" \
    "charged to the cgroup): one major fault per page, and the pages are evicted" \
    "as the scan goes, to stay under the limit. A second scan reads nearly all of" \
    "them again: they were not kept. Then 200 queries, with readahead and with" \
    "MADV_RANDOM: they all answer; compare what they read from the disk."
run_in_cg() { sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "$@"; }
printf '$ annq -c -r -v index.ann angular 64 touch   (in the cgroup; then again without -c)\n'
for opt in -crv -rv; do
    run_in_cg "$BIN/annq" "$opt" index.ann angular 64 touch 2>&1 | sed -n "s/^/  annq $opt: /p" | grep -E 'faults in touch|kB read'
done
for opt in -v -rv; do
    printf '$ annq %s index.ann angular 64 batch <queries.txt   (200 queries, in the cgroup)\n' "$opt"
    run_in_cg "$BIN/annq" "$opt" index.ann angular 64 batch <queries.txt 2>&1 >/dev/null | sed 's/^/  /'
done
peak=$(cat "$cg/memory.peak" 2>/dev/null || cat "$cg/memory.max_usage_in_bytes" 2>/dev/null || echo 0)
printf '  the cgroup'"'"'s peak memory use: %d MB (limit %d MB)\n' $((peak >> 20)) "$limit_mb"
why "The index's pages are page cache, charged to the cgroup but clean: the kernel" \
    "can drop any of them and read it again at the next fault. An index larger than" \
    "the memory allowed costs major faults (time), not failure. An index parsed" \
    "into malloc()ed memory could not be loaded at all under this limit."
