#!/usr/bin/env bash
# tools/prairielearn.sh - PrairieLearn's external grader entry point.
#
#   tools/prairielearn.sh          PL_GRADE=DIR: DIR for /grade (the tests do)
#
# PrairieLearn copies the question's files into /grade and runs this: the
# student's files are in /grade/student, the question's data in
# /grade/data/data.json, and the results go to /grade/results/results.json
# (tools/wb.py prairielearn: score 0-1, each test with points and max_points;
# a submission none of whose graded labs builds is not gradable, and costs the
# student no attempt). The workbook (the handout, tools/dist.sh --list) goes in
# the course's serverFilesCourse/, and the question's info.json names this
# script as the entry point of an image with the packages of tools/deps.sh
# (core, grader, and kernel for the labs that run in a VM). Example:
#   "externalGradingOptions": { "enabled": true, "image": "YOUR-IMAGE",
#       "serverFilesCourse": ["mmap-workbook/"], "timeout": 600,
#       "entrypoint": "/grade/serverFilesCourse/mmap-workbook/tools/prairielearn.sh" }
# The labs graded: the question's params.lab ("01", or "01 02"), else LAB, else all.
# The student's files may be uploaded as the workbook's tree (labs/01-.../mcat.c)
# or by name alone (mcat.c): each name belongs to one lab's editable files.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pl=${PL_GRADE:-/grade}
mkdir -p "$pl/results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The grader could not grade (not the student's fault): PrairieLearn says so.
failed() {
    python3 -c 'import json, sys; json.dump({"succeeded": False, "gradable": False, "score": 0,
        "message": "The grader could not grade this submission (" + sys.argv[1] + "). Please tell your instructor."}, sys.stdout)' \
        "$1" >"$pl/results/results.json"
    exit 0
}

lab=$(python3 -c 'import json, sys
try:
    params = json.load(open(sys.argv[1], encoding="utf-8")).get("params") or {}
except (OSError, ValueError):
    params = {}
print(params.get("lab", "") if isinstance(params, dict) else "")' "$pl/data/data.json")
export LAB=${lab:-${LAB:-}}

# The submission as the workbook's tree: files uploaded by name alone go to
# the editable file of that name.
mkdir "$work/sub"
if [[ -d $pl/student/labs || -d $pl/student/kernel-lab ]]; then
    cp -rP "$pl/student/." "$work/sub/"
else
    while IFS= read -r f; do
        s=$pl/student/${f##*/}
        [[ -f $s && ! -L $s ]] || continue
        mkdir -p "$work/sub/${f%/*}" && cp "$s" "$work/sub/$f"
    done < <("$root/tools/wb.py" editable "$root")
fi

"$root/tools/grade.sh" -o "$work/out" "$work/sub" || failed "tools/grade.sh exited with status $?"
cp "$work/out/prairielearn.json" "$pl/results/results.json" || failed "no results"
