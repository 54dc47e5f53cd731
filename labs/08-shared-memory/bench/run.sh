#!/usr/bin/env bash
# bench/run.sh - lab 08's benchmark (make bench LAB=08): messages per second
# from one process to another through the ring in /dev/shm, the same ring in
# a MAP_SHARED file on the working directory's file system (ext4 here), a
# pipe and a Unix socket, at a few message sizes. Timing: never a test.
# Environment (tools/bench.sh sets it): BIN, OUT (the working directory), FIGURES.
# REPS (default 3) runs of each; COUNT64 (default 200000) messages of 64
# bytes, fewer for larger messages (the same bytes in all).
set -euo pipefail
: "${BIN:?run me with make bench LAB=08}" "${OUT:=$PWD}" "${FIGURES:?}"
reps=${REPS:-3} count64=${COUNT64:-200000}
sizes=(64 512 4096)
kinds=(ring-shm ring-file pipe socket)
cd "$OUT"
fs=$(df --output=fstype . | tail -n 1)
shm=/wb08bench-$$
trap 'rm -f "/dev/shm/${shm#/}" ring.file' EXIT

# run KIND SIZE COUNT : one ipcbench run; prints its messages per second.
run() {
    local out
    case $1 in
    ring-shm) out=$("$BIN/ipcbench" ring "$shm" "$3" "$2") ;;
    ring-file) out=$("$BIN/ipcbench" ring ring.file "$3" "$2") ;;
    *) out=$("$BIN/ipcbench" "$1" "$3" "$2") ;;
    esac
    awk '{ print $5 }' <<<"$out"
}

# stats V... : min median max of the values.
stats() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f %.0f %.0f\n", v[1], v[int((NR + 1) / 2)], v[NR] }'; }

printf 'lab 08: messages/s from one process to another (%s runs each; the file ring on %s)\n' "$reps" "$fs"
printf '%6s %-10s %12s %12s %12s %12s\n' size kind min median max "MB/s (med)"
{
    printf '# lab 08 bench: messages/s, median of %s runs; %s, %s, kernel %s, %s\n' \
        "$reps" "$(hostname)" "$(date -u +%Y-%m-%d)" "$(uname -r)" "file ring on $fs"
    printf '# size'
    printf ' %s' "${kinds[@]}"
    printf '\n'
} >ipc.dat
declare -A med
for size in "${sizes[@]}"; do
    count=$((count64 * 64 / size))
    ((count >= 5000)) || count=5000
    line="$size"
    for kind in "${kinds[@]}"; do
        vals=()
        for ((i = 0; i < reps; i++)); do vals+=("$(run "$kind" "$size" "$count")"); done
        read -r lo mid hi < <(stats "${vals[@]}")
        med[$kind,$size]=$mid
        printf '%6s %-10s %12s %12s %12s %12.1f\n' "$size" "$kind" "$lo" "$mid" "$hi" \
            "$(awk -v m="$mid" -v s="$size" 'BEGIN { print m * s / 1e6 }')"
        line+=" $mid"
    done
    printf '%s\n' "$line" >>ipc.dat
done

printf '\nratios of the medians, measured in this run:\n'
printf '%6s %16s %16s %16s\n' size ring-shm/pipe ring-shm/socket ring-file/ring-shm
for size in "${sizes[@]}"; do
    awk -v s="$size" -v r="${med[ring-shm,$size]}" -v f="${med[ring-file,$size]}" \
        -v p="${med[pipe,$size]}" -v u="${med[socket,$size]}" \
        'BEGIN { printf "%6s %15.1fx %15.1fx %15.2fx\n", s, r / p, r / u, f / r }'
done
printf '\nThe file ring survives its processes; the shm ring is gone (removed here):\n'
"$BIN/ringmk" ring.file 1024 72 >/dev/null
"$BIN/ringprod" ring.file 100 >/dev/null
stat -c '  %n: %s bytes, modified %y' ring.file
printf '  (its pages are dirty page cache; the kernel writes them back later)\n'
rm -f ring.file

if command -v gnuplot >/dev/null; then
    gnuplot "$FIGURES/ipc.gp" && printf '\nfigure: %s/ipc.svg\n' "$OUT"
else
    printf '\n(no gnuplot: make deps installs it; no figure)\n'
fi
