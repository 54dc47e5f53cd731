#!/usr/bin/env bash
# where-bytes-go.sh - read() and a mapping side by side: the copies rchar
# counts, the disk reads read_bytes counts, the read() calls strace shows, and
# the page faults, hot and cold. Tasks 1.1 to 2.3.
# Run: labs/07-read-vs-mmap/observe/where-bytes-go.sh [MIB] (default 64)
# (LABS=solutions for the reference). Measured, not graded.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 07
need strace
mib=${1:-64}
size=$((mib << 20)) ps=$(getconf PAGESIZE)
if [[ $(stat -f -c %T "$WORK") == tmpfs ]]; then
    wrap "!! $WORK is on tmpfs: its pages never leave memory, so nothing below is" \
        "ever cold and read_bytes stays 0. Run with TMPDIR set to a directory on a" \
        "disk (TMPDIR=/var/tmp $0)."
fi
head -c "$size" /dev/urandom >data
cat data >/dev/null

heading "Hot: the file is in the page cache ($mib MiB)"
look "rchar: the bytes that read() copied into the process. rsum's equals the" \
    "file's size; msum's is 0. read_bytes is 0 for both: nothing came from the disk."
show_run rsum data 65536
expect_success 1.1
show_run msum data
expect_success 1.2
why "Both programs found the same pages in the page cache. read() copied each" \
    "byte once more, into rsum's buffer (rchar); msum's loads read the page cache" \
    "pages themselves, entered in its page table. That is the only copy that" \
    "differs: there is no second copy in read() and none 'saved' by mmap besides it."

heading "Cold: the file's pages dropped with evict (task 2.3)"
look "read_bytes: the bytes fetched from the disk. The same for both, the file's size."
show_run incore data
show_run evict data
show_run incore data
show_run rsum data 65536
show_run evict data
show_run msum data
why "The disk read is the same for both: the device fills page cache pages" \
    "(by DMA: no CPU copies them), then read() copies from them or the mapping" \
    "shows them. The 'extra copy' of read() is a memory-to-memory copy, never a" \
    "second disk read. Look at msum's faults too: readahead and fault-around" \
    "brought the whole file in with far fewer major faults than pages."

heading "Cold, with MADV_RANDOM (task 2.2)"
look "faults in the loop: one major fault per page, $((size / ps)) of them, and it is slow."
show_run evict data
show_run msum data random
why "MADV_RANDOM turns readahead off (fault-around, which maps only pages" \
    "already cached, finds none in a cold file): each first touch of a" \
    "page is a fault that waits for one 4 KiB read from the disk. That is what" \
    "a page fault costs when nobody helps it; the counts without the advice are" \
    "what the kernel's help saves (they vary with the file system and how the" \
    "file was written, so they are not graded)."

cat data >/dev/null # hot again, every page
heading "Hot: faults per page (fault-around)"
look "minor faults in msum's loop against the file's $((size / ps)) pages."
show_run msum data
why "A hot file page is found in the page cache, not in swap: the fault maps it," \
    "and with it its neighbours already in the cache (fault-around: 16 pages by" \
    "default, more when the page cache holds the file in large folios)."
show_run msum data random
why "Hot, with MADV_RANDOM: about as few faults. The advice turns readahead off," \
    "not fault-around: the kernel does not look at it when it maps a fault's" \
    "cached neighbours (should_fault_around() in mm/memory.c)."

heading "The read() calls of rsum (task 1.1)"
look "the number of read() calls on the file: ceil(size / BUFSIZE), plus one that returns 0."
head -c $((10 * ps + 100)) /dev/urandom >small
show_traced rsum small "$ps"
show_trace '^read\(3,' | sed -n '1,3p;$p'
why "$((10 * ps + 100)) bytes in $ps-byte reads: 11 reads with data and one that" \
    "returns 0 (the end of the file). Each is a system call; with a larger" \
    "buffer there are fewer, which is what the benchmark's curve shows."
