#!/usr/bin/env bats
# Tests of the book's tools on small fixtures (not the whole book, but for the build
# from a student's tree):
#   tools/listings.py         the listings in the chapters, written from and checked against the code
#   book/filters/chapter.lua  markers dropped, task anchors, "lab 03"/"task 2.1" links, image paths
#   book/filters/index.lua    the index of calls and flags
#   tools/bookcheck.py        the page in headless Chromium: links, images, code that overflows
# shellcheck disable=SC2016 # markdown's backquotes are single-quoted on purpose

bats_load_library bats-support
bats_load_library bats-assert

root=$BATS_TEST_DIRNAME/../..

setup() {
    lab=$BATS_TEST_TMPDIR/labs/01-demo
    mkdir -p "$lab" "$BATS_TEST_TMPDIR/solutions/01-demo"
    printf '%s\n' '/* demo - a demo' ' * of a comment */' 'int main(void)' '{' \
        '    /* TODO 1.1: map it */' '    int x = 1;' '    /* TODO 1.2: unmap it */' '    return x;' \
        '}' >"$lab/demo.c"
    printf '%s\n' 'int solved;' >"$BATS_TEST_TMPDIR/solutions/01-demo/demo.c"
    cd "$BATS_TEST_TMPDIR" || return 1
}

# listings MARKER [ARGS...]: a chapter with MARKER (and no block), then tools/listings.py ARGS on it.
listings() {
    printf '%s\n' 'Some text:' '' "$1" '' 'More text.' >"$lab/README.md"
    shift
    run "$root/tools/listings.py" "$@" "$lab/README.md"
}

@test "listings: the block is written after the marker, its language from the file's name" {
    listings '<!-- listing demo.c -->'
    assert_success
    run cat "$lab/README.md"
    assert_output "$(printf '%s\n' 'Some text:' '' '<!-- listing demo.c -->' '```c' \
        '/* demo - a demo' ' * of a comment */' 'int main(void)' '{' '    /* TODO 1.1: map it */' \
        '    int x = 1;' '    /* TODO 1.2: unmap it */' '    return x;' '}' '```' '' 'More text.')"
}

@test "listings: from/to take the lines from the first marker to the next line with the second" {
    listings '<!-- listing demo.c from="TODO 1.1" to="TODO" -->'
    assert_success
    run sed -n '/^```c$/,/^```$/p' "$lab/README.md"
    assert_output "$(printf '%s\n' '```c' '    /* TODO 1.1: map it */' '    int x = 1;' \
        '    /* TODO 1.2: unmap it */' '```')"
}

@test "listings: lines=N-M and lang=\"text\" (a fence with no language)" {
    listings '<!-- listing demo.c lines="3-4" lang="text" -->'
    assert_success
    run sed -n '4,7p' "$lab/README.md"
    assert_output "$(printf '%s\n' '```' 'int main(void)' '{' '```')"
}

@test "listings: a second run changes nothing, and --check passes" {
    listings '<!-- listing demo.c from="TODO 1.1" to="return" -->'
    cp "$lab/README.md" "$BATS_TEST_TMPDIR/first.md"
    run "$root/tools/listings.py" "$lab/README.md"
    assert_success
    assert_output ''
    cmp "$lab/README.md" "$BATS_TEST_TMPDIR/first.md"
    run "$root/tools/listings.py" --check "$lab/README.md"
    assert_success
}

@test "listings --check fails when the code changed, naming the chapter's line, and writes nothing" {
    listings '<!-- listing demo.c from="TODO 1.1" to="return" -->'
    sed -i 's/int x = 1;/int x = 2;/' "$lab/demo.c"
    cp "$lab/README.md" "$BATS_TEST_TMPDIR/before.md"
    run "$root/tools/listings.py" --check "$lab/README.md"
    assert_failure
    assert_output --partial "labs/01-demo/README.md:3: the listing of demo.c differs from the file"
    cmp "$lab/README.md" "$BATS_TEST_TMPDIR/before.md"
}

@test "listings --check fails on a marker with no block after it" {
    listings '<!-- listing demo.c -->' --check
    assert_failure
    assert_output --partial "README.md:3: no code block after the marker"
}

@test "listings: a missing file, a marker not in the file, lines outside it: each named" {
    listings '<!-- listing nosuch.c -->'
    assert_failure
    assert_output --partial 'listing nosuch.c: cannot read labs/01-demo/nosuch.c'
    listings '<!-- listing demo.c from="TODO 9.9" -->'
    assert_failure
    assert_output --partial 'no line of labs/01-demo/demo.c contains "TODO 9.9"'
    listings '<!-- listing demo.c from="TODO 1.2" to="TODO 1.1" -->'
    assert_failure
    assert_output --partial 'after line 7 contains "TODO 1.1"'
    listings '<!-- listing demo.c lines="5-40" -->'
    assert_failure
    assert_output --partial 'lines="5-40" is outside labs/01-demo/demo.c (9 lines)'
}

@test "listings: a path into solutions/ is refused, even when the file exists" {
    listings '<!-- listing ../../solutions/01-demo/demo.c -->'
    assert_failure
    assert_output --partial 'the book shows the starter, never solutions/'
    run cat "$lab/README.md"
    refute_output --partial 'int solved'
}

@test "listings: a piece that starts inside a comment is refused as C, taken as text" {
    listings '<!-- listing demo.c from="of a comment" to="int main" -->'
    assert_failure
    assert_output --partial "it starts inside a comment (labs/01-demo/demo.c:2)"
    listings '<!-- listing demo.c from="of a comment" to="int main" lang="text" -->'
    assert_success
}

@test "listings: a line wider than 80 columns is refused" {
    printf '    int %s;\n' "$(printf 'x%.0s' {1..80})" >>"$lab/demo.c"
    listings '<!-- listing demo.c from="TODO 1.2" -->'
    assert_failure
    assert_output --partial "labs/01-demo/demo.c:10 is wider than 80 columns"
}

# filter TEXT [LAB]: TEXT as a chapter of lab LAB through the chapter filter, as markdown.
filter() {
    local meta=(-M chapter="$lab/README.md")
    if [[ -n ${2:-} ]]; then meta+=(-M lab="$2"); fi
    run pandoc -f markdown-auto_identifiers -t markdown --wrap=none "${meta[@]}" \
        --lua-filter "$root/book/filters/chapter.lua" <<<"$1"
}

@test "chapter.lua: the listing marker is dropped, its code block kept" {
    filter "$(printf '%s\n' '<!-- listing demo.c -->' '```c' 'int x;' '```')" 01
    assert_success
    refute_output --partial 'listing'
    assert_output --partial 'int x;'
}

@test "chapter.lua: a block in the old include syntax fails, saying what replaces it" {
    filter "$(printf '%s\n' '```{.c include="demo.c" from="TODO 1.1"}' '```')" 01
    assert_failure
    assert_output --partial "is gone: write <!-- listing demo.c from=\"...\" to=\"...\" --> in its place"
}

@test "chapter.lua: man pages and kernel documents link to man7.org and docs.kernel.org" {
    filter 'See mmap(2), (proc(5)) and `mallopt(3)`; Documentation/admin-guide/mm/pagemap.rst.'
    assert_success
    assert_output --partial '[mmap(2)](https://man7.org/linux/man-pages/man2/mmap.2.html),'
    assert_output --partial '([proc(5)](https://man7.org/linux/man-pages/man5/proc.5.html))'
    assert_output --partial '[`mallopt(3)`](https://man7.org/linux/man-pages/man3/mallopt.3.html)'
    assert_output --partial '(https://docs.kernel.org/admin-guide/mm/pagemap.html).'
}

@test "index.lua: the calls and flags of each task's section, linked to the tasks" {
    run pandoc -f markdown -t markdown --wrap=none --lua-filter "$root/book/filters/index.lua" <<<"$(
        printf '%s\n\n' '# Lab 01 {#lab-01}' '### Task 1.1: a {#lab-01-task-1.1}' \
            'Call `mmap()` with `MAP_SHARED`; not `big_malloc()`.' '### Task 1.2: b {#lab-01-task-1.2}' \
            '`mmap()` again, and `SIGBUS`.' '## Questions' 'Why `msync()`?')"
    assert_success
    assert_output --partial "$(printf '%s\n' '`mmap()`' ':   lab 01: [1.1](#lab-01-task-1.1), [1.2](#lab-01-task-1.2)')"
    assert_output --partial "$(printf '%s\n' '`MAP_SHARED`' ':   lab 01: [1.1](#lab-01-task-1.1)')"
    refute_output --partial '`big_malloc()`
:'
    refute_output --partial '`msync()`
:'
}

@test "chapter.lua: a lab's tasks and parts get ids; lab, task and test mentions link to them" {
    filter "$(printf '%s\n' '## 2. Part two' '' '### Task 2.1: do it' '' \
        'As lab 05 does (test 2.1, task 2.1), and lab 01, task 6.1; then task 2.' '' \
        'Not in `task 2.1` code.')" 03
    assert_success
    assert_output --partial '## 2. Part two {#lab-03-part-2}'
    assert_output --partial '### Task 2.1: do it {#lab-03-task-2.1}'
    assert_output --partial '[lab 05](#lab-05)'
    assert_output --partial '[test 2.1](#lab-03-task-2.1)'
    assert_output --partial '[task 2.1](#lab-03-task-2.1)'
    assert_output --partial '[lab 01, task 6.1](#lab-01-task-6.1)'
    assert_output --partial '[task 2](#lab-03-part-2)'
    assert_output --partial '`task 2.1`'
}

@test "chapter.lua: outside a lab's chapter only \"lab NN\" links" {
    filter 'Lab 02 has task 2.1.'
    assert_success
    assert_output --partial '[Lab 02](#lab-02) has task 2.1.'
}

@test "chapter.lua: an image's path is taken from the chapter's directory" {
    filter '![a figure](fig.svg)'
    assert_success
    assert_output --partial "($lab/fig.svg)"
}

# page BODY: an HTML page with BODY, at $BATS_TEST_TMPDIR/page.html.
page() {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>
<style>body { max-width: 40em; margin: 0 auto; } pre { overflow-x: auto; }</style></head>
<body><h1 id="top">A page</h1>%s</body></html>\n' "$1" >"$BATS_TEST_TMPDIR/page.html"
}

@test "bookcheck: a page with short code, a good link and a loaded image passes at both widths" {
    page '<p><a href="#top">up</a></p><pre>short code</pre>
<img alt="dot" src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==">'
    run "$root/tools/bookcheck.py" page.html
    assert_success
    assert_output ''
}

@test "bookcheck: a code block wider than the window is an overflow, named with its line" {
    page "<h2 id=\"wide\">Wide</h2><pre>$(printf 'w%.0s' {1..200})</pre>"
    run "$root/tools/bookcheck.py" page.html 420
    assert_failure
    assert_output --partial 'overflow at 420 px: #wide: a code block is'
    assert_output --partial 'its widest line (200 columns): wwww'
}

@test "bookcheck: a link to an anchor that is not in the page is named" {
    page '<h2 id="here">Here</h2><p><a href="#nowhere">gone</a></p>'
    run "$root/tools/bookcheck.py" page.html 1280
    assert_failure
    assert_output "links: #here: the link 'gone' goes to #nowhere, which is not in the page"
}

@test "bookcheck: an image that does not load is named" {
    page '<h2 id="fig">Figure</h2><img alt="the missing figure" src="nosuch.png">'
    run "$root/tools/bookcheck.py" page.html 1280
    assert_failure
    assert_output "images: #fig: the image 'the missing figure' did not load"
}

# student_tree: a copy of the project's book sources and labs in $BATS_TEST_TMPDIR/tree.
student_tree() {
    mkdir -p "$BATS_TEST_TMPDIR/tree"
    (cd "$root" && tar -cf - course.toml book/*.md book/*.css book/*.yaml book/filters tools labs \
        "$(tools/wb.py get 06 tree)") | tar -xf - -C "$BATS_TEST_TMPDIR/tree"
}

@test "the book builds from a student's tree: the solutions' code, with the TODO lines deleted" {
    student_tree
    local id
    while IFS=$'\t' read -r id _; do
        cp "$("$root/tools/wb.py" tree "$id" "$root/solutions")"/*.[ch] \
            "$("$root/tools/wb.py" tree "$id" "$BATS_TEST_TMPDIR/tree/labs")"/
    done < <("$root/tools/wb.py" labs)
    find "$BATS_TEST_TMPDIR/tree" -name '*.[ch]' -exec sed -i '/TODO [0-9]*\.[0-9]*:/d' {} +
    run grep -rq --include='*.[ch]' 'TODO 1.1:' "$BATS_TEST_TMPDIR/tree/labs"
    assert_failure # (the chapters still have it, in their listings)
    run env BOOK_FORMATS=html "$BATS_TEST_TMPDIR/tree/tools/book.sh" "$BATS_TEST_TMPDIR/out"
    assert_success
    grep -q 'TODO 1.1' "$BATS_TEST_TMPDIR/out/workbook.html" # the chapters' listings: the starter's
}
