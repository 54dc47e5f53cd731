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

# fail MESSAGE : the test fails, showing MESSAGE, with the test's task id
# after its first line if MESSAGE does not name that task (it may name
# another: "task 2.1 is not done yet" in a test of 2.2).
fail() {
    local task=${BATS_TEST_DESCRIPTION%% *} first=${1%%$'\n'*}
    local own="tasks? ([0-9]+\.[0-9]+(,| and| or| to) ?)*${task//./\\.}([^0-9]|$)"
    if [[ ! $task =~ ^[0-9]+\.[0-9]+$ || $1 =~ $own ]]; then
        printf '%s\n' "$1" >&2
    else # after the first line
        printf '%s (task %s)%s\n' "$first" "$task" "${1:${#first}}" >&2
    fi
    return 1
}

# tampered EVIDENCE : the test fails with the lab's verdict TAMPERED (the VM's
# harness found forged result lines; its first line as tools/wb.py's
# TAMPER_MARK, and the grader gives the lab 0): a lab's verdict, so no task.
tampered() {
    printf 'TAMPERED: %s\n' "$1" >&2
    return 1
}

WB_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# shellcheck source=labs/common/trace.bash
source "$WB_ROOT/labs/common/trace.bash"

# Build the lab (once per file), each program on its own (make -k): a program
# that does not compile fails only the tests that run it (see `built`).
# tools/check.sh builds the lab before its bats processes start (WB_BUILT=1).
lab_setup_file() {
    local line labs=${LABS:-labs} wb=("$WB_ROOT/tools/wb.py")
    line=$("${wb[@]}" lab "$1") || return 1
    IFS=$'\t' read -r LAB_ID LAB_DIR _ <<<"$line"
    export LAB_ID LAB_DIR
    [[ $labs == /* ]] || labs=$WB_ROOT/$labs
    BIN=$("${wb[@]}" build-dir "$labs")/$LAB_DIR
    export BIN
    if [[ -z ${WB_BUILT:-} ]]; then
        make -s -k -C "$WB_ROOT" build LAB="$LAB_ID" LABS="$labs" BUILD="${BIN%/*}" \
            >"$BATS_FILE_TMPDIR/build.log" 2>&1 || true
    fi
    export PS; PS=$(getconf PAGESIZE)
    [[ -z ${WB_AS_STUDENT:-} ]] || as_student_setup_file "$("${wb[@]}" tree "$LAB_ID" "$labs")"
}

lab_setup() {
    if [[ -n ${WB_AS_STUDENT:-} ]]; then as_student_setup || return 1; else cd "$BATS_TEST_TMPDIR" || return 1; fi
}

# lab_teardown : no program of the test outlives it. In the grader's sandbox
# every process of the student's uid is killed (a fork bomb's too: each round
# kills all there are, and a process with SIGKILL pending cannot fork); else
# run_limit has kept each run within the test's time. A lab's own teardown
# calls it.
lab_teardown() {
    [[ -n ${WB_AS_STUDENT:-} ]] || return 0
    local tries
    for ((tries = 0; tries < 50; tries++)); do
        pkill -KILL -U "$WB_STUDENT_UID" || return 0
        sleep 0.05
    done
    echo "lab_teardown: processes of the student's uid are still running" >&2
    return 1
}
teardown() { lab_teardown; }

# run_limit SECONDS : SECONDS, or less when the test has a time limit
# (BATS_TEST_TIMEOUT, the grader's): what is left of it, less a second for the
# test to report. So a program that hangs is stopped by its own run, which
# names it, never by bats' timeout, which would leave it running.
run_limit() {
    local left=$1
    [[ -z ${BATS_TEST_TIMEOUT:-} ]] || left=$((BATS_TEST_TIMEOUT - SECONDS - 1))
    ((left < $1)) || left=$1
    echo $((left > 1 ? left : 1))
}

# built PROG : PROG compiled; if not, the test fails with the compiler's first
# error (from $BIN/PROG.log, which the Makefile keeps for a failed build) and
# its file. runp and traced check it; a test that runs $BIN/PROG itself calls it.
built() {
    [[ -x $BIN/$1 && ! -e $BIN/$1.log ]] && return 0
    if [[ -s $BIN/$1.log ]]; then
        fail "$(printf '%s does not compile (-Wall -Wextra -Werror), so this test cannot run it.\nThe compiler'"'"'s first error:\n%s\n(all of it: make build LAB=%s)' \
            "$1" "$(grep -m1 -A3 -E 'error|undefined reference' "$BIN/$1.log" || head -n 4 "$BIN/$1.log")" "$LAB_ID")"
    elif [[ -f $BIN/$1 && ! -x $BIN/$1 ]]; then
        fail "$1 was built but cannot be run: $BIN/$1 is not executable here (is its file system mounted noexec? make check BUILD=/another/dir builds there)"
    else
        # (no source, or a build that could not even write its log: a full disk)
        fail "$1 was not built: no $BIN/$1 and no compiler message (is $1.c in the lab's directory? make build LAB=$LAB_ID says why)"
    fi
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
# runs in valgrind and fails the test on any memory error or leak. The limit:
# WB_TIMEOUT seconds (30: a busy machine must not fail a correct program; three
# times that under valgrind).
runp() {
    built "$1" || return 1
    local prog=$BIN/$1 limit=${WB_TIMEOUT:-30}; shift
    remember_run "$prog" "$@"
    if [[ ${WB_VALGRIND:-} == 1 ]]; then
        limit=$(run_limit $((3 * limit)))
        run timeout -k 1 "$limit" valgrind -q --error-exitcode=97 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --log-file="$BATS_TEST_TMPDIR/vg.log" \
            "$prog" "$@"
        if ((status == 97)); then
            fail "$(printf 'valgrind found memory errors in %s:\n%s' "${prog##*/}" \
                "$(upto 30 <"$BATS_TEST_TMPDIR/vg.log")")"
        fi
    else
        limit=$(run_limit "$limit")
        run timeout -k 1 "$limit" "$prog" "$@"
    fi
    [[ $status -ne 124 ]] || timed_out "${prog##*/}" "$limit"
}

# upto N : the first N lines of standard input (all of them with VERBOSE=1).
upto() { if [[ -n ${VERBOSE:-} ]]; then cat; else head -n "$1"; fi; }

# timed_out PROG SECONDS : the test fails, saying what usually makes PROG hang:
# the test's WB_TIMEOUT_WHY, else what the lab's `timeout_hint PROG` prints,
# when the lab defines one (it knows its programs), else the usual causes. (A test whose program does much work
# sets WB_TIMEOUT, in seconds: a busy machine must not make it fail.)
timed_out() {
    local hint=""
    if declare -F timeout_hint >/dev/null; then hint=$(timeout_hint "$1"); fi
    hint=${WB_TIMEOUT_WHY:-$hint}
    fail "$(printf '%s did not finish within %s s (killed). %s' "$1" "$2" \
        "${hint:-Usually a loop whose condition never changes, or a wait for something that never comes (a child that never exits, a pipe or a lock never released).}")"
}

# remember_run PROG ARGS... : the command, environment and directory of the
# run about to start, so that crash_note can run it again (the test's
# VAR=value prefixes are gone by then).
remember_run() {
    local v
    WB_LAST=("$@") WB_LAST_ENV=() WB_LAST_TRACE='' WB_LAST_DIR=$PWD
    for v in $(compgen -e); do WB_LAST_ENV+=("$v=${!v}"); done
}

# crash_note : when the last run ($status) died of a signal, which one, and
# where: the siginfo strace saw (si_code, si_addr) and, when gdb is installed,
# the function and line of the program it died in. The run is repeated for
# that (under gdb, or strace) unless it was traced already.
crash_note() {
    ((status > 128 && status < 128 + 32)) || return 0
    local sig out where
    sig=SIG$(kill -l $((status - 128)) 2>/dev/null) || sig="signal $((status - 128))"
    printf '%s was killed by %s (exit status %s = 128 + %s)' "${WB_LAST[0]##*/}" "$sig" "$status" $((status - 128))
    ((${#WB_LAST[@]})) || { echo; return 0; }
    if [[ -n $WB_LAST_TRACE ]]; then # traced (a failure injected, perhaps): it says where
        out=$(grep -E "^--- $sig " "$WB_LAST_TRACE" | tail -n 1)
        out=${out% ---}
        [[ -z $out ]] || printf ': %s' "${out#*--- }"
        echo
        return 0
    fi
    if command -v gdb >/dev/null; then
        # shellcheck disable=SC2016 # gdb's convenience variables, not the shell's
        out=$(cd "$WB_LAST_DIR" && timeout -k 1 "$(run_limit 30)" env -i "${WB_LAST_ENV[@]}" gdb -q -batch -nx \
            -ex run -ex 'p $_siginfo._sifields._sigfault.si_addr' -ex bt --args "${WB_LAST[@]}" </dev/null 2>&1)
        where=$(grep -E '^#[0-9]+ .* at [^ ]+:[0-9]+$' <<<"$out" | head -n 3 | sed -E 's/^#[0-9]+ +(0x[0-9a-f]+ in )?/  in /')
        [[ -z $where ]] || printf ':\n%s' "$where"
        # shellcheck disable=SC2016 # gdb's $1, not the shell's
        out=$(sed -n 's/^\$1 = (void \*) //p' <<<"$out")
        [[ $sig != SIGSEGV && $sig != SIGBUS || -z $out ]] || printf '\n  at the address %s' "$out"
        echo
        return 0
    fi
    out=$(cd "$WB_LAST_DIR" && timeout -k 1 "$(run_limit 30)" env -i "${WB_LAST_ENV[@]}" strace -f -qq -e trace=none \
        -o /dev/stdout "${WB_LAST[@]}" </dev/null 2>/dev/null | grep -E "^([0-9]+ +)?--- $sig " | tail -n 1)
    out=${out% ---}
    [[ -z $out ]] || printf ': %s' "${out#*--- }"
    echo
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
    built "$2" || return 1
    local follow=$1 prog=$BIN/$2 limit; shift 2
    limit=$(run_limit $((2 * ${WB_TIMEOUT:-30})))
    RAW_TRACE=$BATS_TEST_TMPDIR/trace.raw TRACE=$BATS_TEST_TMPDIR/trace
    remember_run "$prog" "$@"
    WB_LAST_TRACE=$RAW_TRACE
    run timeout -k 1 "$limit" strace ${follow:+"$follow"} -qq ${WB_INJECT:+-e "inject=$WB_INJECT"} \
        -o "$RAW_TRACE" "$prog" "$@"
    [[ $status -ne 124 ]] || timed_out "${prog##*/}" "$limit (under strace)"
    trace_clean "$RAW_TRACE" "$TRACE"
}

# trace_main [FILE] : the trace ($TRACE, or FILE) after the dynamic loader is
# done: what main() and after did.
trace_main() { trace_program_part "${1:-$TRACE}"; }

# The trace from the first line that matches ERE on (to see only what the
# program did after, e.g., opening its file, not what the loader did before).
trace_from() { sed -En "/$1/,\$p" "$TRACE"; }

# trace_has ERE [WHAT] / trace_lacks ERE [WHAT] : a system call line that must
# (not) be in the program's part of the trace (trace_main: the dynamic loader's
# own mmap() and openat() lines could match too). WHAT says in words what was
# expected.
trace_has() {
    trace_main | grep -Eq -- "$1" && return 0
    fail "$(printf 'expected %s\n  (a system call matching: %s)\nthe trace has:\n%s' \
        "${2:-a system call}" "$1" "$(trace_summary)")"
}
trace_lacks() {
    local hit
    hit=$(trace_main | grep -E -m3 -- "$1") || return 0
    fail "$(printf 'expected %s\nbut the trace has:\n%s' "${2:-no such call: $1}" "$hit")"
}
# What the program did after the dynamic loader, without signal and exit
# lines: the part of a trace worth showing a student.
trace_summary() { trace_main "$TRACE" | grep -Ev '^(\+\+\+|---)' | upto 15; }

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
# A program killed by a signal is named with it, and where (crash_note).
expect_status() {
    ((status == $1)) && return 0
    local note
    note=$(crash_note)
    fail "$(printf 'expected exit status %s, got %s%s\n%s%soutput:\n%s' "$1" "$status" "${2:+ (task $2)}" \
        "$note" "${note:+$'\n'}" "$(upto 15 <<<"$output")")"
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

# --- crashes explained (issue 12, labs 01-03) ----------------------------------

# not_killed PROG WHY : the last run of PROG ($status, $output; runp, traced or
# remember_run) was not killed by a signal; if it was, the failure names the
# signal and where (crash_note), the program's last line of output and WHY:
# what usually causes it, and which task.
not_killed() {
    ((status > 128 && status < 160)) || return 0
    fail "$(printf '%s\nafter its line\n  %s\n%s.\nIts output:\n%s' "$(crash_note)" \
        "$(tail -n 1 <<<"${output:-(no output)}")" "$2" "$(head -n 15 <<<"${output:-(nothing)}")")"
}

# fails_well TASK SYSCALL ERRNO ERE PROG ARGS... : make the program's first
# SYSCALL in its own part whose trace line matches ERE fail with ERRNO
# (failing_call). The program must report it - a message naming ERRNO or its
# text, as die() and perror() do - and exit with a status from 1 to 125: not go
# on as if it had worked, nor crash.
fails_well() {
    local task=$1 call=$2 err=$3 ere=$4 prog=$5 hit
    shift 4
    failing_call "$call" "$ere" "$err" "$@" || return 1
    hit=$(grep -E "^$call\(.*\(INJECTED\)$" "$TRACE" | head -n 1) || true
    [[ $hit =~ $ere ]] || fail "(the test's own failure: strace did not make the right $call() fail: $hit)" || return 1
    not_killed "$prog" "$(printf 'after %s() failed with %s (made to fail by the test, as it can on a real system), the program went on as if it had worked: check its result and report the failure with die() (task %s)' "$call" "$err" "$task")" || return 1
    local note="$call() fails with $err (made to fail by the test: $hit)"
    [[ $call != mmap ]] || note+="; a failed mmap() returns MAP_FAILED, not NULL"
    expect_reported "$err" "$task" "$note"
}

# with_input PROG DRIVER-C : build PROG's source (this tree's) with the test's
# own main() (DRIVER-C, which #includes PROG.c with its main renamed, or the
# header PROG, e.g. ring.h) into the driver that run_driver runs. The driver
# feeds the student's code crafted input (an smaps file, pagemap entries, a
# mapping's tail) where the kernel's answer depends on who runs it, or is the
# same whether the code is right or not, or watches it work (the order of its
# stores). It is built in a directory of the test's that the student's uid cannot
# write; in the grader's sandbox it runs as the student, like a lab program.
with_input() {
    local src=${LABS:-labs} dir=$BATS_TEST_TMPDIR/drv out
    [[ $src == /* ]] || src=$WB_ROOT/$src
    local name=${1%.h} file=$1
    [[ $file == *.h ]] || file=$1.c
    DRIVER=$dir/$name-driver out=$DRIVER
    mkdir -p "$dir"
    if [[ -n ${WB_AS_STUDENT:-} ]]; then
        mkdir -p "$dir/.student" && chmod 0711 "$dir" "$dir/.student" || return 1
        out=$dir/.student/$name-driver
        cp "$WB_AS_STUDENT" "$DRIVER" || return 1
    fi
    cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -I "$WB_ROOT/labs/common" -I "$src/$LAB_DIR" \
        -o "$out" -x c - -lm <<<"$2" 2>"$dir/$name-driver.log" ||
        fail "$(printf 'the test could not build %s with its own input (did the TODO'"'"'s code move out of its function?):\n%s' "$file" "$(head -n 8 "$dir/$name-driver.log")")" || return 1
    [[ -z ${WB_AS_STUDENT:-} ]] || { chgrp "$WB_STUDENT_UID" "$out" && chmod 0750 "$out"; }
}

# run_driver ARGS... : run the driver with_input built, as runp runs a program
# ($status, $output; a time limit; not_killed can say where it crashed).
run_driver() {
    local limit
    limit=$(run_limit "${WB_TIMEOUT:-30}")
    remember_run "$DRIVER" "$@"
    run timeout -k 1 "$limit" "$DRIVER" "$@"
    [[ $status -ne 124 ]] || timed_out "${DRIVER##*/}" "$limit"
}

# --- Error paths: a system call made to fail (strace -e inject) -------------

# main_has ERE WHAT : like trace_has, in the program's own part of the trace
# only (never a line of the dynamic loader's: it maps anonymous memory too).
main_has() {
    trace_main "$TRACE" | grep -Eq -- "$1" && return 0
    fail "$(printf 'expected %s\n  (a system call matching: %s)\nthe trace has:\n%s' \
        "${2:-a system call}" "$1" "$(trace_summary)")"
}

# call_number SYSCALL ERE : the ordinal, as strace's inject=SYSCALL:...:when=N
# counts them (the loader's calls included), of the first SYSCALL call in the
# program's own part of the last trace that matches ERE. Trace the program
# alone (traced_parent): strace counts each process's calls on their own.
call_number() {
    local all own mine
    all=$(grep -cE "^$1\(" "$TRACE") || true
    own=$(trace_main | grep -cE "^$1\(") || true
    mine=$(trace_main | grep -E "^$1\(" | grep -nE -m1 -- "$2" | cut -d: -f1) || true
    [[ -z $mine ]] || echo $((all - own + mine))
}

# failing SPEC PROG ARGS... : run PROG (under strace, as traced_parent) with
# the failure SPEC injected into the program itself, not its children:
# failing msync:error=EIO recstore set ..., failing mmap:error=ENOMEM:when=7 ...
# The trace shows each failed call as "= -1 ERRNO (...) (INJECTED)".
failing() { WB_INJECT=$1 trace_run '' "${@:2}"; }

# failing_call SYSCALL ERE ERRNO PROG ARGS... : PROG run twice, traced: once
# to find its first SYSCALL call whose line matches ERE (call_number), then
# with that call failing with ERRNO. The test fails if there is no such call.
failing_call() {
    local sc=$1 ere=$2 err=$3 n
    shift 3
    traced_parent "$@" || return 1
    n=$(call_number "$sc" "$ere")
    [[ -n $n ]] || fail "$(printf 'expected %s to call %s() (a call matching: %s); the trace has:\n%s' "$1" "$sc" "$ere" "$(trace_summary)")" || return 1
    failing "$sc:error=$err:when=$n" "$@"
}

# expect_reported ERRNO TASK WHAT : after `failing`, the program saw the
# failure and said so: it exited with a status of its own (1 to 125, not a
# signal), with a message that gives the error (its name ERRNO, or its text),
# and no call failed unseen. WHAT says which call failed.
expect_reported() {
    local text note
    # (perl-base is in every Debian system; its $! is strerror's text)
    # shellcheck disable=SC2016 # perl's variables, not the shell's
    text=$(perl -e 'use Errno; $! = &{"Errno::$ARGV[0]"}; print "$!"' "$1")
    if ((status == 0 || status > 125)); then
        note=$(crash_note)
        fail "$(printf 'task %s: when %s, expected the program to report it and exit with a non-zero status; it exited with %s\n%s%soutput:\n%s' \
            "$2" "$3" "$status" "$note" "${note:+$'\n'}" "$(upto 15 <<<"$output")")"
    fi
    [[ $output == *"$1"* || $output == *"$text"* ]] ||
        fail "$(printf 'task %s: when %s, expected a message that gives the error (%s, "%s"); the program printed:\n%s' \
            "$2" "$3" "$1" "$text" "$(upto 15 <<<"${output:-(nothing)}")")"
}
