#!/usr/bin/env bash
# smaps-fork.sh - Shared_Dirty and Private_Dirty around a fork(): of one
# region (cowsmaps) and of a whole process (smaps_rollup of this very shell).
# Run: labs/03-copy-on-write/observe/smaps-fork.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 03

heading "cowsmaps 256 64: one region of 256 pages, the child writes 64 (tasks 4.1, 4.2)"
look "'Shared' and 'Private' in smaps count processes, not flags: a page is shared" \
    "when more than one process maps it. All 1024 kB of this MAP_PRIVATE region turn" \
    "Shared_Dirty at fork(); after the child's 64 writes, 256 kB are private in" \
    "each process (the child's copies, the parent's originals). Pss divides each" \
    "page among the processes that map it."
show_run cowsmaps 256 64
expect_success 4.1

heading "The whole process: /proc/PID/smaps_rollup of this script's bash"
look "The same four figures summed over every mapping of a process: this shell," \
    "before and during a ( subshell ), which is a fork() of it. (mapfile reads the" \
    "file without starting a process: another fork() would blur the picture.)"
# rollup PID: the four lines of /proc/PID/smaps_rollup, read by the shell itself.
rollup() {
    local lines line
    mapfile -t lines <"/proc/$1/smaps_rollup"
    for line in "${lines[@]}"; do
        case $line in Rss:* | Pss:* | Shared_Dirty:* | Private_Dirty:*) printf '    %s\n' "$line" ;; esac
    done
}
wrap "bash $$, before:"
rollup $$
(
    me=$BASHPID
    wrap "the subshell $me, a fork() of it:"
    rollup "$me"
    wrap "bash $$ again, while the subshell lives:"
    rollup $$
)
why "At the fork() bash's dirty memory turned from Private_Dirty into" \
    "Shared_Dirty, in both processes at once, and Pss fell: nothing was copied." \
    "Some stays private: the pages each one has written since (the subshell has" \
    "already run a little). The subshell's Rss is smaller than its parent's:" \
    "fork() does not copy the page table entries of file mappings (bash's and" \
    "libc's code), it lets the child fault them in again when it uses them. The" \
    "rollup mixes every mapping, so it is for looking, not for grading: cowsmaps" \
    "picks its own region out of /proc/self/smaps by address."
