#!/usr/bin/env bash
# tools/soak.sh - the labs' tests on the solutions, many times, under load (make soak).
#
#   tools/soak.sh [N]        N runs (default 50); LAB=NN for one lab, LAB='01 02 03' for those
#
# Each run grades every lab (tools/check.sh, LABS=solutions), alternately as
# root and as an unprivileged user (uid WB_TEST_UID, 64999, when run as root;
# as yourself otherwise), while stress-ng (or, without it, busy loops) keeps
# every core busy (SOAK_LOAD=0: no load). Every test that ever failed is
# reported, with the runs it failed in and its first failure text; exit 0 only
# when none did. Results: build/soak/run-K/ (and failures.tsv). Not part of
# make test: each run grades every lab (make test's pass over the solutions
# takes about 2.5 minutes on an idle 2-core machine; the load slows it down),
# so 50 runs take hours; LAB= narrows it to the labs in question (on 2 cores
# under the load, LAB='01 02 03 05' took 105 s a run: 50 runs in 108 min).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
wb=tools/wb.py
n=${1:-50}
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "usage: tools/soak.sh [N]   (make soak N=50)" >&2; exit 2; }
out=$root/build/soak
rm -rf "$out" && mkdir -p "$out"

# The load: one CPU hog per core, in its own process group, ended on exit.
load=()
if [[ ${SOAK_LOAD:-1} != 0 ]]; then
    if command -v stress-ng >/dev/null; then
        setsid stress-ng --cpu "$(nproc)" --cpu-method matrixprod --quiet >/dev/null 2>&1 &
    else
        # shellcheck disable=SC2016 # expanded by the inner shell
        setsid bash -c 'for ((i = 0; i < $(nproc); i++)); do yes >/dev/null & done; wait' &
    fi
    load=("$!")
fi
# shellcheck disable=SC2317 # called by the trap
stop_load() { ((${#load[@]})) && kill -- -"${load[0]}" 2>/dev/null; true; }
trap stop_load EXIT
trap 'exit 130' INT TERM

uid=${WB_TEST_UID:-64999}
if ((EUID == 0)) && getent passwd "$uid" >/dev/null; then
    echo "soak: WB_TEST_UID=$uid belongs to a user; set it to a free uid" >&2; exit 2
fi
((EUID == 0)) || echo "soak: not root: every run is as $(id -un) (run as root to alternate)"
what=none
((${#load[@]} == 0)) || what="$(nproc) CPU hogs"
# Lab 09's oracle, built once for every run (each run has a build directory of its own).
export ANNOY_DIR=$root/build/annoy
tools/annoy-oracle.sh >/dev/null
read -ra labs <<<"${LAB:-}" # (LAB may be a list)
((${#labs[@]})) || labs=('')
for l in "${labs[@]}"; do
    [[ -z $l ]] || $wb lab "$l" >/dev/null || { echo "soak: LAB=$l: no such lab (see course.toml)" >&2; exit 2; }
done
echo "soak: $n runs of ${LAB:+lab(s) $LAB of }the solutions' tests, load: $what"
start=$SECONDS
for ((k = 1; k <= n; k++)); do
    run=$out/run-$k who=root as=()
    mkdir -p "$run/tmp"
    if ((EUID != 0)); then
        who=$(id -un)
    elif ((k % 2 == 0)); then
        who="uid $uid" as=(setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$run")
        mkdir -p "$out/klab-cache" && chown "$uid:$uid" "$run" "$run/tmp" "$out/klab-cache"
    fi
    for l in "${labs[@]}"; do
        "${as[@]}" env TMPDIR="$run/tmp" LAB="$l" LABS=solutions BUILD="$run/build" RESULTS="$run/results" \
            KLAB_CACHE="$out/klab-cache" tools/check.sh >>"$run/check.txt" 2>&1 || true
    done
    bad=0
    for json in "$run"/results/*.json; do
        while IFS=$'\t' read -r status _ _ _ name; do
            [[ $status == pass ]] && continue
            printf '%s\t%s\t%s\t%s\n' "$k" "$who" "$(basename "$json" .json)" "$name" >>"$out/failures.tsv"
            bad=$((bad + 1))
        done < <($wb results "$json")
    done
    printf 'soak: run %d of %d as %s: %d failed (%d s so far)\n' "$k" "$n" "$who" "$bad" $((SECONDS - start))
    rm -rf "$run/build" "$run/tmp"
done

if [[ ! -s $out/failures.tsv ]]; then
    echo "soak: $n runs, no test ever failed ($(( (SECONDS - start) / 60 )) min)"
    exit 0
fi
echo "soak: tests that failed (runs, as whom):"
cut -f3,4 "$out/failures.tsv" | sort | uniq -c | sort -rn | while read -r count lab name; do
    runs=$(awk -F'\t' -v l="$lab" -v t="$name" '$3 == l && $4 == t { printf "%s%s (%s)", s, $1, $2; s = ", " }' "$out/failures.tsv")
    printf '  %3d x %s: %s\n      runs %s\n' "$count" "$lab" "$name" "$runs"
    first=$(awk -F'\t' -v l="$lab" -v t="$name" '$3 == l && $4 == t { print $1; exit }' "$out/failures.tsv")
    $wb output "$out/run-$first/results/$lab.json" "$name" | head -n 6 | sed 's/^/      | /'
done
exit 1
