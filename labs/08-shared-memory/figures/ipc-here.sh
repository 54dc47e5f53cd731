#!/usr/bin/env bash
# ipc-here.sh - the data of ipc-here.svg: messages per second from one process to
# another through the ring in /dev/shm, the same ring in a file in the build
# directory, a pipe and a Unix socket (ipcbench), one short run of each: the
# chapter's benchmark (make bench LAB=08) in small. Run by tools/figures.sh (BIN
# set); writes ipc-here.dat: size ring-shm ring-file pipe socket
set -euo pipefail
shm=/wb08fig-$$
trap 'rm -f "/dev/shm/${shm#/}" ring.file' EXIT
echo "# size ring-shm ring-file pipe socket: messages/s, one run of 20000 64-byte messages (the same bytes at other sizes)" >ipc-here.dat
for size in 64 512 4096; do
    count=$((20000 * 64 / size))
    ((count >= 2000)) || count=2000
    line=$size
    for kind in ring-shm ring-file pipe socket; do
        case $kind in
        ring-shm) rate=$("$BIN/ipcbench" ring "$shm" "$count" "$size") ;;
        ring-file) rate=$("$BIN/ipcbench" ring ring.file "$count" "$size") ;;
        *) rate=$("$BIN/ipcbench" "$kind" "$count" "$size") ;;
        esac
        rm -f "/dev/shm/${shm#/}" ring.file
        line+=" $(awk '{ print $5 }' <<<"$rate")"
    done
    echo "$line" >>ipc-here.dat
done
