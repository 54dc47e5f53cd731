#!/usr/bin/env bats
# Tests of book/filters/include.lua on small fixture chapters (not the whole book):
# pandoc runs the filter on a chapter in $BATS_TEST_TMPDIR/labs/01-demo and prints
# pandoc's native AST, where an included listing is one CodeBlock with its exact text.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
    filter=$BATS_TEST_DIRNAME/../../book/filters/include.lua
    lab=$BATS_TEST_TMPDIR/labs/01-demo
    mkdir -p "$lab" "$BATS_TEST_TMPDIR/solutions/01-demo"
    printf '%s\n' 'int main(void)' '{' '    /* TODO 1.1: map it */' '    int x = 1;' \
        '    /* TODO 1.2: unmap it */' '    return x;' '}' >"$lab/demo.c"
    printf '%s\n' 'all: demo' >"$lab/Makefile"
    printf '%s\n' 'int solved;' >"$BATS_TEST_TMPDIR/solutions/01-demo/demo.c"
}

# chapter TEXT: write TEXT as the chapter, run pandoc with the filter from another
# directory (so that paths must resolve from the chapter, not from the cwd).
chapter() {
    printf '%s\n' "$1" >"$lab/README.md"
    cd "$BATS_TEST_TMPDIR" || return 1
    run pandoc -f markdown -t native --lua-filter "$filter" "$lab/README.md"
}

@test "a whole file is included, its language taken from the extension" {
    chapter '```{include="demo.c"}
```'
    assert_success
    assert_output --partial '( "" , [ "c" ] , [] )'
    assert_output --partial '"int main(void)\n{\n    /* TODO 1.1: map it */\n    int x = 1;\n    /* TODO 1.2: unmap it */\n    return x;\n}"'
}

@test "from/to include the lines from the first marker to the next line with the second" {
    chapter '```{.c include="demo.c" from="TODO 1.1" to="TODO 1.2"}
```'
    assert_success
    assert_output --partial '"    /* TODO 1.1: map it */\n    int x = 1;\n    /* TODO 1.2: unmap it */"'
    refute_output --partial 'main'
    refute_output --partial 'return'
}

@test "to is looked for after the from line, not on it" {
    chapter '```{include="demo.c" from="TODO 1.1" to="TODO"}
```'
    assert_success
    assert_output --partial '"    /* TODO 1.1: map it */\n    int x = 1;\n    /* TODO 1.2: unmap it */"'
}

@test "lines=N-M includes exactly those lines, and a given class is kept" {
    chapter '```{.text include="demo.c" lines="2-3"}
```'
    assert_success
    assert_output --partial '( "" , [ "text" ] , [] )'
    assert_output --partial '"{\n    /* TODO 1.1: map it */"'
    refute_output --partial 'main'
    refute_output --partial 'int x'
}

@test "a Makefile is highlighted as makefile" {
    chapter '```{include="Makefile"}
```'
    assert_success
    assert_output --partial '( "" , [ "makefile" ] , [] ) "all: demo"'
}

@test "the chapter can come on stdin, named by the chapter metadata" {
    cd "$BATS_TEST_TMPDIR" || return 1
    run pandoc -f markdown -t native --lua-filter "$filter" -M chapter="$lab/README.md" \
        <<<'```{include="demo.c" lines="4"}
```'
    assert_success
    assert_output --partial '"    int x = 1;"'
}

@test "a missing file fails the build, naming the chapter and the file" {
    chapter '```{include="nosuch.c"}
```'
    assert_failure
    assert_output --partial "$lab/README.md: include \"nosuch.c\": cannot read $lab/nosuch.c"
}

@test "a from marker that is not in the file fails, naming it" {
    chapter '```{include="demo.c" from="TODO 9.9"}
```'
    assert_failure
    assert_output --partial "$lab/README.md: include \"demo.c\": no line of $lab/demo.c contains from=\"TODO 9.9\""
}

@test "a to marker found only before the from marker fails, naming it" {
    chapter '```{include="demo.c" from="TODO 1.2" to="TODO 1.1"}
```'
    assert_failure
    assert_output --partial 'contains to="TODO 1.1"'
}

@test "lines outside the file fail" {
    chapter '```{include="demo.c" lines="5-40"}
```'
    assert_failure
    assert_output --partial 'lines="5-40" is outside'
}

@test "a path into solutions/ is refused, even when the file exists" {
    [ -f "$BATS_TEST_TMPDIR/solutions/01-demo/demo.c" ]
    chapter '```{include="../../solutions/01-demo/demo.c"}
```'
    assert_failure
    assert_output --partial 'include "../../solutions/01-demo/demo.c": the book shows the starter in labs/, never solutions/'
    refute_output --partial 'int solved'
}
