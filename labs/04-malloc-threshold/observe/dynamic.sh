#!/usr/bin/env bash
# dynamic.sh - the threshold moves: free() of an mmapped block raises it, so
# the same request comes from the heap next time; and the heap's top chunk
# can serve requests above it.
# Run: labs/04-malloc-threshold/observe/dynamic.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 04
S=200000

# parent_trace ARGS...: bump under strace, its own system calls only (without
# -f: the children that try each malloc() for the measurements are left out).
parent_trace() {
    printf '$ strace bump %s   (the parent only)\n' "$*"
    STATUS=0
    strace -qq -o "$WORK/trace" "$BIN/bump" "$@" >"$WORK/out" 2>&1 || STATUS=$?
    sed -i -E 's/\) += /) = /' "$WORK/trace"
    print_out
    explain_status bump
    show_trace '^(brk\(0x|mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS|munmap)' "$WORK/trace"
    grep -q '^malloc(' "$WORK/out" ||
        wrap "!! bump printed no malloc(...) line: task 3.1 is not done yet (and 1.1, 2.1, 2.2 before it)."
}

heading "bump $S $S: the same request twice (task 3.1)"
look "The first malloc($S) gets a mapping: mmap(), and free() gives it back at" \
    "once: munmap(), same address and length. The second, identical request comes" \
    "from the heap: brk() grows it, and there is no second mmap(). Between the two," \
    "'after free' shows the threshold gone up to just below the freed chunk's size."
parent_trace "$S" "$S"
expect_success 3.1
why "free() of an mmapped chunk raised the threshold to that chunk's size: the" \
    "smallest mmapped request is now the chunk size minus 23 (8 for the size" \
    "field, 15 for the rounding). mallopt(3) documents the rule, and that the" \
    "trim threshold (how much free room the heap keeps before free() shrinks it)" \
    "goes to twice the chunk size. The reasoning: a block of that size, freed, is" \
    "likely to be asked for again, and from the heap it can be reused without a" \
    "fresh mapping that the kernel must zero page by page."

heading "bump $S $S $S: after a round in the heap"
look "The second block came from the heap and went back to it. Look at 'after" \
    "free' now: higher than the threshold, because the heap keeps the freed" \
    "room (under the new trim threshold) and the top chunk can serve any request" \
    "that fits in it."
parent_trace "$S" "$S" "$S"
expect_success 3.1

heading "bump 40000000 40000000: above 32 MiB nothing moves"
look "A chunk above the largest dynamic threshold (32 MiB on 64-bit) is freed" \
    "without raising anything: both requests get mappings."
parent_trace 40000000 40000000
expect_success 3.1
