#!/usr/bin/env bash
# bench/run.sh - read() against mmap(), hot and cold, measured in one run
# against this machine's memory bandwidth. Run it with `make bench LAB=07`
# (tools/bench.sh sets BIN, OUT and FIGURES and runs it from OUT).
#
#   BENCH_MB=256    the file's size in MiB (1024 for the chapter's figure)
#   REPS=5          repetitions of each hot measurement (COLD_REPS=3 cold)
#   BUFS="4096 ..." the read() buffer sizes, in bytes
#   BENCH_DIR=$OUT  where the file is made: a disk, for the cold runs
#
# Prints a table of GB/s (10^9 bytes a second; min, median and max of the
# repetitions) and each median's ratio to the memory bound measured in the
# same run, and writes read-vs-mmap.dat and read-vs-mmap.svg (gnuplot, with
# $FIGURES/read-vs-mmap.gp). Never a pass/fail test: numbers vary from run to
# run and machine to machine; the ratios of one run are what to compare.
set -euo pipefail
: "${BIN:?run me through make bench LAB=07}" "${OUT:?}" "${FIGURES:?}"
mb=${BENCH_MB:-256} reps=${REPS:-5} cold_reps=${COLD_REPS:-3}
bufs=${BUFS:-"4096 16384 65536 262144 1048576 4194304 16777216"}
dir=${BENCH_DIR:-$OUT}
file=$dir/bench.data small=$dir/bench.small
rm -f "$file" "$small"
trap 'rm -f "$file" "$small"' EXIT

# stats: GB/s values on stdin -> "MIN MEDIAN MAX"
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f %.2f %.2f\n", v[1], m, v[NR] }'
}
# run hot|cold FILE N PROG ARGS... : N runs of PROG, timed by rmbench -> stats
run() {
    local mode=$1 f=$2 n=$3 i
    shift 3
    for ((i = 0; i < n; i++)); do "$BIN/rmbench" time "$f" "$mode" "$BIN/$1" "${@:2}" 2>/dev/null; done | stats
}
med() { cut -d' ' -f2 <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
row() { printf '  %-24s %-20s %6s   %-20s %6s\n' "$@"; }

echo "machine: $(nproc) cores, $(awk '/^model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | sed 's/^ *//')," \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo "file: $mb MiB in $dir ($(stat -f -c %T "$dir")); $reps hot and $cold_reps cold repetitions"
head -c $((16 << 20)) /dev/urandom >"$small"
# Measure working programs only: the two readers must agree on a checksum.
r=$("$BIN/rsum" "$small" 1048576 2>&1 | sed -n 's/^sum: *//p') || true
m=$("$BIN/msum" "$small" 2>&1 | sed -n 's/^sum: *//p') || true
if [[ -z $r || $r == 0000000000000000 || $r != "$m" ]]; then
    echo "bench: rsum and msum in ${BIN} do not agree on a checksum yet (tasks 1.1, 1.2):" \
        "finish them, or measure the reference: make bench LAB=07 LABS=solutions" >&2
    exit 1
fi
head -c $((mb << 20)) /dev/urandom >"$file"
cold=true
"$BIN/rmbench" cold "$file"
if [[ $("$BIN/incore" "$file") != *": 0 of "* ]]; then
    cold=false
    echo "cold: not measured: $dir cannot drop its pages (tmpfs?); set BENCH_DIR to a disk"
fi
cat "$file" >/dev/null

# The bound, in this run: memory to CPU, no file, no system call. Sampled
# at the start, the middle and the end of the run, so that a machine whose
# load changes meanwhile is measured under the same conditions as the readers.
mem=$OUT/mem.txt
: >"$mem"
bound_sample() { "$BIN/rmbench" mem "$mb" "$1" >>"$mem"; }
bound_sample "$reps"
start=$({ for ((i = 0; i < reps; i++)); do "$BIN/rmbench" time "$file" hot true 2>&1 >/dev/null; done; } |
    awk '{ printf "%.2f\n", $1 * 1000 }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')

# Every reader, each run timed alone; the rows are printed at the end.
declare -A hot=() cool=()
for b in $bufs; do
    hot[r$b]=$(run hot "$file" "$reps" rsum "$file" "$b")
    cool[r$b]="n/a n/a n/a"
    if $cold; then cool[r$b]=$(run cold "$file" "$cold_reps" rsum "$file" "$b"); fi
done
bound_sample 2
hows=("" populate sequential hugepage)
for how in "${hows[@]}"; do
    hot[m$how]=$(run hot "$file" "$reps" msum "$file" ${how:+"$how"})
    cool[m$how]="n/a n/a n/a"
    if $cold; then cool[m$how]=$(run cold "$file" "$cold_reps" msum "$file" ${how:+"$how"}); fi
done
bound_sample 2
sum=$(awk '$1 == "sum" { print $2 }' "$mem" | stats)
copy=$(awk '$1 == "memcpy" { print $2 }' "$mem" | stats)
first=$(awk '$1 == "first" { print $2 }' "$mem" | stats)
bound=$(med "$sum")

echo
row "GB/s" "hot: min med max" "/bound" "cold: min med max" "/bound"
row "memory: sum (bound)" "$sum" 1.00 "" ""
row "memory: memcpy" "$copy" "$(ratio "$(med "$copy")" "$bound")" "" ""
row "memory: sum, first touch" "$first" "$(ratio "$(med "$first")" "$bound")" "" ""

dat=$OUT/read-vs-mmap.dat
{
    echo "# read-vs-mmap.dat: GB/s of rsum and msum on a $mb MiB file; min, median, max of $reps hot / $cold_reps cold runs"
    echo "# $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg); made by labs/07-read-vs-mmap/bench/run.sh"
    echo "# block 0: read() by buffer size: bufsize hot_min hot_med hot_max cold_min cold_med cold_max"
} >"$dat"
best_buf=0 best=0 best_cold=0
for b in $bufs; do
    h=${hot[r$b]} c=${cool[r$b]}
    row "read() $((b >> 10)) KiB" "$h" "$(ratio "$(med "$h")" "$bound")" "$c" "$(ratio "$(med "$c")" "$bound")"
    echo "$b $h $c" >>"$dat"
    if awk -v a="$(med "$h")" -v b="$best" 'BEGIN { exit !(a > b) }'; then best=$(med "$h") best_buf=$b best_cold=$(med "$c"); fi
done
mmap_hot=0 mmap_cold=0
lo=$(awk '{ print $1 }' <<<"$bufs" | head -n 1) hi=$(tr ' ' '\n' <<<"$bufs" | grep . | tail -n 1)
for how in "${hows[@]}"; do
    h=${hot[m$how]} c=${cool[m$how]}
    row "mmap${how:+ $how}" "$h" "$(ratio "$(med "$h")" "$bound")" "$c" "$(ratio "$(med "$c")" "$bound")"
    if [[ -z $how ]]; then mmap_hot=$(med "$h") mmap_cold=$(med "$c"); fi
    # One block per line of the figure: its title, then two points.
    printf '\n\n"mmap%s, hot"\n%s %s\n%s %s\n' "${how:+ $how}" "$lo" "$(med "$h")" "$hi" "$(med "$h")" >>"$dat"
    if [[ -z $how ]] && $cold; then
        printf '\n\n"mmap, cold"\n%s %s\n%s %s\n' "$lo" "$(med "$c")" "$hi" "$(med "$c")" >>"$dat"
    fi
done
printf '\n\n"memory bound: sum of an anonymous buffer"\n%s %s\n%s %s\n' "$lo" "$bound" "$hi" "$bound" >>"$dat"

# The one case where read() wins: a cold file, mapped with MADV_RANDOM, so
# that every page is its own major fault and its own 4 KiB disk read.
if $cold; then
    r=$(run cold "$small" "$cold_reps" rsum "$small" 1048576)
    m=$(run cold "$small" "$cold_reps" msum "$small" random)
    echo
    row "16 MiB cold: read() 1 MiB" "$r" "" "" ""
    row "16 MiB cold: mmap random" "$m" "" "" ""
fi

echo
echo "starting a program (fork, exec, exit, wait): $start ms a run (included above)"
echo "mmap, hot: $(ratio "$mmap_hot" "$bound") of the memory bound (the goal: 0.9)"
echo "read() at its best buffer ($((best_buf >> 10)) KiB) / mmap: hot $(ratio "$best" "$mmap_hot"), cold $(ratio "$best_cold" "$mmap_cold")"
echo "mmap / memory sum, first touch: $(ratio "$mmap_hot" "$(med "$first")")"

if command -v gnuplot >/dev/null; then
    cp "$FIGURES/read-vs-mmap.gp" "$OUT/"
    gnuplot read-vs-mmap.gp && echo "figure: ${OUT}/read-vs-mmap.svg (data: read-vs-mmap.dat)"
else
    echo "no gnuplot: make deps installs it; the data is in $dat"
fi
