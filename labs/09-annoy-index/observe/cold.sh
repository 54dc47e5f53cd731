#!/usr/bin/env bash
# cold.sh - a cold index: major faults, readahead, and MADV_RANDOM, for a scan
# and for a query. Run on a disk file system (ext4), not tmpfs.
# Run: labs/09-annoy-index/observe/cold.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 09
[[ $(stat -f -c %T .) != tmpfs ]] || wrap "warning: $WORK is on tmpfs, whose pages cannot be dropped: every run below is hot."
oracle=$("$OBS_ROOT/tools/annoy-oracle.sh")
"$oracle" build index.ann angular 64 50000 10 1
size=$(stat -c %s index.ann)
printf 'index.ann: %d kB, %d pages; this disk reads ahead %s kB (read_ahead_kb)\n' $((size / 1024)) \
    $(((size + 4095) / 4096)) "$(cat "/sys/dev/block/$(mountpoint -d "$(df --output=target . | tail -n 1)")/queue/read_ahead_kb" 2>/dev/null || echo '?')"
q=$("$oracle" queries 64 1 1)

heading "A scan: touch every page of a cold index (-c drops its cached pages first)"
look "Without advice, the first faults start readahead and the rest of the file" \
    "arrives in large reads: few major faults. With -r (MADV_RANDOM) there is no" \
    "readahead: one major fault, and one read, per page."
# shellcheck disable=SC2086 # the query's words are separate arguments
for opt in -cv -crv; do
    show_run annq "$opt" index.ann angular 64 touch
done
heading "A query on a cold index: one walk through 10 trees"
look "The query visits a few hundred nodes. Readahead, meant for scans, reads" \
    "around each of them: many times the bytes the query needs. With MADV_RANDOM" \
    "the kernel reads exactly the pages the walk touches (major faults x 4 kB)."
for opt in -cv -crv; do
    # shellcheck disable=SC2086
    show_run annq "$opt" index.ann angular 64 vector 10 -1 $q
done
why "Readahead bets that the next page wanted is the next page of the file." \
    "A scan wins that bet; a tree walk jumps from node to node and loses it, so" \
    "a cold query pays for megabytes it never looks at. annoy leaves the choice" \
    "to the kernel; a server with a large cold index can madvise(MADV_RANDOM)."
