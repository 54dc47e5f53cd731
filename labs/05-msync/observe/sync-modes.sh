#!/usr/bin/env bash
# sync-modes.sh - MS_ASYNC, MS_SYNC, MS_INVALIDATE, fsync() and fdatasync() on a
# file whose every page is dirty: what each does to the dirty pages, and how long
# it takes. Run: labs/05-msync/observe/sync-modes.sh [PAGES] (default 4096, 16 MiB)
# (LABS=solutions for the reference). Measured, not graded: the numbers vary.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 05
pages=${1:-4096}
ps=$(getconf PAGESIZE)

fs=$(stat -f -c %T "$WORK")
if [[ $fs == tmpfs ]]; then
    wrap "!! $WORK is on tmpfs, which has no disk: nothing is ever written back, and" \
        "every mode below looks the same. Run with TMPDIR set to a directory on a" \
        "disk (TMPDIR=/var/tmp $0)."
fi
head -c $((pages * ps)) /dev/zero >data
sync data # start clean: nothing dirty
if ((EUID != 0)); then
    wrap "(Not root: the kpageflags column reads n/a. Run as root to see the PG_dirty bit itself.)"
fi

heading "syncmode data MODE: $pages pages stored into, then one call (tasks 3.1, 3.2)"
look "For each mode: how long the call took, and the dirty pages before and after" \
    "it by three sources (before = after all $pages stores). cachestat() counts the" \
    "file's dirty page cache pages; smaps this mapping's dirty page table entries;" \
    "kpageflags the PG_dirty bit of each page (root only). 'sync' is what writes" \
    "back and waits; look at what 'async' and 'invalidate' do."
printf '  %-10s %10s   %-17s %-17s %-17s\n' mode "took (us)" "page cache" "mapping" "kpageflags"
for mode in none async invalidate sync fsync fdatasync; do
    if ! "$BIN/syncmode" data "$mode" >"$WORK/out" 2>&1; then
        printf '  %-10s failed: %s\n' "$mode" "$(tail -n 1 "$WORK/out")"
        continue
    fi
    awk -v m="$mode" '
        /^call took:/ { took = $3 }
        /^  page cache/ { pc = $3 " -> " $4 }
        /^  mapping/ { mp = $2 " -> " $3 }
        /^  kpageflags/ { kp = $2 " -> " $3 }
        END { printf "  %-10s %10s   %-17s %-17s %-17s\n", m, took, pc, mp, kp }' "$WORK/out"
    if [[ $mode == sync ]] && awk '/^  page cache/ && $4 > 0 { bad = 1 } END { exit !bad }' "$WORK/out"; then
        wrap "!! pages still dirty after mode sync: is task 3.1 done?"
    fi
done
why "MS_ASYNC returns in a microsecond or two and leaves every page dirty: on Linux" \
    "(since 2.6.19, msync(2) says) it does nothing at all; the pages go to the disk when the" \
    "kernel's flusher threads get to them, as they would without any call." \
    "MS_INVALIDATE is as quick and changes nothing either: with one page cache" \
    "there is no stale copy to invalidate, and the stores stay (test 3.1 checks" \
    "the file). MS_SYNC writes the dirty pages back and waits: afterwards no page is" \
    "dirty, and the mapping's page table entries are clean (write-protected, so" \
    "the next store is noticed). fsync() and fdatasync() do the same for the whole" \
    "file; msync(MS_SYNC) is in fact fdatasync() of the mapped range."

heading "MS_INVALIDATE on locked pages: its one effect on Linux"
look "syncmode's mode 'locked' locks its mapping in memory with mlock(), then calls" \
    "msync(MS_INVALIDATE): the kernel refuses with EBUSY (a one-page file, well" \
    "under the limit of locked memory an ordinary user has, ulimit -l)."
head -c "$ps" /dev/zero >small
show_traced syncmode small locked
show_trace '^(mlock|msync)\(' "$RAW_TRACE"
why "mm/msync.c returns EBUSY for MS_INVALIDATE on a VM_LOCKED range, and does" \
    "nothing else for the flag. POSIX wants MS_SYNC or MS_ASYNC in the flags as" \
    "well; Linux accepts MS_INVALIDATE alone, and msync(2) warns that some" \
    "other systems refuse it."

heading "The whole machine: Dirty in /proc/meminfo"
look "After stores and MS_ASYNC, the machine's Dirty count holds this file's" \
    "$((pages * ps / 1024)) kB; after MS_SYNC it drops by about as much. Other" \
    "programs dirty and clean pages too: this is a rough view, not a measurement."
show_run syncmode data async
show_run dirtystat data
show_run syncmode data sync
show_run dirtystat data
