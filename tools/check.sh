#!/usr/bin/env bash
# tools/check.sh - build and grade the labs, print each test, points and progress.
#
#   tools/check.sh         (make check)   environment: LABS, LAB, TASK, BUILD, VERBOSE,
#                          CHECK_JOBS (2: two bats processes per lab; 1: one)
#
# TASK=2.1 checks only that task's tests (in LAB, or in the only lab that has a
# task 2.1, or else in the lab the student is on: the first whose last results
# fail) and prints them, the lab's points with the other tests' last results,
# and the progress. With REST=1 (make watch) it checks the lab's other tests.
# Every check that leaves a task failing counts one failed check of it (in
# $BUILD/tries.json): after three, its second hint shows.
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
wb() { tools/wb.py "$@"; } # (Debian's /usr/bin/python3: see its first line)
wb=wb
export LABS=${LABS:-labs} BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
[[ -d $LABS ]] || { echo "check: LABS=$LABS: no such directory" >&2; exit 2; }
BUILD=$($wb build-dir "$LABS") && export BUILD
results=${RESULTS:-$BUILD/results}
mkdir -p "$results"
task=${TASK:-}

if [[ -n $task ]]; then
    [[ $task =~ ^[0-9]+\.[0-9]+$ ]] || { echo "check: TASK=$task: a task id is N.M, like 2.1 (tools/wb.py tasks lists them)" >&2; exit 2; }
    if [[ -n ${LAB:-} ]]; then
        $wb lab "$LAB" >/dev/null 2>&1 || { echo "check: LAB=$LAB: no such lab (see course.toml)" >&2; exit 2; }
        $wb task-labs "$task" "$LAB" >/dev/null 2>&1 || {
            echo "check: lab $LAB has no task $task; its tasks: $($wb tasks "$LAB" | cut -f2 | paste -sd' ')" >&2; exit 2; }
    else
        have=$($wb task-labs "$task" 2>/dev/null) || { echo "check: TASK=$task: no lab has a task $task (tools/wb.py tasks lists them)" >&2; exit 2; }
        if [[ $have == *$'\n'* ]]; then # task ids repeat across labs: the one the student is on
            cur=$($wb current "$LABS" "$results" | cut -f1) || cur=
            if [[ -n $cur ]] && grep -qx "$cur" <<<"$have"; then
                have=$cur
            else
                echo "check: task $task is in labs $(paste -sd' ' <<<"$have"); say which: make check LAB=NN TASK=$task" >&2
                exit 2
            fi
        fi
        LAB=$have
    fi
elif [[ -n ${REST:-} ]]; then
    echo "check: REST=1 needs a TASK" >&2; exit 2
fi
if [[ -n ${LAB:-} ]]; then
    lablist=$($wb lab "$LAB" 2>/dev/null) || { echo "check: LAB=$LAB: no such lab (see course.toml)" >&2; exit 2; }
else
    lablist=$($wb labs)
fi
sel=()
[[ -z $task ]] || if [[ -n ${REST:-} ]]; then sel=(--other "$task"); else sel=(--task "$task"); fi

# run_bats ID FILE TAP: run the tests of FILE (those of $sel) into TAP. Eight
# tests or more run in two bats processes, every other test each, one per
# core, which halves the wall time (bats spends ~20 ms per test of its own);
# fewer, or CHECK_JOBS=1, in one. The lab is built first, once, each program on
# its own (make -k: one that does not compile fails only the tests that run it,
# with the compiler's first error); the bats processes use that build (WB_BUILT)
# rather than each running make. A lab that runs in the VM boots one VM for all
# its tests: it runs whole.
run_bats() {
    local names n
    if [[ $($wb get "$1" vm) == true ]]; then
        timeout -k 5 600 bats --tap "$2" >"$3" 2>&1 || true
        return
    fi
    make -s -k build LAB="$1" >/dev/null 2>&1 || true
    export WB_BUILT=1
    # shellcheck disable=SC2016 # a sed script, not an expansion
    names=$($wb tests "$2" "${sel[@]}" | cut -f1 | sed 's/[][\.*^$()+?{}|/]/\\&/g')
    n=$(grep -c . <<<"$names") || n=0
    if ((n == 0)); then
        echo "1..0" >"$3"
    elif [[ ${CHECK_JOBS:-2} == 1 || $n -lt 8 ]]; then
        if [[ ${#sel[@]} == 0 ]]; then
            timeout -k 5 600 bats --tap "$2" >"$3" 2>&1 || true
        else
            timeout -k 5 600 bats --tap -f "^($(paste -sd'|' <<<"$names"))\$" "$2" >"$3" 2>&1 || true
        fi
    else
        timeout -k 5 600 bats --tap -f "^($(awk 'NR % 2' <<<"$names" | paste -sd'|'))\$" "$2" >"$3.1" 2>&1 &
        timeout -k 5 600 bats --tap -f "^($(awk 'NR % 2 == 0' <<<"$names" | paste -sd'|'))\$" "$2" >"$3.2" 2>&1 &
        wait || true
        cat "$3.1" "$3.2" >"$3" && rm -f "$3.1" "$3.2"
    fi
    unset WB_BUILT
}

jsons=()
while IFS=$'\t' read -r id dir title; do
    printf '\nLab %s  %s\n' "$id" "$title"
    json=$results/$dir.json
    [[ -n $task ]] || rm -f "$json"
    if [[ ! -d $($wb tree "$id" "$LABS") ]]; then
        printf '  (no %s: nothing to grade)\n' "$($wb tree "$id" "$LABS")"
    elif [[ ! -f tests/$dir.bats ]]; then
        echo "  (no tests/$dir.bats yet)"
    else
        run_bats "$id" "tests/$dir.bats" "$results/$dir.tap"
        # A test missing from the TAP (bats crashed or timed out) counts as failed.
        # One task's run (or the rest of the lab) takes the other results from the last run.
        $wb join "$id" "$results/$dir.tap" "tests/$dir.bats" "$json" "${sel[@]}" ${task:+--merge}
        if [[ -n $task && -z ${REST:-} ]]; then
            $wb show "$json" --task "$task" ${VERBOSE:+-v}
        else
            $wb show "$json" ${VERBOSE:+-v}
        fi
        jsons+=("$json")
    fi
done <<<"$lablist"

# Progress over the labs graded, and the next thing to do (one more failed
# check of it, for its second hint).
# (The rest of a lab, after its task's run in make watch, is not one more check.)
count=--count
[[ -z ${REST:-} ]] || count=
if [[ -z $task ]]; then
    $wb progress --tries "$BUILD/tries.json" $count "$LABS" "${jsons[@]}"
else
    # Exit 0 when the tests checked (the task's, or the rest of the lab's) pass.
    $wb progress --task "$task" --tries "$BUILD/tries.json" $count "$LABS" "${jsons[@]}" || true
    $wb results "${jsons[@]}" | awk -F'\t' -v t="$task" -v rest="${REST:-}" \
        '$1 != "pass" && (rest == "" ? $2 == t : $2 != t) { bad = 1 } END { exit bad }'
fi
