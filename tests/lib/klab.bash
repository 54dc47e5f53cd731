# tests/lib/klab.bash - the grading helpers of the kernel lab (the lab with
# `vm = true` and `tree = ...` in course.toml).
#
# The driver is graded in a real kernel: setup_file runs kernel-lab/vm/klab
# once, which builds the driver, boots it under QEMU and runs every test of
# kernel-lab/user/wbtest.c there. Each bats test is then one of wbtest's TAP
# tests, found by its name, which is the bats test's name:
#     load lib/wb
#     load lib/klab
#     setup_file() { klab_setup_file 06; }
#     @test "1.1 the mapping shows ..." { klab_result; }
# The harness and wbtest always come from this tree (WB_ROOT); only the
# driver comes from the tree graded, LABS (labs, solutions, a student's tree:
# where in it, tools/wb.py tree says). The run's files (report, tap,
# console.log, build.log) stay in the lab's build directory.

# The directory of the driver to grade.
klab_tree() {
    local labs=${LABS:-labs}
    [[ $labs == /* ]] || labs=$WB_ROOT/$labs
    "$WB_ROOT/tools/wb.py" tree "$LAB_ID" "$labs"
}

klab_setup_file() {
    # The driver runs in the VM: valgrind has nothing to check (make test runs
    # the other labs again under WB_VALGRIND=1); the tests are skipped then.
    [[ ${WB_VALGRIND:-} != 1 ]] || return 0
    local line labs=${LABS:-labs}
    line=$("$WB_ROOT/tools/wb.py" lab "$1") || return 1
    IFS=$'\t' read -r LAB_ID LAB_DIR _ <<<"$line"
    export LAB_ID LAB_DIR KLAB_TREE KLAB_OUT
    [[ $labs == /* ]] || labs=$WB_ROOT/$labs
    KLAB_TREE=$(klab_tree)
    KLAB_OUT=$("$WB_ROOT/tools/wb.py" build-dir "$labs")/$LAB_DIR
    mkdir -p "$KLAB_OUT"
    rm -f "$KLAB_OUT/verdict"
    KLAB_QUIET=1 "$WB_ROOT/kernel-lab/vm/klab" run "$KLAB_TREE" >"$KLAB_OUT/klab.out" 2>&1 || true
}

# The verdict's block of the report: "verdict: X" and its indented lines.
klab_verdict_text() {
    sed -n '/^verdict: /,$p' "$KLAB_OUT/report" 2>/dev/null | head -n 16
}

# klab_result: this test passes if wbtest's test of the same name passed in the VM.
klab_result() {
    [[ ${WB_VALGRIND:-} != 1 ]] || skip "the driver runs in a VM: nothing for valgrind to check"
    local name=$BATS_TEST_DESCRIPTION verdict=
    if [[ -s $KLAB_OUT/verdict ]]; then
        IFS=$'\t' read -r verdict _ <"$KLAB_OUT/verdict"
    else
        fail "$(printf 'the kernel lab could not run (%s):\n%s' "kernel-lab/vm/klab" \
            "$(tail -n 12 "$KLAB_OUT/klab.out" 2>/dev/null)")"
    fi
    case $verdict in
    BUILD-FAIL | BUILD-WARNING)
        fail "$(printf 'the driver %s does not build without warnings, so no test ran:\n%s' \
            "${KLAB_TREE#"$WB_ROOT"/}/wbmap.c" "$(klab_verdict_text)")" ;;
    INSMOD-FAIL)
        fail "$(printf 'the driver builds, but the kernel refused to load it:\n%s' \
            "$(klab_verdict_text)")" ;;
    TAMPERED) tampered "$(klab_verdict_text | tail -n +2 | sed 's/^ *//')" ;;
    esac
    local result
    result=$(awk -v name="$name" '
        /^(not )?ok [0-9]+ - / { if (on) exit; line = $0; sub(/^(not )?ok [0-9]+ - /, "", line)
                                 if (line == name) { on = 1; print ($1 == "ok" ? "ok" : "not ok") }
                                 next }
        on && /^# / { print substr($0, 3) }' "$KLAB_OUT/tap" 2>/dev/null)
    case $result in
    ok*) return 0 ;;
    "not ok"*)
        fail "$(printf '%s\n(the test is in kernel-lab/user/wbtest.c; the whole run: %s)' \
            "$(tail -n +2 <<<"$result" | head -n 14)" "${KLAB_OUT#"$WB_ROOT"/}/report")" ;;
    esac
    case $verdict in
    KERNEL-CRASH | TIMEOUT)
        if grep -qF -- "during test $name" "$KLAB_OUT/report" || grep -qF -- "stuck in test $name" "$KLAB_OUT/report"; then
            fail "$(printf 'the VM ended during this test:\n%s' "$(klab_verdict_text)")"
        fi
        fail "$(printf 'this test did not run: the VM ended before it.\n%s\n(make -C kernel-lab check ONLY=%s runs the tests of task %s alone)' \
            "$(klab_verdict_text)" "${name%% *}" "${name%% *}")" ;;
    *)
        fail "$(printf 'wbtest did not report this test (verdict %s); see %s' "${verdict:-none}" \
            "${KLAB_OUT#"$WB_ROOT"/}/report")" ;;
    esac
}
