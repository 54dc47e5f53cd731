#!/usr/bin/env bats
# Tests of tools/check.sh (make check): bad input, and a program that does not
# compile fails the tests that run it, with the compiler's first error.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    export BUILD=$BATS_TEST_TMPDIR/build RESULTS=$BATS_TEST_TMPDIR/results
}

@test "an unknown LAB is a clear error, exit 2" {
    run env LAB=99 "$ROOT/tools/check.sh"
    assert_failure 2
    assert_output --partial "LAB=99: no such lab"
}

@test "a LABS directory that does not exist is a clear error, exit 2" {
    run env LABS=/nonexistent "$ROOT/tools/check.sh"
    assert_failure 2
    assert_output --partial "LABS=/nonexistent: no such directory"
}

@test "a compile error fails only the tests that run that program; Next: shows the compiler's first error and its file" {
    tree=$BATS_TEST_TMPDIR/student
    mkdir -p "$tree" && cp -r "$ROOT/solutions/01-mmap-flags" "$tree/"
    printf 'this is not C\n' >>"$tree/01-mmap-flags/mcat.c"
    run env LABS="$tree" LAB=01 "$ROOT/tools/check.sh"
    assert_failure 1
    assert_output --partial "mcat does not compile"
    assert_output --regexp "FAIL +0/[0-9]+ +1\.1 mcat"
    assert_output --regexp "PASS +[0-9]+/[0-9]+ +1\.2 mapwrite"
    assert_output --partial "Next: lab 01, task 1.1"
    assert_output --regexp "mcat\.c:[0-9]+:[0-9]+: error: "
    assert_output --regexp "Open .*/01-mmap-flags/mcat\.c at line [0-9]+, fix it"
}

@test "a program built but not executable, and one with no source, are each named; VERBOSE=1 shows every failing test's message" {
    tree=$BATS_TEST_TMPDIR/student
    mkdir -p "$tree" && cp -r "$ROOT/solutions/01-mmap-flags" "$tree/"
    env LABS="$tree" make -s -C "$ROOT" build LAB=01
    chmod a-x "$BUILD/01-mmap-flags/mcat" # (as on a file system mounted noexec)
    rm "$tree/01-mmap-flags/mapwrite.c" "$BUILD/01-mmap-flags/mapwrite"
    run env LABS="$tree" LAB=01 VERBOSE=1 "$ROOT/tools/check.sh"
    assert_failure 1
    assert_output --partial "mcat was built but cannot be run: $BUILD/01-mmap-flags/mcat is not executable here"
    # (task 1.2's messages: shown only with VERBOSE=1, 1.1 being the task to work on)
    assert_output --partial "mapwrite was not built: no $BUILD/01-mmap-flags/mapwrite and no compiler message (is mapwrite.c in the lab's directory?"
}

@test "the solutions get full points and exit 0" {
    run env LABS=solutions LAB=01 "$ROOT/tools/check.sh"
    assert_success
    assert_output --regexp "Progress \[#+\] ([0-9]+)/\1 points"
}

@test "TASK= checks only that task's tests, with the lab's line and the progress" {
    run env LABS=solutions LAB=01 TASK=2.1 "$ROOT/tools/check.sh"
    assert_success
    assert_output --regexp "PASS +2/2 +2\.1 "
    refute_output --regexp "(PASS|FAIL) +[0-9]+/[0-9]+ +1\.1 "
    assert_output --regexp "Lab 01: [0-9]+/[0-9]+ points"
    assert_output --partial "Progress ["
}

@test "a bad TASK is a clear error, exit 2" {
    run env LAB=01 TASK=9.9 "$ROOT/tools/check.sh"
    assert_failure 2
    assert_output --partial "lab 01 has no task 9.9; its tasks: 1.1"
    run env TASK=x "$ROOT/tools/check.sh"
    assert_failure 2
    assert_output --partial "a task id is N.M"
    run env TASK=99.1 "$ROOT/tools/check.sh"
    assert_failure 2
    assert_output --partial "no lab has a task 99.1"
}

@test "TASK= alone: the lab the student is on, or a clear error naming the labs" {
    export RESULTS=$BATS_TEST_TMPDIR/none
    run env LABS=solutions TASK=1.1 "$ROOT/tools/check.sh"
    # No results yet: the student is on the first lab.
    assert_success
    assert_output --partial "Lab 01 "
    mkdir -p "$RESULTS"
    for dir in $("$ROOT/tools/wb.py" labs | cut -f2); do
        printf '{"lab": "x", "tests": []}\n' >"$RESULTS/$dir.json"
    done
    run env LABS=solutions TASK=1.1 "$ROOT/tools/check.sh"
    assert_failure 2
    assert_output --partial "task 1.1 is in labs 01 02"
    assert_output --partial "say which: make check LAB=NN TASK=1.1"
}
