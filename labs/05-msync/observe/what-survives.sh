#!/usr/bin/env bash
# what-survives.sh - a process killed with SIGKILL right after storing through a
# mapping loses nothing: the page cache has the bytes. Only a crash of the whole
# machine, before writeback, would lose them.
# Run: labs/05-msync/observe/what-survives.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need od
obs_setup 05

head -c 8192 /dev/zero | tr '\0' . >data
sync data

heading "killstore data 5000 SURVIVOR, then kill -KILL (task 4.1)"
look "killstore stores SURVIVOR at byte 5000 through its mapping, says so on a" \
    "pipe, and waits. The script reads that line and kills it with SIGKILL: no" \
    "handler, no exit(), no munmap(), no msync(). Exit status 137 = 128 + 9."
mkfifo ready
"$BIN/killstore" data 5000 SURVIVOR >ready &
job=$!
line=""
read -r line <ready || true
printf '  %s\n' "${line:-(killstore printed nothing)}"
pid=${line#killstore }
pid=${pid%%:*}
if [[ $pid =~ ^[0-9]+$ ]]; then kill -KILL "$pid"; fi
status=0
{ wait "$job"; } 2>/dev/null || status=$? # (braces: no "Killed" notice from bash)
wrap "exit status: $status"

look "The file's bytes 4992 to 5015, read by od after the process is dead:"
od -A d -c -j 4992 -N 24 data | sed 's/^/  /'
if [[ $(tail -c +5001 data | head -c 8) != SURVIVOR ]]; then
    wrap "!! no SURVIVOR in the file: task 4.1 is probably not done yet."
fi

look "Is it on the disk yet? dirtystat asks cachestat() for the file's dirty pages:" \
    "any dirty page means bytes that are in memory only. (One 8-byte store may" \
    "dirty 2 pages: the page cache tracks dirtiness per folio, and a file written" \
    "with one 8 KiB write() may sit in one 8 KiB folio.) A power cut now would lose" \
    "them; the kernel writes them back within about 30 s (vm.dirty_expire_centisecs" \
    "= $(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo '?'))," \
    "or at once when someone asks, as 'sync data' does here."
show_run dirtystat data
sync data
printf '$ sync data\n'
show_run dirtystat data

why "The page cache belongs to the kernel, not to the process. A store through a" \
    "shared mapping puts the bytes there at once; when the process dies, however" \
    "it dies, its mapping goes away but the page stays, dirty, and the kernel" \
    "writes it back in its own time. So msync() protects against one thing only:" \
    "the machine stopping (power cut, kernel panic, reset) before writeback. For" \
    "that case nothing but MS_SYNC, fsync() or fdatasync() (and a disk that" \
    "honours the flush) will do; for a crash of your program, nothing is needed."
