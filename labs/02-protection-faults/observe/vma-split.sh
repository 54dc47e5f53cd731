#!/usr/bin/env bash
# vma-split.sh - one mapping, many VMAs: mprotect() of part of a mapping splits
# its VMA in /proc/self/maps, the old protection back merges it again, and every
# guard page costs a VMA of its own. Run: labs/02-protection-faults/observe/vma-split.sh
# (LABS=solutions for the reference programs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 02
ps=$(getconf PAGESIZE)

heading "mprot 8 2:3:r 2:3:rw (tasks 3.1, 3.2)"
look "mprot lists the VMAs that cover its 8 pages, from /proc/self/maps, before" \
    "and after each mprotect(). Three pages made read-only in the middle: one VMA" \
    "becomes three. The same pages read-write again: one VMA."
OBS_LINES=30 show_run mprot 8 2:3:r 2:3:rw
expect_success 3.2
if grep -q '(0 VMAs)' "$WORK/out"; then wrap "!! mprot listed no VMA at all: task 3.1 is not done yet."; fi

heading "The mprotect() calls themselves"
look "The address is page 2 of the mapping, the mmap() address + $((2 * ps)) (it must" \
    "be a multiple of $ps: mprotect() refuses anything else with EINVAL), the" \
    "length three pages. (The program's output is left out.)"
OBS_LINES=0 show_traced mprot 8 2:3:r 2:3:rw
show_trace '^(mmap\(NULL, '$((8 * ps))'|mprotect\(0x[0-9a-f]+, '$((3 * ps))')' "$RAW_TRACE"

heading "Every other page read-only: mprot 16 0:1:r 2:1:r 4:1:r ... 14:1:r"
look "Eight mprotect() calls of one page each, every other page: count the VMAs."
steps=()
for p in 0 2 4 6 8 10 12 14; do steps+=("$p:1:r"); done
OBS_LINES=0 show_run mprot 16 "${steps[@]}"
wrap "VMAs after the last step: $(grep -o '([0-9]* VMAs*)' "$WORK/out" | tail -n 1)"
why "A VMA has one protection for all its pages, so a mapping with 16 pages of" \
    "alternating protection needs 16 VMAs. A process may have at most" \
    "vm.max_map_count of them ($(cat /proc/sys/vm/max_map_count 2>/dev/null || echo '?') here);" \
    "past that, mmap(2) and mprotect(2) document ENOMEM."

heading "guard 5000 after: the system calls of one guarded buffer (task 4.1, 4.3)"
look "guard_alloc() maps the buffer's pages and the guard in one mmap(), then makes" \
    "the guard PROT_NONE: two VMAs for one buffer. guard_free() unmaps the whole."
OBS_LINES=2 show_traced guard 5000 after w:0
expect_success 4.1
show_trace '^(mmap\(NULL, '$((2 * ps + ps))'|mprotect\(0x\.\., '"$ps"', PROT_NONE|munmap)'
why "A guard-page allocator (Electric Fence, the guard pages of thread stacks)" \
    "pays a VMA per guard and at least one page per allocation, which is why it" \
    "is a debugging tool and not how malloc() works."
