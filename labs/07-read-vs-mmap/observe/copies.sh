#!/usr/bin/env bash
# copies.sh - copy a file four ways and compare what the kernel counted:
# rchar, wchar, the read-like and write-like calls, the faults. Task 4.
# Run: labs/07-read-vs-mmap/observe/copies.sh [MIB] (default 16)
# (LABS=solutions for the reference). Measured, not graded.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
obs_setup 07
need strace
mib=${1:-16}
head -c $((mib << 20)) /dev/urandom >data
cat data >/dev/null

heading "fcopy data copy METHOD: what was counted ($mib MiB)"
look "rchar and wchar, the calls (syscr, syscw), minor faults, and whether the copy is right."
printf '  %-10s %10s %10s %7s %7s %7s  %s\n' method rchar wchar syscr syscw minflt copy
for m in "rw 65536" mmap cfr sendfile; do
    # shellcheck disable=SC2086 # "rw 65536" is two arguments
    if ! "$BIN/fcopy" data copy $m >"$WORK/out" 2>&1; then
        printf '  %-10s failed: %s\n' "${m%% *}" "$(tail -n 1 "$WORK/out")"
        continue
    fi
    ok=$(cmp -s data copy && echo same || echo DIFFERENT)
    awk -v m="${m%% *}" -v ok="$ok" '$1 ~ /:$/ { v[substr($1, 1, length($1) - 1)] = $2 }
        END { printf "  %-10s %10s %10s %7s %7s %7s  %s\n", m, v["rchar"], v["wchar"],
              v["syscr"], v["syscw"], v["minflt"], ok }' "$WORK/out"
done
why "rchar and wchar count the bytes that passed through read-like and" \
    "write-like system calls, not the bytes a CPU copied. rw: each byte copied" \
    "twice by the CPU (page cache to buffer, buffer to the new file's page" \
    "cache), and both counters say so. mmap: rchar 0, the one copy is write()'s," \
    "from the mapped page cache pages. cfr and sendfile: rchar and wchar both" \
    "count the size, yet the bytes never enter the process: the kernel copies" \
    "page cache to page cache once (splice), in a handful of calls; on a file" \
    "system with reflinks (btrfs, XFS) copy_file_range copies no data at all."

heading "The calls of each method"
for m in "rw 65536" mmap cfr sendfile; do
    # shellcheck disable=SC2086
    show_traced fcopy data copy $m >/dev/null
    printf '  fcopy %s:\n' "$m"
    show_trace '^(read|write|mmap|copy_file_range|sendfile)\((3|4)|^mmap\(NULL, [0-9]+, PROT_READ, MAP_PRIVATE, 3' |
        awk '{ l = $0; sub(/^  \| /, "", l); c = substr(l, 1, index(l, "(") - 1)
               if (++n[c] <= 2) print; else if (n[c] == 3) print "  | ..." }'
done
why "rw makes two calls for every 64 KiB; mmap one mmap() and one write() of" \
    "the whole file (write() may return less: write_all loops); the zero-copy" \
    "paths one call, or a few, each as large as the file."
