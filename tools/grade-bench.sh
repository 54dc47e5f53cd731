#!/usr/bin/env bash
# tools/grade-bench.sh - how fast the grader is (make bench-grade).
#
#   tools/grade-bench.sh [N]       N submissions (default 20), every lab
#
# The class: the odd students hand in the solutions, each file with a comment
# line of their own (so no two are alike: each is graded), the even ones the
# starters untouched (graded once, then reused from the cache of graded labs,
# which starts empty: GRADE_CACHE in a scratch directory; GRADE_CACHE= grades
# everything). Grades them with tools/grade-class.sh (GRADE_JOBS at a time,
# default the cores) and prints submissions per minute, the load average
# before and after (other work on the machine slows this down: say so), and
# the time per submission of the labs graded, user-space labs against the labs
# that run in a VM (the kernel lab), and of the labs reused.
# LAB="NN ..." benchmarks those labs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-20}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: tools/grade-bench.sh [N]" >&2; exit 2; }
mkdir -p "$root/build"
tmp=$(mktemp -d "$root/build/grade-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GRADE_CACHE=${GRADE_CACHE-$tmp/cache}

mapfile -t files < <("$root/tools/wb.py" editable "$root")
for ((i = 1; i <= n; i++)); do
    d=$tmp/subs/$(printf 'student%03d' "$i")
    for f in "${files[@]}"; do
        mkdir -p "$d/$(dirname "$f")"
        if ((i % 2)) && [[ -f $root/solutions/${f#labs/} ]]; then
            { cat "$root/solutions/${f#labs/}"; printf '/* student %d */\n' "$i"; } >"$d/$f"
        else
            cp "$root/$f" "$d/$f"
        fi
    done
done

load() { cut -d' ' -f1-3 /proc/loadavg; }
before=$(load) start=$EPOCHREALTIME
"$root/tools/grade-class.sh" "$tmp/subs" "$tmp/out" >"$tmp/class.log" 2>&1 || { cat "$tmp/class.log"; exit 1; }
secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')

echo "grade-bench: $n submissions in $secs s with $(nproc) cores, ${GRADE_JOBS:-$(nproc)} at a time: \
$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.1f", s ? 60 * n / s : 0 }') submissions per minute$(
    awk -v n="$n" -v s="$secs" 'BEGIN { if (n != 100) printf " (100 in %.1f min)", s * 100 / n / 60 }')"
echo "  load average before: $before, after: $(load) (the machine's other work slows this down)"
if [[ -n $GRADE_CACHE ]]; then
    echo "  half the class the solutions (each graded), half the starters (graded once, then reused)"
else
    echo "  half the class the solutions, half the starters, every lab graded (GRADE_CACHE is empty)"
fi
# timing.tsv: LAB<TAB>SECONDS[<TAB>reused] per lab, and unpack.
vm=$("$root/tools/wb.py" labs | cut -f1 | while read -r id; do [[ $("$root/tools/wb.py" get "$id" vm) == false ]] || printf '%s ' "$id"; done)
cat "$tmp"/out/*/timing.tsv | awk -F'\t' -v n="$n" -v vm=" $vm" '
    $3 == "reused" { r += $2; rn++; next }
    $1 == "unpack" { u += $2; next }
    { kind = index(vm, " " $1 " ") ? "in a VM" : "user-space"; t[kind] += $2; c[$1]++; lt[$1] += $2 }
    END { names = vm; gsub(/^ +| +$/, "", names)
          printf "  per submission: reading it %.1f s; labs graded: user-space %.1f s, in a VM (labs %s) %.1f s; %d labs reused, %.2f s each\n",
                 u / n, t["user-space"] / n, names, t["in a VM"] / n, rn, rn ? r / rn : 0
          for (l in lt) printf "    lab %s: %.1f s per grading (%d graded)\n", l, lt[l] / c[l], c[l] | "sort" }'
awk -F, 'NR > 1 { s[$NF]++ } END { for (k in s) printf "  %d submissions scored %s\n", s[k], k }' "$tmp/out/grades.csv" | sort -k4 -n
