#!/usr/bin/env bash
# thp-cow.sh - copy-on-write of a transparent huge page: what one byte written
# into a 2 MiB page after fork() copies. Run: labs/03-copy-on-write/observe/thp-cow.sh
# (LABS=solutions for the reference; thpcow has no task, it is the same program).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 03
sys=/sys/kernel/mm/transparent_hugepage

heading "Is THP on? $sys/enabled"
look "The word in brackets is the mode: 'always' (every large enough anonymous" \
    "region), 'madvise' (only regions marked MADV_HUGEPAGE, as thpcow does) or" \
    "'never' (then thpcow gets small pages and this script shows nothing special)."
if [[ -r $sys/enabled ]]; then
    sed 's/^/  /' "$sys/enabled"
else
    wrap "(no $sys/enabled: this kernel has no transparent huge pages)"
fi

split() { awk '$1 == "thp_split_pmd" { print $2 }' /proc/vmstat; }
before=$(split)
heading "thpcow: fill 2 MiB, fork(), the child writes one byte, then every page"
look "'faults filling 2 MiB: 1' means one huge page. After fork() the child's one" \
    "byte costs one fault. Does it copy 2 MiB or 4 KiB? AnonHugePages tells: the" \
    "child's falls to 0 (its 2 MiB mapping was split into 512 small ones) and" \
    "1 of its 512 small pages is exclusive: one 4 KiB copy. The parent keeps its" \
    "huge page."
show_run thpcow
after=$(split)
if [[ -n $before && -n $after ]]; then
    why "/proc/vmstat thp_split_pmd went from $before to $after: the kernel split the" \
        "child's huge mapping (only the mapping: the huge page itself stays whole," \
        "shared with the parent). Since Linux 5.8, a write to a huge page that" \
        "fork() shared copies 4 KiB, not 2 MiB; the child then pays one fault per" \
        "small page it writes, 511 more, as if there had never been a huge page."
fi
