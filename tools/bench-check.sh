#!/usr/bin/env bash
# tools/bench-check.sh - how long make check takes (make bench-check): never a
# pass/fail test, ratios measured in one run, the absolute medians beside.
#
#   tools/bench-check.sh      environment: N (rounds, default 5), LAB (one lab;
#                             default every lab that does not run in the VM)
#
# For each lab, on the reference solutions (built once beforehand), N rounds of,
# in turn:
#   task   tools/check.sh with TASK= the lab's first task (save to verdict: what
#          make watch runs first)
#   lab    tools/check.sh of the whole lab (two bats processes)
#   bats   the lab's bats file alone, one process (the tests' own cost)
#   empty  an empty bats file with as many tests (bats' own cost: the floor)
# and prints the medians and the ratios task/lab and lab/empty, with the load
# average, since a busy machine stretches every figure (the ratios less).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
wb() { tools/wb.py "$@"; }
n=${N:-5}
export LABS=solutions BUILD=$root/build/solutions BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
work=$root/build/bench-check
rm -rf "$work" && mkdir -p "$work"
export RESULTS=$work/results

if [[ -n ${LAB:-} ]]; then labs=$(wb lab "$LAB" | cut -f1); else labs=$(wb labs | cut -f1); fi

# secs COMMAND... : its wall time in seconds (output thrown away).
secs() {
    local t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.3f\n", a - b }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "bench-check: $n rounds per lab on $(nproc) cores, $(bats --version), load average $(load) at the start"
printf '%-4s %5s %-5s %7s %7s %7s %7s   %9s %10s\n' lab tests task "task s" "lab s" "bats s" "empty s" "task/lab" "lab/empty"
for id in $labs; do
    [[ $(wb get "$id" vm) == false ]] || continue
    dir=$(wb get "$id" dir)
    bats=tests/$dir.bats
    [[ -f $bats ]] || continue
    make -s build LAB="$id" >/dev/null 2>&1 || { echo "bench-check: lab $id does not build" >&2; exit 1; }
    ntests=$(wb tests "$bats" | grep -c .)
    task=$(wb tasks "$id" | awk -F"\t" "NR == 1 { print \$2 }")
    ntask=$(wb tests "$bats" --task "$task" | grep -c .)
    empty=$work/empty-$id.bats
    for ((i = 1; i <= ntests; i++)); do printf '@test "t%d" {\n    true\n}\n' "$i"; done >"$empty"
    # The first whole check leaves the results the task's run merges into.
    LAB=$id tools/check.sh >/dev/null 2>&1 || true
    : >"$work/t" && : >"$work/l" && : >"$work/b" && : >"$work/e"
    for ((r = 0; r < n; r++)); do
        secs env LAB="$id" TASK="$task" tools/check.sh >>"$work/t"
        secs env LAB="$id" tools/check.sh >>"$work/l"
        secs bats --tap "$bats" >>"$work/b"
        secs bats --tap "$empty" >>"$work/e"
    done
    t=$(median <"$work/t") l=$(median <"$work/l") b=$(median <"$work/b") e=$(median <"$work/e")
    printf '%-4s %5s %-5s %7s %7s %7s %7s   %9s %10s\n' "$id" "$ntests" "$task($ntask)" "$t" "$l" "$b" "$e" \
        "$(ratio "$t" "$l")" "$(ratio "$l" "$e")"
done
echo "load average $(load) at the end"
echo "(task: check.sh TASK=, the lab's first task, tests in brackets; lab: check.sh LAB=, two bats"
echo " processes; bats: the bats file alone, one process; empty: as many empty tests, one process)"
