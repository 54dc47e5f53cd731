# tests/lib/wb.bash - the shared helpers of the grading tests.
#
# A lab's bats file starts with:
#     load lib/wb
#     setup_file() { lab_setup_file 01; }
#     setup() { lab_setup; }
# Then each test runs the lab's programs with `runp` (or `traced`, under
# strace) and checks what the kernel did. Every check that fails says what it
# expected and what it saw; the test's name starts with its task id.
#
# Environment: LABS=labs|solutions|PATH (the tree graded), BUILD (where its
# programs are built, see the Makefile), WB_VALGRIND=1 to run programs under
# valgrind (make test does, for the solutions).

# The grading tests use these few helpers rather than bats-assert: loading
# bats-support and bats-assert costs ~20 ms per test, which would double the time
# of `make check` (the tooling tests in tests/tools use them).
# shellcheck disable=SC2154 # $status and $output are set by bats' run

# fail MESSAGE : the test fails, showing MESSAGE.
fail() {
    printf '%s\n' "$1" >&2
    return 1
}

WB_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# shellcheck source=labs/common/trace.bash
source "$WB_ROOT/labs/common/trace.bash"

# Build the lab (once per file). A compile error is remembered, not fatal here:
# every test of the lab then fails with the compiler's message.
lab_setup_file() {
    local line labs=${LABS:-labs} wb=("$WB_ROOT/tools/wb.py")
    line=$("${wb[@]}" lab "$1") || return 1
    IFS=$'\t' read -r LAB_ID LAB_DIR _ <<<"$line"
    export LAB_ID LAB_DIR
    [[ $labs == /* ]] || labs=$WB_ROOT/$labs
    BIN=$("${wb[@]}" build-dir "$labs")/$LAB_DIR
    export BIN WB_BUILD_LOG=$BATS_FILE_TMPDIR/build.log
    # tools/check.sh has built the lab already (WB_BUILT.ok, or WB_BUILT.log: the errors).
    if [[ -n ${WB_BUILT:-} && -e $WB_BUILT.ok ]]; then
        :
    elif [[ -n ${WB_BUILT:-} && -e $WB_BUILT.log ]]; then
        cp "$WB_BUILT.log" "$WB_BUILD_LOG"
        touch "$BATS_FILE_TMPDIR/build.failed"
    elif ! make -s -C "$WB_ROOT" build LAB="$LAB_ID" LABS="$labs" BUILD="${BIN%/*}" \
        >"$WB_BUILD_LOG" 2>&1; then
        touch "$BATS_FILE_TMPDIR/build.failed"
    fi
    export PS; PS=$(getconf PAGESIZE)
    [[ -z ${WB_AS_STUDENT:-} ]] || as_student_setup_file "$("${wb[@]}" tree "$LAB_ID" "$labs")"
}

lab_setup() {
    if [[ -e $BATS_FILE_TMPDIR/build.failed ]]; then
        fail "$(printf 'lab %s does not compile (-Wall -Wextra -Werror):\n%s' \
            "$LAB_DIR" "$(head -n 20 "$WB_BUILD_LOG")")"
    fi
    if [[ -n ${WB_AS_STUDENT:-} ]]; then as_student_setup || return 1; else cd "$BATS_TEST_TMPDIR" || return 1; fi
}

# In the grader's sandbox (tools/grade-sandbox.sh --harness sets WB_AS_STUDENT
# and WB_STUDENT_UID) the tests run as one uid and the lab's programs as
# another, the student's: each $BIN/NAME becomes a copy of the wrapper
# WB_AS_STUDENT (tools/grade-as-student.c), which runs the student's build,
# $BIN/.student/NAME, as the student with no descriptor but 0, 1 and 2. The
# student's uid may use the lab's programs, read the tests' inputs in
# BATS_FILE_TMPDIR (group STUDENT, setgid) and write in each test's working
# directory, BATS_TEST_TMPDIR/w, and in /dev/shm (setgid, umask 007); bats'
# other files, the traces (in BATS_TEST_TMPDIR) and the results stay the
# harness's alone.
as_student_setup_file() {
    local g=$WB_STUDENT_UID d=$BIN src name
    while [[ $d == /work/?* && -O $d ]]; do chmod o+x "$d"; d=${d%/*}; done
    mkdir -p "$BIN/.student"
    chgrp "$g" "$BIN/.student" && chmod 2750 "$BIN/.student" || return 1
    for src in "$1"/*.c; do
        name=${src##*/} name=${name%.c}
        [[ -f $BIN/$name && ! -e $BIN/.student/$name ]] || continue
        mv "$BIN/$name" "$BIN/.student/$name" && chgrp "$g" "$BIN/.student/$name" &&
            chmod 0750 "$BIN/.student/$name" && cp "$WB_AS_STUDENT" "$BIN/$name" || return 1
    done
    chmod 0711 "$BATS_RUN_TMPDIR" "${BATS_FILE_TMPDIR%/*}" &&
        chgrp "$g" "$BATS_FILE_TMPDIR" && chmod 2750 "$BATS_FILE_TMPDIR" &&
        chgrp "$g" /dev/shm && chmod 3777 /dev/shm
}
as_student_setup() {
    local w=$BATS_TEST_TMPDIR/w
    chmod 0711 "$BATS_TEST_TMPDIR" "${BATS_TEST_TMPDIR%/*}" && mkdir "$w" &&
        chgrp "$WB_STUDENT_UID" "$w" && chmod 2770 "$w" && cd "$w" || return 1
    umask 007
}

# runp PROG ARGS... : run a lab program with a time limit; $status, $output
# (stdout and stderr together) as bats' `run` sets them. Under WB_VALGRIND=1 it
# runs in valgrind and fails the test on any memory error or leak.
runp() {
    local prog=$BIN/$1; shift
    if [[ ${WB_VALGRIND:-} == 1 ]]; then
        run timeout -k 1 30 valgrind -q --error-exitcode=97 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --log-file="$BATS_TEST_TMPDIR/vg.log" \
            "$prog" "$@"
        if ((status == 97)); then
            fail "$(printf 'valgrind found memory errors in %s:\n%s' "${prog##*/}" \
                "$(head -n 30 "$BATS_TEST_TMPDIR/vg.log")")"
        fi
    else
        run timeout -k 1 10 "$prog" "$@"
    fi
    [[ $status -ne 124 ]] || fail "${prog##*/} did not finish within 10 s (killed)"
}

# runp_native PROG ARGS... : like runp, never under valgrind (for programs that
# fault on purpose, count page faults, or use MAP_FIXED_NOREPLACE).
runp_native() { WB_VALGRIND='' runp "$@"; }

# traced PROG ARGS... : run under strace -f. In $TRACE each line's pid is gone,
# ") = " has single spaces, and every address (a hex number of 8 digits or more)
# reads 0x..; $RAW_TRACE is the same with the addresses kept.
traced() { trace_run -f "$@"; }

# traced_parent PROG ARGS... : the same without -f: only the program's own
# system calls, none of its children's.
traced_parent() { trace_run '' "$@"; }

trace_run() {
    local follow=$1 prog=$BIN/$2; shift 2
    RAW_TRACE=$BATS_TEST_TMPDIR/trace.raw TRACE=$BATS_TEST_TMPDIR/trace
    run timeout -k 1 20 strace ${follow:+"$follow"} -qq -o "$RAW_TRACE" "$prog" "$@"
    [[ $status -ne 124 ]] || fail "${prog##*/} did not finish within 20 s under strace (killed)"
    trace_clean "$RAW_TRACE" "$TRACE"
}

# trace_main [FILE] : the trace ($TRACE, or FILE) after the dynamic loader is
# done: what main() and after did.
trace_main() { trace_program_part "${1:-$TRACE}"; }

# The trace from the first line that matches ERE on (to see only what the
# program did after, e.g., opening its file, not what the loader did before).
trace_from() { sed -En "/$1/,\$p" "$TRACE"; }

# trace_has ERE [WHAT] / trace_lacks ERE [WHAT] : a system call line that must
# (not) be in the trace. WHAT says in words what was expected.
trace_has() {
    grep -Eq -- "$1" "$TRACE" && return 0
    fail "$(printf 'expected %s\n  (a system call matching: %s)\nthe trace has:\n%s' \
        "${2:-a system call}" "$1" "$(trace_summary)")"
}
trace_lacks() {
    local hit
    hit=$(grep -E -m3 -- "$1" "$TRACE") || return 0
    fail "$(printf 'expected %s\nbut the trace has:\n%s' "${2:-no such call: $1}" "$hit")"
}
# What the program did after the dynamic loader, without signal and exit
# lines: the part of a trace worth showing a student.
trace_summary() { trace_main "$TRACE" | grep -Ev '^(\+\+\+|---)' | head -n 15; }

# file_calls PATH : the system calls the program made on the descriptor it
# opened PATH with (its first openat() of a name ending in PATH), up to that
# descriptor's close(): NAME<TAB>LINE, one a line. A call counts when the
# descriptor is what it acts on: its first argument, mmap()'s fifth,
# sendfile()'s second, splice()'s and copy_file_range()'s third, tee()'s second.
file_calls() {
    trace_main | awk -v path="$1" -v q='"' '
        !on && /^openat\(/ && index($0, "/" path q) + index($0, q path q) && / = [0-9]+$/ {
            fd = $NF; on = 1; next }
        on && match($0, /^[a-z0-9_]+\(/) {
            name = substr($0, 1, RLENGTH - 1); n = split(substr($0, RLENGTH + 1), a, ", ")
            sub(/\).*/, "", a[1]); sub(/\).*/, "", a[n])
            if (a[1] == fd || (name == "mmap" && a[5] == fd) || (name == "sendfile" && a[2] == fd) ||
                ((name == "splice" || name == "copy_file_range") && a[3] == fd) || (name == "tee" && a[2] == fd))
                print name "\t" $0
            if (name == "close" && a[1] == fd) exit }'
}

# expect_file_calls PATH ALLOWED WHAT : the program did nothing with PATH's
# descriptor but the calls ALLOWED (an ERE of names, e.g. 'fstat|mmap|close');
# WHAT says why. (What is allowed is listed, not what is forbidden: a read()
# by any other name - pread64, readv, sendfile, splice - is caught too.)
expect_file_calls() {
    local bad
    bad=$(file_calls "$1" | awk -F'\t' -v ok="^($2)\$" '$1 !~ ok { print $2 }' | head -n 3)
    [[ -z $bad ]] && return 0
    fail "$(printf 'expected only %s on the descriptor of %s (%s), but the program also called:\n%s' \
        "${2//|/, }" "$1" "$3" "$bad")"
}

# mmap_of PATH : the mmap() lines of the program's part of the trace made on
# PATH's descriptor (see file_calls).
mmap_of() { file_calls "$1" | awk -F'\t' '$1 == "mmap" { print $2 }'; }

# expect_eq WHAT EXPECTED ACTUAL : equal strings, or a message saying both.
expect_eq() {
    [[ $2 == "$3" ]] && return 0
    fail "$(printf '%s: expected %s, got %s' "$1" "$2" "${3:-(nothing)}")"
}

# expect_line LINE [TASK] : $output must contain this whole line.
expect_line() {
    grep -Fxq -- "$1" <<<"$output" && return 0
    fail "$(printf 'expected the line%s\n  %s\nin the output, which was:\n%s' "${2:+ (task $2)}" "$1" "$output")"
}

# expect_status N [TASK] : the program's exit status (139 = SIGSEGV, 135 = SIGBUS).
expect_status() {
    ((status == $1)) && return 0
    fail "$(printf 'expected exit status %s, got %s%s; output:\n%s' "$1" "$status" "${2:+ (task $2)}" \
        "$(head -n 15 <<<"$output")")"
}

# expect_ok TASK : the program exited with status 0.
expect_ok() { expect_status 0 "$1"; }

# expect_same_file EXPECTED ACTUAL WHAT : byte-for-byte equal files.
expect_same_file() {
    cmp -s -- "$1" "$2" && return 0
    fail "$(printf '%s differs from what was expected: %s' "$3" "$(cmp -- "$1" "$2" 2>&1 | head -n 1)")"
}

# field NAME : the value after "NAME:" in $output ("faults in mmap:  12" -> 12).
field() { sed -n "s/^$1: *//p" <<<"$output" | head -n 1; }

# make_file NAME SIZE [CHAR] : a file of SIZE bytes; CHAR repeated, or, without
# CHAR, a pattern in which every 4-byte group differs (so offsets matter).
make_file() {
    if [[ -n ${3:-} ]]; then
        head -c "$2" /dev/zero | tr '\0' "$3" >"$1"
    else
        seq -f '%07g' 0 $(($2 / 8 + 1)) | tr '\n' '.' | head -c "$2" >"$1"
    fi
}
