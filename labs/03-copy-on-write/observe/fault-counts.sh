#!/usr/bin/env bash
# fault-counts.sh - the page faults of copy-on-write, by the program's own
# count (getrusage) and by perf stat, for the parent and for the child.
# Run: labs/03-copy-on-write/observe/fault-counts.sh [PAGES] (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 03
pages=${1:-1000}

heading "cowfaults $pages private|shared: the program's own counts (tasks 2.1, 2.2)"
look "Private: the child reads every page without a fault (fork() copied the page" \
    "table, read-only), then pays one fault per page it writes; the parent pays one" \
    "per page as well. Shared: the parent pays nothing, and each sees the other's" \
    "bytes. The child's read count in shared mode is not one per page: see below."
for mode in private shared; do
    show_run cowfaults "$pages" "$mode"
    expect_success 2.1
    if [[ $mode == private ]] && grep -q '^child: faults writing .*: 0$' "$WORK/out"; then
        wrap "!! The child counted no fault for $pages writes: task 2.1 is not done yet."
    fi
done

heading "The same runs under perf stat: the whole process tree, then the parent alone"
if ! command -v perf >/dev/null; then
    wrap "perf is not installed (make deps installs it): skipping this part."
    exit 0
fi
if ! perf stat -e minor-faults true >/dev/null 2>&1; then
    wrap "perf cannot count here (perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo '?'));" \
        "the getrusage() numbers above are the ones that matter."
    exit 0
fi
look "perf stat counts a process and, by default, its children; --no-inherit" \
    "counts the parent alone, so the child's share is the difference. Both" \
    "include the faults of starting a program (the loader, libc, the stack):" \
    "compare the modes with each other, not with $pages."
# count [OPTION] MODE: minor faults of cowfaults PAGES MODE under perf stat.
count() {
    perf stat -x, -o "$WORK/perf" -e minor-faults "$@" >/dev/null 2>&1 || true
    awk -F, '$3 ~ /^minor-faults/ { print $1 }' "$WORK/perf"
}
for mode in private shared; do
    all=$(count "$BIN/cowfaults" "$pages" "$mode")
    parent=$(count --no-inherit "$BIN/cowfaults" "$pages" "$mode")
    printf '  %-8s parent and child %6s   parent %6s   child %6s\n' "$mode" "$all" "$parent" \
        "$((all - parent))"
done
why "Private: the parent's count holds $pages faults for filling the pages before" \
    "fork() and $pages more for writing them after it; the child's, $pages for its" \
    "copies. Shared: the parent has only the first $pages. The child's shared" \
    "pages were not in its page table at all (fork() copies no page table entries" \
    "of a shared mapping), so its reads fault, but each fault maps up to 16 pages" \
    "at once ('fault-around'): about $((pages / 16)) faults, not $pages. That is" \
    "why the tests grade no fault count of shared memory but the parent's 0." \
    "(As a user who is not root, perf counts only faults taken in user mode: ':u'.)"
