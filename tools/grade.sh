#!/usr/bin/env bash
# tools/grade.sh - the instructor's grader: one student's submission (make grade).
#
#   tools/grade.sh [-o OUTDIR] [--slot N] SUBMISSION
#   tools/grade.sh --gradescope        SUBMISSION=$AUTOGRADER/submission,
#                                   OUTDIR=$AUTOGRADER/results (AUTOGRADER=/autograder)
#
# SUBMISSION: the student's tree (a directory), a tar/zip archive of it, or a
# git bundle (GRADE_REF=BRANCH: the branch to grade, when not its HEAD). Only the student's editable files (tools/grade-lib.sh) are taken from
# it; everything else is the instructor's (the handout, tools/dist.sh --list).
# Each lab of course.toml (LAB="NN ...": those) is graded by tools/check.sh in its
# own sandbox (tools/grade-sandbox.sh --harness: the harness as one uid, the
# student's programs as another that can neither write, read nor signal it; a
# lab whose results show forging is TAMPERED: 0 points and a note with the
# evidence; see the lab loop below), then OUTDIR (default build/grade/NAME)
# gets summary.txt (also printed), results.json (Gradescope), junit.xml,
# results.tap, and labs/NN-topic.{tsv,tap,log}: tools/check.sh's own results.
# GRADE_WORK: where the sandboxes' working directories go (default, as root,
# /var/tmp/wb-grade, else build/grade-work; a disk, never tmpfs). Limits and
# who runs what: tools/grade-sandbox.sh and tools/grade-lib.sh; which applied:
# OUTDIR/sandbox.txt (and a note when less than all).
# Exit 0 once graded, whatever the score; 2 bad usage; 3 no sandbox possible.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GRADE_ROOT=$root
# shellcheck source=tools/grade-lib.sh
source "$root/tools/grade-lib.sh"
die() { echo "grade: $*" >&2; exit "${2:-2}"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

out='' slot=${GRADE_SLOT:-0} sub=''
while (($#)); do
    case $1 in
    -o) out=$2; shift 2 ;;
    --slot) slot=$2; shift 2 ;;
    --gradescope) ag=${AUTOGRADER:-/autograder}; sub=$ag/submission out=$ag/results; shift ;;
    -*) die "unknown option $1" ;;
    *) sub=$1; shift ;;
    esac
done
[[ -n $sub ]] || die "usage: tools/grade.sh [-o OUTDIR] SUBMISSION   (make grade SUBMISSION=path)"
[[ -e $sub ]] || die "$sub: no such file or directory"
sub=$(realpath -- "$sub")
name=${sub##*/}
out=${out:-$root/build/grade/${name%%.*}}
mkdir -p "$out"
out=$(realpath -- "$out")
rm -rf "$out/labs" "$out"/{summary.txt,results.json,junit.xml,results.tap,notes.txt,timing.tsv,sandbox.txt}
mkdir -p "$out/labs"

# (As root, by default, a directory whose path says nothing of this machine's:
# the sandbox shows it in /proc/self/mountinfo.)
default_work=$root/build/grade-work
((EUID != 0)) || default_work=/var/tmp/wb-grade
export GRADE_WORK=${GRADE_WORK:-$default_work}
mkdir -p "$GRADE_WORK" && chmod 755 "$GRADE_WORK"
work=$(realpath "$(mktemp -d "$GRADE_WORK/grade.XXXXXX")")
chmod 711 "$work"
cleanup() { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if ((EUID == 0)) && ! setpriv --reuid=$((${GRADE_UID_BASE:-64000} + slot)) --regid=$((${GRADE_UID_BASE:-64000} + slot)) --clear-groups test -x "$work"; then
    die "GRADE_WORK=$GRADE_WORK: the sandbox's user cannot reach it (a parent directory others cannot search); set GRADE_WORK elsewhere (ext4, not tmpfs)" 3
fi
[[ $(stat -f -c %T "$work") != tmpfs ]] ||
    echo "grade: warning: $GRADE_WORK is on tmpfs: msync and page fault results differ from ext4" >&2
export GRADE_SANDBOX_MODE
GRADE_SANDBOX_MODE=$("$root/tools/grade-sandbox.sh" --probe) || exit 3
# Which protections and limits apply here (sandbox.txt); a note when less than all.
"$root/tools/grade-sandbox.sh" --slot "$slot" --facts >"$out/sandbox.txt"
grep -qx 'uids: two' "$out/sandbox.txt" ||
    echo "the tests and the student's programs ran as one uid (grader not run as root, or no user namespaces): a program could have forged its results" >>"$out/notes.txt"
! grep -qx 'limits: per-process' "$out/sandbox.txt" ||
    echo "limits per process only (no cgroups here): memory, processes and CPU were not bounded per lab" >>"$out/notes.txt"

# The pristine tree: the instructor's handout, without the book and the
# grader's own scripts (but for grade-unpack, which runs in the sandbox). Its
# build/ is where a lab's run may write (a fresh directory in each sandbox).
mkdir -p "$work/tree/build"
(cd "$root" && tools/dist.sh --list | grep -Ev '^(book/|tools/(grade|grade-class|grade-sandbox|grade-bench|gradescope|dist)\.sh$)' |
    tar -cf - --no-recursion -T -) | tar -xf - -C "$work/tree"
GRADE_TREE_HASH=$(tree_hash "$work/tree") # before the student's files: part of each lab's cache key
"$root/tools/wb.py" editable --labs "$work/tree" >"$work/lab-files"

# The submission, copied where the sandbox may read it (tools/grade-intake.py,
# never through a link, even one swapped in while it reads): of a file, its
# first GRADE_MAX_SUBMISSION_MB; of a directory, only the files whose names the
# grader knows, the lab files first (grade-unpack says what is too big).
mkdir "$work/sub"
"$root/tools/grade-intake.py" copy "$sub" "$work/sub/submission" "$work/tree" >>"$out/notes.txt"
subin=$work/sub/submission
[[ -e $subin ]] || subin=/dev/null
chmod -R a+rX "$work/sub" "$work/tree"
start=$EPOCHREALTIME
"$root/tools/grade-sandbox.sh" --slot "$slot" --timeout 120 --tree "$work/tree" --ro "$subin" /submission \
    --env GRADE_REF="${GRADE_REF:-}" "$work/unpack" -- /grade/tools/grade-unpack.sh /submission /work/out >"$out/unpack.log" 2>&1 ||
    echo "reading the submission failed (see unpack.log)" >>"$out/notes.txt"
printf 'unpack\t%s\n' "$(since "$start")" >>"$out/timing.tsv"
safe_copy "$work/unpack/out/notes" "$work/notes" 65536 && head -n 30 "$work/notes" >>"$out/notes.txt"
safe_copy "$work/unpack/out/refused" "$work/refused" 65536 || : >"$work/refused"

# The labs to grade (LAB="NN ...": those), as the instructor's manifest has them.
wb=$root/tools/wb.py
if [[ -z ${LAB:-} ]]; then
    labs=$($wb labs)
else
    labs=$(for id in ${LAB//,/ }; do $wb lab "$id" || die "LAB=$LAB: no lab $id"; done)
fi
mapfile -t editable < <($wb editable "$work/tree")

# The student's files over the starters; the starters stay where there are none.
while IFS= read -r f; do
    if safe_copy "$work/unpack/out/files/$f" "$work/new" $((GRADE_MAX_FILE_KB * 1024)); then
        cmp -s "$work/new" "$work/tree/$f" || echo "$f" >>"$work/changed"
        cat "$work/new" >"$work/tree/$f"
    else
        echo "$f" >>"$work/missing"
    fi
done < <(printf '%s\n' "${editable[@]}")
rm -f "$work/new"
touch "$work/missing" "$work/changed"
# The student's editable files as graded (for the instructor, and grade-class's similarity report).
rm -rf "$out/files" && mkdir "$out/files"
# (grep finds nothing when the submission had none of the files: not an error)
{ printf '%s\n' "${editable[@]}" | grep -vxF -f "$work/missing" || true; } | (cd "$work/tree" && xargs -r cp --parents -t "$out/files")
while IFS=$'\t' read -r id dir _; do
    where=$($wb tree "$id" labs)/ # the lab's files, relative to the tree
    mapfile -t gone < <(grep -F "$where" "$work/missing" | sed "s|^$where||")
    all=$(printf '%s\n' "${editable[@]}" | grep -cF "$where" || true)
    if ((all == 0)); then
        continue
    elif ((${#gone[@]} == all)) && grep -qF "$where" "$work/refused"; then
        echo "lab $id: none of its files was used (refused: see the notes above): the starter is graded" >>"$out/notes.txt"
    elif ((${#gone[@]} == all)); then
        echo "lab $id: none of its files is in the submission: the starter is graded" >>"$out/notes.txt"
    elif ! grep -qF "$where" "$work/changed"; then
        echo "lab $id: the files submitted are the starter's, unchanged" >>"$out/notes.txt"
    elif ((${#gone[@]})); then
        echo "lab $id: not taken from the submission (the starter is graded instead): ${gone[*]}" >>"$out/notes.txt"
    fi
done <<<"$labs"

# Lab 09's oracle is annoy, built from the headers of a Debian package that
# tools/annoy-headers.sh fetches; the sandbox has no network, so they are fetched
# here and handed in read-only (tools/annoy-headers.sh copies them from there).
# (Copied into the work directory: the sandbox's user may not reach the build
# directory of whoever runs the grader, and bwrap fails on a bind it cannot read.)
annoy=()
if annoy_dir=$("$root/tools/annoy-headers.sh" 2>/dev/null) && cp -r "$annoy_dir" "$work/annoy" 2>/dev/null; then
    chmod -R a+rX "$work/annoy"
    annoy=(--ro "$work/annoy" /annoy-headers --env ANNOY_HEADERS_FROM=/annoy-headers)
fi

# Each lab in its own sandbox, with tools/check.sh as the harness: bats and
# check.sh run as one uid, the student's programs as another (grade-sandbox
# --harness; tests/lib/wb.bash), so that nothing the student's code does can
# write, read or signal the harness: its results and log (in /work/h, mode
# 700), bats' files, the traces, its processes. Its TAP is copied out and
# joined with the instructor's tests (tools/wb.py join --strict, failure text
# capped): a test with no result failed; a result line twice, out of order,
# or for no test of the lab (which only forging could make, or code running
# as the harness: the kernel lab's driver and lab 10's store, in their VMs,
# are checked line by line by kernel-lab/vm) makes the lab TAMPERED: 0 points,
# and a note with the evidence. One bats at a time (CHECK_JOBS=1): a class is
# graded in parallel already, one job per core.
while IFS=$'\t' read -r id dir _; do
    bats=$work/tree/tests/$dir.bats
    [[ -f $bats ]] || continue
    run=$work/lab-$id start=$EPOCHREALTIME status=0 vm=()
    [[ $($wb get "$id" vm) != true ]] || vm=(--vm)
    key=$(cache_key "$id" "$work/tree" "$work/lab-files" "$work/annoy")
    if cache_get "$key" "$out" "$dir" "$id"; then printf '%s\t%s\treused\n' "$id" "$(since "$start")" >>"$out/timing.tsv"; continue; fi
    touch "$out/notes.txt" && notes_before=$(wc -l <"$out/notes.txt")
    "$root/tools/grade-sandbox.sh" --slot "$slot" --tree "$work/tree" --timeout "$(lab_limit "$id" timeout "$GRADE_LAB_TIMEOUT")" \
        --mem "$(lab_limit "$id" memory "$GRADE_MEM_MB")" --env LABS=labs --env LAB="$id" --env BUILD=/work/build \
        --env RESULTS=/work/h/results --env BATS_LIB_PATH=/usr/lib/bats --env BATS_TEST_TIMEOUT="$GRADE_TEST_TIMEOUT" \
        --env CHECK_JOBS=1 "${annoy[@]}" "${vm[@]}" --harness \
        --rw /grade/build "$run" -- /bin/bash -c 'umask 077 && mkdir /work/h && exec /grade/tools/check.sh >/work/h/check.log 2>&1' \
        2>"$work/sandbox.err" || status=$?
    printf '%s\t%s\n' "$id" "$(since "$start")" >>"$out/timing.tsv"
    case $status in
    0 | 1) ;;
    124 | 125) echo "lab $id: $(sed -n 's/^grade-sandbox: //p' "$work/sandbox.err" | tail -n 1); the tests with no result count as failed" >>"$out/notes.txt" ;;
    126) cat "$work/sandbox.err" >&2; exit 3 ;;
    *) how="ended with status $status"
        ((status <= 128)) || how="was killed (SIG$(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128))))"
        echo "lab $id: the test run $how, by a program of the lab or a limit; the tests with no result count as failed" >>"$out/notes.txt" ;;
    esac
    safe_copy "$run/h/results/$dir.tap" "$out/labs/$dir.tap" $((GRADE_FSIZE_MB << 20)) || : >"$out/labs/$dir.tap"
    safe_copy "$run/h/check.log" "$out/labs/$dir.log" 262144 || : >"$out/labs/$dir.log"
    if [[ ! -s $out/labs/$dir.log && -s $work/sandbox.err ]]; then # the sandbox itself did not start
        echo "lab $id: the sandbox did not start: $(head -n 1 "$work/sandbox.err")" >>"$out/notes.txt"
    fi
    $wb join --strict "$id" "$out/labs/$dir.tap" "$bats" "$out/labs/$dir.json" >>"$out/notes.txt"
    # (a lab found TAMPERED has 0 points whatever check.sh made of it)
    verdict=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("verdict", ""))' "$out/labs/$dir.json")
    if [[ $verdict != TAMPERED ]] && safe_copy "$run/h/results/$dir.json" "$work/json" 1048576 && ((status <= 1)) &&
        ! cmp -s <($wb results "$work/json" 2>/dev/null) <($wb results "$out/labs/$dir.json"); then
        echo "lab $id: tools/check.sh's results did not match its TAP: graded from the TAP" >>"$out/notes.txt"
    fi
    chmod -R u+rwX "$run" 2>/dev/null || true
    rm -rf "$run" "$work/json"
    if ((status <= 1)); then # a run that ended by itself: its results, for the same inputs next time
        tail -n +$((notes_before + 1)) "$out/notes.txt" 2>/dev/null | grep "^lab $id:" >"$work/lab-notes" || true
        cache_put "$key" "$out" "$dir" "$work/lab-notes"
    fi
done <<<"$labs"

LAB=$(cut -f1 <<<"$labs" | paste -sd' ') $wb report "$out" "$name"
cat "$out/summary.txt"
