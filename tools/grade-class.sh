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
# And the class analytics (class_analytics below): task-rates.txt (each task's
# pass rate, lowest first), task-rates.svg (its figure, with gnuplot) and
# similarity.txt (students whose own code is alike, with sim_c).
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

# class_analytics OUTDIR: what the class struggled with, and who wrote alike.
#  - OUTDIR/task-rates.txt and .tsv (tools/wb.py class-tasks): each task's pass
#    rate among the students graded; task-rates.svg, their figure (gnuplot).
#  - OUTDIR/similarity.txt: for each editable file, the students' own lines
#    (the starter's left out: GNU diff's new lines) compared pair by pair by
#    Debian's sim_c (tokens, so renamed variables still match); pairs alike in
#    at least GRADE_SIM_PERCENT (50) % of their own code, the pairs alike in
#    the most files first. A lead for the instructor to read, not a verdict.
class_analytics() {
    local out=$1 tmp f d i ids=()
    "$root/tools/wb.py" class-tasks "$out"
    if command -v gnuplot >/dev/null; then
        (cd "$out" && gnuplot -e "set terminal svg size 1000,420 dynamic; set output 'task-rates.svg'; \
            set title 'Students who pass each task (%)'; set yrange [0:100]; set ylabel '%'; set xlabel 'lab:task'; set grid ytics; \
            set style fill solid 0.6; set boxwidth 0.8; set xtics rotate by 90 right font ',8'; \
            plot 'task-rates.tsv' using 1:3:xtic(2) with boxes notitle" 2>task-rates.gnuplot.log) &&
            rm -f "$out/task-rates.gnuplot.log"
    fi
    command -v sim_c >/dev/null || { echo "(no sim_c: tools/deps.sh grader installs it)" >"$out/similarity.txt"; return; }
    tmp=$(mktemp -d)
    mapfile -t ids < <(find "$out" -mindepth 2 -maxdepth 2 -name results.json -printf '%h\n' | sed 's|.*/||' | sort)
    for i in "${!ids[@]}"; do # (the student's id, from id.txt, on one line: folder names are sanitised)
        printf '%s\t%s\n' "$i" "$({ cat "$out/${ids[$i]}/id.txt" 2>/dev/null || echo "${ids[$i]}"; } | tr '\t\n\r' '   ')"
    done >"$tmp/ids"
    : >"$tmp/pairs"
    while IFS= read -r f; do
        rm -rf "$tmp/f" && mkdir "$tmp/f"
        for i in "${!ids[@]}"; do
            d=$out/${ids[$i]}/files/$f
            if [[ ! -f $d ]] || cmp -s "$d" "$root/$f"; then continue; fi
            diff --unchanged-line-format= --old-line-format= --new-line-format='%L' "$root/$f" "$d" >"$tmp/f/s$i.c" || true
        done
        (($(find "$tmp/f" -name '*.c' | wc -l) >= 2)) || continue
        (cd "$tmp/f" && sim_c -p -s -e -t"${GRADE_SIM_PERCENT:-50}" s*.c 2>/dev/null) |
            sed -n "s|^s\([0-9]*\)\.c consists for \([0-9]*\) % of s\([0-9]*\)\.c material\$|\1\t\3\t\2\t$f|p" >>"$tmp/pairs"
    done < <("$root/tools/wb.py" editable "$root")
    {
        echo "Students whose own code (the starter's lines left out) is at least ${GRADE_SIM_PERCENT:-50} % alike (sim_c), the most files first."
        echo "A lead to read, not a verdict: short tasks have few ways to be right."
        echo
        [[ -s $tmp/pairs ]] || echo "(no such pair)"
        # Each pair once, each file with the larger of its two percentages: one
        # line per pair (its files joined by \r) to sort, then a line per file.
        awk -F'\t' 'FILENAME == ARGV[1] { id[$1] = $2; next }
            { a = $1 < $2 ? $1 : $2; b = $1 < $2 ? $2 : $1; k = a SUBSEP b SUBSEP $4
              if (!(k in pct) || $3 > pct[k]) pct[k] = $3 }
            END { for (k in pct) { split(k, x, SUBSEP); p = x[1] SUBSEP x[2]; n[p]++; l[p] = l[p] sprintf("\r    %3d%% %s", pct[k], x[3]) }
                  for (p in n) { split(p, x, SUBSEP); printf "%d\t%s and %s: alike in %d files%s\n", n[p], id[x[1]], id[x[2]], n[p], l[p] } }' \
            "$tmp/ids" "$tmp/pairs" | sort -t$'\t' -k1,1nr -k2,2 | cut -f2- | tr '\r' '\n'
    } >"$out/similarity.txt"
    rm -rf "$tmp"
}

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
class_analytics "$out" || echo "grade-class: the class analytics failed (the grades stand)" >&2
graded=0 failed=0
for id in "${ids[@]}"; do
    [[ ! -f $out/$id/results.json ]] || graded=$((graded + 1))
    [[ ! -f $out/$id.failed ]] || failed=$((failed + 1))
done
echo "grade-class: $graded of $count graded ($failed not graded) in ${elapsed} s; $out/grades.csv"
echo "  the class: $out/task-rates.txt$([[ ! -f $out/task-rates.svg ]] || echo ", task-rates.svg"), $out/similarity.txt"
((graded == count))
