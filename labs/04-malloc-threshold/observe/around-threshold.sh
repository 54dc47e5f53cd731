#!/usr/bin/env bash
# around-threshold.sh - malloc() just below and at the threshold, under strace:
# brk() for one, an mmap() of its own for the other, and the numbers of both.
# Run: labs/04-malloc-threshold/observe/around-threshold.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 04
calls='^(brk|mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS|munmap)'

heading "threshold, with GLIBC_TUNABLES=glibc.malloc.top_pad=0 (tasks 2.1, 2.2)"
look "The smallest request malloc() serves with mmap(), measured by a binary" \
    "search. top_pad=0 keeps the heap's spare room (the top chunk) under a page," \
    "so nothing but the threshold decides."
GLIBC_TUNABLES=glibc.malloc.top_pad=0 show_run threshold
expect_success 2.2
T=$(sed -n 's/^threshold: *\([0-9][0-9]*\)$/\1/p' "$WORK/out")
if [[ -z $T ]]; then
    wrap "!! No threshold measured: the rest of this script needs tasks 2.1 and 2.2."
    exit 0
fi

heading "whence $((T - 1)) $T, the same tunable, under strace (tasks 1.1, 1.2)"
look "malloc($((T - 1))) moves the break: brk(). malloc($T) gets an mmap() of its" \
    "own, whole pages, a little longer than asked. In whence's table: the pointer" \
    "of the mmapped block ends in 010, 16 bytes past the address mmap() returned;" \
    "its chunk size is the mapping's length; usable is 16 bytes less. The heap" \
    "block's chunk is its size plus 8, rounded up to 16; usable is chunk - 8."
OBS_LINES=3 GLIBC_TUNABLES=glibc.malloc.top_pad=0 show_traced whence $((T - 1)) "$T"
show_trace "$calls" "$RAW_TRACE"
expect_success 1.1
chunk() { echo $((($1 + 8 + 15) / 16 * 16)); }
why "malloc()'s threshold (M_MMAP_THRESHOLD) is a chunk size, not a request size." \
    "A request of n bytes needs a chunk of n + 8 (its size field) rounded up to 16:" \
    "$((T - 1)) -> $(chunk $((T - 1))), $T -> $(chunk "$T"). So the threshold here is $(chunk "$T")," \
    "and every request from $T up gets a mapping. A heap chunk also borrows the first" \
    "8 bytes of the chunk after it; a mapping has no chunk after it, so mmap() is" \
    "asked for the chunk + 8 bytes, rounded up to pages: $(((T + 23) / 16 * 16 + 8))" \
    "-> the length in the mmap() line."

heading "whence $T without the tunable: the top chunk serves it"
look "Same request, default tunables. The heap's first growth takes top_pad" \
    "(128 KiB) more than it needs, and a request that fits in that spare room is" \
    "cut from it, threshold or not: this time, no mmap()."
OBS_LINES=3 show_traced whence "$T"
show_trace "$calls" "$RAW_TRACE"
why "The threshold is not the whole story: malloc() looks at the heap's top" \
    "chunk before it thinks of mmap(). So the smallest request that gets a" \
    "mapping depends on what the program did before; the tests control that."
