#!/usr/bin/env bats
# Tests of tools/check.sh (make check): bad input, and a lab that does not compile
# is graded as failed, test by test, with the compiler's message.

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

@test "a compile error fails every test of that lab with the compiler's message" {
    tree=$BATS_TEST_TMPDIR/student
    mkdir -p "$tree" && cp -r "$ROOT/solutions/01-mmap-flags" "$tree/"
    echo 'this is not C' >>"$tree/01-mmap-flags/mcat.c"
    run env LABS="$tree" LAB=01 "$ROOT/tools/check.sh"
    assert_failure 1
    assert_output --partial "does not compile"
    assert_output --partial "mcat.c"
    refute_output --partial "PASS"
    assert_output --regexp "Lab 01: 0/[0-9]+ points"
}

@test "the solutions get full points and exit 0" {
    run env LABS=solutions LAB=01 "$ROOT/tools/check.sh"
    assert_success
    assert_output --regexp "Progress \[#+\] ([0-9]+)/\1 points"
}
