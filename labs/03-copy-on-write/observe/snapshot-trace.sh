#!/usr/bin/env bash
# snapshot-trace.sh - strace -f of the background save: who does what, in
# which order. Run: labs/03-copy-on-write/observe/snapshot-trace.sh (LABS=solutions
# for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 03

heading "snapshot snap.db 64 100 1 under strace -f (task 5.1)"
look "Each line starts with the pid of the process that made the call. The" \
    "parent clone()s (fork() is clone() underneath); the child opens snap.db and" \
    "writes the first half of the table; the parent, meanwhile, makes its 100" \
    "updates (no system calls: plain stores, each first store to a page a fault)" \
    "and then writes one byte '!' into the pipe; the child reads it and writes the" \
    "second half; only then does the parent's wait4() return."
STATUS=0
strace -f -qq -o "$WORK/trace" -e trace=clone,clone3,fork,vfork,openat,write,read,wait4,exit_group \
    "$BIN/snapshot" snap.db 64 100 1 >"$WORK/out" 2>&1 || STATUS=$?
print_out
expect_success 5.1
main=$(awk 'NR == 1 { print $1 }' "$WORK/trace")
grep -E '(clone|clone3|fork)\(|"snap\.db"|write\([0-9]+, "(rec|!)|read\([0-9]+, "!"|wait4|exit_group' "$WORK/trace" |
    sed -E 's/(write\([0-9]+, "rec[^"]*")\.\.\./\1.../; s/^/  | /' | cut -c1-110
why "The parent ($main) never waits for the save: its only wait4() comes after its" \
    "updates. Yet the child's second write(), made after those updates, still" \
    "holds version 000000 everywhere: the child reads its own view of the table," \
    "frozen at the fork(). Check it: grep -c 'ver 000000' on the snapshot gives" \
    "every record; the parent's table had 100 updates by then."
if [[ -f snap.db ]]; then
    wrap "$(grep -c 'ver 000000' snap.db) of $(wc -l <snap.db) records of snap.db are at version 000000."
fi
