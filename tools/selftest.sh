#!/usr/bin/env bash
# tools/selftest.sh - the project's own test suite. Every check is counted; the
# last line is "N passed, N failed".
#
#   tools/selftest.sh         (make test, ~10 minutes)
#  - the course check: manifest, TODOs, tests, points, hints and files agree
#  - the book's claims list names, for each claim, files and tests that exist
#  - the committed starters are what tools/gen-starter.sh makes of the solutions
#  - solutions and starters compile with -Wall -Wextra -Werror, clang-format clean
#  - every graded test passes on solutions/ and fails on the starter (labs/)
#  - shellcheck on every script; the data layer's unit and golden tests
#    (tests/tools/test_*.py); the tests of the tooling (tests/tools/*.bats) but
#    for the grader's and the platforms' (below)
#  - clangd, with the compile_commands.json make writes, finds no error in
#    any solution's C file (nor in the headers they include)
#  - the chapters' listings are the code's; the book builds, in its three formats, with
#    every chapter in it; in headless Chromium its links, images and code blocks (at 1280
#    and 420 px) are sound; the EPUB passes epubcheck
#
#   tools/selftest.sh --long  (make test-long, ~30 minutes; CI runs it after make test)
#  - every graded test passes on solutions/ under valgrind (but in the labs that
#    run in the VM), and as an unprivileged user
#  - every correct variant the chapters allow (tests/alternatives/) passes its lab
#  - the grader's tests (tests/tools/grader.bats: the corpus of hostile and
#    broken submissions, the kernel lab's, Gradescope's) and the platforms'
#    (tests/tools/platforms.bats: GitHub Classroom, PrairieLearn, grade-class)
# The passes of tools/check.sh run in two streams at once, as do the tooling tests
# (beside the static checks): much of their time is waiting, not computing.
# LAB=NN narrows the per-lab checks to that lab (the rest always run).
set -uo pipefail
case ${1:-} in
'') suite=quick ;;
--long) suite=long ;;
*) echo "usage: tools/selftest.sh [--long]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
export BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
wb=tools/wb.py
passed=0 failed=0
log=$root/build/selftest-$suite${LAB:+-$LAB}; rm -rf "$log"; mkdir -p "$log"

# check DESCRIPTION COMMAND... : run it quietly; count and print the result,
# with the command's output when it fails.
check() {
    local what=$1 out; shift
    if out=$("$@" 2>&1); then
        passed=$((passed + 1)); printf 'ok    %s\n' "$what"
    else
        failed=$((failed + 1)); printf 'FAIL  %s\n' "$what"; head -n 30 <<<"$out" | sed 's/^/      /'
    fi
}

# count_results JSON WANT WHAT : one check per graded test in a tools/check.sh
# result file: its result must be WANT (a missing file: one failed check); a
# failure must say why, naming its task.
count_results() {
    local res task name
    if [[ ! -s $1 ]]; then check "$3: results" false; return; fi
    while IFS=$'\t' read -r res task _ _ name; do
        check "$3: $name" expect_result "$res" "$2" "$1" "$name" "$task"
    done < <($wb results "$1")
}
expect_result() {
    local out
    if [[ $1 == fail && $2 == fail ]]; then
        out=$($wb output "$3" "$4")
        local own="tasks? ([0-9]+\.[0-9]+(,| and| or| to) ?)*${5//./\\.}([^0-9]|$)" # (as tests/lib/wb.bash's fail)
        [[ $out =~ $own ]] && return 0
        printf 'its failure does not name its task, %s:\n%s\n' "$5" "${out:-(no message)}"
        return 1
    fi
    [[ $1 == "$2" ]] && return 0
    if [[ $2 == fail ]]; then echo "this test passes on the starter: it cannot fail"; return 1; fi
    $wb output "$3" "$4"
    return 1
}

# shown_failure COMMAND... : a failed check whose explanation COMMAND prints.
shown_failure() {
    "$@"
    return 1
}

# shown_failure_unless RES : passes when RES.status holds 0, else prints RES.out.
shown_failure_unless() {
    [[ $(cat "$1.status" 2>/dev/null) == 0 ]] && return 0
    cat "$1.out" 2>/dev/null || echo "no result (the run did not finish)"
    return 1
}

# tap_checks TAPFILE PREFIX : one check per test of a TAP stream.
tap_checks() {
    local line
    while IFS= read -r line; do
        case $line in
        "ok "*) check "$2: ${line#ok * }" true ;;
        "not ok "*) check "$2: ${line#not ok * }" shown_failure sed -n "/^not ok ${line#not ok }/,/^ok /p" "$1" ;;
        esac
    done < <(grep -E '^(not )?ok ' "$1")
    grep -qE '^(not )?ok ' "$1" || check "$2: tests ran" cat "$1"
}

# A lab's C code is clang-format clean: its solution, by the nearest
# .clang-format (the kernel lab's driver: kernel style); and the given
# user-space code below a lab's own tree (its tests' programs, the VM
# harness's tools: not its starters, made from the solution) by the
# workbook's own style, the root .clang-format.
c_clean() {
    local sol=$1 tree=$2 id=$3 given=()
    clang-format --dry-run -Werror "$sol"/*.[ch] || return 1
    [[ $($wb get "$id" tree) ]] || return 0
    mapfile -t given < <(find "$tree" -mindepth 2 -name '*.[ch]')
    ((${#given[@]} == 0)) || clang-format --style=file:"$root/.clang-format" --dry-run -Werror "${given[@]}"
}

if [[ -n ${LAB:-} ]]; then
    lablist=$($wb lab "$LAB") || exit 2
else
    lablist=$($wb labs)
fi
export LAB
# Lab 09's oracle (annoy from Debian, compiled): made once here, used by every pass below
# (the unprivileged one too: it only reads it).
export ANNOY_DIR=$root/build/annoy
check "lab 09's oracle builds (annoy's headers from Debian, tools/annoy-oracle.sh)" tools/annoy-oracle.sh

# tooling_tests NAME FILE... : these tests of the tooling, in the background; the
# checks come from tooling_checks NAME. (Not with this suite's LAB and ANNOY_DIR:
# the trees they make are their own.)
tooling_tests() {
    local name=$1; shift
    env -u LAB -u ANNOY_DIR bats --tap "$@" >"$log/tools-$name.tap" 2>&1 &
    tooling_pids+=($!)
}
tooling_checks() { tap_checks "$log/tools-$1.tap" tooling; }
tooling_pids=()

# per_lab_static : each lab's starters are the generator's, its code compiles
# without warnings and is clang-format clean.
per_lab_static() {
    local id dir sol tree
    while IFS=$'\t' read -r id dir _; do
        sol=$($wb tree "$id" solutions) tree=$($wb tree "$id" labs)
        check "$dir: starters equal tools/gen-starter.sh's output" tools/gen-starter.sh --check "$dir"
        if [[ $($wb get "$id" tree) ]]; then # a lab with its own tree builds with its own Makefile
            check "$dir: the reference builds without warnings" make -s -C "$tree" build LABS=solutions
            check "$dir: the starter builds without warnings" make -s -C "$tree" build LABS=labs
            check "$dir: checkpatch finds nothing in the driver" tools/checkpatch.sh "$sol"/*.[ch] "$tree"/*.[ch]
        else
            check "$dir: solutions compile with -Wall -Wextra -Werror" make -s build LAB="$id" LABS=solutions
            check "$dir: starters compile with -Wall -Wextra -Werror" make -s build LAB="$id" LABS=labs
        fi
        check "$dir: its C code is clang-format clean" c_clean "$sol" "$tree" "$id"
    done <<<"$lablist"
}

# An ordinary user, for the runs that must not be root's (students are not, nor
# are the grader's sandboxes): as root, a uid of no user (WB_TEST_UID); else
# whoever runs this. Its files go under DIR (made its own).
as_user=()
ordinary_user() {
    mkdir -p "$1/tmp"
    ((EUID == 0)) || return 0
    local uid=${WB_TEST_UID:-64999}
    if getent passwd "$uid" >/dev/null; then
        check "an unused uid for the unprivileged run (WB_TEST_UID=$uid is a user's)" false
        return 1
    fi
    chown -R "$uid:$uid" "$1"
    as_user=(setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$1")
}

# solutions_pass AS DIR RESULTS : the solutions' tests, lab by lab, into RESULTS:
# AS=user runs those of the labs but the VM's as the ordinary user (build in
# DIR), the VM's as root (their VM cache is the machine's); AS=root, the labs
# but the VM's, as root.
solutions_pass() {
    local id dir
    while IFS=$'\t' read -r id dir _; do
        if [[ $($wb get "$id" vm) == true ]]; then
            [[ $1 == user ]] || continue
            LAB=$id LABS=solutions BUILD=build/solutions RESULTS=$3 tools/check.sh
        elif [[ $1 == user ]]; then
            "${as_user[@]}" env TMPDIR="$2/tmp" LAB="$id" LABS=solutions BUILD="$2/build" RESULTS="$3" tools/check.sh
        else
            LAB=$id LABS=solutions BUILD=build/solutions RESULTS=$3 tools/check.sh
        fi
    done <<<"$lablist"
}

quick_suite() {
    check "the course check (course.toml, TODOs, tests, hints, files)" $wb check-course
    check "the book's claims list (book/appendix-claims.md): each claim names a file or test that exists" tools/claims.py
    local user=$log/user t s f line
    mkdir -p "$user/results"
    ordinary_user "$user" || return
    # Two streams (a lab's tests spend much of their time waiting: on sync(), on
    # a child, on the VM): the solutions' tests as an ordinary user; the static
    # checks of each lab, then the starters' tests.
    solutions_pass user "$user" "$user/results" >"$log/solutions.txt" 2>&1 &
    per_lab_static >"$log/static.txt"
    LABS=labs BUILD=build/labs RESULTS=$log/starters tools/check.sh >"$log/starters.txt" 2>&1
    wait
    cat "$log/static.txt"
    while IFS=$'\t' read -r id dir _; do
        count_results "$user/results/$dir.json" pass "$dir: solution passes (as an unprivileged user, the VM's labs as root)"
        count_results "$log/starters/$dir.json" fail "$dir: starter fails"
    done <<<"$lablist"

    # The tests of the tooling (but the grader's and the platforms': --long), in
    # the background while the static checks below run; make watch's apart (it
    # mostly waits for the screen). (LAB narrows the labs, not these.)
    # The book's and the instructor's tests (about 70 s) start once the book is
    # checked below: beside the rest they made it the last to end by a minute.
    local tooling=() late=(tests/tools/book.bats tests/tools/instructor.bats)
    for t in tests/tools/*.bats; do
        case ${t##*/} in grader.bats | platforms.bats | watch.bats) continue ;; esac
        [[ " ${late[*]} " == *" $t "* ]] || tooling+=("$t")
    done
    tooling_tests rest "${tooling[@]}"
    tooling_tests watch tests/tools/watch.bats

    # The scripts: the tools, the tests and their helpers, the VM harness (kernel-lab/vm/),
    # and each lab's observation, benchmark and figure scripts, wherever the lab lives.
    shopt -s nullglob
    local scripts=(tools/*.sh tests/lib/*.bash tests/*.bats tests/tools/*.bats tests/grader/*.sh
        labs/common/*.bash .ci/run)
    mapfile -t -O ${#scripts[@]} scripts < <(grep -rlE '^#!/(usr/)?bin/(env )?(ba)?sh|^# shellcheck shell=' kernel-lab/vm)
    while IFS=$'\t' read -r id _; do
        t=$($wb tree "$id" labs)
        scripts+=("$t"/observe/* "$t"/bench/*.sh "$t"/figures/*.sh)
    done < <($wb labs)
    shopt -u nullglob
    for s in "${scripts[@]}"; do
        check "shellcheck $s" shellcheck -x "$s"
    done

    # Editor support: clangd reads compile_commands.json, which make writes.
    check "make compile_commands.json" make -s compile_commands.json
    while IFS=$'\t' read -r id dir _; do
        [[ $($wb get "$id" tree) ]] && continue # the kernel lab builds with kbuild
        for f in "$($wb tree "$id" solutions)"/*.c; do
            check "clangd finds no error in $f" clangd_clean "$f"
        done
    done <<<"$lablist"

    python3 -m unittest discover -v -s tests/tools -p 'test_*.py' >"$log/python.txt" 2>&1
    while IFS= read -r line; do
        case $line in
        *" ... ok") check "data layer: ${line% ... ok}" true ;;
        *" ... "*) check "data layer: ${line% ... *}" shown_failure sed -n "/^=====/,\$p" "$log/python.txt" ;;
        esac
    done < <(grep -E '^test_.* \.\.\. ' "$log/python.txt")
    grep -qE '^test_.* \.\.\. ' "$log/python.txt" || check "data layer: tests ran" cat "$log/python.txt"

    check "the chapters' code listings are the code's (tools/listings.py --check)" tools/listings.py --check
    check "the book builds (HTML, PDF, EPUB)" tools/book.sh "$log/book"
    while IFS=$'\t' read -r id dir _; do
        check "the book has the chapter $dir" grep -q "id=\"lab-$id\"" "$log/book/workbook.html"
    done <<<"$lablist"

    # The HTML page as a browser shows it (tools/bookcheck.py: headless Chromium at 1280
    # and 420 px), one check per kind of problem, each listing its problems.
    tools/bookcheck.py "$log/book/workbook.html" >"$log/bookcheck.txt" 2>&1
    check "the book opens in headless Chromium" bookcheck_ran $?
    check "the book in Chromium: every internal link goes to an anchor in the page" book_problems links
    check "the book in Chromium: every image loads" book_problems images
    check "the book in Chromium: no code block overflows at 1280 px" book_problems "overflow at 1280"
    check "the book in Chromium: no code block overflows at 420 px" book_problems "overflow at 420"
    # Debian's epubcheck is a jar run through binfmt (jarwrapper), which a container may not have.
    check "the EPUB passes epubcheck" java -jar /usr/share/java/epubcheck.jar -q "$log/book/workbook.epub"

    tooling_tests late "${late[@]}"
    wait "${tooling_pids[@]}"
    tooling_checks rest
    tooling_checks watch
    tooling_checks late
}

# Editor support: clangd reads compile_commands.json, which make writes.
clangd_clean() {
    local out
    out=$(clangd --check="$1" 2>&1)
    grep -q 'All checks completed, 0 errors' <<<"$out" && return 0
    grep -E '^E\[' <<<"$out" | head -n 10
    return 1
}
bookcheck_ran() { (($1 != 2)) || shown_failure cat "$log/bookcheck.txt"; }
book_problems() { ! grep "^$1" "$log/bookcheck.txt"; }

# The correct variants the chapters allow (tests/alternatives/NN-topic/*.patch,
# each a patch against the solution): each must pass its whole lab. Its output
# goes to $log/alternatives/DIR-PATCH.out, its status to .status.
alternative() {
    local patch=$1 id=$2 res=$3 tmp status
    tmp=$(mktemp -d "$root/build/alternative.XXXXXX")
    mkdir -p "$tmp/solutions" && cp -r "$($wb tree "$id" solutions)" "$tmp/solutions/"
    if patch -s -p0 -d "$tmp" <"$patch"; then
        LABS=$tmp/solutions BUILD=$tmp/build RESULTS=$tmp/results LAB=$id tools/check.sh >"$tmp/out" 2>&1
        status=$?
        ((status == 0)) || grep -A12 'FAIL' "$tmp/out" | head -n 30 >"$res.out"
    else
        status=1 && echo "the patch does not apply" >"$res.out"
    fi
    echo "$status" >"$res.status"
    rm -rf "$tmp"
}

long_suite() {
    local id dir p res
    mkdir -p "$log/alternatives"
    # Two streams: the solutions as root (but the VM's labs: make test ran them
    # so), then under valgrind; the correct variants.
    {
        solutions_pass root "" "$log/root"
        WB_VALGRIND=1 LABS=solutions BUILD=build/solutions RESULTS=$log/valgrind tools/check.sh
    } >"$log/solutions.txt" 2>&1 &
    while IFS=$'\t' read -r id dir _; do
        for p in tests/alternatives/"$dir"/*.patch; do
            [[ -f $p ]] && alternative "$p" "$id" "$log/alternatives/$dir-${p##*/}"
        done
    done <<<"$lablist"
    wait
    while IFS=$'\t' read -r id dir _; do
        # (A lab that runs in the VM skips its tests under valgrind: nothing to count.)
        if [[ $($wb get "$id" vm) != true ]]; then
            count_results "$log/root/$dir.json" pass "$dir: solution passes as root"
            count_results "$log/valgrind/$dir.json" pass "$dir: solution passes under valgrind"
        fi
        for p in tests/alternatives/"$dir"/*.patch; do
            [[ -f $p ]] || continue
            res=$log/alternatives/$dir-${p##*/}
            check "$dir: the correct variant ${p##*/} passes" shown_failure_unless "$res"
        done
    done <<<"$lablist"

    # The grader's tests and the platforms', side by side (after the passes: the
    # corpus's cases wait on time limits, which a loaded machine must not reach).
    tooling_tests grader tests/tools/grader.bats
    tooling_tests platforms tests/tools/platforms.bats
    wait "${tooling_pids[@]}"
    tooling_checks grader
    tooling_checks platforms
}

"${suite}_suite"
echo
echo "$passed passed, $failed failed"
((failed == 0))
