#!/usr/bin/env bats
# Tests of tools/watch.sh (make watch), end to end in a terminal: tmux runs
# `make watch LAB=01` on a scratch copy of the tree, the test edits the starter
# into the solution task by task (the solution's own lines) and reads the screen
# (capture-pane) until each task turns to PASS; then the keys; then q, after which
# nothing of the watch is left running. Every wait is bounded and polls the screen.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    command -v tmux >/dev/null || skip "tmux is not installed (tools/deps.sh dev)"
    W=$BATS_TEST_TMPDIR/tree
    mkdir -p "$W/tests" "$W/labs"
    cp -r "$ROOT"/{Makefile,course.toml,tools} "$W/"
    cp -r "$ROOT/tests/lib" "$ROOT/tests/01-mmap-flags.bats" "$W/tests/"
    cp -r "$ROOT/labs/common" "$ROOT/labs/01-mmap-flags" "$W/labs/"
    SOCK=$BATS_TEST_TMPDIR/tmux.sock
    tmux -S "$SOCK" -f /dev/null new-session -d -s w -x 150 -y 60 \
        "env -u BUILD -u LAB -u TASK -u RESULTS -u LABS PS1='$ ' bash --norc --noprofile"
}

teardown() {
    tmux -S "$SOCK" kill-server 2>/dev/null || true
}

screen() { tmux -S "$SOCK" capture-pane -p -t w; }
keys() { tmux -S "$SOCK" send-keys -t w "$@"; }

# wait_for ERE [SECONDS] : until the screen shows a line matching ERE (the
# machine may be busy: a check of a task can take a while).
wait_for() {
    local end=$((SECONDS + ${2:-240}))
    while ((SECONDS < end)); do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.2
    done
    echo "the screen never showed: $1" >&2
    screen >&2
    # (for a failure seen only elsewhere: the disk, the end of the watch's last
    # checks, and what a build of the lab says now)
    { df -h "$W"; tail -n 8 "$W"/build/labs/watch.*/*.out; (cd "$W" && env -u BUILD -u LABS make -k build LAB=01 2>&1 | tail -n 8); } >&2 2>&1 || true
    return 1
}

# solve FILE TASK... : the lab's FILE with the solution's lines of those tasks
# (the //@solution blocks after their TODO comments), the starter's for the rest,
# written in place as an editor saves.
solve() {
    local file=$1 out; shift
    out=$(awk -v done=" $* " '
        match($0, /TODO [0-9]+\.[0-9]+:/) { task = substr($0, RSTART + 5, RLENGTH - 6) }
        /^[ \t]*\/\/@solution$/ { state = "solution"; on = index(done, " " task " ") > 0; next }
        /^[ \t]*\/\/@starter$/  { state = "starter"; next }
        /^[ \t]*\/\/@end$/      { state = ""; next }
        state == "solution"     { if (on) print; next }
        state == "starter"      { if (!on) { sub(/\/\/ ?/, ""); print }; next }
                                { print }
    ' "$ROOT/solutions/01-mmap-flags/$file")
    printf '%s\n' "$out" >"$W/labs/01-mmap-flags/$file"
}

@test "make watch: each task turns to PASS as it is solved; h, l, n, r work; q leaves nothing running" {
    keys "cd '$W' && make watch LAB=01; echo WATCH-EXIT=\$?" Enter
    wait_for '^\[h\] hint'
    wait_for 'FAIL +0/2 +1\.1 mcat'
    assert_equal "$(screen | grep -c 'inotify: saving')" 1

    # h: the first hint of the task the student is on.
    keys h
    wait_for 'Hint: open, fstat for the size'

    # Task by task, the solution's lines: each save checks the task first.
    solve mcat.c 1.1
    wait_for 'PASS +2/2 +1\.1 mcat prints a one-byte file'
    run screen
    assert_output --regexp 'PASS +2/2 +1\.1 mcat prints a multi-page file'
    assert_output --regexp 'PASS +2/2 +1\.1 mcat maps the file'
    wait_for 'on to task 1\.2'
    solve mapwrite.c 1.2
    wait_for 'PASS +2/2 +1\.2 mapwrite asks for MAP_SHARED'
    wait_for 'on to task 1\.3'
    solve mapwrite.c 1.2 1.3
    wait_for 'PASS +2/2 +1\.3 '
    wait_for 'on to task 2\.1'

    # l: the lab's tasks with their status.
    keys l
    wait_for 'The tasks of lab 01'
    run screen
    assert_output --regexp 'PASS +6/6 +1\.1 '
    assert_output --regexp 'PASS +2/2 +1\.3 '
    # n: skip task 2.1; r: check again.
    keys n
    wait_for 'Skipped task 2\.1: on to task 2\.2'
    keys r
    wait_for 'checking task 2\.2'

    # q in the middle of a check: it stops, and so does everything it started.
    keys q
    wait_for '^WATCH-EXIT=0' 30
    run pgrep -af "$W"
    assert_failure
    refute_output
}

@test "make watch polls where inotify is not available, and Ctrl-C leaves nothing running" {
    keys "cd '$W' && WB_WATCH_POLL=1 make watch LAB=01; echo WATCH-EXIT=\$?" Enter
    wait_for 'polling every 1 s'
    wait_for 'FAIL +0/2 +1\.1 mcat'
    solve mcat.c 1.1
    wait_for 'PASS +2/2 +1\.1 mcat prints a one-byte file'
    wait_for 'checking the rest of lab 01'
    keys C-c
    # (make says it was interrupted; the shell then drops the rest of the line)
    wait_for 'watch\] (Error 130|Interrupt)|^WATCH-EXIT=' 30
    run pgrep -af "$W"
    assert_failure
    refute_output
}
