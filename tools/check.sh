#!/usr/bin/env bash
# tools/check.sh - build and grade the labs, print each test, points and progress.
#
#   tools/check.sh         (make check)   environment: LABS, LAB, BUILD, VERBOSE,
#                          CHECK_JOBS (2: two bats processes per lab; 1: one)
#
# For each lab of course.toml (or only LAB), runs tests/NN-topic.bats against
# the LABS tree (labs/ by default) and prints one line per test with its points,
# the failure messages of the next task to work on (of every failing test with
# VERBOSE=1), the points per lab and a progress summary with the hint from
# course.toml. Each lab's results go to $RESULTS/NN-topic.json (and its TAP to
# NN-topic.tap; RESULTS defaults to $BUILD/results), joined by tools/wb.py.
# Exit 0 only if every test passed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
wb=tools/wb.py
export LABS=${LABS:-labs} BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
[[ -d $LABS ]] || { echo "check: LABS=$LABS: no such directory" >&2; exit 2; }
BUILD=$($wb build-dir "$LABS") && export BUILD
results=${RESULTS:-$BUILD/results}
mkdir -p "$results"

if [[ -n ${LAB:-} ]]; then
    lablist=$($wb lab "$LAB" 2>/dev/null) || { echo "check: LAB=$LAB: no such lab (see course.toml)" >&2; exit 2; }
else
    lablist=$($wb labs)
fi

# run_bats ID FILE TAP: run the tests of FILE into TAP. With CHECK_JOBS=2 (the
# default) two bats processes run every other test each, one per core, which
# halves the wall time (bats spends ~20 ms per test of its own). The lab is
# built first so that the two do not build it at once. A lab that runs in the
# VM boots one VM for all its tests: it runs whole.
run_bats() {
    local names
    if [[ ${CHECK_JOBS:-2} == 1 || $($wb get "$1" vm) == true ]]; then
        timeout -k 5 600 bats --tap "$2" >"$3" 2>&1 || true
        return
    fi
    make -s build LAB="$1" >/dev/null 2>&1 || true # a compile error is reported by the tests
    # shellcheck disable=SC2016 # a sed script, not an expansion
    names=$($wb tests "$2" | cut -f1 | sed 's/[][\.*^$()+?{}|/]/\\&/g')
    timeout -k 5 600 bats --tap -f "^($(awk 'NR % 2' <<<"$names" | paste -sd'|'))\$" "$2" >"$3.1" 2>&1 &
    timeout -k 5 600 bats --tap -f "^($(awk 'NR % 2 == 0' <<<"$names" | paste -sd'|'))\$" "$2" >"$3.2" 2>&1 &
    wait || true
    cat "$3.1" "$3.2" >"$3" && rm -f "$3.1" "$3.2"
}

jsons=()
while IFS=$'\t' read -r id dir title; do
    printf '\nLab %s  %s\n' "$id" "$title"
    json=$results/$dir.json
    rm -f "$json"
    if [[ ! -d $($wb tree "$id" "$LABS") ]]; then
        printf '  (no %s: nothing to grade)\n' "$($wb tree "$id" "$LABS")"
    elif [[ ! -f tests/$dir.bats ]]; then
        echo "  (no tests/$dir.bats yet)"
    else
        run_bats "$id" "tests/$dir.bats" "$results/$dir.tap"
        # A test missing from the TAP (bats crashed or timed out) counts as failed.
        $wb join "$id" "$results/$dir.tap" "tests/$dir.bats" "$json"
        $wb show "$json" ${VERBOSE:+-v}
        jsons+=("$json")
    fi
done <<<"$lablist"

# Progress over the labs graded, and the next thing to do.
$wb progress "$LABS" "${jsons[@]}"
