#!/usr/bin/env bats
# Tests of the instructor's edition: tools/instructor.sh (answers and solutions after
# each chapter, make book EDITION=instructor), the answer keys in solutions/*/ANSWERS.md,
# and that the student handout (make dist) holds none of it.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
}

@test "every end-of-chapter question has an answer: the counts agree, lab by lab" {
    cd "$ROOT" || return 1
    local id dir chapter answers q a bad=0 total=0
    while IFS=$'\t' read -r id dir _; do
        chapter=$(tools/wb.py tree "$dir" labs)/README.md
        answers=$(tools/wb.py tree "$dir" solutions)/ANSWERS.md
        q=$(tools/instructor.sh --count "$chapter")
        if [[ ! -f $answers ]]; then
            echo "lab $id: $q questions in $chapter, and no $answers"
            bad=1
            continue
        fi
        a=$(tools/instructor.sh --count "$answers")
        if ((q != a)); then echo "lab $id: $q questions in $chapter, $a answers in $answers"; bad=1; fi
        total=$((total + q))
    done < <(tools/wb.py labs)
    echo "questions answered: $total"
    ((bad == 0 && total > 0))
}

@test "the counter counts the Questions section of a chapter only, and every item of an answer key" {
    local t=$BATS_TEST_TMPDIR
    printf '%s\n' '# Lab' '## Tasks' '1. not a question' '2. nor this' '## Questions' '' \
        '1. one?' '   more of one' '2. two?' '3. three?' '## Going further' '1. no' >"$t/README.md"
    run "$ROOT/tools/instructor.sh" --count "$t/README.md"
    assert_success
    assert_output 3
    printf '%s\n' '# Lab: answers' '' '1. a' '   b' '2. c' >"$t/ANSWERS.md"
    run "$ROOT/tools/instructor.sh" --count "$t/ANSWERS.md"
    assert_output 2
}

@test "a lab's instructor's notes: its answers, then each solution file that differs, as a diff" {
    run "$ROOT/tools/instructor.sh" 01-mmap-flags
    assert_success
    assert_line "## Instructor's notes"
    assert_line '### Answers to the questions'
    assert_line --regexp '^8\. '
    refute_line '# Lab 01: answers to the questions'
    assert_line '#### populate.c'
    assert_line '--- labs/01-mmap-flags/populate.c'
    assert_line '+++ solutions/01-mmap-flags/populate.c'
    assert_line '+    int flags = MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0);'
    assert_line '-    int flags = MAP_PRIVATE | MAP_ANONYMOUS;'
    refute_line --partial '//@solution'
    refute_line --partial '//@starter'
}

@test "the kernel lab's notes come from solutions/kernel-lab, found by the lab's name" {
    run "$ROOT/tools/instructor.sh" 06-driver-mmap
    assert_success
    assert_line --regexp '^7\. '
    assert_line '--- kernel-lab/wbmap.c'
}

@test "without solutions/ there are no notes, and the book says why" {
    local t=$BATS_TEST_TMPDIR/tree
    mkdir -p "$t/tools" "$t/labs/01-mmap-flags"
    cp "$ROOT"/tools/{instructor.sh,wb.py} "$t/tools/" && cp "$ROOT/course.toml" "$t/"
    run "$t/tools/instructor.sh" 01-mmap-flags
    assert_failure
    assert_output --partial 'instructor: no solutions/01-mmap-flags: the instructor'\''s edition needs the solutions'
    run env EDITION=teacher "$ROOT/tools/book.sh" "$BATS_TEST_TMPDIR/out"
    assert_failure
    assert_output 'book: EDITION=teacher: student or instructor'
}

@test "make dist's handout holds no answer key and no solution" {
    cd "$ROOT" || return 1
    run tools/dist.sh --list
    assert_success
    assert_line 'labs/01-mmap-flags/README.md'
    refute_line --partial 'ANSWERS'
    refute_line --partial 'solutions/'
    refute_line --regexp 'workbook-instructor'
    # No answer's text either: the first line of each answer key's first answer.
    local f first
    for f in solutions/*/ANSWERS.md; do
        first=$(grep -m1 '^1\. ' "$f")
        run bash -c 'tools/dist.sh --list | xargs -d "\n" grep -lF -- "$1"' _ "$first"
        assert_output ''
    done
}

@test "dist: the handout has no solutions and no corpus; a planted solution block is caught" {
    run "$ROOT/tools/dist.sh" "$BATS_TEST_TMPDIR/wb.tar.gz"
    assert_success
    run tar -tzf "$BATS_TEST_TMPDIR/wb.tar.gz"
    assert_line 'mmap-workbook/labs/01-mmap-flags/mcat.c'
    refute_line --partial 'solutions/'
    refute_line --partial 'tests/grader'
    # A chapter that quotes a solution block must be refused.
    mkdir -p "$BATS_TEST_TMPDIR/x" && tar -xzf "$BATS_TEST_TMPDIR/wb.tar.gz" -C "$BATS_TEST_TMPDIR/x"
    sed -n '/\/\/@solution/,/\/\/@starter/p' "$ROOT/solutions/01-mmap-flags/mprobe.c" >>"$BATS_TEST_TMPDIR/x/mmap-workbook/labs/01-mmap-flags/README.md"
    tar -czf "$BATS_TEST_TMPDIR/leak.tar.gz" -C "$BATS_TEST_TMPDIR/x" mmap-workbook
    run "$ROOT/tools/dist.sh" --check "$BATS_TEST_TMPDIR/leak.tar.gz"
    assert_failure
    assert_output --partial 'README.md has the solution block at solutions/01-mmap-flags/mprobe.c'
    # (lab 01's chapter shows mcat's given close(), which is mapwrite's answer to 1.3: not a leak)
    grep -q 'if (close(fd) < 0)' "$BATS_TEST_TMPDIR/x/mmap-workbook/labs/01-mmap-flags/README.md"
}
