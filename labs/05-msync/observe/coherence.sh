#!/usr/bin/env bash
# coherence.sh - one page cache: a store through a shared mapping, pread(),
# another process's mapping and pwrite() all meet in it, with no msync().
# Run: labs/05-msync/observe/coherence.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace od
obs_setup 05

head -c 12288 /dev/zero | tr '\0' . >data # three pages of dots
heading "coherent data 5000 (tasks 1.1 to 1.3)"
look "Two mmap() lines of the 12288-byte file: the parent's (PROT_READ|PROT_WRITE," \
    "MAP_SHARED) and, after clone(), the child's own (PROT_READ). The stores" \
    "themselves are no system calls. pread64() reads STORE-1 right after the first" \
    "store; pwrite64() puts PWRITE3 in, and the mapping shows it. Look for msync():" \
    "there is none."
show_traced coherent data 5000
show_trace '^(mmap\(NULL, 12288|clone|pread64|pwrite64|msync|fsync|fdatasync)'
expect_success 1.1
if trace_program_part "$TRACE" | grep -Eq '^(msync|fsync|fdatasync)\('; then
    wrap "!! There is a sync call in the trace: coherent needs none (tasks 1.1 to 1.3)."
fi
look "The file's bytes 4992 to 5015 after the run (od -c): the last writer won."
od -A d -c -j 4992 -N 24 data | sed 's/^/  /'

why "A file has one copy of each of its pages in memory, in the page cache. A" \
    "MAP_SHARED mapping is those pages, mapped into the process; read() and" \
    "pread() copy out of them, write() and pwrite() copy into them, and another" \
    "process that maps the file maps the very same pages. So every view agrees at" \
    "once, whatever the disk holds. msync() changes nothing here: it decides when" \
    "the disk gets the bytes, and no reader looks at the disk while the page is" \
    "in memory. (MAP_PRIVATE is the exception: a private mapping that stores into" \
    "a page gets a copy of its own, which nobody else sees.)"
