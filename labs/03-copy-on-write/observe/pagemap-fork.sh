#!/usr/bin/env bash
# pagemap-fork.sh - /proc/PID/pagemap around a fork(): which pages are shared,
# which are a process's own, and (as root) which physical page each one is.
# Run: labs/03-copy-on-write/observe/pagemap-fork.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 03

heading "cowpages 8 3: eight private pages, fork(), the child writes three (tasks 1.1, 1.2)"
look "'exclusive' counts the pages whose pagemap entry has bit 56 set: mapped by" \
    "this process alone. All 8 before fork(), none in either process after it," \
    "then 3 in the child once it has written 3 pages (its new copies), and 3 in" \
    "the parent too: the originals that only the parent maps now."
show_run cowpages 8 3
expect_success 1.1
if grep -q '^before fork: .* exclusive 0 of' "$WORK/out"; then
    wrap "!! No page exclusive before fork(): task 1.1 is not done yet."
fi
if [[ $(id -u) == 0 ]]; then
    why "As root you see the frames: the child stays on the parent's 8 physical pages" \
        "until it writes; then 3 of its pages are new ones. The parent keeps all 8, and" \
        "when it writes all of them, 3 stay where they were: the kernel saw that no one" \
        "else mapped those any more and let the parent write in place, no copy."
else
    why "Not root: every frame number reads 0 (only CAP_SYS_ADMIN may see them), so" \
        "the program cannot tell same from different, and says so. Run this script" \
        "with sudo to see the frames. Bit 56 needs no privilege."
fi

heading "cowpages 4 1 dump: the raw entries behind those counts"
look "Each step again, with the 64-bit pagemap entry of each page in hex. 81...:" \
    "bit 63 (present) and bit 56 (exclusive); 80...: present, shared. The last 55" \
    "bits are the frame number, 0 unless you are root."
OBS_LINES=40 show_run cowpages 4 1 dump
why "fork() changed no frame: it write-protected every page in both processes," \
    "and bit 56 went to 0 because each page now has two mappings. The child's" \
    "write to page 0 gave it a page of its own (81..., with a new frame number" \
    "as root). The parent's page 0 turned 81... too, though the parent did" \
    "nothing: nobody else maps that page now. (/proc/self is resolved when the" \
    "file is opened: a pagemap descriptor opened before fork() would keep showing" \
    "the parent's pages to the child, which is why pagemap_read() in" \
    "labs/common/pagemap.h opens the file on every call.)"
