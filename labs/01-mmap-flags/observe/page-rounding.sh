#!/usr/bin/env bash
# page-rounding.sh - a mapping's length is rounded up to whole pages; its file
# offset must already be a multiple of the page size.
# Run: labs/01-mmap-flags/observe/page-rounding.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 01
ps=$(getconf PAGESIZE)

heading "pastend on files of 1, $ps and 5000 bytes (tasks 2.2, 2.3)"
look "The mmap() length is the file's size, not a multiple of $ps, and the kernel" \
    "accepts it. 'mapping length' (from /proc/self/maps) is that size rounded up" \
    "to whole pages. The tail bytes (from the end of file to the end of the page)" \
    "read 0, and pastend stores 'X' into each: cmp then shows the file unchanged."
for size in 1 "$ps" 5000; do
    head -c "$size" /dev/zero | tr '\0' 'z' >"f$size"
    cp "f$size" "copy$size"
    show_run pastend "f$size"
    expect_success 2.2
    if cmp -s "f$size" "copy$size"; then wrap "cmp: the file is unchanged"; else wrap "!! cmp: the file changed"; fi
done
look "The same 5000-byte file once more, straight away. Do the tail bytes still read 0?"
show_run pastend f5000
zeros=$(sed -n 's/^tail zero bytes: *//p' "$WORK/out")
tail=$(sed -n 's/^tail bytes: *//p' "$WORK/out")
if [[ ${tail:-0} == 0 ]]; then
    wrap "!! pastend found no tail bytes: tasks 2.2 and 2.3 are probably not done yet."
elif [[ $zeros == 0 ]]; then
    why "No: this run found the first run's X's. They went into the page cache page," \
        "past the end of file, and stay there until the kernel writes the page back" \
        "(which zeroes the tail: at once with sync, or when the flusher threads get" \
        "to it) or drops it; on tmpfs (/dev/shm) they stay. They never reach the file." \
        "'The tail reads 0' holds for a page that nobody has stored into past the end" \
        "of the file since it was read in or last written back."
else
    why "Yes ($zeros zero bytes): the page was written back or dropped since the first" \
        "run (writeback zeroes the tail). Run the script again: a second run straight" \
        "after the first often sees the first run's X's, which stay in the page cache."
fi

heading "mcat data 5000 100 (task 2.1): the offset must be page-aligned"
seq -f '%07g' 0 2000 >data
look "mcat asks for offset $((5000 / ps * ps)) (5000 rounded down to a page, in hex in" \
    "the trace) and a length of $((5000 % ps)) + 100 bytes, then prints from $((5000 % ps)) bytes in."
OBS_LINES=3 show_traced mcat data 5000 100
show_trace '^mmap\(NULL, [0-9]+, PROT_READ, MAP_(PRIVATE|SHARED), 3'
expect_success 2.1

heading "mprobe file=data off=100: what if you pass an unaligned offset anyway?"
look "mprobe reports EINVAL, but the trace has no mmap() call with offset 100 at" \
    "all: glibc checks the offset itself and returns EINVAL without asking the kernel."
show_traced mprobe file=data off=100
show_trace '^(openat\(.*"data"|mmap|exit)'
if ! trace_program_part "$TRACE" | grep -q '^mmap(NULL, [0-9]*, PROT_READ, MAP_PRIVATE, 3'; then
    wrap "No mmap() of descriptor 3 in the trace: glibc answered EINVAL by itself."
fi
