#!/usr/bin/env bats
# Tests of the instructor's grader: tools/grade.sh (with grade-sandbox, grade-unpack,
# tools/wb.py for the results), grade-class and gradescope (make dist: instructor.bats).
#
# The corpus of hostile and broken submissions (tests/grader/corpus, made by
# tests/grader/build-corpus.sh from lab 01's solution or starter) is graded once,
# in setup_file, by tools/grade-class.sh with short limits, by a copy of the
# grader (so that what it must leave unchanged can be checked). Each case's
# summary, normalised (no failure messages, no paths), must equal its golden
# file tests/grader/corpus/CASE/expected, and show (or not) the texts its
# case.conf names. GRADER_GOLDEN_UPDATE=1 rewrites the golden files (review
# the diff before committing them).

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
    export ROOT T SUBS CANARY OUT GR GRADE_WORK
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    T=$BATS_FILE_TMPDIR SUBS=$BATS_FILE_TMPDIR/subs CANARY=$BATS_FILE_TMPDIR/canary OUT=$BATS_FILE_TMPDIR/out
    # Short limits: a hung test is stopped after 8 s, a lab after 300 s (a busy
    # machine takes 100 s on a lab that is not hung). Three at a time: most
    # hostile cases wait for a limit.
    export LAB=01 GRADE_JOBS=3 GRADE_TEST_TIMEOUT=8 GRADE_LAB_TIMEOUT=300 GRADE_CPU=10 \
        GRADE_MEM_MB=1024 GRADE_DISK_MB=100 GRADE_FSIZE_MB=16 GRADE_NPROC=64
    # Every case graded afresh (no results reused: their notes would depend on the order).
    export GRADE_CACHE=
    # The sandboxes' working directories on a disk (ext4), not /tmp, at a path
    # that says nothing of this machine (the sandbox shows it in /proc/self/mountinfo).
    GRADE_WORK=$(mktemp -d /var/tmp/wb-grader-test.XXXXXX)
    # A copy of the grader and its tree, with a checksum of every file.
    GR=$T/root
    mkdir -p "$GR"
    (cd "$ROOT" && tools/dist.sh --list | tar -cf - --no-recursion -T -) | tar -xf - -C "$GR"
    (cd "$GR" && find . -type f ! -path './build/*' -print0 | sort -z | xargs -0 sha256sum) >"$T/root.sums"
    # Another student's secret, where the hostile code may guess it is.
    mkdir -p "$CANARY/other-student"
    echo 'int secret = 42;' >"$CANARY/other-student/secret.c"
    # The cases of lab 01, graded together (the others: each in its own test).
    local c cases=()
    for c in "$ROOT"/tests/grader/corpus/*/; do
        c=$(basename "$c")
        [[ -n $(conf "$c" grade)$(conf "$c" skip) ]] || cases+=("$c")
    done
    "$ROOT/tests/grader/build-corpus.sh" "$SUBS" "$CANARY" "${cases[@]}" 2>"$T/build.log"
    "$GR/tools/grade-class.sh" "$SUBS" "$OUT" >"$T/class.log" 2>&1 || true
}

teardown_file() {
    rm -rf "$GRADE_WORK"
}

# The golden form of a summary: no failure messages, no paths of this machine.
normalise() { grep -v '^             ' "$1" | sed "s|$T|<tmp>|g; s|$ROOT|<root>|g"; }

conf() { sed -n "s/^$2 = //p" "$BATS_TEST_DIRNAME/../grader/corpus/$1/case.conf"; }

# result CASE: the directory of its results (for a case with a name, the one
# whose id.txt is that name without .zip).
result() {
    local name id d
    name=$(conf "$1" name)
    [[ -n $name ]] || { echo "$OUT/$1"; return; }
    id=$(printf '%b' "${name%.zip}")
    for d in "$OUT"/*/; do [[ ! -f $d/id.txt || $(cat "$d/id.txt") != "$id" ]] || { echo "${d%/}"; return; }; done
    echo "$OUT/$1"
}

# check_case CASE: the golden summary, and the texts its case.conf asks for.
check_case() {
    local c=$1 dir=$ROOT/tests/grader/corpus/$1 text r
    r=$(result "$c")
    [[ -f $r/summary.txt ]] || fail "$(printf 'no result for %s; grade-class said:\n%s' "$c" "$(cat "$T/class.log")")"
    normalise "$r/summary.txt" >"$T/$c.actual"
    if [[ -n ${GRADER_GOLDEN_UPDATE:-} ]]; then cp "$T/$c.actual" "$dir/expected"; fi
    run diff -u "$dir/expected" "$T/$c.actual"
    assert_success
    while IFS= read -r text; do
        grep -qF -- "$text" "$r/summary.txt" || fail "$(printf 'expected "%s" in the summary:\n%s' "$text" "$(cat "$r/summary.txt")")"
    done < <(conf "$c" present)
    while IFS= read -r text; do
        # (files/ is the student's code as graded: it may say anything)
        ! grep -rqF --exclude-dir=files -- "$text" "$r" ||
            fail "expected no \"$text\" in the results of $c: $(grep -rF --exclude-dir=files -- "$text" "$r" | head -n 3)"
    done < <(conf "$c" absent)
}

@test "corpus: an infinite loop" { check_case infinite-loop; }
@test "corpus: a fork bomb" { check_case fork-bomb; }
@test "corpus: a memory hog" { check_case memory-hog; }
@test "corpus: a disk filler" { check_case disk-filler; }
@test "corpus: an output flood" { check_case output-flood; }
@test "corpus: a compile error" { check_case compile-error; }
@test "corpus: a segfault at start" { check_case segfault-at-start; }
@test "corpus: a lab left untouched" { check_case untouched; }
@test "corpus: edits to the tests, helpers, Makefile and manifest" { check_case edits-tests; }
@test "corpus: reading the solutions, other students' files, the grader's" { check_case reads-solutions; }
@test "corpus: a network connection" { check_case network; }
@test "corpus: a symbolic link out of the tree (a file)" { check_case symlink-file; }
@test "corpus: a symbolic link out of the tree (the lab's directory)" { check_case symlink-dir; }
@test "corpus: a tarball with ../ paths" { check_case tar-dotdot; }
@test "corpus: a tarball with absolute paths" { check_case tar-absolute; }
@test "corpus: a program that kills its parent (and all it can)" { check_case kills-parent; }
@test "corpus: a file over the size limit" { check_case oversize; }
@test "corpus: a file that is no archive" { check_case not-an-archive; }
@test "corpus: a zip archive" { check_case format-zip; }
@test "corpus: a git bundle" { check_case format-bundle; }
@test "corpus: a tarball of the workbook" { check_case format-tarball; }
@test "corpus: an all-ok TAP written over the lab's results, and on bats' TAP stream" { check_case forge-tap; }
@test "corpus: an all-ok TAP written by the student's code inside a test's own driver (2.3's, which links pastend.c)" { check_case forge-driver; }
@test "corpus: a clean trace renamed over strace's output while traced" { check_case forge-trace; }
@test "corpus: a daemon that keeps bats' descriptors, once the results are all in" { check_case limits-background-fd; }
@test "corpus: a git bundle of one branch and no HEAD" { check_case intake-bundle-nohead; }
@test "corpus: a git bundle of two branches and no HEAD" { check_case intake-bundle-branches; }
@test "corpus: a tarball cut inside its last member" { check_case intake-tar-cut; }
@test "corpus: a tarball padded to 16 GiB after the lab files" { check_case intake-tar-padded; }
@test "corpus: a tar file of 16 GiB (sparse)" { check_case intake-tar-sparse; }
@test "corpus: a directory of 25,000 files and a 60 MB one before labs/" { check_case intake-many-files; }
@test "corpus: a zip bomb whose members claim 2-5 KB" { check_case intake-zip-bomb; }
@test "corpus: a student id with =, comma, quotes, newline" { check_case class-formula-id; }
@test "corpus: a student named grades.csv" { check_case class-grades-csv; }
@test "corpus: carol.zip beside carol.failed.zip" { check_case class-carol && check_case class-carol-failed; }
# vm_case CASE: grade a case of a lab that runs in a VM (its case.conf's grade:
# lab 06, the kernel lab, or lab 10, the crash replay) on its own, against its golden.
vm_case() {
    local id
    id=$(conf "$1" grade)
    "$ROOT/tools/wb.py" lab "$id" >/dev/null 2>&1 || skip "lab $id is not in course.toml"
    command -v qemu-system-x86_64 >/dev/null || skip "QEMU is not installed (tools/deps.sh kernel)"
    "$ROOT/tests/grader/build-corpus.sh" "$T/kernel" "$CANARY" "$1"
    # QEMU needs more address space than the corpus's 1 GiB, and TCG more time than its 300 s.
    LAB=$id GRADE_MEM_MB=3072 GRADE_LAB_TIMEOUT=600 run "$GR/tools/grade.sh" -o "$OUT/$1" "$T/kernel/$1"
    assert_success
    check_case "$1"
}

@test "corpus: a kernel module that panics" {
    vm_case kernel-panic
    if ((EUID == 0)); then
        run bash -c "ps -o pid=,stat=,args= -u ${GRADE_UID_BASE:-64000},$((${GRADE_UID_BASE:-64000} + ${GRADE_STUDENT_UIDS:-500})) | awk '\$2 !~ /^Z/'"
        assert_output ''
    fi
}

@test "corpus: a kernel module whose init writes an all-ok TAP to the results port" {
    vm_case forge-serial
    run python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["verdict"], sum(t["points"] for t in r["tests"]))' \
        "$OUT/forge-serial/labs/06-driver-mmap.json"
    assert_output 'TAMPERED 0'
}

@test "corpus: a crash-replay store whose constructor writes a result on the VM's results port" {
    vm_case forge-crash
    run python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["verdict"], sum(t["points"] for t in r["tests"]))' \
        "$OUT/forge-crash/labs/10-crash-replay.json"
    assert_output 'TAMPERED 0'
}

@test "the grader leaves no process, no working directory, nothing outside its sandboxes" {
    if ((EUID == 0)); then
        # (a sandbox's dead init may wait a moment for the machine's init to reap it)
        local b=${GRADE_UID_BASE:-64000} s=${GRADE_STUDENT_UIDS:-500}
        run bash -c "ps -o pid=,stat=,args= -u $b,$((b + 1)),$((b + 2)),$((b + s)),$((b + s + 1)),$((b + s + 2)) | awk '\$2 !~ /^Z/'"
        assert_output ''
    fi
    run find "$GRADE_WORK" -mindepth 1
    assert_output ''
    run find "$CANARY" -type f
    assert_output "$CANARY/other-student/secret.c"
    [[ ! -e /pwned && ! -e /labs/01-mmap-flags/mcat.c ]]
    run bash -c "cd '$GR' && find . -type f ! -path './build/*' -print0 | sort -z | xargs -0 sha256sum | diff '$T/root.sums' -"
    assert_success
}

@test "a lab whose program kills everything it can costs that lab only: the next lab is graded in full" {
    local sub=$BATS_TEST_TMPDIR/two-labs
    cp -r "$SUBS/kills-parent" "$sub"
    cp -r "$ROOT/solutions/02-protection-faults" "$sub/labs/"
    run env LAB="01 02" "$GR/tools/grade.sh" -o "$BATS_TEST_TMPDIR/out" "$sub"
    assert_success
    # (as root, with two uids, it can kill none of the harness's processes: lab 01 is graded in full too)
    if grep -qx 'uids: two' "$BATS_TEST_TMPDIR/out/sandbox.txt"; then
        assert_line --regexp '^Lab 01 .* 44/44 points'
    else
        assert_line --regexp '^Lab 01 .* 0/44 points'
    fi
    assert_line --regexp '^Lab 02 .* ([0-9]+)/\1 points'
}

# sandbox_dir: a directory for a sandbox of these tests, on a disk, that its users can reach.
sandbox_dir() {
    local d
    d=$(mktemp -d /var/tmp/wb-sandbox-test.XXXXXX) && chmod 755 "$d" && mkdir "$d/tree" && echo "$d"
}

@test "grade-sandbox --harness: the student's programs cannot write, read or signal the harness; no host path, no /boot" {
    ((EUID == 0)) || skip "two uids need root"
    run "$ROOT/tools/grade-sandbox.sh" --facts
    [[ $output == *"uids: two"* ]] || skip "no two uids here: $output"
    local d
    d=$(sandbox_dir)
    # The student's program (a shell, started as a lab program is) tries everything.
    cat >"$d/tree/probe.sh" <<'EOF'
echo "student uid $(id -u)"
echo "descriptors of the harness $(ls -l /proc/$$/fd | grep -c /work/h)"
echo forged >/work/h/results.tap && echo WROTE
echo forged >/tmp/x && mv /tmp/x /work/h/results.tap && echo RENAMED
cat /work/h/results.tap && echo READ
echo forged >&3 && echo TAP
kill "$1" && echo KILLED
ls "/proc/$1/fd" && echo FDS-OF-HARNESS
ls /boot && echo BOOT
grep -F "$2" /proc/self/mountinfo && echo HOSTPATH
true
EOF
    # The harness: its results in /work/h (700), bats' TAP stream on descriptor 3, a process.
    # shellcheck disable=SC2016 # run by the shell in the sandbox
    run "$ROOT/tools/grade-sandbox.sh" --harness --slot 3 --tree "$d/tree" "$d/w" -- bash -c '
        mkdir /work/h && echo "ok 1 real" >/work/h/results.tap
        mkdir -p /work/build/x/.student && cp /usr/bin/bash /work/build/x/.student/sh && cp "$WB_AS_STUDENT" /work/build/x/sh
        chgrp "$WB_STUDENT_UID" /work/build/x/.student/sh && chmod o+x /work/build /work/build/x /work/build/x/.student
        sleep 60 &
        echo "harness uid $(id -u)"
        /work/build/x/sh /grade/probe.sh $! "$1" 3>/work/h/tap 2>/dev/null
        kill $!; cat /work/h/results.tap' sandbox "$ROOT"
    rm -rf "$d"
    assert_success
    assert_line --regexp '^harness uid [0-9]+$'
    assert_line --regexp '^student uid [0-9]+$'
    [[ ${lines[0]#harness uid } != "${lines[1]#student uid }" ]]
    assert_line 'descriptors of the harness 0'
    refute_line --regexp '^(WROTE|RENAMED|READ|TAP|KILLED|FDS-OF-HARNESS|BOOT|HOSTPATH)$'
    assert_line 'ok 1 real'
}

@test "limits per sandbox (cgroup): six processes of 1.5 GiB hold no more than its memory; 100 spinners share its CPU quota" {
    ((EUID == 0)) || skip "cgroups need root"
    run "$ROOT/tools/grade-sandbox.sh" --facts
    [[ $output != *"limits: per-process"* ]] || skip "no cgroups here: $output"
    local d cg quota procs limit peak
    d=$(sandbox_dir)
    # shellcheck disable=SC2016 # run by the shell in the sandbox
    GRADE_SANDBOX_MEM_MB=3072 GRADE_MEM_MB=2048 GRADE_NPROC=300 GRADE_SANDBOX_NPROC=400 \
        "$ROOT/tools/grade-sandbox.sh" --slot 4 --timeout 200 --tree "$d/tree" "$d/w" -- bash -c '
        for i in 1 2 3 4 5 6; do
            python3 -c "import time; b = b\"x\" * (1536 << 20); print(\"held\", flush=True); time.sleep(10)" &
        done
        wait
        for i in $(seq 100); do (while :; do :; done) & done
        touch /tmp/spinning
        sleep 8' >"$d/out" 2>&1 &
    local pid=$!
    # While it spins: its cgroup, as the machine sees it.
    for ((i = 0; i < 600; i++)); do [[ -e $d/w/tmp/spinning ]] && break; sleep 0.25; done
    cg=$(find /sys/fs/cgroup -maxdepth 8 -type d -name "wb-grade.4.*" 2>/dev/null)
    procs=$(wc -l <"$(grep -m1 pids <<<"$cg" || grep -m1 . <<<"$cg")/cgroup.procs")
    quota=$(cat "$(grep -m1 cpu/ <<<"$cg")/cpu.cfs_quota_us" 2>/dev/null || cut -d' ' -f1 "$(grep -m1 . <<<"$cg")/cpu.max")
    limit=$(cat "$(grep -m1 memory <<<"$cg")/memory.limit_in_bytes" 2>/dev/null || cat "$(grep -m1 . <<<"$cg")/memory.max")
    peak=$(cat "$(grep -m1 memory <<<"$cg")/memory.max_usage_in_bytes" 2>/dev/null || cat "$(grep -m1 . <<<"$cg")/memory.peak")
    wait "$pid" || true
    run grep -c '^held$' "$d/out"
    rm -rf "$d"
    # At most two of the six could hold 1.5 GiB at once in 3 GiB (without the cgroup: six).
    ((output <= 2)) || fail "$output processes held 1.5 GiB at once in a sandbox of 3 GiB"
    assert_equal "$limit" $((3072 << 20))
    ((peak <= limit)) || fail "the sandbox's memory peaked at $peak bytes, over its limit $limit"
    # The 100 spinners (and the shell) are in the sandbox's cgroup, under its quota of one CPU.
    ((procs >= 101)) || fail "only $procs processes in the sandbox's cgroup"
    assert_equal "$quota" 100000
}

@test "grades.csv: one row per student, the points of each lab and the total" {
    run cat "$OUT/grades.csv"
    assert_line --index 0 'id,lab01,total'
    assert_line 'format-zip,44,44'
    assert_line 'untouched,0,0'
    local c rows=1
    for c in "$ROOT"/tests/grader/corpus/*/; do grep -qE '^(skip|grade) = ' "$c/case.conf" || rows=$((rows + 1)); done
    assert_equal "$(wc -l <"$OUT/grades.csv")" "$rows"
}

@test "grades.csv: hostile ids make one formula-safe row each, never a file of the grader's; the graded count is the students'" {
    [[ -f $OUT/grades.csv ]]
    # (the ids, and the rows' length: the points are the golden summaries')
    run python3 -c 'import csv, sys
for row in csv.reader(open(sys.argv[1], encoding="utf-8", newline="")): print(len(row), row[0])' "$OUT/grades.csv"
    assert_success
    assert_line "3 '=1+2,\"quoted\"\\n-line" # the id as text: a quote before =, \n for the newline
    assert_line '3 grades.csv'
    assert_line '3 carol'
    assert_line '3 carol.failed'
    refute_line --regexp '^[0-9]+ [=+@-]'
    refute_line --regexp '^([0-24-9]|[0-9][0-9]+) '
    run find "$OUT" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -name '*.*'
    assert_output ''
    local n
    n=$(find "$SUBS" -mindepth 1 -maxdepth 1 ! -name '.*' -printf . | wc -c) # (a name may hold a newline)
    run grep -F 'grade-class: ' "$T/class.log"
    assert_line --regexp "^grade-class: $n of $n graded \(0 not graded\)"
}

@test "a live directory copied by root: a parent swapped for a link between the walk and the reads is never followed" {
    local s=$BATS_TEST_TMPDIR/alice o=$BATS_TEST_TMPDIR/bob
    mkdir -p "$s/labs/01-mmap-flags" "$o/labs/01-mmap-flags"
    echo '/* alice */' >"$s/labs/01-mmap-flags/mcat.c"
    echo 'int secret = 42;' >"$o/labs/01-mmap-flags/mcat.c"
    # tools/grade-intake.py copy, with alice's process swapping her lab's
    # directory for a link to bob's as soon as the walk has seen mcat.c
    run python3 - "$GR" "$s" "$o" "$BATS_TEST_TMPDIR/copy" <<'EOF'
import importlib.util, sys
sys.dont_write_bytecode = True  # nothing written in the grader's tree
from pathlib import Path
root, student, other, dest = sys.argv[1:]
spec = importlib.util.spec_from_file_location("intake", f"{root}/tools/grade-intake.py")
intake = importlib.util.module_from_spec(spec)
spec.loader.exec_module(intake)
known = intake.wanted_names

def swapping(tree):
    rank, swapped = known(tree), []
    def rank_and_swap(path):
        if path.endswith("mcat.c") and not swapped:
            lab = Path(student, "labs/01-mmap-flags")
            lab.rename(lab.with_name("moved"))
            lab.symlink_to(Path(other, "labs/01-mmap-flags"))
            swapped.append(path)
        return rank(path)
    return rank_and_swap
intake.wanted_names = swapping
sys.exit(intake.copy(student, dest, root))
EOF
    assert_success
    [[ -L $s/labs/01-mmap-flags ]] # the swap happened
    run cat "$BATS_TEST_TMPDIR/copy/labs/01-mmap-flags/mcat.c"
    assert_output '/* alice */'
    run grep -rF secret "$BATS_TEST_TMPDIR/copy"
    assert_failure
}

@test "grade-class resumes: what is graded stays, what is missing or half-done is graded" {
    run "$GR/tools/grade-class.sh" "$SUBS" "$OUT"
    assert_success
    assert_line --partial "0 to grade"
    mv "$OUT/format-bundle" "$T/format-bundle.before"
    mkdir "$OUT/.tmp-format-bundle" # as an interrupted run leaves it
    run "$GR/tools/grade-class.sh" "$SUBS" "$OUT"
    assert_success
    assert_line --partial "1 to grade"
    assert_line --regexp '^format-bundle +44/44 points'
    [[ ! -e $OUT/.tmp-format-bundle ]]
    diff "$T/format-bundle.before/summary.txt" "$OUT/format-bundle/summary.txt"
}

@test "grade-sandbox: unprivileged, no network, ext4 /tmp, no solutions, strace works, limits set" {
    local d w
    mkdir -p "$ROOT/build" && d=$(mktemp -d "$ROOT/build/grader-sandbox.XXXXXX") w=$d/w # reachable by the sandbox's user
    chmod 755 "$d" && mkdir "$d/tree" && cp "$GR/Makefile" "$d/tree/"
    # shellcheck disable=SC2016 # run by the shell in the sandbox
    run "$ROOT/tools/grade-sandbox.sh" --tree "$d/tree" "$w" -- bash -c '
        echo "uid $(id -u) caps $(grep CapEff /proc/self/status | cut -f2)"
        echo "net $(ls /sys/class/net 2>/dev/null | tr "\n" " ")$(cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " " | tr "\n" " ")"
        echo "tmp $(stat -f -c %T /tmp) work $(stat -f -c %T /work)"
        ls /grade/solutions "$@" 2>&1 | sed "s/^/ls: /"
        touch /grade/x 2>/dev/null || echo "grade read-only"
        strace -f -qq -o /tmp/trace true && grep -c execve /tmp/trace | sed "s/^/strace execve /"
        echo "limits $(ulimit -u) $(ulimit -v) $(ulimit -t) $(ulimit -f) $(ulimit -n)"' sandbox "$ROOT/solutions" "$SUBS" "$CANARY"
    rm -rf "$d"
    assert_success
    refute_line --regexp '^uid 0 '
    assert_line --regexp '^uid [0-9]+ caps 0000000000000000$'
    assert_line 'net lo '
    refute_line --partial 'tmpfs'
    assert_line --regexp '^ls: .*/grade/solutions.*No such file'
    assert_line --regexp "^ls: .*$ROOT/solutions.*No such file"
    assert_line --regexp "^ls: .*$SUBS.*No such file"
    assert_line --regexp "^ls: .*$CANARY.*No such file"
    assert_line 'grade read-only'
    assert_line 'strace execve 1'
    assert_line "limits $GRADE_NPROC $((GRADE_MEM_MB << 10)) $GRADE_CPU $((GRADE_FSIZE_MB << 10)) 256"
}


@test "gradescope: the autograder installs what every lab needs and grades every lab in a simulated /autograder" {
    local ag=$BATS_TEST_TMPDIR/autograder
    run "$GR/tools/gradescope.sh" "$BATS_TEST_TMPDIR/ag.zip"
    assert_success
    mkdir -p "$ag/source" "$ag/submission" "$ag/results"
    unzip -q "$BATS_TEST_TMPDIR/ag.zip" -d "$ag/source"
    [[ -x $ag/source/setup.sh && -x $ag/source/run_autograder ]]
    [[ ! -e $ag/source/solutions ]]
    # setup.sh installs the groups of every lab (here, already installed: a quick check)
    run "$ag/source/setup.sh"
    assert_success
    assert_line "setup: package groups: core grader $("$ROOT/tools/wb.py" deps)"
    [[ -s $ag/source/build/annoy/annoylib.h ]] # lab 09's oracle: annoy's headers, fetched at setup
    # The instructor shows lab 06's tests after the due date.
    sed -i '/^dir = "06-/a visibility = "after_due_date"' "$ag/source/course.toml"
    cp "$ag/source/run_autograder" "$ag/run_autograder"
    cp -r "$SUBS/segfault-at-start/." "$ag/submission/"
    run env -u LAB AUTOGRADER="$ag" "$ag/run_autograder"
    assert_success
    run python3 -c 'import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
labs = sorted({t["tags"][0] for t in r["tests"]})
print("score", r["score"]); print("labs", " ".join(labs))
print("formats", r["output_format"], r["test_output_format"])
for t in r["tests"]:
    lab, task = t["tags"][0][4:], t["tags"][1][5:]
    assert t["number"] == f"{lab}.{task}" and t["name"].startswith(f"Lab {lab}: {task} "), t
    assert t["visibility"] == ("after_due_date" if lab == "06" else "visible"), t
    assert t["status"] == ("passed" if t["score"] == t["max_score"] else "failed"), t
    assert not t["output"] or t["output"].startswith("```"), t
print("tests", len(r["tests"]))' "$ag/results/results.json"
    assert_success
    assert_line 'score 34'
    assert_line "labs $("$ROOT/tools/wb.py" labs | cut -f1 | sed 's/^/lab /' | paste -sd' ')"
    assert_line 'formats md md'
    assert_line "tests $(for f in "$ROOT"/tests/[0-9]*.bats; do "$ROOT/tools/wb.py" tests "$f"; done | wc -l)"
}
