#!/usr/bin/env bash
# commit.sh - what one `rstore set` does: the slot it fills (and the pages
# that slot straddles), the order of its msync() calls, and the promise last.
# Run: labs/10-crash-replay/observe/commit.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace od
obs_setup 10

heading "a store of 40 slots, and 20 versions in it (tasks 1.1, 2.1 to 2.3)"
show_run rstore create store 40
expect_success 1.1
for k in $(seq 1 20); do "$BIN/rstore" set store "$k" "record $k" >/dev/null 2>&1 || true; done
look "stat: the size is 4096 + 40 x 200 = 12096 bytes; with posix_fallocate" \
    "every byte has its disk block (Blocks, in 512-byte units, covers the size)."
stat -c '  size %s bytes, blocks %b x %B bytes' store

heading "the 21st version goes into slot 20: bytes 8096 to 8295, pages 1 and 2"
look "The trace of one set: the mapping, then msync() of the slot's pages," \
    "then msync() of page 0 (the commit mark), then the promise on stdout."
show_traced rstore set store 21 "record 21 straddles a page boundary"
expect_success 2.2
show_trace '^(mmap\(NULL, 12096|msync|write\(1)'
base=$(sed -n 's/^mmap(NULL, 12096, PROT_READ|PROT_WRITE, MAP_SHARED, [0-9]*, 0) = \(0x[0-9a-f]*\)$/\1/p' "$RAW_TRACE" | tail -n 1)
if [[ -n $base ]]; then
    sed -n 's/^msync(\(0x[0-9a-f]*\), \([0-9]*\), \([A-Z_|]*\)) = \(.*\)$/\1 \2 \3 \4/p' "$RAW_TRACE" |
        while read -r addr len flags ret; do
            printf '  msync(%s): pages %d to %d of the file, = %s\n' "$flags" \
                $(((addr - base) / 4096)) $(((addr - base + len - 1) / 4096)) "$ret"
        done
fi

look "The header (magic, capacity, commit mark) and slot 20 as bytes: the" \
    "commit mark is 21 (0x15) now; slot 20 begins at 8096 with its seq (21)."
od -A d -t x1 -N 24 store | sed 's/^/  /'
od -A d -c -j 8096 -N 48 store | sed 's/^/  /'

why "Two msync() calls, in this order, are what makes the promise true at any" \
    "moment of a power cut: before the first returns, the new slot may be" \
    "half on the disk, but nothing counts it; between the two, it is whole on" \
    "the disk and still not counted; after the second, it is counted and" \
    "whole. Only then may 'committed' be printed. observe/replay.sh checks it" \
    "at every crash point."
