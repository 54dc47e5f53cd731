#!/usr/bin/env bash
# tools/instructor.sh DIR - the instructor's notes of one lab, as Markdown on stdout, for
# the instructor's edition of the book (make book EDITION=instructor; never in make dist):
# the answers to the chapter's questions (solutions/DIR/ANSWERS.md, where DIR's tree
# is found by tools/wb.py tree), then each solution file that differs from its starter,
# as a diff from the starter to the solution without its markers (the //@solution lines,
# and the starter's code between //@starter and //@end, which the starter already shows).
#   tools/instructor.sh --count FILE   the numbered items of FILE's "## Questions"
#                                      section (a README.md), or of FILE (an ANSWERS.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# count FILE: numbered items ("N. " at the start of a line) of the Questions section of
# a chapter, or of the whole file for an ANSWERS.md.
count() {
    awk -v whole="$([[ ${1##*/} == ANSWERS.md ]] && echo 1 || echo 0)" '
        /^## / { q = ($0 ~ /^## Questions/) }
        (whole || q) && /^[0-9]+\. / { n++ } END { print n + 0 }' "$1"
}
if [[ ${1:-} == --count ]]; then count "$2"; exit; fi
dir=${1:?usage: tools/instructor.sh DIR}
labs=$(tools/wb.py tree "$dir" labs) sols=$(tools/wb.py tree "$dir" solutions)
[[ -d $sols ]] || { echo "instructor: no $sols: the instructor's edition needs the solutions" >&2; exit 1; }
answers=$sols/ANSWERS.md
printf '## Instructor'\''s notes\n\n### Answers to the questions\n\n'
if [[ -f $answers ]]; then
    sed '/^# /d' "$answers" # the file's own title; its items follow the chapter's numbers
else
    printf 'No answers yet (%s).\n' "$answers"
fi
printf '\n### The solutions, as changes to the starters\n\n'
shopt -s nullglob
# clean FILE: the solution as it reads without the markers.
clean() {
    awk '/^[ \t]*\/\/@solution$/ { next } /^[ \t]*\/\/@starter$/ { skip = 1; next }
         /^[ \t]*\/\/@end$/ { skip = 0; next } !skip' "$1"
}
for sol in "$sols"/*.[ch]; do
    starter=$labs/${sol##*/}
    if [[ ! -f $starter ]]; then
        printf '#### %s (no starter)\n\n```c\n' "${sol##*/}"
        clean "$sol"
        printf '```\n\n'
    elif ! cmp -s "$starter" "$sol"; then
        printf '#### %s\n\n```diff\n' "${sol##*/}"
        diff -u --label "$starter" --label "$sol" "$starter" <(clean "$sol") || true
        printf '```\n\n'
    fi
done
