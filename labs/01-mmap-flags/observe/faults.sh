#!/usr/bin/env bash
# faults.sh - where the page faults of fresh anonymous memory happen, lazily and
# with MAP_POPULATE, counted by the program (getrusage) and by perf.
# Run: labs/01-mmap-flags/observe/faults.sh [PAGES] (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 01
pages=${1:-1000}

heading "populate $pages lazy|populate: the program's own count (tasks 6.1, 6.2)"
look "getrusage(RUSAGE_SELF).ru_minflt read before mmap(), after it, and after" \
    "writing one byte into each page. Lazily, mmap() takes no fault and each first" \
    "write takes one: $pages in all. With MAP_POPULATE, mmap() takes them all itself."
declare -A own faults
for mode in lazy populate; do
    show_run populate "$pages" "$mode"
    expect_success "6.$([[ $mode == lazy ]] && echo 1 || echo 2)"
    own[$mode]=$(awk -F: '/^faults/ { n += $2 } END { print n + 0 }' "$WORK/out")
    if ((own[$mode] == 0)); then wrap "!! 0 faults in all: is minor_faults() written yet (task 6.1)?"; fi
done

heading "The same runs under perf stat -e page-faults,minor-faults,major-faults"
perf_ok=false
if ! command -v perf >/dev/null; then
    wrap "perf is not installed (make deps installs it): skipping this part."
elif ! perf stat -e page-faults true >/dev/null 2>&1; then
    wrap "perf cannot count here (see /proc/sys/kernel/perf_event_paranoid = $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo '?'))." \
        "Skipping this part; the getrusage() numbers above are the ones that matter."
else
    perf_ok=true
fi
if $perf_ok; then
    look "perf counts the faults of the whole process, from exec() on: the dynamic" \
        "loader and libc take some too, so compare the two runs, not the totals with" \
        "$pages. (A ':u' after the event name: only faults taken in user mode are counted," \
        "as perf_event_paranoid requires for a user who is not root.)"
    for mode in lazy populate; do
        perf stat -x, -o "$WORK/perf" -e page-faults,minor-faults,major-faults \
            "$BIN/populate" "$pages" "$mode" >/dev/null 2>&1 || wrap "(populate $mode failed)"
        faults[$mode]=$(awk -F, '$3 ~ /^page-faults/ { print $1 }' "$WORK/perf")
        awk -F, -v m="$mode" '$3 ~ /faults/ { printf "  %-9s %-15s %s\n", m, $3, $1 }' "$WORK/perf"
    done
    why "Measured: lazy ${faults[lazy]} faults, populate ${faults[populate]}; getrusage() counted" \
        "${own[lazy]} (lazy) and ${own[populate]} (populate). perf's fault events fire when the" \
        "CPU traps on a missing page. MAP_POPULATE's faults are no traps: the kernel" \
        "fills the pages in itself, inside the mmap() call, and counts them in the" \
        "process's minor faults (getrusage) without a perf event. So perf should see" \
        "about $pages fewer with MAP_POPULATE. Two counters, two definitions: when" \
        "you compare fault counts, know which one you are reading."
fi
