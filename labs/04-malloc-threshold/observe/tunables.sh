#!/usr/bin/env bash
# tunables.sh - the threshold under glibc's tunables and mallopt(): set it,
# switch mmap() off, and see the moving threshold stop.
# Run: labs/04-malloc-threshold/observe/tunables.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 04

# with TUNABLES PROG ARGS...: run PROG with GLIBC_TUNABLES=TUNABLES ("" for none).
with() {
    local t=$1
    shift
    printf 'GLIBC_TUNABLES=%s\n' "${t:-(unset)}"
    if [[ -n $t ]]; then GLIBC_TUNABLES=$t show_run "$@"; else show_run "$@"; fi
}

heading "threshold under several GLIBC_TUNABLES (task 2.2)"
look "Each run measures the smallest request served by mmap(), after one small" \
    "block. Compare: no tunable; top_pad=0; mmap_threshold=65536 with and without" \
    "top_pad=0; mmap_threshold=1048576; mmap_max=0."
for t in "" glibc.malloc.top_pad=0 glibc.malloc.mmap_threshold=65536 \
    glibc.malloc.mmap_threshold=65536:glibc.malloc.top_pad=0 \
    glibc.malloc.mmap_threshold=1048576 glibc.malloc.mmap_max=0; do
    with "$t" threshold
done
expect_success 2.2
why "Without tunables the first growth of the heap leaves about 132 KiB spare" \
    "(top_pad, 128 KiB, plus rounding), and requests that fit there are cut from" \
    "it: the measured value is above 128 KiB. mmap_threshold=65536 alone changes" \
    "nothing you can see here, for the same reason; with top_pad=0 it shows as" \
    "65536 - 23. mmap_max=0 allows no mapping at all."

heading "The old environment variables still work: MALLOC_MMAP_THRESHOLD_ and MALLOC_TOP_PAD_"
printf 'MALLOC_MMAP_THRESHOLD_=1048576\n'
MALLOC_MMAP_THRESHOLD_=1048576 show_run threshold
printf 'MALLOC_TOP_PAD_=0\n'
MALLOC_TOP_PAD_=0 show_run threshold

heading "bump with tunables: the threshold stops moving (tasks 3.1, 3.2)"
look "Without tunables, free() of the mmapped block moves the threshold and the" \
    "second malloc() comes from the heap (dynamic.sh). Setting ANY of these" \
    "tunables, even top_pad, which has nothing to do with mmap(), turns that off:" \
    "both requests get a mapping."
with glibc.malloc.top_pad=0 bump 200000 200000
with glibc.malloc.trim_threshold=1000000 bump 200000 200000
expect_success 3.1
look "mallopt() from inside the program does the same: bump -t sets" \
    "M_MMAP_THRESHOLD, bump -m 0 sets M_MMAP_MAX to 0 (no block mapped)."
show_run bump -t 1048576 2000000 2000000
show_run bump -m 0 4000000
expect_success 3.2
look "mallopt(3) gives 32 MiB (on 64-bit) as the upper limit of M_MMAP_THRESHOLD," \
    "and mallopt() returns 0 on an error. Ask for 100000000 (about 95 MiB): does" \
    "bump complain, or does a 40 MB request come from the heap?"
show_run bump -t 100000000 40000000
why "mallopt(3) says it: dynamic adjustment is disabled if any of M_TRIM_THRESHOLD," \
    "M_TOP_PAD, M_MMAP_THRESHOLD or M_MMAP_MAX is set, by mallopt() or by the" \
    "tunables of the same names. Once a program or its user has chosen, glibc" \
    "stops adapting. Which of the runs above shows it for top_pad?"

heading "libcmalloc thread: M_MMAP_MAX = 0, and a second thread"
look "M_MMAP_MAX = 0 stops the mmap() of big blocks, not every mmap() of malloc():" \
    "a second thread's first malloc() gets an arena of its own, a heap made with" \
    "mmap(). With glibc 2.36 on x86-64: 128 MiB reserved PROT_NONE, trimmed to" \
    "64 MiB at a 64 MiB boundary, and its first pages made writable."
show_traced libcmalloc thread
show_trace '^(mmap\(NULL, [0-9]+, PROT_NONE|munmap|mprotect\(.*, [0-9]+, PROT_READ\|PROT_WRITE\) = 0$)' "$RAW_TRACE"
why "glibc's malloc() keeps one heap per arena; the main thread's grows with" \
    "brk(), every other arena's is a mapping, whatever M_MMAP_MAX says. (The" \
    "thread's stack, mapped by pthread_create(), is another mmap(), not malloc's.)"
