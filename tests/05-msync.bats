#!/usr/bin/env bats
# Lab 05 - msync: coherence and durability. Each test's name starts with its
# task id (TODO n.m in the lab's code); its tags give the task (task:2_6 is
# task 2.6) and the points. Files live in the test's own directory (ext4 on the
# project's machine); nothing here grades a timing or a dirty-page count: those
# are for observe/ (see OBSERVABLES.md).

load lib/wb
setup_file() { lab_setup_file 05; }
setup() { lab_setup; }
# Every call that pushes data towards the disk: coherence needs none of them.
SYNC_CALLS='^(msync|fsync|fdatasync|sync|syncfs|sync_file_range)\('

# expect_refused TASK WHAT : the last run exited with status 1 (a refusal).
expect_refused() {
    ((status == 1)) && return 0
    fail "$(printf 'expected %s to be refused with exit status 1 (task %s); it exited with %s, printing:\n%s' \
        "$2" "$1" "$status" "${output:0:300}")"
}

# expect_call ERE WHAT : like trace_has, but a failure shows only the trace's
# msync(), fsync() and fdatasync() lines, not its last lines.
expect_call() {
    grep -Eq -- "$1" "$TRACE" && return 0
    fail "$(printf 'expected %s\n  (a system call matching: %s)\nthe msync/fsync/fdatasync calls in the trace: %s' \
        "$2" "$1" "$(grep -E "$SYNC_CALLS" "$TRACE" || echo none)")"
}

# --- records --------------------------------------------------------------
# R[k] is the text of record k (no newline, no '~' in it); write_store FILE
# writes the store that R describes: each text, then zero bytes up to 100.
write_store() {
    printf '%s\n' "${R[@]}" |
        awk '{ printf "%s", $0; for (i = length($0); i < 100; i++) printf "~" }' | tr '~' '\0' >"$1"
}
# records FILE N : a store of N records, record K holding "record K".
records() {
    mapfile -t R < <(seq -f 'record %g' 0 $(($2 - 1)))
    write_store "$1"
}

# synced_pages SIZE : after `traced recstore set ...` on a store of SIZE bytes,
# check each msync() against the mapping's start (from the unmasked trace):
# MS_SYNC (with MS_INVALIDATE or without), returned 0, a page-aligned address inside the mapping. Prints the
# pages covered, numbered from the start of the file ("0 3 4"). Call it as
# `pages=$(synced_pages SIZE)`, so that a failure here ends the test.
synced_pages() {
    local size=$1 base addr len flags ret rel p n=0 why
    local -A seen=()
    base=$(sed -n "s/^mmap(NULL, $size, PROT_READ|PROT_WRITE, MAP_SHARED, [0-9]*, 0) = \(0x[0-9a-f]*\)\$/\1/p" \
        "$RAW_TRACE" | tail -n 1)
    if [[ -z $base ]]; then
        fail "expected set to map the whole store: mmap(NULL, $size, PROT_READ|PROT_WRITE, MAP_SHARED, ...) (task 2.2)"
        return 1
    fi
    while read -r addr len flags ret; do
        n=$((n + 1)) rel=$((addr - base)) why=""
        if [[ ! $flags =~ ^(MS_SYNC|MS_INVALIDATE\|MS_SYNC|MS_SYNC\|MS_INVALIDATE)$ ]]; then
            why="expected the flag MS_SYNC (write back and wait; MS_INVALIDATE may come with it, MS_ASYNC may not)"
        elif ((rel % PS != 0)); then
            why="it starts $rel bytes into the mapping, not on a page boundary: round the record's offset down to a multiple of $PS"
        elif [[ $ret != 0 ]]; then
            why="it returned $ret, and the program went on"
        elif ((rel < 0 || rel + len > (size + PS - 1) / PS * PS)); then
            why="it goes outside the mapping ($base, $size bytes)"
        fi
        if [[ -n $why ]]; then
            fail "msync($addr, $len, $flags) = $ret: $why (task 2.6)"
            return 1
        fi
        for ((p = rel / PS; p < (rel + len + PS - 1) / PS; p++)); do seen[$p]=1; done
    done < <(sed -n 's/^msync(\(0x[0-9a-f]*\), \([0-9]*\), \([A-Z_|]*\)) = \(.*\)$/\1 \2 \3 \4/p' "$RAW_TRACE")
    if ((n == 0)); then
        fail "expected msync(ADDRESS, LENGTH, MS_SYNC) on the pages of the changed records (task 2.6); set made no msync() call"
        return 1
    fi
    printf '%s\n' "${!seen[@]}" | sort -n | paste -sd ' '
}

# committed_after_msync N : the line "committed N record(s)" was written, and
# only after the last msync() returned.
committed_after_msync() {
    local want="committed $1 record" msync_at write_at
    (($1 == 1)) || want+=s
    expect_line "$want"
    msync_at=$(grep -n '^msync(' "$TRACE" | tail -n 1 | cut -d: -f1)
    write_at=$(grep -n "^write(1, \"$want" "$TRACE" | head -n 1 | cut -d: -f1)
    [[ -n $write_at ]] || fail "expected a write(1, \"$want...\") in the trace"
    ((msync_at < write_at)) ||
        fail "expected '$want' to be written only after the last msync() returned (task 2.6)"
}

# --- 1 coherent --------------------------------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 coherent: a store through the shared mapping is seen at once by pread(), with no msync()" {
    make_file data $((3 * PS)) .
    traced coherent data 5000
    expect_status 0
    trace_has "^mmap\(NULL, $((3 * PS)), PROT_READ\|PROT_WRITE, MAP_SHARED, [0-9]+, 0\) = 0x" \
        "the file mapped shared and writable: mmap(NULL, $((3 * PS)), PROT_READ|PROT_WRITE, MAP_SHARED, ...) (task 1.1)"
    expect_eq "what pread() on a second descriptor read after the store" STORE-1 "$(field 'pread() sees')"
    trace_lacks "$SYNC_CALLS" "no msync(), fsync() or sync() at all: one page cache needs none"
}

# bats test_tags=task:1_2,points:2
@test "1.2 coherent: another process's own mapping sees the store at once" {
    make_file data $((3 * PS)) .
    traced coherent data 5000
    expect_status 0
    expect_eq "the child's mapping, before the parent's second store" STORE-1 "$(field "child's mapping, before")"
    expect_eq "the child's mapping, after the parent's second store" STORE-2 "$(field "child's mapping, after")"
    local maps
    maps=$(grep -Ec "^mmap\(NULL, $((3 * PS)), PROT_[A-Z_|]+, MAP_(SHARED|PRIVATE), [0-9]+, 0\) = 0x" "$TRACE") || true
    ((maps >= 2)) ||
        fail "expected two mmap() calls of the file, the parent's and the child's own (task 1.2); the trace has $maps"
    trace_lacks "$SYNC_CALLS" "no msync(), fsync() or sync() at all"
}

# bats test_tags=task:1_3,points:1
@test "1.3 coherent: pwrite() on another descriptor shows up in the mapping" {
    make_file data $((3 * PS)) .
    traced coherent data 5000
    expect_status 0
    trace_has '^pwrite64\([0-9]+, "PWRITE3", 7, 5000\) = 7' 'pwrite(fd2, "PWRITE3", 7, 5000) (task 1.3)'
    expect_eq "what the mapping shows after pwrite()" PWRITE3 "$(field 'mapping sees')"
    expect_eq "the file's bytes 5000 to 5006 afterwards" PWRITE3 "$(tail -c +5001 data | head -c 7)"
    trace_lacks "$SYNC_CALLS" "no msync(), fsync() or sync() at all"
}

# --- 2 recstore --------------------------------------------------------------

# bats test_tags=task:1_3,points:1
@test "1.3 coherent: a failed or short pwrite() is reported" {
    make_file data $((3 * PS)) .
    failing pwrite64:error=EIO coherent data 5000
    grep -q '^pwrite64(.*(INJECTED)$' "$TRACE" || fail "expected coherent to call pwrite() (task 1.3)"
    expect_reported EIO 1.3 "pwrite() fails with EIO"
    failing pwrite64:retval=3 coherent data 5000
    ((status != 0 && status <= 125)) ||
        fail "$(printf 'task 1.3: when pwrite() writes 3 of the 7 bytes, expected coherent to say so and exit with a non-zero status (check that it returned 7); it exited with %s:\n%s' "$status" "$output")"
}

# bats test_tags=task:2_1,points:1
@test "2.1 recstore create: N zeroed records, sized by ftruncate(), nothing written" {
    traced recstore create store 200
    expect_status 0
    expect_eq "the size of a new store of 200 records" 20000 "$(stat -c %s store)"
    head -c 20000 /dev/zero >zeros
    expect_same_file zeros store "the new store (all zero bytes)"
    trace_has '^ftruncate\([0-9]+, 20000\) = 0' "ftruncate(fd, 20000) (task 2.1)"
    trace_lacks '^(write|pwrite64|lseek)\([3-9],' "no write() or lseek() on the file: ftruncate() alone sizes it"
    runp recstore create store 10
    expect_status 1
    expect_eq "the size of the store after a second create (which must fail)" 20000 "$(stat -c %s store)"
}

# bats test_tags=task:2_1,points:1
@test "2.1 recstore create: a failed ftruncate() is reported, with a non-zero exit" {
    failing ftruncate:error=EFBIG recstore create store 200
    grep -q '^ftruncate(.*(INJECTED)$' "$TRACE" || fail "expected create to size the store with ftruncate() (task 2.1)"
    expect_reported EFBIG 2.1 "ftruncate() fails with EFBIG"
}

# bats test_tags=task:2_2,points:2
@test "2.2 recstore get opens the store read-only and maps it read-only; a store it may not open is refused" {
    records data 20
    traced_parent recstore get data 3
    expect_status 0 2.2
    expect_eq "get data 3" "record 3" "$output"
    main_has '^openat\(AT_FDCWD, "data", O_RDONLY(\|O_CLOEXEC)?\) = [0-9]+' "get to open the store read-only (O_RDONLY)"
    [[ $(mmap_of data) =~ ^mmap\(NULL,\ 2000,\ PROT_READ,\ MAP_(SHARED|PRIVATE), ]] ||
        fail "expected get to map the store PROT_READ: mmap(NULL, 2000, PROT_READ, ...) (task 2.2); its mmap() of it: $(mmap_of data)"
    # A store this user may not write: its open() fails with EACCES (made to,
    # so that root, whom file modes do not stop, is graded the same).
    failing_call openat '"data"' EACCES recstore set data 3 changed
    expect_refused 2.2 "set on a store whose open() fails with EACCES"
    expect_reported EACCES 2.2 "the open() of the store fails with EACCES"
}

# bats test_tags=task:2_3,points:2
@test "2.3 recstore refuses a file that is not a whole number of records, and leaves it as it was" {
    local size cmd
    for size in 250 0 99; do
        make_file data "$size" r
        cp data before
        for cmd in "get data 0" "set data 0 changed"; do
            # shellcheck disable=SC2086 # the words are separate arguments
            runp recstore $cmd
            expect_refused 2.3 "'recstore $cmd' on a $size-byte file (not a whole number of 100-byte records)"
            [[ $output =~ (^|[^0-9])$size([^0-9]|$) ]] ||
                fail "expected 'recstore $cmd' on a $size-byte file to refuse it with a message that gives its size, $size (e.g. 'data is $size bytes: ...'); it printed: $output"
            expect_same_file before data "the $size-byte file after 'recstore $cmd'"
        done
    done
}

# bats test_tags=task:2_4,points:2
@test "2.4 recstore refuses an out-of-range record, and makes none of the command's updates" {
    records data 10
    cp data before
    runp recstore set data 3 AAA 10 BBB
    expect_refused 2.4 "'set data 3 AAA 10 BBB' on a store of 10 records (0 to 9)"
    [[ $output == *"out of range"* ]] ||
        fail "expected 'set data 3 AAA 10 BBB' on a store of 10 records to say record 10 is out of range; it printed: $output"
    expect_same_file before data "the store after a set with an out-of-range record (record 3 must not change either)"
    runp recstore get data 10
    expect_refused 2.4 "'get data 10' on a store of 10 records (0 to 9)"
    [[ $output == *"out of range"* ]] ||
        fail "expected 'get data 10' on a store of 10 records to say record 10 is out of range; it printed: $output"
}

# bats test_tags=task:2_4,points:1
@test "2.4 recstore refuses a text longer than a record, and makes none of the command's updates" {
    records data 10
    cp data before
    local long
    printf -v long '%101s' ''
    long=${long// /L}
    runp recstore set data 1 fine 2 "$long"
    expect_refused 2.4 "'set data 1 fine 2 TEXT' with a TEXT of 101 bytes"
    expect_same_file before data "the store after a set with a 101-byte text (record 1 must not change either)"
    runp recstore set data 2 "${long:0:100}"
    ((status == 0)) || fail "expected a text of exactly 100 bytes to fit in a record (task 2.4); set exited with $status: $output"
}

# bats test_tags=task:2_5,points:2
@test "2.5 recstore set stores records in place, zero-padded; get reads them back" {
    records data 200
    runp recstore set data 7 seven 40 "across a page boundary" 199 "the last record"
    expect_status 0
    runp recstore set data 40 short
    expect_status 0
    R[7]=seven R[40]=short R[199]="the last record"
    write_store expected
    expect_same_file expected data "the store after two set commands (a shorter text must leave no tail of the older one)"
    runp recstore get data 40
    expect_status 0
    expect_eq "get data 40" short "$output"
    traced recstore set data 8 eight
    expect_status 0
    trace_lacks '^(write|pwrite64|writev)\([3-9],' "no write() to the store: the records go in through the mapping"
}

# bats test_tags=task:2_5,points:2
@test "2.5 recstore: a seeded random sequence of updates leaves exactly the expected records" {
    records data 120
    RANDOM=505
    local call i n k len text fill args
    for ((call = 0; call < 8; call++)); do
        args=()
        n=$((1 + RANDOM % 12))
        for ((i = 0; i < n; i++)); do
            k=$((RANDOM % 120)) len=$((1 + RANDOM % 100))
            printf -v fill '%100s' ''
            text="c${call}u${i}k${k}-${fill// /x}"
            text=${text:0:len}
            args+=("$k" "$text")
            R[k]=$text
        done
        runp recstore set data "${args[@]}"
        expect_status 0
    done
    write_store expected
    expect_same_file expected data "the store after 8 set commands of random updates (seed 505)"
}

# bats test_tags=task:2_6,points:2
@test "2.6 recstore set commits with msync(MS_SYNC) of exactly its record's page, before saying so" {
    records data 200
    traced recstore set data 7 seven
    expect_status 0
    local pages
    pages=$(synced_pages 20000)
    expect_eq "pages synced for record 7 (bytes 700 to 799)" 0 "$pages"
    committed_after_msync 1
}

# bats test_tags=task:2_6,points:2
@test "2.6 recstore set: a record across a page boundary commits both pages" {
    records data 200
    traced recstore set data 40 straddle
    expect_status 0
    local pages
    pages=$(synced_pages 20000)
    expect_eq "pages synced for record 40 (bytes 4000 to 4099)" "0 1" "$pages"
    committed_after_msync 1
    traced recstore set data 81 straddle
    expect_status 0
    pages=$(synced_pages 20000)
    expect_eq "pages synced for record 81 (bytes 8100 to 8199)" "1 2" "$pages"
}

# bats test_tags=task:2_6,points:1
@test "2.6 recstore set: records far apart commit their pages, and none in between" {
    records data 200
    traced recstore set data 1 a 199 b 2 c 150 d
    expect_status 0
    local pages
    pages=$(synced_pages 20000)
    expect_eq "pages synced for records 1, 2, 150 and 199 (pages 0, 0, 3 and 4)" "0 3 4" "$pages"
    committed_after_msync 4
}

# bats test_tags=task:2_6,points:1
@test "2.6 recstore set: a failed msync() is reported, and nothing is said committed" {
    local args
    for args in "7 seven" "1 a 199 b"; do
        records data 200
        # The last msync() fails: every one must be checked, not only the first.
        # shellcheck disable=SC2086 # the words are separate arguments
        traced_parent recstore set data $args
        local n
        n=$(grep -c '^msync(' "$TRACE") || n=0
        ((n > 0)) || fail "expected 'set data $args' to msync() the changed records (task 2.6)"
        # shellcheck disable=SC2086
        failing "msync:error=EIO:when=$n" recstore set data $args
        expect_reported EIO 2.6 "msync() number $n of 'set data $args' fails with EIO (the data may not be on the disk)"
        [[ $output != *committed* ]] ||
            fail "$(printf 'task 2.6: expected no "committed" after a failed msync(): the records may not be on the disk; it printed:\n%s' "$output")"
    done
}

# --- 3 syncmode --------------------------------------------------------------

# syncmode_base : the address of syncmode's mapping of its 16-page file.
syncmode_base() {
    sed -n "s/^mmap(NULL, $((16 * PS)), PROT_READ|PROT_WRITE, MAP_SHARED, [0-9]*, 0) = \(0x[0-9a-f]*\)\$/\1/p" \
        "$RAW_TRACE" | tail -n 1
}

# bats test_tags=task:3_1,points:1
@test "3.1 syncmode async and sync: msync() with that flag over the whole mapping" {
    make_file data $((16 * PS)) .
    local mode base addr
    for mode in async sync; do
        traced syncmode data "$mode"
        expect_status 0
        expect_call "^msync\(0x.., $((16 * PS)), MS_${mode^^}\) = 0" \
            "syncmode $mode to call msync(map, $((16 * PS)), MS_${mode^^}) on the whole mapping (task 3.1)"
        base=$(syncmode_base)
        addr=$(sed -n 's/^msync(\(0x[0-9a-f]*\), .*/\1/p' "$RAW_TRACE" | head -n 1)
        expect_eq "msync()'s address in mode $mode (the mapping's start)" "$base" "$addr"
        trace_lacks '^(fsync|fdatasync)\(' "no fsync() or fdatasync() in mode $mode"
    done
}

# bats test_tags=task:3_1,points:1
@test "3.1 syncmode invalidate: msync(MS_INVALIDATE) throws no store away" {
    make_file data $((16 * PS)) .
    cp data expected
    local p
    for ((p = 0; p < 16; p++)); do
        printf S | dd of=expected bs=1 seek=$((p * PS)) conv=notrunc status=none
    done
    traced syncmode data invalidate
    expect_status 0
    # MS_INVALIDATE alone (Linux) or with MS_ASYNC or MS_SYNC (as POSIX asks): all fine.
    expect_call "^msync\(0x.., $((16 * PS)), (MS_(ASYNC|SYNC)\|)?MS_INVALIDATE\) = 0" \
        "syncmode invalidate to call msync(map, $((16 * PS)), MS_INVALIDATE), alone or with MS_ASYNC or MS_SYNC (task 3.1)"
    expect_same_file expected data "the file after msync(MS_INVALIDATE) (an S at the start of each page)"
}

# bats test_tags=task:3_2,points:1
@test "3.2 syncmode fsync and fdatasync: that call on the mapped file's descriptor" {
    make_file data $((16 * PS)) .
    local mode fd
    for mode in fsync fdatasync; do
        traced syncmode data "$mode"
        expect_status 0
        fd=$(sed -n 's/^openat(AT_FDCWD, "data", O_RDWR) = \([0-9]*\)$/\1/p' "$TRACE")
        expect_call "^$mode\(${fd:-[0-9]+}\) = 0" "syncmode $mode to call $mode() on the file's descriptor (task 3.2)"
        trace_lacks '^msync\(' "no msync() in mode $mode"
    done
}

# bats test_tags=task:3_1,points:1
@test "3.1 syncmode: a failed msync() is reported, in each mode" {
    make_file data $((16 * PS)) .
    local mode
    for mode in async sync invalidate; do
        failing msync:error=EIO syncmode data "$mode"
        grep -q '^msync(.*(INJECTED)$' "$TRACE" || fail "expected syncmode $mode to call msync() (task 3.1)"
        expect_reported EIO 3.1 "msync() fails in mode $mode (put its result in r)"
    done
}

# bats test_tags=task:3_2,points:1
@test "3.2 syncmode: a failed fsync() or fdatasync() is reported" {
    make_file data $((16 * PS)) .
    local mode
    for mode in fsync fdatasync; do
        failing "$mode:error=EIO" syncmode data "$mode"
        grep -q "^$mode(.*(INJECTED)\$" "$TRACE" || fail "expected syncmode $mode to call $mode() (task 3.2)"
        expect_reported EIO 3.2 "$mode() fails with EIO (put its result in r)"
    done
}

# --- 4 killstore -------------------------------------------------------------

# bats test_tags=task:4_1,points:3
@test "4.1 killstore: a store through the mapping survives SIGKILL, with no msync()" {
    make_file data $((2 * PS)) .
    cp data expected
    printf SURVIVOR | dd of=expected bs=1 seek=5000 conv=notrunc status=none
    mkfifo ready
    RAW_TRACE=$BATS_TEST_TMPDIR/trace.raw TRACE=$BATS_TEST_TMPDIR/trace
    strace -f -qq -o "$RAW_TRACE" "$BIN/killstore" data 5000 SURVIVOR >ready 2>err &
    local tracer=$! line="" pid st=0
    # killstore writes its line once the store is done; EOF if it ends first.
    read -r -t 10 line <ready || true
    pid=$(sed -n 's/^killstore \([0-9][0-9]*\): .*/\1/p' <<<"$line")
    if [[ -z $pid ]]; then
        kill -KILL "$tracer" 2>/dev/null || true
        { wait "$tracer"; } 2>/dev/null || true
        fail "$(printf 'expected the line "killstore PID: stored ..." from killstore; it printed:\n%s\n%s' "$line" "$(cat err)")"
    fi
    kill -KILL "$pid"
    { wait "$tracer"; } 2>/dev/null || st=$? # (no "Killed" notice from bash)
    expect_eq "killstore's exit status (137: killed by SIGKILL)" 137 "$st"
    expect_same_file expected data "the file after killstore was killed (SURVIVOR at byte 5000; task 4.1)"
    trace_clean "$RAW_TRACE" "$TRACE"
    trace_has '^\+\+\+ killed by SIGKILL' "killstore to die of SIGKILL"
    trace_lacks "$SYNC_CALLS" "no msync(), fsync() or sync(): nothing but the store"
    trace_lacks '^(write|pwrite64|writev)\([3-9],' "no write() to the file: the bytes went in through the mapping"
}
