#!/usr/bin/env bash
# sync-modes.sh - the data of sync-modes.svg: syncmode (tasks 3.1, 3.2) on a file of
# 1024 dirty pages, once per mode: how long the call took, the dirty pages before
# and after it (cachestat(): the file's page cache). Needs a disk file system.
# Run by tools/figures.sh (BIN set); writes sync-modes.dat: mode took_us before after
set -euo pipefail
[[ $(stat -f -c %T .) != tmpfs ]] || { echo "the build directory is on tmpfs: nothing to write back" >&2; exit 1; }
trap 'rm -f data' EXIT
echo "# mode took_us dirty_before dirty_after (page cache); one run each, $(uname -r), $(stat -f -c %T .)" >sync-modes.dat
for mode in none async invalidate sync fsync fdatasync; do
    head -c $((1024 * $(getconf PAGESIZE))) /dev/zero >data
    sync data
    "$BIN/syncmode" data "$mode" | awk -v m="$mode" '
        /^call took:/ { t = $3 } /^  page cache/ { b = $3; a = $4 } END { print m, t, b, a }' >>sync-modes.dat
done
awk '$1 == "sync" && $4 != 0 { print "pages still dirty after msync(MS_SYNC): is task 3.1 done?" > "/dev/stderr"; exit 1 }' sync-modes.dat
