#!/usr/bin/env bash
# bigalloc-trace.sh - the system calls of the big-block allocator: one mmap()
# per block, page-rounded; mremap() to resize; munmap() to free.
# Run: labs/04-malloc-threshold/observe/bigalloc-trace.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 04
ps=$(getconf PAGESIZE)
calls='^(mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS|mremap|munmap)'

heading "bigalloc alloc 1 $((ps - 16)) $((ps - 15)) 100000 (tasks 4.1, 4.2)"
look "One mmap() per block, its length the size plus the 16-byte header rounded up" \
    "to pages: $((ps - 16)) bytes still fit one page, $((ps - 15)) need two. Each" \
    "pointer ends in 010: 16 bytes into its mapping. Each munmap() gives back" \
    "exactly the address and length of an mmap()."
show_traced bigalloc alloc 1 $((ps - 16)) $((ps - 15)) 100000
show_trace "$calls" "$RAW_TRACE"
expect_success 4.1

heading "bigalloc grow 5000 6000 8000 3000 1000000 $((64 << 20)) (task 4.3)"
look "5000 -> 6000 -> 8000 stay within the same two pages: no system call at all." \
    "8000 -> 3000 shrinks the mapping in place: mremap() to one page. Then it grows:" \
    "mremap(..., MREMAP_MAYMOVE) each time, and the address may change ('moved')." \
    "There is no second mmap() and no copy loop: the kernel moves the pages" \
    "themselves, by changing page table entries, whatever the block's size."
show_traced bigalloc grow 5000 6000 8000 3000 1000000 $((64 << 20))
show_trace "$calls" "$RAW_TRACE"
expect_success 4.3
why "A realloc() that maps a new block and copies reads every byte and writes it" \
    "into fresh pages, which fault in one by one; mremap() touches none of them," \
    "64 MiB or 4 KiB alike."

heading "libcmalloc realloc: glibc's realloc() of a mapped block"
look "Does glibc's realloc() do the same for a block it mmapped? malloc(1000000)" \
    "gets a mapping; realloc() to 4000000 and back to 500000."
show_traced libcmalloc realloc
show_trace "^(mmap\(NULL, 10[0-9]{5}, |mremap|munmap)" "$RAW_TRACE"
why "The same mremap(MREMAP_MAYMOVE) as big_realloc(), on the chunk's pages:" \
    "glibc resizes a mapped block in the kernel, and copies nothing itself."
