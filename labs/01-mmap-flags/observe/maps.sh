#!/usr/bin/env bash
# maps.sh - what the lines of /proc/PID/maps say: which have inode 0, what
# shared anonymous memory looks like, and a flag of the dynamic loader's mmap()
# calls that the kernel ignores, MAP_DENYWRITE.
# Run: labs/01-mmap-flags/observe/maps.sh (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace python3 gcc
obs_setup 01

heading "cat /proc/self/maps: the lines with inode 0"
look "The fifth field is the inode. These lines have 0 there: the heap, the stack," \
    "lines with no name (private anonymous memory: a program's zeroed data," \
    "malloc()'s big blocks), and the kernel's own [vvar] and [vdso] pages, which are no" \
    "anonymous memory at all but code and data the kernel maps into every process."
awk '$5 == 0' /proc/self/maps | sed 's/^/  /'

heading "MAP_SHARED|MAP_ANONYMOUS: a line with a name and an inode"
look "python3's mmap.mmap(-1, 4096) is a shared anonymous mapping (the module's" \
    "default flags are MAP_SHARED). Its line in /proc/self/maps: 'rw-s', and a name."
# shellcheck disable=SC2016 # Python code
python3 -c 'import mmap
m = mmap.mmap(-1, 4096)
print("".join(l for l in open("/proc/self/maps") if "/dev/zero" in l), end="")' | sed 's/^/  /'
why "Shared anonymous memory is a file of the kernel's own (on an internal tmpfs)," \
    "named '/dev/zero (deleted)', with an inode that is not 0: both processes of" \
    "a fork() map that one file (lab 08, test 1.3, checks the inode). So 'inode 0' is neither all anonymous memory nor" \
    "only anonymous memory: read the 'p' or 's' and the name too."

heading "MAP_DENYWRITE: in every program's trace, and ignored"
printf 'int wb_nothing;\n' | gcc -shared -fPIC -x c -o libnothing.so -
seq 1 10 >data
look "The dynamic loader maps each library with MAP_DENYWRITE, which once (Linux" \
    "2.0) made writing to a mapped library fail with ETXTBSY. Here libnothing.so," \
    "a tiny library, is held open for writing (descriptor 3 of this script) while" \
    "mcat loads it (LD_PRELOAD): the loader's mmap() calls with MAP_DENYWRITE succeed."
exec 3>>libnothing.so
OBS_LINES=1 LD_PRELOAD=$WORK/libnothing.so show_traced mcat data
exec 3>&-
# (The loader's part of the trace, which show_trace leaves out.)
sed -n '/^openat(.*libnothing/,/^close(/p' "$TRACE" | grep -E '^(openat|mmap)' | sed 's/^/  | /'
if ! grep -q 'MAP_DENYWRITE' "$TRACE"; then wrap "(no MAP_DENYWRITE in this trace: a newer loader?)"; fi
why "mmap(2): 'This flag is ignored.' glibc's loader still passes it, strace still" \
    "names it, and the kernel drops it: a library can be written while it is" \
    "mapped (so replace a library with a new file, never by writing over it)."
