# tests/lib/crashlab.bash - the grading helpers of lab 10's crash replay.
#
# crashlab_setup_file (after lab_setup_file 10) runs kernel-lab/vm/crashlab
# once on the graded tree's rstore.c: it boots a VM, runs the workload
# (kernel-lab/vm/crash/workload) on ext4 over dm-log-writes, and replays
# every crash point. Its files stay in $BIN/crash (report, points,
# console.log). tools/check.sh may run a lab's tests in two bats processes at
# once: both call this, and the second one waits for the first one's VM
# (flock) and reads its results, so that the VM boots once.
# Under WB_VALGRIND=1 nothing runs (the store runs in the VM) and the tests
# that read the replay skip themselves.
#
# The points file (crashtool replay's output) has tab-separated lines:
#   point N  WHERE  K acks  VERDICT  DETAIL  IN-FLIGHT   one per crash point
#   viol  N  KIND  KEY  REASON  update-in-flight|-   one per record wrong at point N
#   ondisk  OP  KEY  yes|no       right after op OP's acknowledgement: its text in the file?

crashlab_setup_file() {
    [[ ${WB_VALGRIND:-} != 1 ]] || return 0
    local labs=${LABS:-labs}
    [[ $labs == /* ]] || labs=$WB_ROOT/$labs
    export CRASH_OUT=$BIN/crash CRASH_SRC
    CRASH_SRC=$("$WB_ROOT/tools/wb.py" tree "$LAB_ID" "$labs")/rstore.c
    mkdir -p "$CRASH_OUT"
    touch "$BATS_FILE_TMPDIR/started"
    (
        flock 9
        # A run that ended after this process started is this check's run.
        if [[ ! $CRASH_OUT/verdict -nt $BATS_FILE_TMPDIR/started ]]; then
            rm -f "$CRASH_OUT/verdict"
            KLAB_QUIET=1 KLAB_OUT=$CRASH_OUT "$WB_ROOT/kernel-lab/vm/crashlab" run "$CRASH_SRC" \
                >"$CRASH_OUT/crashlab.out" 2>&1 || true
            touch "$CRASH_OUT/verdict"
        fi
    ) 9>"$BIN/crash.lock"
}

# crash_ran: the replay ran (else the test fails, saying why not).
crash_ran() {
    [[ ${WB_VALGRIND:-} != 1 ]] || skip "the store runs in a VM for this test: nothing for valgrind to check"
    local verdict=
    [[ -s $CRASH_OUT/verdict ]] && IFS=$'\t' read -r verdict _ <"$CRASH_OUT/verdict"
    case $verdict in
    PASS | FAIL) return 0 ;;
    TAMPERED) tampered "$(sed -n '/^verdict:/,$p' "$CRASH_OUT/report" | sed -n '2,8s/^ *//p')" ;;
    BUILD-FAIL)
        fail "$(printf 'rstore.c does not build (-static -Wall -Wextra -Werror), so no crash point was replayed:\n%s' \
            "$(sed -n '/^verdict:/,$p' "$CRASH_OUT/report" | head -n 14)")" ;;
    "")
        fail "$(printf 'the crash replay could not run (kernel-lab/vm/crashlab):\n%s' \
            "$(tail -n 12 "$CRASH_OUT/crashlab.out" 2>/dev/null)")" ;;
    *)
        fail "$(printf 'the crash replay did not finish:\n%s\n(the whole run: %s)' \
            "$(sed -n '/^verdict:/,$p' "$CRASH_OUT/report" | head -n 14)" "${CRASH_OUT#"$WB_ROOT"/}/report")" ;;
    esac
}

# crash_points: the number of crash points replayed.
crash_points() { grep -c '^point ' "$CRASH_OUT/points"; }

# crash_show N...: the lines of crash points N (their point line, cut).
crash_show() {
    local n
    for n; do
        awk -F'\t' -v n="point $n" '$1 == n { printf "  %s, %s: %s\n    %s\n", $1, $2, $4, substr($5, 1, 300) }' \
            "$CRASH_OUT/points"
    done
}

# crash_fail WHAT POINTS: fail, naming WHAT went wrong at the crash points
# POINTS (a list of numbers), showing the first three.
crash_fail() {
    local what=$1 pts
    read -ra pts <<<"$2"
    fail "$(printf '%s at %d of the %d crash points replayed; the first:\n%s\n(every crash point: %s)' \
        "$what" "${#pts[@]}" "$(crash_points)" "$(crash_show "${pts[@]:0:3}")" \
        "${CRASH_OUT#"$WB_ROOT"/}/report")"
}
