#!/usr/bin/env bash
# threshold-steps.sh - the data of threshold-steps.svg: malloc()'s mmap threshold
# as bump (task 3.1) measures it at the start and after each malloc()/free().
# Run by tools/figures.sh (BIN set); writes threshold-steps.dat:
#   step  request(bytes)  mmap|heap  threshold-after(bytes)
set -euo pipefail
"$BIN/bump" 200000 200000 400000 400000 1000000 1000000 >bump.out
awk '
    /^threshold at start:/ { print "# step request from threshold_after"; print 0, "-", "start", $4; n = 0 }
    /^malloc\(/ { n++; req = $1; gsub(/[^0-9]/, "", req); from = $2; sub(/,$/, "", from) }
    /^after free:/ { print n, req, from, $3 }' bump.out >threshold-steps.dat
rm -f bump.out
[[ $(grep -c . threshold-steps.dat) -eq 8 ]] || { echo "bump printed no malloc() lines: is task 3.1 done?" >&2; exit 1; }
