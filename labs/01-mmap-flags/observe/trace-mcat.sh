#!/usr/bin/env bash
# trace-mcat.sh - the system calls of mcat next to those of cat, on the same file.
# mcat maps the file and write()s straight from the mapping; cat read()s it into
# a buffer first. Run: labs/01-mmap-flags/observe/trace-mcat.sh (LABS=solutions
# for the reference programs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 01

seq -f 'line %g of a small file' 1 300 >data # 7,392 bytes: two pages
calls='^(openat\(.*"data"|newfstatat\(3|fstat\(3|mmap|munmap|read\(3|pread64|write\(1|copy_file_range|sendfile|splice)'

heading "mcat data (task 1.1)"
look "The openat() of the file, then ONE mmap() of its $(stat -c %s data) bytes with" \
    "PROT_READ, then write(1, ...) of the whole file. There is no read(3, ...): the" \
    "bytes that write() copies to standard output come straight from the mapping."
OBS_LINES=2 show_traced mcat data
show_trace "$calls"
expect_success 1.1
if trace_program_part "$TRACE" | grep -Eq '^read\(3,'; then
    wrap "!! mcat read() the file: the tests (task 1.1) want it printed from the mapping."
fi

heading "cat data, for comparison"
look "cat also calls mmap(), but with MAP_ANONYMOUS and fd -1: that is malloc()" \
    "getting a buffer: glibc serves large requests with mmap(). Then" \
    "read(3, ...) copies the file into that buffer and write(1, ...) copies it out" \
    "again. (Writing to a file rather than a pipe, cat may use copy_file_range()" \
    "instead, and then the kernel copies from page cache to page cache.)"
OBS_LINES=2 show_traced cat data
show_trace "$calls"

why "read() copies the file's bytes from the page cache into your buffer. mmap()" \
    "copies nothing: it makes the page cache pages that hold the file part of your" \
    "address space, and the first access to each page takes a page fault that" \
    "connects it. Both programs end with the same write(1, ...), but only mcat" \
    "skipped the copy into a buffer of its own."
