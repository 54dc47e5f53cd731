#!/usr/bin/env bash
# mmap-errors.sh - each error of the chapter's table, as the kernel gives it,
# and MAP_FIXED / MAP_FIXED_NOREPLACE over a mapping in use.
# Run: labs/01-mmap-flags/observe/mmap-errors.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 01
head -c 8192 /dev/zero >data && mkdir dir
ps=$(getconf PAGESIZE)

heading "mprobe: one mmap() call each (tasks 3.1, 3.2)"
look "For each case, the mmap() line of the trace ends with the kernel's answer" \
    "(= 0x.. for a mapping, = -1 ERRNO for a refusal); mprobe's own report must" \
    "name the same errno, after a 'likely cause' line. strace writes flags=neither" \
    "(no flag at all) as MAP_FILE, which is 0."
for args in "file=data open=ro prot=rw flags=shared" "file=data open=ro prot=rw flags=private" \
    "file=data len=0" "file=data flags=neither" "file=dir open=ro" "file=-" \
    "file=data flags=both" "file=anon flags=both"; do
    # shellcheck disable=SC2086 # the words are separate arguments
    show_traced mprobe $args
    show_trace '^mmap\('
    if ((STATUS == 0)) && trace_program_part "$TRACE" | grep -q '^mmap(.* = -1 E'; then
        wrap "!! The kernel refused, yet mprobe reported success: task 3.1 is not done yet."
    fi
done
why "flags=both passes MAP_SHARED|MAP_PRIVATE, which is 0x03: the value of" \
    "MAP_SHARED_VALIDATE, as strace shows. On a file the kernel takes it as a" \
    "shared mapping whose unknown flags must be refused, and accepts it; on" \
    "anonymous memory it is EINVAL. 'Both flags give EINVAL' is only half true."

heading "fixed: asking for the address of a page in use (task 5.1, EEXIST)"
look "The real addresses this time. fixed maps three pages (A B C), then asks for" \
    "one page at the address of B: as a hint, with MAP_FIXED, with MAP_FIXED_NOREPLACE."
for mode in hint replace noreplace; do
    show_traced fixed "$mode"
    show_trace "^mmap\((NULL, $((3 * ps))|0x[0-9a-f]+, $ps, [^,]*, [^,]*ANONYMOUS[^,]*, -1)" "$RAW_TRACE"
    base=$(trace_program_part "$RAW_TRACE" | sed -n "s/^mmap(NULL, $((3 * ps)), .* = \(0x[0-9a-f]*\)$/\1/p" | head -n 1)
    got=$(trace_program_part "$RAW_TRACE" | sed -n "s/^mmap(0x[0-9a-f]*, $ps, .* = \(0x[0-9a-f]*\)$/\1/p")
    if [[ -n $base && -n $got ]]; then
        wrap "$(printf 'The new page went to A %+d pages (B is A +1).' $(((got - base) / ps)))"
    fi
done
why "An address without MAP_FIXED is only a hint: the kernel never evicts a" \
    "mapping for it and puts the page somewhere free. MAP_FIXED unmaps whatever was" \
    "there without a word (B now reads 0). MAP_FIXED_NOREPLACE (Linux 4.17) refuses" \
    "with EEXIST instead: use it whenever you need an exact address."
