#!/usr/bin/env bats
# Lab 10 - a record store that survives a power cut at any moment. Each
# test's name starts with its task id (TODO n.m in rstore.c); its tags give
# the task (task:2_2 is task 2.2) and the points.
# Two kinds of test: on this machine, exact observations of one run (the
# file's bytes, which msync() calls and in what order, under strace); and in
# a VM (kernel-lab/vm/crashlab, booted once for the file), the crash replay:
# the workload's every write logged by dm-log-writes, the disk rebuilt at
# every crash point, and the store asked what it holds there.

load lib/wb
load lib/crashlab
setup_file() {
    lab_setup_file 10
    crashlab_setup_file
}
setup() { lab_setup; }

HDR=4096 SLOT=200

# --- building stores byte by byte -------------------------------------------
# header CAPACITY COMMITTED: the 4096 bytes of a header.
header() {
    { perl -e 'print pack("a8 Q< Q<", "RSTORE10", $ARGV[0], $ARGV[1])' "$1" "$2"; head -c 4096 /dev/zero; } |
        head -c 4096
}
# slot SEQ KEY TEXT: a whole slot, its checksum the CRC-32 of its first 192
# bytes (gzip's trailer holds the same CRC-32, little-endian).
slot() {
    perl -e 'print pack("Q< L< L< a176", $ARGV[0], $ARGV[1], length($ARGV[2]), $ARGV[2])' "$1" "$2" "$3" \
        >"$BATS_TEST_TMPDIR/slot192"
    cat "$BATS_TEST_TMPDIR/slot192"
    gzip -c <"$BATS_TEST_TMPDIR/slot192" | tail -c 8 | head -c 4
    head -c 4 /dev/zero
}
# store FILE CAPACITY COMMITTED SLOTFILE...: a store of CAPACITY slots whose
# first slots are the given files' bytes, the rest zero.
store() {
    local file=$1 cap=$2 committed=$3
    shift 3
    { header "$cap" "$committed"; cat "$@"; head -c $((cap * SLOT)) /dev/zero; } |
        head -c $((HDR + cap * SLOT)) >"$file"
}
# u64 FILE OFFSET / bytes FILE OFFSET LENGTH: what the file holds there.
u64() { od -An -tu8 -j "$2" -N 8 "$1" | tr -d ' '; }
bytes() { tail -c +$(($2 + 1)) "$1" | head -c "$3"; }

# expect_slot FILE I SEQ KEY TEXT TASK: slot I is exactly the slot SEQ KEY TEXT.
expect_slot() {
    slot "$3" "$4" "$5" >"$BATS_TEST_TMPDIR/want"
    bytes "$1" $((HDR + $2 * SLOT)) "$SLOT" >"$BATS_TEST_TMPDIR/got"
    cmp -s "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" && return 0
    local at
    at=$(cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
    fail "$(printf 'slot %d (bytes %d to %d of the file): expected seq %d, key %d, length %d, the text "%s",\nzero bytes, the checksum and 4 zero bytes; the first difference is at byte %d of the slot (%s) (task %s)' \
        "$2" $((HDR + $2 * SLOT)) $((HDR + $2 * SLOT + SLOT - 1)) "$3" "$4" "${#5}" "$5" "$((at - 1))" \
        "$(field_at $((at - 1)))" "$6")"
}
field_at() {
    if (($1 < 8)); then echo "seq"; elif (($1 < 12)); then echo "key"; elif (($1 < 16)); then echo "len"
    elif (($1 < 192)); then echo "text"; elif (($1 < 196)); then echo "crc"; else echo "pad"; fi
}

# msyncs SIZE: after `traced rstore ...` on a store of SIZE bytes, one line per
# msync(): "FIRST LAST FLAGS RESULT LINE": the pages of the file it covered,
# and its line number in the trace. Fails if the store was not mapped whole.
msyncs() {
    local base addr len flags ret line
    base=$(sed -n "s/^mmap(NULL, $1, PROT_READ|PROT_WRITE, MAP_SHARED, [0-9]*, 0) = \(0x[0-9a-f]*\)\$/\1/p" \
        "$RAW_TRACE" | tail -n 1)
    if [[ -z $base ]]; then
        fail "expected the store mapped whole: mmap(NULL, $1, PROT_READ|PROT_WRITE, MAP_SHARED, ...)"
        return 1
    fi
    grep -n '^msync(' "$RAW_TRACE" | sed -n 's/^\([0-9]*\):msync(\(0x[0-9a-f]*\), \([0-9]*\), \([A-Z_|]*\)) = \(-\{0,1\}[0-9]*\).*/\1 \2 \3 \4 \5/p' |
        while read -r line addr len flags ret; do
            echo "$(((addr - base) / PS)) $(((addr - base + len - 1) / PS)) $flags $ret $line"
        done
}
# covering FIRST LAST: the msyncs lines (on stdin) with MS_SYNC (MS_INVALIDATE
# may come with it), result 0, that cover pages FIRST to LAST of the file.
covering() {
    awk -v a="$1" -v b="$2" '($3 == "MS_SYNC" || $3 == "MS_INVALIDATE|MS_SYNC" || $3 == "MS_SYNC|MS_INVALIDATE") &&
        $4 == 0 && $1 <= a && $2 >= b'
}
# line_of ERE: the first line of the raw trace that matches.
line_of() { grep -nE -m1 -- "$1" "$RAW_TRACE" | cut -d: -f1; }

# --- 1 create ---------------------------------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 create: the store is 4096 + 40 x 200 bytes, every one reserved on the disk" {
    runp rstore create data 40
    expect_ok 1.1
    expect_eq "the size of a store of 40 slots" $((HDR + 40 * SLOT)) "$(stat -c %s data)"
    local allocated=$(($(stat -c %b data) * $(stat -c %B data)))
    ((allocated >= HDR + 40 * SLOT)) ||
        fail "expected the whole store reserved on the disk (no holes: posix_fallocate), but only $allocated of its $((HDR + 40 * SLOT)) bytes have disk space (stat's st_blocks); a store into a hole of a full disk is a SIGBUS (task 1.1)"
}

# bats test_tags=task:1_1,points:2
@test "1.1 create on a full disk (fallocate fails with ENOSPC) says so and exits 1" {
    run timeout -k 1 20 strace -f -qq -o /dev/null -e inject=fallocate:error=ENOSPC "$BIN/rstore" create data 40
    expect_status 1 1.1
    grep -q 'No space left on device' <<<"$output" ||
        fail "expected the message to say 'No space left on device' (task 1.1); it was: $output"
    [[ ! -e data ]] || fail "expected create to remove the file it could not reserve the space of (it is no store: its header was never written), but data is still there (task 1.1)"
}

# bats test_tags=task:1_2,points:2
@test "1.2 create: the header (magic, capacity, 0 committed) is made durable before 'created'" {
    traced rstore create data 40
    expect_ok 1.2
    expect_eq "the first 8 bytes" RSTORE10 "$(bytes data 0 8)"
    expect_eq "the capacity (bytes 8 to 15)" 40 "$(u64 data 8)"
    expect_eq "the commit mark (bytes 16 to 23)" 0 "$(u64 data 16)"
    local m said
    m=$(msyncs $((HDR + 40 * SLOT))) || return 1
    said=$(line_of '^write\(1, "created ')
    [[ -n $said ]] || fail "expected 'created ...' on standard output (task 1.2)"
    [[ -n $(covering 0 0 <<<"$m" | awk -v s="$said" '$5 < s') ]] ||
        fail "$(printf "expected msync(MS_SYNC) of page 0, the header, = 0 before 'created' is written (task 1.2); the msync() calls (pages, flags, result):\n%s" "${m:-none}")"
}

# bats test_tags=task:1_2,points:3
@test "1.2 crash replay: the store opens at every crash point after create was acknowledged" {
    crash_ran
    local bad
    bad=$(awk -F'\t' '$1 ~ /^point / && $4 == "UNOPENABLE" { sub(/^point /, "", $1); print $1 }' "$CRASH_OUT/points" | paste -sd' ')
    [[ -z $bad ]] || crash_fail "expected the store to open (rstore list) after a crash (task 1.2): it did not (UNOPENABLE)" "$bad"
}

# --- 2 set --------------------------------------------------------------------

# bats test_tags=task:2_1,points:2
@test "2.1 set: a new version fills slot 0 of a new store, whole: seq, key, length, text, checksum" {
    store data 40 0
    runp rstore set data 5 "hello, store"
    expect_ok 2.1
    expect_slot data 0 1 5 "hello, store" 2.1
}

# bats test_tags=task:2_1,points:2
@test "2.1 set: an update of a record goes into the next slot; the old version stays as it was" {
    slot 1 5 "the first version of record 5" >s0
    slot 2 7 "record 7" >s1
    head -c "$SLOT" /dev/zero | tr '\0' Z >s2 # what a crash left of a set never committed
    store data 40 2 s0 s1 s2
    runp rstore set data 5 "the second version"
    expect_ok 2.1
    expect_slot data 0 1 5 "the first version of record 5" 2.1
    expect_slot data 1 2 7 "record 7" 2.1
    expect_slot data 2 3 5 "the second version" 2.1
}

# bats test_tags=task:2_1,points:3
@test "2.1 crash replay: no crash point during an update loses the record's acknowledged version" {
    crash_ran
    local during bad
    during=$(awk -F'\t' '$1 ~ /^point / && $6 ~ /^update /' "$CRASH_OUT/points" | wc -l)
    ((during > 0)) ||
        fail "expected crash points while a record was being updated (its new version written to the disk before 'committed'); there were none: the updates wrote nothing (task 2.1)"
    bad=$(awk -F'\t' '$1 == "viol" && $6 == "update-in-flight" { print $2 }' "$CRASH_OUT/points" | uniq | paste -sd' ')
    [[ -z $bad ]] ||
        crash_fail "expected the acknowledged version of a record to survive a crash while it is being updated (task 2.1); it did not" "$bad"
}

# bats test_tags=task:2_2,points:3
@test "2.2 set: msync(MS_SYNC) of the pages of the new slot (slot 20: pages 1 and 2), before the commit mark" {
    local i files=()
    for ((i = 0; i < 20; i++)); do
        slot $((i + 1)) $((i + 1)) "record $((i + 1))" >"s$i"
        files+=("s$i")
    done
    store data 40 20 "${files[@]}"
    traced rstore set data 21 "record 21, in slot 20, from byte 8096 to byte 8295"
    expect_ok 2.2
    local m said slot_sync mark_sync
    m=$(msyncs $((HDR + 40 * SLOT))) || return 1
    said=$(line_of '^write\(1, "committed record 21')
    [[ -n $said ]] || fail "expected 'committed record 21' on standard output (task 2.2)"
    slot_sync=$(covering 1 2 <<<"$m" | awk -v s="$said" '$5 < s { print $5; exit }')
    [[ -n $slot_sync ]] ||
        fail "$(printf "expected msync(MS_SYNC) = 0 of pages 1 and 2 (slot 20 straddles them) before 'committed record 21' (task 2.2); the msync() calls (pages, flags, result):\n%s" "${m:-none}")"
    mark_sync=$(covering 0 0 <<<"$m" | awk -v s="$said" '$5 < s { l = $5 } END { print l }')
    if [[ -n $mark_sync ]] && ((mark_sync < slot_sync)); then
        fail "expected the slot's msync() before the header's (the commit mark), not after it (task 2.2)"
    fi
}

# bats test_tags=task:2_2,points:3
@test "2.2 crash replay: every acknowledged text is on the disk right after its acknowledgement" {
    crash_ran
    local bad
    bad=$(awk -F'\t' '$1 == "ondisk" && $4 == "no" { print "op " $2 " (record " $3 ")" }' "$CRASH_OUT/points")
    local acks
    acks=$(grep -c '^ondisk' "$CRASH_OUT/points") || true
    ((acks > 0)) || fail "no acknowledgement of set was replayed (task 2.2): $(grep -m3 '^op ' "$CRASH_OUT/points")"
    [[ -z $bad ]] ||
        fail "$(printf 'expected the text of each acknowledged set in the file (on the disk) at the crash point right after its acknowledgement (task 2.2); %d of %d were not, the first: %s\n(every crash point: %s)' \
            "$(wc -l <<<"$bad")" "$acks" "$(head -n 3 <<<"$bad" | paste -sd, )" "${CRASH_OUT#"$WB_ROOT"/}/report")"
}

# bats test_tags=task:2_3,points:3
@test "2.3 set: the commit mark counts the new slot, made durable (msync of page 0) before the promise" {
    slot 1 1 "one" >s0
    slot 2 2 "two" >s1
    store data 40 2 s0 s1
    traced rstore set data 3 "three"
    expect_ok 2.3
    expect_eq "the commit mark (bytes 16 to 23) after a set on a store of 2 committed slots" 3 "$(u64 data 16)"
    local m said slot_sync
    m=$(msyncs $((HDR + 40 * SLOT))) || return 1
    said=$(line_of '^write\(1, "committed record 3')
    [[ -n $said ]] || fail "expected 'committed record 3' on standard output (task 2.3)"
    slot_sync=$(covering 1 1 <<<"$m" | awk '{ print $5; exit }')
    [[ -n $(covering 0 0 <<<"$m" | awk -v s="$said" -v d="${slot_sync:-0}" '$5 < s && $5 > d') ]] ||
        fail "$(printf "expected msync(MS_SYNC) = 0 of page 0 (the commit mark) after the slot's msync() and before 'committed record 3' (task 2.3); the msync() calls (pages, flags, result):\n%s" "${m:-none}")"
}

# bats test_tags=task:2_3,points:3
@test "2.3 crash replay: the store lists every acknowledged record at every crash point" {
    crash_ran
    local bad
    bad=$(awk -F'\t' '$1 ~ /^point / && $4 != "OK" { sub(/^point /, "", $1); print $1 }' "$CRASH_OUT/points" | paste -sd' ')
    [[ -n $(awk -F'\t' '$1 ~ /^point /' "$CRASH_OUT/points") ]] || fail "no crash point was replayed"
    [[ -z $bad ]] ||
        crash_fail "expected every acknowledged record, whole, in what the store lists after a crash (task 2.3); it was not" "$bad"
}

# --- 3 recovery -----------------------------------------------------------------

# bats test_tags=task:3_1,points:3
@test "3.1 recovery: a torn slot, and every slot after it, does not count" {
    slot 1 1 "one" >s0
    slot 2 2 "two, torn" >s1
    printf 'X' | dd of=s1 bs=1 seek=20 conv=notrunc status=none # a byte of its text changed
    slot 3 3 "three" >s2
    store data 40 3 s0 s1 s2
    runp rstore list data
    expect_ok 3.1
    expect_eq "what list prints for a store whose slot 1 is torn (slots 0 and 2 whole)" "1 one" "$output"
    runp rstore get data 3
    expect_status 1 3.1
}

# bats test_tags=task:3_1,points:3
@test "3.1 recovery: a whole slot with the wrong sequence number, or past the commit mark, does not count" {
    slot 1 1 "one" >s0
    slot 7 2 "an old slot from somewhere else" >s1
    store data 40 2 s0 s1
    runp rstore list data
    expect_ok 3.1
    expect_eq "what list prints when slot 1 holds sequence number 7 (not 2)" "1 one" "$output"
    slot 2 2 "two, never committed" >s1
    store data 40 1 s0 s1
    runp rstore list data
    expect_ok 3.1
    expect_eq "what list prints when 1 slot is committed and slot 1 is whole, past the mark (a set that crashed before its commit)" "1 one" "$output"
}
