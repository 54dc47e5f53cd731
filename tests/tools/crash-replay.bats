#!/usr/bin/env bats
# Tests of lab 10's crash replay (kernel-lab/vm/crashlab, vm/crash/crashtool.c):
# the reference store is OK at every crash point, and a copy of it with one
# mistake put in gets the verdict of that mistake, at the crash points where
# it matters. Each test boots the VM once (30 to 60 s under TCG).

# shellcheck disable=SC2016 # the perl substitutions are single-quoted on purpose
bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    export KLAB_QUIET=1 KLAB_OUT=$BATS_TEST_TMPDIR/out
}

# variant NAME PERL-SUBSTITUTION: a copy of the reference store with one
# change, in $BATS_TEST_TMPDIR/NAME.c; fails if the substitution changed nothing.
variant() {
    cp "$ROOT/solutions/10-crash-replay/rstore.c" "$BATS_TEST_TMPDIR/$1.c"
    perl -0pi -e "$2" "$BATS_TEST_TMPDIR/$1.c"
    if cmp -s "$ROOT/solutions/10-crash-replay/rstore.c" "$BATS_TEST_TMPDIR/$1.c"; then
        echo "variant $1: the substitution matched nothing in rstore.c" >&2
        return 1
    fi
}

crashlab() { run "$ROOT/kernel-lab/vm/crashlab" run "$@"; }

# verdicts: "VERDICT COUNT" for each verdict of the run, sorted.
verdicts() { awk -F'\t' '/^point / { n[$4]++ } END { for (v in n) print v, n[v] }' "$KLAB_OUT/points" | sort; }

# The mistakes of the chapter, as substitutions in the reference store.
NO_MSYNC='s/    sync_range\(&s, off, sizeof \*sl, "the new slot"\);\n/    (void)off;\n/; s/    sync_range\(&s, 0, sizeof \*s.hdr, "the commit mark"\);\n//'
NO_MARK_SYNC='s/    sync_range\(&s, 0, sizeof \*s.hdr, "the commit mark"\);\n//'
IN_PLACE='s/(    uint64_t n = s.nslots;\n)/$1    for (uint64_t i = 0; i < s.nslots; i++)\n        if (s.slots[i].key == (uint32_t)key)\n            n = i;\n/; s/    s.hdr->committed = n \+ 1;/    if (n + 1 > s.hdr->committed)\n        s.hdr->committed = n + 1;/'
NO_CHECK='s/slot_ok\(&s.slots\[s.nslots\], s.nslots\)/(slot_ok(\&s.slots[s.nslots], s.nslots) || 1)/'
CREATE_NO_SYNC='s/    struct store s = \{.path = path, .map = map\};\n    sync_range\(&s, 0, sizeof \*h, "the header"\);\n//'

@test "crashtool pack and load: a packed image loads back byte for byte" {
    gcc -std=c11 -O2 -o "$BATS_TEST_TMPDIR/crashtool" "$ROOT/kernel-lab/vm/crash/crashtool.c"
    cd "$BATS_TEST_TMPDIR"
    head -c 40000 /dev/zero >img
    printf 'first block' | dd of=img conv=notrunc status=none
    printf 'a block in the middle' | dd of=img bs=1 seek=20000 conv=notrunc status=none
    ./crashtool pack img img.pack
    (($(stat -c %s img.pack) == 16 + 2 * (8 + 4096))) # two non-zero blocks of ten
    : >back
    ./crashtool load img.pack back
    cmp img back
}

@test "PASS: the reference store is OK at every crash point, exit 0" {
    crashlab "$ROOT/solutions/10-crash-replay/rstore.c"
    assert_success
    assert_output --partial "verdict: PASS"
    # The kinds of crash point: after flushes or FUA writes, marks, and plain writes.
    grep -qE $'\tafter (flush|FUA write) [0-9]+\t' "$KLAB_OUT/points"
    grep -qE $'\tafter mark ack-[0-9]+\t' "$KLAB_OUT/points"
    grep -qE $'\tafter write [0-9]+\t' "$KLAB_OUT/points"
    # Every update of the workload (records 21 and 3) had crash points while in flight.
    grep -qE $'\tupdate 21$' "$KLAB_OUT/points"
    grep -qE $'\tupdate 3$' "$KLAB_OUT/points"
    run verdicts
    assert_output --regexp '^OK [0-9]+$'
}

@test "LOST-COMMIT (not-durable): a set without msync() loses what it acknowledged" {
    variant no-msync "$NO_MSYNC"
    crashlab "$BATS_TEST_TMPDIR/no-msync.c"
    assert_failure 1
    assert_output --partial "verdict: FAIL"
    assert_output --regexp 'LOST-COMMIT'$'\n'' +record 1: missing, acknowledged \(op 2\): "record 01 version 1 =+"\.\.\. \(reason: not-durable\)'
    grep -qE $'^ondisk\t[0-9]+\t[0-9]+\tno$' "$KLAB_OUT/points" # right after an acknowledgement
}

@test "LOST-COMMIT (not-counted): the commit mark left in memory loses records that are on the disk" {
    variant no-mark-sync "$NO_MARK_SYNC"
    crashlab "$BATS_TEST_TMPDIR/no-mark-sync.c"
    assert_failure 1
    assert_output --partial "(reason: not-counted)"
    refute_output --partial "(reason: not-durable)"
    grep -qE $'^ondisk\t[0-9]+\t[0-9]+\tyes$' "$KLAB_OUT/points"
    run grep -cE $'^ondisk\t[0-9]+\t[0-9]+\tno$' "$KLAB_OUT/points"
    assert_output 0
}

@test "LOST-COMMIT (overwritten): an update in place, torn by the crash, destroys the old version" {
    variant in-place "$IN_PLACE"
    crashlab "$BATS_TEST_TMPDIR/in-place.c"
    assert_failure 1
    run verdicts
    assert_output --regexp '^LOST-COMMIT [0-9]+'$'\n''OK [0-9]+$'
    grep -qE $'^point [0-9]+\tinside write [0-9]+: 1 of its 2 blocks\t[0-9]+ acks\tLOST-COMMIT\trecord 21: missing, .*\\(reason: overwritten\\)' \
        "$KLAB_OUT/points"
    grep -qE $'^viol\t[0-9]+\tLOST-COMMIT\t21\toverwritten\tupdate-in-flight$' "$KLAB_OUT/points"
}

@test "TORN-RECORD: an update in place and a recovery that trusts it: half old, half new" {
    variant torn "$IN_PLACE; $NO_CHECK"
    crashlab "$BATS_TEST_TMPDIR/torn.c"
    assert_failure 1
    grep -qE $'^point [0-9]+\tinside write [0-9]+: 1 of its 2 blocks\t[0-9]+ acks\tTORN-RECORD\trecord 21: the store lists "record 21 version 2 #+' \
        "$KLAB_OUT/points"
    grep -qE $'^viol\t[0-9]+\tTORN-RECORD\t21\toverwritten\tupdate-in-flight$' "$KLAB_OUT/points"
}

@test "UNOPENABLE: a create that does not make its header durable" {
    variant create-no-sync "$CREATE_NO_SYNC"
    crashlab "$BATS_TEST_TMPDIR/create-no-sync.c"
    assert_failure 1
    grep -qE $'^point 1\tafter mark ack-1\t1 acks\tUNOPENABLE\tlist exited with status 1: rstore: open /replay/store.dat: No such file or directory' \
        "$KLAB_OUT/points"
    # Once a set has made its slot and the header durable, the store opens.
    run verdicts
    assert_output --regexp '^OK [0-9]+'$'\n''UNOPENABLE [0-9]+$'
}

@test "BUILD-FAIL: a store that does not compile, with the compiler's message; no VM" {
    variant syntax 's/$/\nthis is not C\n/'
    crashlab "$BATS_TEST_TMPDIR/syntax.c"
    assert_failure 5
    assert_output --partial "verdict: BUILD-FAIL"
    assert_output --regexp "syntax.c:[0-9]+:[0-9]+: error: "
    [[ ! -e $KLAB_OUT/console.log ]]
}
