#!/usr/bin/env bash
# lazy-vs-eager.sh - the data of lazy-vs-eager.svg: where populate (tasks 6.1, 6.2)
# counts the minor faults of PAGES fresh pages, lazily and with MAP_POPULATE.
# Run by tools/figures.sh (BIN set); writes lazy-vs-eager.dat: mode in_mmap touching.
set -euo pipefail
pages=2000 # the title of lazy-vs-eager.gp says so
{
    echo "# populate $pages lazy|populate: minor faults (getrusage) in mmap() and while touching"
    for mode in lazy populate; do
        "$BIN/populate" "$pages" "$mode" | awk -v m="$mode" '
            /^faults in mmap:/ { a = $4 } /^faults touching:/ { b = $3 } END { print m, a, b }'
    done
} >lazy-vs-eager.dat
awk '!/^#/ && $2 + $3 == 0 { print "populate counted no fault: is task 6.1 done?" > "/dev/stderr"; bad = 1 } END { exit bad }' lazy-vs-eager.dat
