# labs/common/trace.bash - strace's output made comparable: one home for the
# clean-up that the grading tests (tests/lib/wb.bash) and the observation
# scripts (labs/common/observe.bash) both do. Sourced, not run.
# shellcheck shell=bash

# trace_clean RAW MASKED: in RAW (strace -o's file, -f or not), each line's pid
# goes and ") += " reads ") = "; MASKED gets the same with every address (a
# hex number of 8 digits or more) written 0x.., so that lines compare as text.
trace_clean() {
    sed -Ei 's/^[0-9]+ +//; s/\) += /) = /' "$1"
    trace_unwrap "$1"
    sed -E 's/0x[0-9a-f]{8,}/0x../g' "$1" >"$2"
}

# trace_unwrap RAW: in the grader's sandbox a lab program starts as the
# wrapper that takes the student's uid (tools/grade-as-student.c), which then
# executes DIR/.student/NAME: its lines go, and that execve() reads DIR/NAME.
trace_unwrap() {
    [[ -n ${WB_AS_STUDENT:-} ]] && grep -q '^execve("[^"]*/\.student/' "$1" || return 0
    awk 'NR == 1 && /^execve\(/ { skip = 1 }
         skip && /^execve\("[^"]*\/\.student\// { skip = 0; sub(/\/\.student\//, "/") }
         !skip { print }' "$1" >"$1.unwrapped" && mv "$1.unwrapped" "$1"
}

# trace_program_part FILE: the trace from the end of dynamic loading on (the
# loader unmaps /etc/ld.so.cache once it has mapped libc): what main() and
# after did. The whole trace if that point is not found (a static program).
trace_program_part() {
    awk '{ all[NR] = $0 }
         !start && seen && /^munmap\(/ { start = NR + 1 }
         /libc\.so/ { seen = 1 }
         END { for (i = (start ? start : 1); i <= NR; i++) print all[i] }' "$1"
}
