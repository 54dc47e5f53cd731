#!/usr/bin/env bash
# tools/grade-class.sh - grade every submission of a class (make grade-class).
#
#   tools/grade-class.sh SUBMISSIONS-DIR [OUTDIR]     OUTDIR default build/grade-class
#
# Each entry of SUBMISSIONS-DIR (a directory, archive or git bundle; its name
# without extension is the student's id) is graded by tools/grade.sh, as many at a
# time as there are cores (GRADE_JOBS), into OUTDIR/DIR/ (all its results, and
# id.txt: the id). DIR is the id made safe: letters, digits, _ and - only (and,
# when that changed it, a hash of the id after a -), so it never has a dot
# while every file of the grader's own in OUTDIR has one: no student can take
# the name of grades.csv, of another's DIR.failed, or of another student. A
# result appears there only once complete (renamed into place), so an
# interrupted run, started again, grades only what is missing; a submission
# the grader could not grade (not one it graded at 0) is logged in
# OUTDIR/DIR.failed and tried again next time. Then OUTDIR/grades.csv: one row
# per student, id, the points of each lab, total. LAB="NN ..." grades those labs.
# Exit 0 when every submission has its result.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# One submission (xargs runs this, with GRADE_SLOT set to its free slot).
if [[ ${1:-} == --one ]]; then
    out=$2 entry=$3 id=$4 name=$5
    tmp=$out/.tmp-$id
    rm -rf "$tmp" "$out/$id.failed"
    start=$SECONDS
    status=0
    "$root/tools/grade.sh" --slot "$GRADE_SLOT" -o "$tmp" "$entry" >"$out/.log-$id" 2>&1 || status=$?
    if ((status == 0)); then
        mv "$out/.log-$id" "$tmp/grade.log"
        printf '%s' "$name" >"$tmp/id.txt"
        rm -rf "${out:?}/$id"
        mv -T "$tmp" "$out/$id"
        printf '%-24s %s (%d s)\n' "$id" "$(sed -n 's/^Total //p' "$out/$id/summary.txt")" $((SECONDS - start))
    elif ((status == 130)); then # interrupted: graded next time
        rm -rf "$tmp" "$out/.log-$id"
    else
        mv "$out/.log-$id" "$out/$id.failed"
        rm -rf "$tmp"
        printf '%-24s NOT GRADED: see %s\n' "$id" "$out/$id.failed"
    fi
    exit 0
fi

[[ $# -ge 1 && -d $1 ]] || { echo "usage: tools/grade-class.sh SUBMISSIONS-DIR [OUTDIR]   (make grade-class SUBMISSIONS=dir)" >&2; exit 2; }
subs=$(realpath "$1") out=${2:-$root/build/grade-class}
mkdir -p "$out"
out=$(realpath "$out")
rm -rf "$out"/.tmp-* "$out"/.log-*
jobs=${GRADE_JOBS:-$(nproc)}

# The ids: the name without its extension; DIR, the id made safe (above).
# Two entries with the same id: the first is graded, the other reported.
declare -A seen=()
todo=() ids=() count=0 done=0
while IFS= read -r -d '' entry; do
    base=${entry##*/} name=$base
    for ext in .tar.gz .tar.xz .tar.bz2 .tgz .tar .zip .bundle .git; do
        [[ $name != *"$ext" || $name == "$ext" ]] || { name=${name%"$ext"}; break; }
    done
    id=${name//[^A-Za-z0-9_-]/_}
    [[ $id == "$name" ]] || id=$id-$(printf '%s' "$name" | sha256sum | cut -c1-8)
    if [[ -n ${seen[$id]:-} ]]; then printf 'grade-class: %q has the same id as %q: not graded\n' "$base" "${seen[$id]}" >&2; continue; fi
    seen[$id]=$base count=$((count + 1)) ids+=("$id")
    if [[ -f $out/$id/results.json ]]; then done=$((done + 1)); else todo+=("$entry" "$id" "$name"); fi
done < <(find "$subs" -mindepth 1 -maxdepth 1 ! -name '.*' -print0 | sort -z)

echo "grade-class: $count submissions, $done already graded, $((${#todo[@]} / 3)) to grade, $jobs at a time"
start=$SECONDS
if ((${#todo[@]})); then
    printf '%s\0' "${todo[@]}" | xargs -0 -n 3 -P "$jobs" --process-slot-var=GRADE_SLOT "$root/tools/grade-class.sh" --one "$out"
fi
elapsed=$((SECONDS - start))

# grades.csv from every complete result (tools/wb.py: a real CSV writer).
"$root/tools/wb.py" class-csv "$out" >"$out/grades.csv.new" && mv -f "$out/grades.csv.new" "$out/grades.csv"
graded=0 failed=0
for id in "${ids[@]}"; do
    [[ ! -f $out/$id/results.json ]] || graded=$((graded + 1))
    [[ ! -f $out/$id.failed ]] || failed=$((failed + 1))
done
echo "grade-class: $graded of $count graded ($failed not graded) in ${elapsed} s; $out/grades.csv"
((graded == count))
