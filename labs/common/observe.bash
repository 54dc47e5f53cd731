# labs/common/observe.bash - the shared helpers of the observation scripts
# (labs/NN-topic/observe/*.sh). A script sources this file, then calls
#     obs_setup 01
# which builds the lab's programs (yours by default; LABS=solutions for the
# reference), sets $BIN to where they are, and moves into a fresh temporary
# directory ($WORK) that is removed on exit. Then:
#     look  "text"              what to look at in the next output (before it)
#     why   "text"              what the output just shown means (after it)
#     show_run PROG ARGS...     run a lab program, show its command and output
#     show_traced PROG ARGS...  the same under strace; the trace is in $TRACE
#     show_trace ERE            the lines of the program's own part of the trace
#                               (after the dynamic loader) that match ERE
#     expect_success TASK       after a run that should succeed: if it did not,
#                               say which task is probably not done yet
# (The grading tests' helpers, tests/lib/wb.bash, have other names: runp and
# traced run a program under bats; these show what a program does.)
# Lab programs may fail (a task not done yet): show_run and show_traced never
# stop the script, they say so, and leave the exit status in $STATUS.
# shellcheck shell=bash

OBS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=labs/common/trace.bash
source "$OBS_ROOT/labs/common/trace.bash"
STATUS=0

obs_die() { printf 'observe: %s\n' "$*" >&2; exit 1; }

# wrap TEXT...: the text as a paragraph, folded at 76 columns, indented.
wrap() { printf '%s\n' "$*" | fold -s -w 76 | sed 's/ *$//; s/^/  /'; }

heading() { printf '\n=== %s ===\n' "$*"; }
look() { printf 'What to look at:\n'; wrap "$@"; }
why() { printf 'Why it matters:\n'; wrap "$@"; }

# obs_setup LAB: build the lab, set BIN, WORK and the exit trap, cd to WORK.
obs_setup() {
    local labs=${LABS:-labs} line dir
    line=$("$OBS_ROOT/tools/wb.py" lab "$1") || obs_die "no lab $1 in course.toml"
    dir=$(cut -f2 <<<"$line")
    LAB_HINT=$1
    [[ $labs == /* ]] || labs=$OBS_ROOT/$labs
    if ! make -s -C "$OBS_ROOT" build LAB="$1" LABS="$labs" >&2; then
        obs_die "lab $1 does not compile (see the compiler's messages above); fix that first."
    fi
    BIN=$("$OBS_ROOT/tools/wb.py" build-dir "$labs")/$dir
    export LC_ALL=C # the same messages for everyone, and no locale files in the traces
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    trap 'exit 1' INT TERM PIPE # so that the EXIT trap runs (e.g. under | head)
    cd "$WORK" || obs_die "cannot enter $WORK"
    printf 'Programs: %s   (LABS=%s)\n' "${BIN#"$OBS_ROOT"/}" "${LABS:-labs}"
}

# need TOOL...: stop with a clear message if a tool is missing.
need() {
    local tool
    for tool; do
        command -v "$tool" >/dev/null || obs_die "$tool is not installed (make deps installs it)"
    done
}

# explain_status PROG: say how the last run ended, if not with status 0.
explain_status() {
    case $STATUS in
    0) ;;
    139) wrap "($1 was killed by SIGSEGV: exit status 139)" ;;
    135) wrap "($1 was killed by SIGBUS: exit status 135)" ;;
    *) wrap "($1 exited with status $STATUS)" ;;
    esac
}

# expect_success TASK: after a run that should have succeeded, point at the task.
expect_success() {
    ((STATUS == 0)) && return 0
    wrap "This run should have succeeded. If task $1 is not done yet, that is why: make check LAB=$LAB_HINT says more. (The rest of this script goes on.)"
}

# path PROG: the lab's program PROG, or else the command PROG (e.g. cat).
path() {
    if [[ -x $BIN/$1 ]]; then printf '%s\n' "$BIN/$1"; else command -v "$1" || obs_die "no program $1"; fi
}

# print_out: the program's output ($WORK/out), indented, at most $OBS_LINES
# lines (15 unless set).
print_out() {
    local n max=${OBS_LINES:-15}
    n=$(wc -l <"$WORK/out")
    head -n "$max" "$WORK/out" | sed 's/^/  /'
    if ((n >= max)); then
        if ((n > max)); then wrap "(... $((n - max)) more lines)"; fi
    elif [[ -s $WORK/out && -n $(tail -c 1 "$WORK/out") ]]; then
        echo # the output did not end with a newline
    fi
}

# show_run PROG ARGS...: run $BIN/PROG, print "$ PROG ARGS" and its output.
show_run() {
    local prog=$1
    shift
    printf '$ %s %s\n' "$prog" "$*"
    STATUS=0
    "$(path "$prog")" "$@" >"$WORK/out" 2>&1 || STATUS=$?
    print_out
    explain_status "$prog"
}

# show_traced PROG ARGS...: like show_run, under strace -f; $TRACE holds the trace with
# pids removed and addresses masked as 0x.., $RAW_TRACE the same unmasked.
show_traced() {
    local prog=$1
    shift
    RAW_TRACE=$WORK/trace.raw TRACE=$WORK/trace
    printf '$ strace %s %s\n' "$prog" "$*"
    STATUS=0
    # Standard output is a pipe, as in the tests (cat, for one, behaves
    # differently when it writes to a file).
    if strace -f -qq -o "$RAW_TRACE" "$(path "$prog")" "$@" 2>&1 | cat >"$WORK/out"; then
        STATUS=0
    else
        STATUS=${PIPESTATUS[0]}
    fi
    print_out
    trace_clean "$RAW_TRACE" "$TRACE"
    explain_status "$prog"
}

# show_trace ERE [FILE]: matching lines of the program's part of the trace.
show_trace() {
    trace_program_part "${2:-$TRACE}" | grep -E -- "$1" | sed 's/^/  | /' || wrap "(no such system call in the trace)"
}
