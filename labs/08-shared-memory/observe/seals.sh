#!/usr/bin/env bash
# seals.sh - a memfd handed to another process: sealed, the sender can no
# longer shrink or change it; unsealed, shrinking it makes the receiver's
# mapping fault with SIGBUS. Run: labs/08-shared-memory/observe/seals.sh
# (LABS=solutions for the reference).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 08

# pair "SENDER OPTIONS" "RECEIVER OPTIONS": run both, show both outputs.
pair() {
    rm -f sock ready
    mkfifo ready
    # shellcheck disable=SC2086 # options are words
    strace -qq -o send.trace -e trace=memfd_create,fcntl,ftruncate,pwrite64 \
        "$BIN/sealsend" sock 4 $1 >ready 2>&1 &
    local job=$!
    exec 5<ready
    local line=""
    read -r line <&5 || true
    printf '  %s\n' "$line"
    # shellcheck disable=SC2086 # options are words
    show_run sealrecv sock $2
    sed 's/^/  /' <&5 || true
    exec 5<&-
    wait "$job" || true
    look "sealsend's own calls (strace): the seals it asked for, and what the kernel said:"
    sed 's/^/  | /' send.trace
}

heading "sealed: sealsend sock 4 --shrink; sealrecv sock"
look "The receiver lists the seals, maps the memfd (its writable mapping is" \
    "refused: F_SEAL_WRITE), and reads every page. The sender's pwrite() and" \
    "ftruncate() come back with EPERM: the seals bind the sender too."
pair "--shrink" ""

heading "not sealed, and trusted: sealsend --no-seal --shrink; sealrecv --trust"
look "Now the sender shrinks the memfd to 0 bytes after the receiver mapped it." \
    "The receiver's next read of the mapping faults: SIGBUS with si_code" \
    "BUS_ADRERR at byte 0 (exit status 135)."
pair "--no-seal --shrink" "--trust"

heading "not sealed, checked: sealsend --no-seal --shrink; sealrecv"
look "The receiver asks F_GET_SEALS first and refuses the memfd: no mapping, no SIGBUS."
pair "--no-seal --shrink" ""
why "A mapping trusts the size of its file at every access, not only at mmap()" \
    "time. Between processes that do not trust each other, only a seal makes the" \
    "size (F_SEAL_SHRINK, F_SEAL_GROW) and the bytes (F_SEAL_WRITE) stop" \
    "changing; F_SEAL_SEAL keeps anyone from changing the seals. Check them with" \
    "F_GET_SEALS before believing fstat(), or handle SIGBUS."
