#!/usr/bin/env bash
# commit.sh - recstore's commit under strace: which pages does msync() sync, and
# does a commit leave other dirty pages alone?
# Run: labs/05-msync/observe/commit.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 05
ps=$(getconf PAGESIZE)

show_run recstore create store 200
expect_success 2.1

heading "recstore set store 1 a 40 b 150 c (tasks 2.5, 2.6)"
look "The mmap() of the 20000-byte store, then one msync(..., MS_SYNC) per run of" \
    "pages that hold a changed record, and only then write(1, \"committed 3" \
    "records\"). Below the trace, each msync() address is turned into pages of the" \
    "file: record 1 is bytes 100-199 (page 0), record 40 bytes 4000-4099 (pages" \
    "0 and 1: it straddles), record 150 bytes 15000-15099 (page 3). Page 2 and" \
    "page 4 hold no changed record and must not be synced."
show_traced recstore set store 1 a 40 b 150 c
show_trace '^(mmap\(NULL, 20000|msync|write\(1)' "$RAW_TRACE"
expect_success 2.6
base=$(sed -n 's/^mmap(NULL, 20000, PROT_READ|PROT_WRITE, MAP_SHARED, [0-9]*, 0) = \(0x[0-9a-f]*\)$/\1/p' "$RAW_TRACE")
while read -r addr len flags; do
    rel=$((addr - ${base:-0}))
    if ((rel % ps)); then
        wrap "msync($addr, $len, $flags): $rel bytes into the mapping, NOT page-aligned (EINVAL)"
    else
        wrap "msync($addr, $len, $flags): pages $((rel / ps)) to $(((rel + len + ps - 1) / ps - 1)) of the file"
    fi
done < <(sed -n 's/^msync(\(0x[0-9a-f]*\), \([0-9]*\), \([A-Z_|]*\)).*/\1 \2 \3/p' "$RAW_TRACE")

heading "The address must be a page boundary"
look "syncmode's mode 'unaligned' calls msync() from byte 100 of its mapping, as a" \
    "commit that passes a record's own address would: the kernel refuses it with" \
    "EINVAL: no page of the range is synced, and the program must not go on."
head -c 8192 /dev/zero >small
show_traced syncmode small unaligned
show_trace '^msync' "$RAW_TRACE"

heading "A commit syncs its own pages, no others"
look "killstore stores into page 0 and is killed with SIGKILL, so page 0 stays" \
    "dirty. Then 'recstore set store 150 x' commits record 150 (page 3)." \
    "dirtystat asks cachestat() how many of the file's pages are dirty: 1 after" \
    "the kill, still 1 after the commit (page 0 was not synced), 0 after 'sync store'."
mkfifo ready
"$BIN/killstore" store 0 KILLED >ready &
job=$!
line=""
read -r line <ready || true
printf '  %s\n' "${line:-(killstore printed nothing)}"
pid=${line#killstore }
pid=${pid%%:*}
if [[ $pid =~ ^[0-9]+$ ]]; then kill -KILL "$pid"; fi
{ wait "$job"; } 2>/dev/null || true # (braces: no "Killed" notice from bash)
show_run dirtystat store
show_run recstore set store 150 x
show_run dirtystat store
sync store
printf '$ sync store\n'
show_run dirtystat store

why "msync(MS_SYNC) on a range writes back the dirty pages of that range, and" \
    "waits; it is fdatasync() limited to those pages. That is what makes a commit" \
    "cheap: a store of a million records that changes three of them writes three" \
    "pages. The address must be a multiple of the page size (else EINVAL); the" \
    "length is rounded up to whole pages by the kernel. And 'committed' is a" \
    "promise: print it only after every msync() has returned 0."
