#!/usr/bin/env bash
# tools/gen-starter.sh - make the student's starter code from the reference solution.
#
#   tools/gen-starter.sh [--check] [LABDIR...]    (default: every lab in course.toml)
#
# Every solutions/NN-topic/*.c|*.h becomes labs/NN-topic/ with the same name,
# and so does a .clang-format there (the driver's kernel style), copied as it is.
# In a solution, the code a student writes sits between markers, right after a
# comment that says "TODO n.m: what to do":
#
#     /* TODO 1.1: map the file ... */
#     //@solution
#     char *map = mmap(...);          <- dropped from the starter
#     //@starter
#     // char *map = NULL;            <- kept in the starter, "// " removed
#     //@end
#
# The starter lines are a placeholder that compiles and runs, but fails the tests.
# --check writes nothing: it exits 1 if a committed starter differs from what
# this would generate (make test runs it), naming the files.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

check=false
if [[ ${1:-} == --check ]]; then check=true; shift; fi
if (($# == 0)); then mapfile -t labs < <(tools/wb.py labs | cut -f2); else labs=("$@"); fi

# The marker language, as one awk program: solution file in, starter out.
starter() {
    awk '
        function bad(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; err = 1; exit 1 }
        /TODO [0-9]+\.[0-9]+: /  { todo = 1 }
        /^[ \t]*\/\/@solution$/  { if (state != "") bad("@solution inside a block");
                                   if (!todo) bad("@solution without a \"TODO n.m: \" comment before it");
                                   state = "solution"; todo = 0; next }
        /^[ \t]*\/\/@starter$/   { if (state != "solution") bad("@starter without @solution"); state = "starter"; next }
        /^[ \t]*\/\/@end$/       { if (state == "") bad("@end without @solution"); state = ""; next }
        state == "solution"      { next }
        state == "starter"       { if (!sub(/\/\/ ?/, "")) bad("a starter line must be a // comment"); print; next }
                                 { print }
        END { if (!err && state != "") bad("block not closed with //@end") }
    ' "$1"
}

status=0
for lab in "${labs[@]}"; do
    lab=${lab%/}; lab=${lab##*/}
    # Where the lab lives (the kernel lab: solutions/kernel-lab/ -> kernel-lab/).
    from=$(tools/wb.py tree "$lab" solutions) to=$(tools/wb.py tree "$lab" labs) || exit 2
    [[ -d $from ]] || { echo "gen-starter: no $from" >&2; exit 2; }
    for src in "$from"/*.[ch] "$from"/.clang-format; do
        [[ -e $src ]] || continue
        dst=$to/${src##*/}
        out=$(starter "$src") || { echo "gen-starter: $src has a marker error" >&2; exit 1; }
        if $check; then
            if ! diff -q <(printf '%s\n' "$out") "$dst" >/dev/null 2>&1; then
                echo "gen-starter: $dst is not what tools/gen-starter.sh makes from $src" >&2
                status=1
            fi
        else
            mkdir -p "$to"
            printf '%s\n' "$out" >"$dst"
        fi
    done
done
exit "$status"
