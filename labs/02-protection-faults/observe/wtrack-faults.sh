#!/usr/bin/env bash
# wtrack-faults.sh - what write tracking costs: one SIGSEGV, one mprotect() and
# one rt_sigreturn() per page, and two kinds of page fault that perf and
# getrusage() count differently. Run: labs/02-protection-faults/observe/wtrack-faults.sh
# [PAGES] (LABS=solutions for the reference programs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 02
ps=$(getconf PAGESIZE)
pages=${1:-256}
if ! [[ $pages =~ ^[0-9]+$ ]] || ((pages < 1 || pages > 4096)); then obs_die "PAGES must be 1 to 4096"; fi
writes=()
for ((p = 0; p < pages; p++)); do writes+=("w:$((p * ps + 8))"); done

heading "wtrack $pages w:... c w:... : every page written twice, a checkpoint between (tasks 5.1, 5.2)"
look "Round 1 writes fresh pages: per page one signal and one minor fault (the" \
    "page is allocated when the write runs again). Round 2 writes the same pages," \
    "write-protected again by the checkpoint: one signal per page again, and the" \
    "minor faults of round 2 show whether the kernel needed a fault to make the" \
    "page writable after the handler's mprotect()."
printf '$ wtrack %s w:8 w:%s ... w:%s c (the same %s writes again)\n' "$pages" $((ps + 8)) \
    $(((pages - 1) * ps + 8)) "$pages"
STATUS=0
"$BIN/wtrack" "$pages" "${writes[@]}" c "${writes[@]}" >"$WORK/out" 2>&1 || STATUS=$?
# The lists of dirty pages are long: show their first and last pages.
sed -E 's/^(dirty pages: [0-9]+ [0-9]+ [0-9]+) .* ([0-9]+)$/\1 ... \2/; s/^/  /' "$WORK/out"
explain_status wtrack
if grep -qx 'signals: 0' "$WORK/out"; then
    wrap "!! No signal at all: the region is not write-protected (task 5.1)."
fi
expect_success 5.2

heading "The system calls: strace -c"
look "One mprotect() per page written in each round, plus one for the whole region" \
    "at each checkpoint; one rt_sigreturn() per signal: the handler returns, and" \
    "the write runs again."
strace -c -o "$WORK/count" "$BIN/wtrack" "$pages" "${writes[@]}" c "${writes[@]}" >/dev/null 2>&1 ||
    wrap "(wtrack failed: see above)"
grep -E 'calls|mprotect|rt_sigreturn|total' "$WORK/count" | sed 's/^/  /'

heading "perf stat -e page-faults,minor-faults"
if ! command -v perf >/dev/null; then
    wrap "perf is not installed (make deps installs it): skipping this part."
elif ! perf stat -e page-faults true >/dev/null 2>&1; then
    wrap "perf cannot count here (perf_event_paranoid = $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo '?')): skipping."
else
    look "perf's page-faults counts every trap into the fault handler, also those" \
        "that end in SIGSEGV; minor-faults counts only the faults that mapped a" \
        "page. Compare no writes, one round and two rounds: the differences are" \
        "what tracking $pages pages costs."
    for run in none one two; do
        case $run in
        none) args=("$pages") ;;
        one) args=("$pages" "${writes[@]}") ;;
        two) args=("$pages" "${writes[@]}" c "${writes[@]}") ;;
        esac
        perf stat -x, -o "$WORK/perf" -e page-faults,minor-faults "$BIN/wtrack" "${args[@]}" \
            >/dev/null 2>&1 || wrap "(wtrack failed)"
        awk -F, -v r="$run" '$3 ~ /faults/ { v[$3] = $1 }
            END { printf "  %-4s rounds: page-faults %6s   minor-faults %6s\n", r, v["page-faults"], v["minor-faults"] }' \
            "$WORK/perf"
    done
    why "With no writes, both count the faults of starting the program. Each round" \
        "adds $pages to page-faults (the traps that became SIGSEGV); round 1 adds" \
        "about $pages more to both (allocating the fresh pages; the longer command" \
        "line costs a page or two at exec). getrusage() (ru_minflt)," \
        "which wtrack prints, counts like minor-faults: a fault that ends in a" \
        "signal maps nothing and is not a minor fault."
fi
