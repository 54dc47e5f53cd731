#!/usr/bin/env bash
# tools/classroom.sh - a GitHub Classroom template of the workbook (make classroom).
#
#   tools/classroom.sh [DIR]       default build/classroom/mmap-workbook
#
# DIR gets the student handout (tools/dist.sh: no solutions) and
# .github/workflows/classroom.yml (tools/wb.py classroom-workflow): on each
# push it installs the packages, runs make check, then scores each task in a
# step of its own (classroom-resources/autograding-command-grader: the task's
# points when all its tests pass), which the autograding reporter adds up.
# Push DIR as a template repository and make it the assignment's starter code.
# (The students' repositories hold the tests too: GitHub Classroom's grades are
# feedback a student could forge; the grade to stake is tools/grade.sh's.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/build/classroom/mmap-workbook}
[[ ! -e $out || -d $out ]] || { echo "classroom: $out is not a directory" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/tools/dist.sh" "$tmp/handout.tar.gz" >/dev/null
mkdir "$tmp/x" && tar -xzf "$tmp/handout.tar.gz" -C "$tmp/x"
mkdir -p "$tmp/x/mmap-workbook/.github/workflows"
"$root/tools/wb.py" classroom-workflow >"$tmp/x/mmap-workbook/.github/workflows/classroom.yml"
rm -rf "$out" && mkdir -p "$(dirname "$out")" && mv -T "$tmp/x/mmap-workbook" "$out"
echo "classroom: $out: the handout with .github/workflows/classroom.yml ($(grep -c 'autograding-command-grader' "$out/.github/workflows/classroom.yml") tasks scored)"
echo "  push it as a template repository: cd $out && git init -b main && git add -A && git commit -m 'The mmap workbook' && git remote add origin URL && git push -u origin main"
