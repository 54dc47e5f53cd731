#!/usr/bin/env bash
# crash-verdicts.sh - the data of crash-verdicts.svg: the crash replay (crashlab,
# as make check LAB=10 runs it) of the reference rstore.c as it is (msync with
# MS_SYNC), with MS_ASYNC instead, and with no msync() at all: how many crash
# points of each verdict. It boots a VM three times (minutes without KVM), so it
# runs only with FIGURES_VM=1 (FIGURES_VM=1 FIGURE_TIMEOUT=900 make book).
# Run by tools/figures.sh; writes crash-verdicts.dat: variant OK LOST-COMMIT TORN-RECORD UNOPENABLE
set -euo pipefail
[[ ${FIGURES_VM:-} == 1 ]] ||
    { echo "it replays crashes in a VM: build with FIGURES_VM=1, or run labs/10-crash-replay/observe/replay.sh" >&2; exit 1; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
src=$root/solutions/10-crash-replay/rstore.c
[[ -f $src ]] || { echo "no reference solution in this tree" >&2; exit 1; }
echo "# variant OK LOST-COMMIT TORN-RECORD UNOPENABLE: crash points of each verdict" >crash-verdicts.dat
for variant in MS_SYNC MS_ASYNC none; do
    mkdir -p "$variant"
    case $variant in
    MS_SYNC) cp "$src" "$variant/rstore.c" ;;
    MS_ASYNC) sed 's/MS_SYNC)/MS_ASYNC)/' "$src" >"$variant/rstore.c" ;;
    none) sed 's/if (msync(/if (0 \&\& msync(/' "$src" >"$variant/rstore.c" ;;
    esac
    KLAB_QUIET=1 KLAB_OUT=$PWD/$variant/out "$root/kernel-lab/vm/crashlab" run "$variant/rstore.c" >/dev/null 2>&1 || true
    awk -F'\t' -v v="$variant" '/^point / { n[$4]++ }
        END { if (!length(n)) exit 1; print v, n["OK"] + 0, n["LOST-COMMIT"] + 0, n["TORN-RECORD"] + 0, n["UNOPENABLE"] + 0 }' \
        "$variant/out/points" >>crash-verdicts.dat || { echo "the crash replay of the $variant variant gave no crash points" >&2; exit 1; }
done
