#!/usr/bin/env bash
# overcommit.sh - map more anonymous memory than the machine has: what the
# kernel answers under its overcommit policy, with and without MAP_NORESERVE,
# and what touching the memory costs. Observation only: nothing here is graded,
# and the script changes no setting of the machine.
# Run: labs/04-malloc-threshold/observe/overcommit.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 04
policy=$(cat /proc/sys/vm/overcommit_memory)

heading "overcommit PERCENT: PERCENT % of MemTotal + SwapTotal, never touched"
look "vm.overcommit_memory is $policy on this machine. Under policy 0 (heuristic)" \
    "the kernel refuses a mapping larger than all of RAM and swap: does 110 % fail" \
    "and 90 % succeed? Committed_AS (the memory the system has promised) grows by" \
    "the mapping's size at mmap() time, though no page is used yet. Does it stop" \
    "at CommitLimit? (Only policy 2 enforces that limit.)"
for pct in 50 90 110 200; do
    show_run overcommit "$pct"
done

heading "overcommit 200 noreserve: MAP_NORESERVE"
look "The same 200 % with MAP_NORESERVE: under policies 0 and 1 the kernel keeps" \
    "no account of it (Committed_AS does not move) and the mapping succeeds; under" \
    "policy 2 MAP_NORESERVE is ignored and it fails as before."
show_run overcommit 200 noreserve

heading "overcommit 200 noreserve touch=64: touching is what costs"
look "Now 64 MiB of that mapping are written, one byte a page: each first write" \
    "is a page fault that brings in a zeroed page, and the resident set grows by" \
    "64 MiB. The other pages still cost nothing."
show_run overcommit 200 noreserve touch=64
why "A mapping is a promise, not memory. Whether the kernel makes the promise" \
    "depends on vm.overcommit_memory (0 heuristic, 1 always, 2 strict: the" \
    "CommitLimit line); memory is taken page by page when touched. A program" \
    "that went on to touch all 200 % would run out of memory long before the" \
    "end, and under policies 0 and 1 the kernel's OOM killer then picks a process" \
    "to end (not tried here, for good reason). As root, on a machine of your own," \
    "try sysctl vm.overcommit_memory=1 and =2 and run this script again (then" \
    "set it back to $policy)."
