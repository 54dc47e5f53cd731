#!/usr/bin/env bats
# Tests of where instructors grade at scale, each on lab 01 only (quick): GitHub
# Classroom's workflow (make classroom), PrairieLearn's entry point
# (tools/prairielearn.sh), grade-class's analytics and the cache of graded labs.
# (Gradescope's autograder grades every lab: tests/tools/grader.bats.)

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
    export ROOT T GRADE_WORK GRADE_CACHE LAB=01
    # Sandboxes whose uids are not grader.bats' (make test-long runs the two side
    # by side, and grader.bats checks that none of its uids runs anything once graded).
    export GRADE_UID_BASE=62000
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    T=$BATS_FILE_TMPDIR
    mkdir -p "$ROOT/build"
    GRADE_WORK=$(mktemp -d "$ROOT/build/platforms-test.XXXXXX")
    GRADE_CACHE=$T/cache
    # Lab 01's files: the solution's and the starter's.
    mkdir -p "$T/sol/labs/01-mmap-flags" "$T/starter/labs/01-mmap-flags"
    cp "$ROOT"/solutions/01-mmap-flags/*.c "$T/sol/labs/01-mmap-flags/"
    cp "$ROOT"/labs/01-mmap-flags/*.c "$T/starter/labs/01-mmap-flags/"
}

teardown_file() {
    rm -rf "$GRADE_WORK"
}

# lab01_max: lab 01's points.
lab01_max() { "$ROOT/tools/wb.py" tasks 01 | awk -F'\t' '{ s += $3 } END { print s }'; }

# classroom TREE: run the workflow's steps in TREE as GitHub would (sudo: we are
# root already; LAB=01: lab 01's steps), print "points GOT MAX" over lab 01's tasks.
classroom() {
    local tree=$1
    mkdir -p "$T/bin" && printf '#!/bin/sh\nexec "$@"\n' >"$T/bin/sudo" && chmod +x "$T/bin/sudo"
    python3 - "$tree/.github/workflows/classroom.yml" >"$T/steps" <<'EOF'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for s in wf["jobs"]["grade"]["steps"]:
    if "run" in s:
        print("run", 10, 0, s["run"], sep="\t")
    elif "autograding-command-grader" in s.get("uses", ""):
        w = s["with"]
        print("task", w["timeout"], w["max-score"], w["command"], sep="\t")
EOF
    local kind minutes max cmd got=0 all=0
    while IFS=$'\t' read -r kind minutes max cmd; do
        if [[ $kind == run ]]; then
            (cd "$tree" && PATH=$T/bin:$PATH timeout $((minutes * 60)) bash -c "$cmd") >>"$T/classroom.log" 2>&1 ||
                fail "the step '$cmd' failed: $(tail -n 20 "$T/classroom.log")"
        elif [[ $cmd == *" task-result 01 "* ]]; then
            all=$((all + max))
            if (cd "$tree" && timeout $((minutes * 60)) bash -c "$cmd") >>"$T/classroom.log" 2>&1; then got=$((got + max)); fi
        else # another lab's step: not graded here, so no points, and it says why
            run bash -c "cd '$tree' && $cmd"
            assert_failure
            assert_output --partial "the grading step did not finish"
        fi
    done <"$T/steps"
    echo "points $got $all"
}

@test "classroom: make classroom writes the handout with a workflow whose every task has a scored step" {
    run "$ROOT/tools/classroom.sh" "$T/template"
    assert_success
    [[ -f $T/template/Makefile && ! -e $T/template/solutions ]]
    run python3 -c 'import sys, yaml
wf = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
steps = wf["jobs"]["grade"]["steps"]
graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
print("points", sum(s["with"]["max-score"] for s in graders))
print("steps", len(graders))
print("runners", steps[-1]["with"]["runners"] == ",".join(s["id"] for s in graders))' "$T/template/.github/workflows/classroom.yml"
    assert_line "points $("$ROOT/tools/wb.py" tasks | awk -F'\t' '{ s += $3 } END { print s }')"
    assert_line "steps $("$ROOT/tools/wb.py" tasks | wc -l)"
    assert_line "runners True"
}

@test "classroom: the workflow's commands score lab 01 in full on the solution, 0 on the starter, task by task" {
    "$ROOT/tools/classroom.sh" "$T/cls" >/dev/null
    cp -r "$T/cls" "$T/cls-sol"
    cp "$T"/sol/labs/01-mmap-flags/*.c "$T/cls-sol/labs/01-mmap-flags/"
    run classroom "$T/cls-sol"
    assert_output "points $(lab01_max) $(lab01_max)"
    run classroom "$T/cls"
    assert_output "points 0 $(lab01_max)"
    # partial credit: one task broken, only its points lost
    cp "$T/cls-sol/labs/01-mmap-flags/mcat.c" "$T/mcat.c"
    cp "$T/cls/labs/01-mmap-flags/mcat.c" "$T/cls-sol/labs/01-mmap-flags/mcat.c"
    run classroom "$T/cls-sol"
    local lost
    lost=$("$ROOT/tools/wb.py" tasks 01 | awk -F'\t' '$4 ~ /^mcat/ { s += $3 } END { print s }')
    assert_output "points $(($(lab01_max) - lost)) $(lab01_max)"
}

# prairielearn DIR: a simulated /grade with the files of DIR uploaded by name,
# the question's params.lab "01"; its results.json on standard output.
prairielearn() {
    local pl=$T/pl-$RANDOM
    mkdir -p "$pl/student" "$pl/data"
    cp "$1"/labs/01-mmap-flags/*.c "$pl/student/"
    echo '{"params": {"lab": "01"}, "correct_answers": {}}' >"$pl/data/data.json"
    env -u LAB PL_GRADE="$pl" "$ROOT/tools/prairielearn.sh" >"$T/pl.log" 2>&1 || fail "$(cat "$T/pl.log")"
    cat "$pl/results/results.json"
}

@test "prairielearn: results.json with score 0-1 and each test's points; one program that does not compile fails its own tests; a submission none of whose programs compiles is not gradable" {
    run prairielearn "$T/sol"
    assert_success
    run python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
print("gradable", r["gradable"], "score", r["score"], "tests", len(r["tests"]))
print("points", sum(t["points"] for t in r["tests"]), sum(t["max_points"] for t in r["tests"]))' <<<"$output"
    assert_line "gradable True score 1.0 tests $("$ROOT/tools/wb.py" tests "$ROOT/tests/01-mmap-flags.bats" | wc -l)"
    assert_line "points $(lab01_max) $(lab01_max)"
    # one program that does not compile: the others are graded, its tests say why they fail
    cp -r "$T/sol" "$T/broken"
    printf 'int broken(void) { return }\n' >>"$T/broken/labs/01-mmap-flags/mcat.c"
    run prairielearn "$T/broken"
    assert_success
    run python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
print("gradable", r["gradable"], "some pass", any(t["points"] == t["max_points"] for t in r["tests"]))
print("\n".join(t["message"] for t in r["tests"] if t["points"] < t["max_points"]))' <<<"$output"
    assert_line "gradable True some pass True"
    assert_line --regexp '^mcat does not compile '
    refute_line --regexp '^(mapwrite|pastend|mprobe|anonfork|fixed|populate) does not compile'
    # no program compiles: nothing is graded, and it costs no attempt
    local f
    for f in "$T/broken"/labs/01-mmap-flags/*.c; do printf 'int broken(void) { return }\n' >>"$f"; done
    run prairielearn "$T/broken"
    assert_success
    run python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
print("gradable", r["gradable"], "score", r["score"], "tests", len(r["tests"]))
print(r["message"])' <<<"$output"
    assert_line "gradable False score 0 tests 0"
    assert_output --partial "does not compile"
    assert_output --partial ".c:"
}

@test "grade-class: each task's pass rate, its figure, a similarity report without the starter, and identical labs graded once" {
    mkdir -p "$T/class"
    cp -r "$T/sol" "$T/class/alice"
    cp -r "$T/sol" "$T/class/bob"          # alice's files: graded once
    cp -r "$T/starter" "$T/class/carol"
    # dave: the solution with its names changed, and mcat.c left as the starter's
    cp -r "$T/sol" "$T/class/dave"
    sed -i 's/\<len\>/length_/g; s/\<map\>/region_/g' "$T"/class/dave/labs/01-mmap-flags/*.c
    cp "$T/starter/labs/01-mmap-flags/mcat.c" "$T/class/dave/labs/01-mmap-flags/"
    run env GRADE_JOBS=1 GRADE_CACHE="$T/class-cache" "$ROOT/tools/grade-class.sh" "$T/class" "$T/out"
    assert_success
    # bob's lab: alice's results, with a note
    grep -q 'lab 01: graded before with the same files' "$T/out/bob/summary.txt"
    run grep -c 'graded before' "$T/out/alice/summary.txt"
    assert_output 0
    diff <(grep -v '^  note' "$T/out/alice/summary.txt" | sed 1d) <(grep -v '^  note' "$T/out/bob/summary.txt" | sed 1d)
    # the pass rates: mcat's tasks 2 of 4, every other task 3 of 4
    run cat "$T/out/task-rates.txt"
    assert_line --regexp '^01 +1\.1 +50% +2 of 4 +mcat'
    assert_line --regexp '^01 +6\.2 +75% +3 of 4 +populate'
    [[ -s $T/out/task-rates.svg ]] && xmllint --noout "$T/out/task-rates.svg"
    # similarity: alice, bob and dave alike (names changed or not); never carol, whose files are the starter's
    run cat "$T/out/similarity.txt"
    assert_line --regexp '^alice and bob: alike in [0-9]+ files$'
    assert_line --regexp '^alice and dave: alike in [0-9]+ files$'
    refute_output --partial carol
    run awk '/^[^ ]/ { on = /dave/ } on && /mcat\.c/' "$T/out/similarity.txt" # dave's mcat.c is the starter's
    assert_output ''
}
