#!/usr/bin/env bash
# cold-queries.sh - the data of cold-queries.svg: the bytes read from the disk to
# answer K queries on a cold index (annq -c: its pages dropped first), with the
# kernel's readahead and with MADV_RANDOM (-r), from annq -v's count (/proc/self/io
# read_bytes). Needs a disk file system. Run by tools/figures.sh (BIN set); writes
# cold-queries.dat: queries readahead_kB random_kB index_kB
set -euo pipefail
[[ $(stat -f -c %T .) != tmpfs ]] || { echo "the build directory is on tmpfs: its pages cannot be dropped" >&2; exit 1; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
oracle=$("$root/tools/annoy-oracle.sh")
trap 'rm -f index.ann queries.txt' EXIT
"$oracle" build index.ann angular 64 20000 10 1 >/dev/null
index_kb=$(($(stat -c %s index.ann) / 1024))
# kb OPTION: kB read from the disk by annq OPTION on the queries (its -v line).
kb() {
    "$BIN/annq" "$1" index.ann angular 64 batch <queries.txt 2>&1 >/dev/null |
        sed -n 's/^annq: .* \([0-9]*\) kB read from the disk$/\1/p'
}
echo "# queries readahead_kB random_kB index_kB (annq -cv, -crv; 10 nearest, 10 trees)" >cold-queries.dat
for k in 1 10 100 1000; do
    "$oracle" queries 64 2 "$k" | sed 's/^/10 -1 /' >queries.txt
    ra=$(kb -cv) rnd=$(kb -crv)
    [[ -n $ra && -n $rnd ]] || { echo "annq -v printed no count of bytes read: are the lab's tasks done?" >&2; exit 1; }
    echo "$k $ra $rnd $index_kb" >>cold-queries.dat
done
