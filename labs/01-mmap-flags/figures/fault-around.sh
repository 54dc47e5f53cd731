#!/usr/bin/env bash
# fault-around.sh - the data of fault-around.svg: page faults against pages touched,
# for fresh anonymous memory (populate, lab 01), copy-on-write after fork()
# (cowfaults private, lab 03), shared anonymous memory after fork() (cowfaults
# shared) and a cached file read through a private mapping (msum, lab 07).
# Run by tools/figures.sh (BIN, BUILD set); writes fault-around.dat.
set -euo pipefail
pgsz=$(getconf PAGESIZE)
head -c $((4096 * pgsz)) /dev/urandom >file
trap 'rm -f file part' EXIT
{
    echo "# pages  anon-lazy-writes  cow-private-child-writes  shmem-child-reads  file-private-reads"
    for pages in 64 256 512 1024 2048 4096; do
        anon=$("$BIN/populate" "$pages" lazy | awk '/^faults touching:/ { print $3 }')
        priv=$("$BUILD/03-copy-on-write/cowfaults" "$pages" private | awk '/^child: faults writing/ { print $NF }')
        shared=$("$BUILD/03-copy-on-write/cowfaults" "$pages" shared | awk '/^child: faults reading/ { print $NF }')
        head -c $((pages * pgsz)) file >part
        cat part >/dev/null # cached: minor faults only
        file=$("$BUILD/07-read-vs-mmap/msum" part | awk '/^faults in the loop:/ { print $7 }')
        echo "$pages ${anon:-0} ${priv:-0} ${shared:-0} ${file:-0}"
    done
} >fault-around.dat
# A program whose task is not done counts no fault (or prints no count): no figure.
awk '!/^#/ && ($2 == 0 || $3 == 0 || $4 == 0 || $5 == 0) { bad = 1 } END { exit bad }' fault-around.dat ||
    { echo "a program counted no fault: are tasks 6.1 of lab 01, 2.1 of lab 03 and 1.2 of lab 07 done?" >&2; exit 1; }
