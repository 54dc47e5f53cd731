#!/usr/bin/env bats
# Tests of tools/gen-starter.sh, the generator of starters from solutions, on
# small fixtures in a scratch tree. (The manifest reader, tools/wb.py, has its
# own tests: tests/tools/test_wb.py.)

bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    cd "$BATS_TEST_TMPDIR" || return 1
    mkdir -p tree/tools tree/solutions/01-demo tree/labs/01-demo
    cp "$ROOT"/tools/{gen-starter.sh,wb.py} tree/tools/
    printf '[[lab]]\nid = "01"\ndir = "01-demo"\ntitle = "Demo"\n\n[[lab.task]]\nid = "1.1"\ntitle = "t"\npoints = 2\nhint = "h"\n' >tree/course.toml
}

solution() { cat >tree/solutions/01-demo/demo.c; }

@test "a marked block becomes its TODO comment and the placeholder" {
    solution <<'C'
int f(void)
{
    /* TODO 1.1: return the answer */
    //@solution
    return 42;
    //@starter
    // return 0;
    //@end
}
C
    run tree/tools/gen-starter.sh
    assert_success
    run cat tree/labs/01-demo/demo.c
    assert_output "$(printf 'int f(void)\n{\n    /* TODO 1.1: return the answer */\n    return 0;\n}')"
}

@test "--check passes on a fresh starter and names a starter that was edited" {
    printf '/* TODO 1.1: x */\n//@solution\nint a;\n//@starter\n// int b;\n//@end\n' | solution
    tree/tools/gen-starter.sh
    run tree/tools/gen-starter.sh --check
    assert_success
    echo '/* edited */' >>tree/labs/01-demo/demo.c
    run tree/tools/gen-starter.sh --check
    assert_failure 1
    assert_output --partial "labs/01-demo/demo.c is not what tools/gen-starter.sh makes"
}

@test "a block without a TODO comment before it is refused with file and line" {
    printf 'int a;\n//@solution\nint b;\n//@starter\n//@end\n' | solution
    run tree/tools/gen-starter.sh
    assert_failure
    assert_output --partial 'demo.c:2: @solution without a "TODO n.m: " comment'
}

@test "an unclosed block and a stray @end are refused" {
    printf '/* TODO 1.1: x */\n//@solution\nint b;\n' | solution
    run tree/tools/gen-starter.sh
    assert_failure
    assert_output --partial "block not closed with //@end"
    printf 'int b;\n//@end\n' | solution
    run tree/tools/gen-starter.sh
    assert_failure
    assert_output --partial "demo.c:2: @end without @solution"
}

@test "a starter line that is not a comment is refused" {
    printf '/* TODO 1.1: x */\n//@solution\nint b;\n//@starter\nint c;\n//@end\n' | solution
    run tree/tools/gen-starter.sh
    assert_failure
    assert_output --partial "a starter line must be a // comment"
}
