#!/usr/bin/env bash
# ratio-by-size.sh - the data of ratio-by-size.svg: read() (rsum, 1 MiB buffer)
# against mmap() (msum) on hot files of 1 to 64 MiB, timed by rmbench (the
# benchmark's stopwatch: fork() to wait()), median of 3 runs each. One run on one
# machine: compare the ratio, not the GB/s. Run by tools/figures.sh (BIN set);
# writes ratio-by-size.dat: MiB rsum_GBps msum_GBps read/mmap
set -euo pipefail
trap 'rm -f data' EXIT
med() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# time3 PROG ARGS...: the median GB/s of 3 hot runs of PROG on data.
time3() { for _ in 1 2 3; do "$BIN/rmbench" time data hot "$BIN/$1" "${@:2}" 2>/dev/null; done | med; }
# Working programs only: the two readers must agree on a checksum (as bench/run.sh asks).
head -c $((1 << 20)) /dev/urandom >data
r=$("$BIN/rsum" data 1048576 2>&1 | sed -n 's/^sum: *//p') || true
m=$("$BIN/msum" data 2>&1 | sed -n 's/^sum: *//p') || true
if [[ -z $r || $r == 0000000000000000 || $r != "$m" ]]; then
    echo "rsum and msum do not agree on a checksum yet: are tasks 1.1 and 1.2 done?" >&2
    exit 1
fi
echo "# MiB rsum(GB/s) msum(GB/s) read/mmap; median of 3 hot runs, $(nproc) cores, $(uname -r)" >ratio-by-size.dat
for mib in 1 4 16 64; do
    head -c $((mib << 20)) /dev/urandom >data
    r=$(time3 rsum data 1048576) m=$(time3 msum data)
    awk -v s="$mib" -v r="$r" -v m="$m" 'BEGIN { if (r <= 0 || m <= 0) exit 1; printf "%s %s %s %.2f\n", s, r, m, r / m }' \
        >>ratio-by-size.dat || { echo "rsum or msum measured nothing at $mib MiB: are tasks 1.1 and 1.2 done?" >&2; exit 1; }
done
