#!/usr/bin/env bash
# shared-vs-private.sh - one store through MAP_SHARED, one through MAP_PRIVATE:
# which reaches the file, and when? Run: labs/01-mmap-flags/observe/shared-vs-private.sh
# (LABS=solutions for the reference programs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace od
obs_setup 01

calls='^(openat\(.*"data"|mmap\(NULL, 8192|close\(3\)|pread64|msync|write\(3)'
bytes() { od -A d -c -j 4992 -N 24 data | sed 's/^/  /'; } # bytes 4992..5015 of the file

for mode in shared private; do
    head -c 8192 /dev/zero | tr '\0' '.' >data # two pages of dots
    heading "mapwrite $mode data 5000 HELLO (tasks 1.2, 1.3)"
    look "The mmap() line: its flag (MAP_${mode^^}) and how the file was opened" \
        "($([[ $mode == shared ]] && echo O_RDWR || echo O_RDONLY: a private mapping may be writable all the same))." \
        "Then close(3) right after mmap(): the mapping keeps the file open by itself." \
        "The store is not a system call at all. pread64() on a new descriptor shows" \
        "what the file holds now; there is no msync() and no write() to the file."
    show_traced mapwrite "$mode" data 5000 HELLO
    show_trace "$calls"
    expect_success 1.2
    look "The file's bytes 4992 to 5015 after the program has exited (od -c):"
    bytes
done

why "MAP_SHARED maps the page cache pages of the file themselves, the very pages" \
    "that read(), pread() and write() copy from and to. A store through the" \
    "mapping is therefore seen at once by every reader of the file, with no" \
    "msync() (msync() is about getting the bytes onto the disk, lab 05). With" \
    "MAP_PRIVATE, the first store to a page gives this process a private copy of" \
    "it (copy-on-write): the mapping reads HELLO, the file stays dots."
