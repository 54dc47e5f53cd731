#!/usr/bin/env bash
# tools/grade-bench.sh - how fast the grader is (make bench-grade).
#
#   tools/grade-bench.sh [N]       N submissions (default 20): half of them the
#                               solutions, half the starters, every lab
#
# Grades them with tools/grade-class.sh (GRADE_JOBS at a time, default the cores)
# and prints submissions per minute, and the mean time of each lab per
# submission (the split between the user-space labs and the kernel lab).
# LAB="NN ..." benchmarks those labs. The machine's other load counts: say so.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GRADE_ROOT=$root
# shellcheck source=tools/grade-lib.sh
source "$root/tools/grade-lib.sh"
n=${1:-20}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: tools/grade-bench.sh [N]" >&2; exit 2; }
mkdir -p "$root/build"
tmp=$(mktemp -d "$root/build/grade-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The submissions: each editable file from solutions/ (odd ones) or the starter.
mapfile -t files < <("$root/tools/wb.py" editable "$root")
for ((i = 1; i <= n; i++)); do
    d=$tmp/subs/$(printf 'student%03d' "$i")
    for f in "${files[@]}"; do
        src=$root/$f
        ((i % 2 == 0)) || src=$root/solutions/${f#labs/}
        [[ -f $src ]] || continue
        mkdir -p "$d/$(dirname "$f")" && cp "$src" "$d/$f"
    done
done

start=$EPOCHREALTIME
"$root/tools/grade-class.sh" "$tmp/subs" "$tmp/out" >"$tmp/class.log" 2>&1 || { cat "$tmp/class.log"; exit 1; }
secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')

echo "grade-bench: $n submissions in $secs s with $(nproc) cores, ${GRADE_JOBS:-$(nproc)} at a time: \
$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.1f", s ? 60 * n / s : 0 }') submissions per minute"
echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows this down)"
cat "$tmp"/out/*/timing.tsv | awk -F'\t' '{ t[$1] += $2; c[$1]++; all += $2 }
    END { for (l in t) printf "  %s%s: %.1f s per submission (%.0f%%)\n", (l ~ /^[0-9]/ ? "lab " : ""), l, t[l] / c[l], 100 * t[l] / all }' | sort
awk -F, 'NR > 1 { s[$NF]++ } END { for (k in s) printf "  %d submissions scored %s\n", s[k], k }' "$tmp/out/grades.csv" | sort -k4 -n
