#!/usr/bin/env bash
# helping.sh - MAP_POPULATE, madvise() and posix_fadvise()/readahead(): what
# each changes in the faults and the calls. Tasks 3.1 to 3.3.
# Run: labs/07-read-vs-mmap/observe/helping.sh [MIB] (default 64)
# (LABS=solutions for the reference). Measured, not graded.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 07
need strace
mib=${1:-64}
head -c $((mib << 20)) /dev/urandom >data
cat data >/dev/null

heading "MAP_POPULATE moves the faults into mmap() (task 3.1)"
look "'faults in mmap()' and 'faults in the loop', with and without populate."
show_run msum data
show_run msum data populate
why "With MAP_POPULATE the kernel maps every page before mmap() returns (the" \
    "faults are counted to mmap(), as getrusage shows), and the loop takes none." \
    "The work is the same; it moved. It pays when the pages are all going to be" \
    "touched, and costs when they are not."

heading "madvise(): sequential, willneed, hugepage (task 3.2)"
for how in sequential willneed hugepage; do
    show_traced msum data "$how"
    show_trace '^(mmap\(NULL|madvise)'
    grep -E '^faults' "$WORK/out" | sed 's/^/  /'
done
why "Hot, these hints change little: the pages are already in the page cache." \
    "MADV_SEQUENTIAL and MADV_WILLNEED are about reading ahead from the disk" \
    "(try them after evict data). MADV_HUGEPAGE asks for huge pages, which a" \
    "file on ext4 gets only in memory (large folios), mapped 4 KiB at a time."

heading "Cold, with the hints: the faults"
for how in "" sequential willneed; do
    show_run evict data >/dev/null
    printf '  msum data %-10s ' "$how"
    "$BIN/msum" data ${how:+"$how"} | grep '^faults in the loop'
done
why "Major faults are the times the loop waited for the disk. WILLNEED starts" \
    "reading the whole range at once, in madvise(); SEQUENTIAL makes readahead" \
    "more aggressive. The numbers vary: observe them, do not count on them."

heading "posix_fadvise() and readahead() before read() (task 3.3)"
show_traced rsum data 1048576 sequential
show_trace '^(fadvise64|read\(3)' | sed -n '1,2p'
show_traced rsum data 1048576 readahead
show_trace '^(readahead|read\(3)' | sed -n '1,2p'
why "Both hints are system calls on the descriptor, before the first read():" \
    "POSIX_FADV_SEQUENTIAL doubles the readahead window; readahead() reads the" \
    "range into the page cache before returning. rchar is the same either way:" \
    "the hints move disk reads, never the copies."
