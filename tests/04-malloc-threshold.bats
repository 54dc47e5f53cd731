#!/usr/bin/env bats
# Lab 04 - anonymous memory and malloc's mmap threshold. Each test's name
# starts with its task id (TODO n.m in the lab's code); its tags give the task
# (task:1_2 is task 1.2) and the points.
#
# No number of this glibc is written here: the tests measure the C library they
# run on with a probe of their own (tests/lib/04-malloc-threshold-probe.c),
# which asks malloc() through mallinfo2() rather than the chunk header the
# lab's programs read, and compare with what the lab's programs report under
# the same GLIBC_TUNABLES. Programs that read malloc()'s chunk headers cannot
# run under valgrind (it replaces malloc): they run natively; bigalloc, which
# uses no malloc(), runs under valgrind too (WB_VALGRIND=1).

load lib/wb

setup_file() {
    lab_setup_file 04
    unset GLIBC_TUNABLES MALLOC_MMAP_THRESHOLD_ MALLOC_MMAP_MAX_ MALLOC_TOP_PAD_ MALLOC_TRIM_THRESHOLD_
    # The probe (tests/lib/04-malloc-threshold-probe.c): `probe [SIZE...]`
    # prints the smallest request malloc() serves with mmap(), at the start and
    # after the malloc()/free() of each SIZE. Built with the labs' flags.
    make -s -C "$WB_ROOT" TEST_BIN="$BATS_FILE_TMPDIR" "$BATS_FILE_TMPDIR/04-malloc-threshold-probe" \
        >"$BATS_FILE_TMPDIR/probe.log" 2>&1 || touch "$BATS_FILE_TMPDIR/probe.failed"
    # The driver of chunk.h alone (tests/lib/04-malloc-threshold-chunk.c), built
    # with the graded tree's chunk.h; a compile error is kept as a lab program's
    # is (tests/lib/wb.bash's `built`).
    local lab=${LABS:-labs}/$LAB_DIR log=$BATS_FILE_TMPDIR/04-malloc-threshold-chunk.log
    make -s -C "$WB_ROOT" TEST_BIN="$BATS_FILE_TMPDIR" CPPFLAGS="-I labs/common -I $lab" \
        "$BATS_FILE_TMPDIR/04-malloc-threshold-chunk" >"$log" 2>&1 && rm -f "$log"
}

setup() {
    lab_setup
    if [[ -e $BATS_FILE_TMPDIR/probe.failed ]]; then
        fail "the tests' own probe does not compile: $(head -n 5 "$BATS_FILE_TMPDIR/probe.log")"
    fi
}

# What usually makes a program of this lab run for ever (tests/lib/wb.bash's timed_out).
timeout_hint() {
    case $1 in
    threshold | bump) echo "Usually the measurement: a binary search (task 2.2) whose bounds stop moving (lo = mid rather than mid + 1), or a child of served_by_mmap() (task 2.1) that returns rather than calling _exit(), and measures again itself." ;;
    bigalloc) echo "Usually big_realloc() (task 4.3) or the driver's loops over a block whose size was not recorded (h->size)." ;;
    esac
}

# measure TUNABLES [SIZE...] : the probe's answers under GLIBC_TUNABLES=TUNABLES
# ("" for none): one line at the start, one after the malloc()/free() of each
# SIZE. Remembered for the other tests of the file.
measure() {
    local t=$1 key
    key=$(printf '%s_' "$@"); key=$BATS_FILE_TMPDIR/measure.${key//[^a-zA-Z0-9]/_}
    if [[ ! -e $key ]]; then
        if [[ -n $t ]]; then
            GLIBC_TUNABLES=$t "$BATS_FILE_TMPDIR/04-malloc-threshold-probe" "${@:2}" >"$key.new"
        else
            "$BATS_FILE_TMPDIR/04-malloc-threshold-probe" "${@:2}" >"$key.new"
        fi
        mv "$key.new" "$key"
    fi
    cat "$key"
}

# The threshold as the programs print it: a number, or "none up to 67108864".
as_printed() { if [[ $1 == none ]]; then echo "none up to $((64 << 20))"; else echo "$1"; fi; }

# The private anonymous mmap() pattern of malloc() and bigalloc.
ANON='PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\)'

# mmap_at LEN : the address the traced program's mmap() of LEN bytes returned.
mmap_at() { trace_main "$RAW_TRACE" | sed -En "s/^mmap\(NULL, $1, $ANON = (0x[0-9a-f]+)$/\1/p" | head -n 1; }

# col SIZE N : column N of whence's line for SIZE (1 size, 2 pointer, 3 from,
# 4 chunk, 5 usable, 6 vma, 7 name).
col() { awk -v s="$1" -v n="$2" '$1 == s { print $n; exit }' <<<"$output"; }

# pagelen SIZE : bigalloc's mapping length for SIZE: SIZE + 16 rounded up to pages.
pagelen() { echo $((($1 + 16 + PS - 1) / PS * PS)); }

# mapped_left : the mappings of the traced program's own part that were never
# unmapped, following each through mremap(); one "ADDR LEN" line each. A munmap()
# that matches no mapping made here is reported too.
mapped_left() {
    trace_main "$RAW_TRACE" | awk '
        /^mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x/ {
            split($0, f, /[(, )]+/); live[$NF] = f[3]; next }
        /^mremap\(0x[0-9a-f]+, [0-9]+, [0-9]+, .*\) = 0x/ {
            split($0, f, /[(, )]+/); delete live[f[2]]; live[$NF] = f[4]; next }
        /^munmap\(0x[0-9a-f]+, [0-9]+\) = 0/ {
            split($0, f, /[(, )]+/)
            if (live[f[2]] == f[3]) delete live[f[2]]; else print "munmap of something else: " $0
            next }
        END { for (a in live) print a, live[a] }'
}

# --- 1.1 / 1.2 whence ---------------------------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 whence: a small request comes from the heap, a large one from an mmap() of its own" {
    traced whence 1000 2000 1048576
    expect_ok 1.1
    expect_eq "task 1.1: where malloc(1000) came from (the IS_MMAPPED bit)" heap "$(col 1000 3)"
    expect_eq "task 1.1: where malloc(1048576) came from (the IS_MMAPPED bit)" mmap "$(col 1048576 3)"
    local p1 p2 big len base
    p1=$(col 1000 2) p2=$(col 2000 2) big=$(col 1048576 2) len=$(col 1048576 4)
    expect_eq "task 1.1: the chunk size of malloc(1000): the distance to the next block, malloc(2000)" \
        "$((p2 - p1))" "$(col 1000 4)"
    [[ $len =~ ^[0-9]+$ && $len -gt 0 ]] || fail "task 1.1: expected a chunk size for malloc(1048576), got '$len'"
    main_has "^mmap\(NULL, $len, $ANON = 0x" \
        "task 1.1: an mmap() as long as the mmapped chunk's size ($len bytes, from its header)"
    base=$(mmap_at "$len")
    expect_eq "task 1.1: the pointer of malloc(1048576), 16 bytes into its mapping" \
        "$(printf '%#x' $((base + 16)))" "$big"
    trace_main "$RAW_TRACE" | grep -q "^munmap($base, $len) = 0" ||
        fail "expected free() to give the mapping back at once: munmap($base, $len)"
}

# bats test_tags=task:1_1,points:2
@test "1.1 whence: at the threshold the test measured (top_pad=0), T-1 bytes from brk, T from mmap" {
    local t=glibc.malloc.top_pad=0 T len
    T=$(measure $t)
    [[ $T =~ ^[0-9]+$ ]] || fail "the test's probe found no threshold: $T"
    GLIBC_TUNABLES=$t traced whence $((T - 1)) "$T"
    expect_ok 1.1
    expect_eq "task 1.1: where malloc($((T - 1))) came from" heap "$(col $((T - 1)) 3)"
    expect_eq "task 1.1: where malloc($T) came from" mmap "$(col "$T" 3)"
    len=$(col "$T" 4)
    ((len > T && len % PS == 0)) ||
        fail "task 1.1: expected the chunk size of malloc($T) to be whole pages above $T, got '$len'"
    main_has "^mmap\(NULL, $len, $ANON = 0x" "one mmap() of $len bytes for malloc($T)"
    trace_main "$RAW_TRACE" | grep -Eq '^brk\(0x[0-9a-f]+\) = 0x' ||
        fail "expected brk() to grow the heap for malloc($((T - 1)))"
}

# bats test_tags=task:1_2,points:1
@test "1.2 whence: the VMA of a heap block is [heap], up to the break; an mmapped block's holds its whole chunk" {
    traced whence 1000 1048576
    expect_ok 1.2
    local vma start end brk0 brk1 len base
    vma=$(col 1000 6)
    [[ $vma == 0x*-0x* ]] || fail "task 1.2: expected the VMA of malloc(1000) as START-END, got '$vma'"
    expect_eq "task 1.2: the name of the VMA of malloc(1000)" "[heap]" "$(col 1000 7)"
    brk0=$(sed -En 's/^brk\(NULL\) = (0x[0-9a-f]+)$/\1/p' "$RAW_TRACE" | head -n 1)
    brk1=$(sed -En 's/^brk\(0x[0-9a-f]+\) = (0x[0-9a-f]+)$/\1/p' "$RAW_TRACE" | tail -n 1)
    expect_eq "task 1.2: the start of [heap] (what brk(NULL) returned)" "$brk0" "${vma%-*}"
    expect_eq "task 1.2: the end of [heap] (the break the last brk() set)" "$brk1" "${vma#*-}"
    expect_eq "task 1.2: the name of the VMA of malloc(1048576)" anonymous "$(col 1048576 7)"
    len=$(col 1048576 4) vma=$(col 1048576 6)
    base=$(mmap_at "$len")
    [[ -n $base ]] || fail "expected an mmap() of $len bytes (task 1.1 first)"
    start=${vma%-*} end=${vma#*-}
    [[ $start == 0x* && $end == 0x* ]] && ((start <= base && base + len <= end)) ||
        fail "task 1.2: expected a VMA that holds the mapping $base + $len, got '$vma'"
}

# bats test_tags=task:1_2,points:1
@test "1.2 whence: one line per block, names without their newline; a /proc/self/maps it cannot open is reported" {
    runp_native whence 1000 1048576 3000
    expect_ok 1.2
    local lines
    lines=$(grep -c . <<<"$output")
    [[ $lines == 4 && $(grep -c '^$' <<<"$output") == 0 ]] ||
        fail "$(printf 'task 1.2: expected a header and one line per block (4 lines, none empty: the name read without its newline); whence printed:\n%s' "$output")"
    failing_call openat '"/proc/self/maps"' EACCES whence 1000
    expect_reported EACCES 1.2 "/proc/self/maps cannot be opened (EACCES)"
}

# --- 2.1 / 2.2 threshold -------------------------------------------------------

# bats test_tags=task:2_1,points:1
@test "2.1 threshold SIZE: heap or mmap as the test measured, asked in a child" {
    local t=glibc.malloc.top_pad=0 T
    T=$(measure $t)
    GLIBC_TUNABLES=$t runp_native threshold $((T - 1))
    expect_ok 2.1
    expect_eq "task 2.1: threshold $((T - 1)) (top_pad=0)" "malloc($((T - 1))): heap" "$output"
    GLIBC_TUNABLES=$t traced_parent threshold "$T"
    expect_ok 2.1
    expect_eq "task 2.1: threshold $T (top_pad=0)" "malloc($T): mmap" "$output"
    trace_has '^(clone|clone3|fork|vfork)\(' "task 2.1: the parent to fork() a child to try malloc($T)"
    ! trace_main "$RAW_TRACE" | grep -Eq "^(mmap\(NULL, [0-9]+, $ANON|munmap\()" ||
        fail "$(printf 'task 2.1: expected the parent to make no mmap()/munmap() of its own: the child tries malloc(); the parent has:\n%s' \
            "$(trace_main "$RAW_TRACE" | grep -E '^(mmap|munmap)\(')")"
}

# bats test_tags=task:2_1,points:1
@test "2.1 threshold SIZE: a fork() that fails is reported, with a non-zero exit" {
    failing clone,clone3,fork,vfork:error=EAGAIN threshold 1000
    grep -Eq '^(clone|clone3|fork|vfork)\(.*\(INJECTED\)$' "$TRACE" ||
        fail "task 2.1: expected threshold to fork() a child to try malloc(1000)"
    expect_reported EAGAIN 2.1 "fork() fails with EAGAIN (compare its result with -1: no child exists)"
}

# bats test_tags=task:2_1,points:1
@test "2.1 served_by_mmap (chunk.h alone): the child ends with _exit(), and the parent's buffered output is written once" {
    local T
    T=$(measure "")
    BIN=$BATS_FILE_TMPDIR runp_native 04-malloc-threshold-chunk 1000 $((2 * T))
    expect_ok 2.1
    expect_eq "task 2.1: the output of served_by_mmap(1000) and served_by_mmap($((2 * T))) after a buffered line (a child that calls exit() writes stdio's buffer again; one that returns goes on as the parent)" \
        "$(printf 'before\n1000: heap\n%s: mmap' $((2 * T)))" "$output"
}

# bats test_tags=task:2_1,points:1
@test "2.1 threshold: with no tunables, measured twice, the same answer as the test's" {
    local T
    T=$(measure "")
    runp_native threshold
    expect_ok 2.1
    expect_eq "task 2.1/2.2: threshold (no tunables, after one small block)" "$(as_printed "$T")" "$(field threshold)"
    expect_eq "task 2.1: the second measurement (the first must leave malloc's state as it was)" \
        "$(as_printed "$T")" "$(field again)"
}

# bats test_tags=task:2_2,points:2
@test "2.2 threshold: with top_pad=0 it is the test's measurement" {
    local t=glibc.malloc.top_pad=0
    GLIBC_TUNABLES=$t runp_native threshold
    expect_ok 2.2
    expect_eq "task 2.2: threshold under GLIBC_TUNABLES=$t" "$(as_printed "$(measure $t)")" "$(field threshold)"
}

# bats test_tags=task:2_2,points:2
@test "2.2 threshold follows glibc.malloc.mmap_threshold, and finds none with mmap_max=0" {
    local t
    for t in glibc.malloc.top_pad=0:glibc.malloc.mmap_threshold=65536 \
        glibc.malloc.mmap_threshold=1048576 glibc.malloc.mmap_max=0; do
        GLIBC_TUNABLES=$t runp_native threshold
        expect_ok 2.2
        expect_eq "task 2.2: threshold under GLIBC_TUNABLES=$t" "$(as_printed "$(measure $t)")" "$(field threshold)"
    done
}

# --- 3.1 / 3.2 bump ----------------------------------------------------------

# bump_matches TASK TUNABLES SIZE... : bump's measurements (in $output) equal
# the probe's under GLIBC_TUNABLES=TUNABLES after the same malloc()/free() steps.
bump_matches() {
    local task=$1 t=$2 sizes=("${@:3}") want got i
    mapfile -t want < <(measure "$t" "${sizes[@]}")
    mapfile -t got < <(sed -n 's/^\(threshold at start\|after free\): *//p' <<<"$output")
    expect_eq "task $task: the threshold at start" "$(as_printed "${want[0]}")" "${got[0]:-}"
    for ((i = 1; i < ${#want[@]}; i++)); do
        expect_eq "task $task: the threshold after free() of malloc(${sizes[i - 1]}) (step $i)" \
            "$(as_printed "${want[i]}")" "${got[i]:-}"
    done
}

# expect_from TASK LINE... : bump's "malloc(SIZE): heap|mmap" lines (without
# the chunk sizes) are these, in this order.
expect_from() {
    local task=$1 want got; shift
    want=$(printf '%s; ' "$@") got=$(grep '^malloc(' <<<"$output" | sed 's/, chunk.*//' | tr '\n' ';' | sed 's/;/; /g')
    [[ $got == "$want" ]] && return 0
    fail "$(printf 'task %s: expected bump to print\n  %s\nit printed\n  %s' "$task" "${want%; }" "${got:-no malloc(...) lines}")"
}

# bats test_tags=task:3_1,points:2
@test "3.1 bump: after free() of an mmapped block, the same request comes from the heap" {
    local T S len base
    T=$(measure "")
    S=$((T + 65536))
    traced_parent bump "$S" "$S"
    expect_ok 3.1
    expect_from 3.1 "malloc($S): mmap" "malloc($S): heap"
    len=$(sed -n "s/^malloc($S): mmap, chunk //p" <<<"$output")
    base=$(mmap_at "$len")
    [[ -n $base ]] || fail "task 3.1: expected an mmap() of $len bytes for the first malloc($S)"
    # After the munmap() of the first block, the second comes from brk(), and no mmap() follows.
    trace_main "$RAW_TRACE" | sed -n "/^munmap($base, $len) = 0/,\$p" >after
    [[ -s after ]] || fail "task 3.1: expected free() to unmap the first block: munmap($base, $len)"
    grep -Eq '^brk\(0x[0-9a-f]+\) = 0x' after ||
        fail "task 3.1: expected brk() to grow the heap for the second malloc($S)"
    ! grep -Eq "^mmap\(NULL, [0-9]+, $ANON" after ||
        fail "task 3.1: expected no second mmap() for malloc($S): $(grep -E '^mmap' after)"
}

# bats test_tags=task:3_1,points:2
@test "3.1 bump: each free() of an mmapped block moves the threshold where the test measures it" {
    local T
    T=$(measure "")
    runp_native bump $((T + 65536)) $((T + 65536)) $((8 * T)) $((3 * T))
    expect_ok 3.1
    bump_matches 3.1 "" $((T + 65536)) $((T + 65536)) $((8 * T)) $((3 * T))
}

# bats test_tags=task:3_1,points:1
@test "3.1 bump: a malloc tunable, even top_pad=0, turns the moving threshold off" {
    local t=glibc.malloc.top_pad=0 T
    T=$(measure $t)
    GLIBC_TUNABLES=$t runp_native bump $((2 * T)) $((2 * T))
    expect_ok 3.1
    expect_from 3.1 "malloc($((2 * T))): mmap" "malloc($((2 * T))): mmap"
    bump_matches 3.1 $t $((2 * T)) $((2 * T))
}

# bats test_tags=task:3_2,points:1
@test "3.2 bump -t: mallopt(M_MMAP_THRESHOLD) sets the threshold, and no free() moves it" {
    local N=$((1 << 20))
    traced_parent bump -t $N $((2 * N)) $((N / 2)) $((2 * N))
    expect_ok 3.2
    expect_from 3.2 "malloc($((2 * N))): mmap" "malloc($((N / 2))): heap" "malloc($((2 * N))): mmap"
    bump_matches 3.2 glibc.malloc.mmap_threshold=$N $((2 * N)) $((N / 2)) $((2 * N))
    [[ $(trace_main "$RAW_TRACE" | grep -Ec "^mmap\(NULL, [0-9]+, $ANON") == 2 ]] ||
        fail "task 3.2: expected two mmap()s, one for each malloc($((2 * N)))"
}

# bats test_tags=task:3_2,points:1
@test "3.2 bump -m 0: mallopt(M_MMAP_MAX, 0), and even 4 MiB comes from brk" {
    local S=$((4 << 20))
    traced_parent bump -m 0 $S
    expect_ok 3.2
    expect_from 3.2 "malloc($S): heap"
    expect_eq "task 3.2: the threshold with M_MMAP_MAX=0" "$(as_printed none)" "$(field 'threshold at start')"
    ! trace_main "$RAW_TRACE" | grep -Eq "^mmap\(NULL, [0-9]+, $ANON" ||
        fail "task 3.2: expected no mmap() at all with M_MMAP_MAX=0: $(trace_main "$RAW_TRACE" | grep -E '^mmap')"
    local brk0 top
    brk0=$(sed -En 's/^brk\(NULL\) = (0x[0-9a-f]+)$/\1/p' "$RAW_TRACE" | head -n 1)
    top=$(trace_main "$RAW_TRACE" | sed -En 's/^brk\(0x[0-9a-f]+\) = (0x[0-9a-f]+)$/\1/p' | sort | tail -n 1)
    [[ -n $top ]] && ((top - brk0 >= S)) || fail "task 3.2: expected brk() to grow the heap by $S bytes or more"
}

# bats test_tags=task:3_2,points:2
@test "3.2 bump -m 1 and -t 200000: each value reaches mallopt()" {
    local S=$((4 << 20))
    runp_native bump -m 1 $S $S
    expect_ok 3.2
    expect_from 3.2 "malloc($S): mmap" "malloc($S): mmap"
    bump_matches 3.2 glibc.malloc.mmap_max=1 $S $S
    runp_native bump -t 200000 300000 150000
    expect_ok 3.2
    expect_from 3.2 "malloc(300000): mmap" "malloc(150000): heap"
    bump_matches 3.2 glibc.malloc.mmap_threshold=200000 300000 150000
}

# --- 4.1 / 4.2 / 4.3 bigalloc -----------------------------------------------

# bats test_tags=task:4_1,points:2
@test "4.1 big_malloc maps SIZE + 16 rounded up to pages, and returns the address 16 bytes in" {
    local sizes=(1 $((PS - 16)) $((PS - 15)) 100000 $((64 << 20))) s len base
    WB_TIMEOUT=120 traced bigalloc alloc "${sizes[@]}"
    expect_ok 4.1
    for s in "${sizes[@]}"; do
        len=$(pagelen "$s")
        main_has "^mmap\(NULL, $len, $ANON = 0x" "task 4.1: an mmap() of $len bytes for big_malloc($s)"
    done
    len=$(pagelen 100000)
    base=$(mmap_at "$len")
    expect_eq "task 4.1: what big_malloc(100000) returned, 16 bytes into its mapping at $base" \
        "$(printf '%#x' $((base + 16)))" "$(sed -n 's/^big_malloc(100000) = \(0x[0-9a-f]*\),.*/\1/p' <<<"$output")"
}

# bats test_tags=task:4_1,points:1
@test "4.1 bigalloc: blocks from 1 byte to 64 MiB hold every byte" {
    WB_TIMEOUT=120 runp bigalloc alloc 0 1 2 15 16 17 $((PS - 17)) $((PS - 16)) $((PS - 15)) $((PS + 1)) \
        1000000 $((32 << 20)) $(((64 << 20) - 1)) $((64 << 20))
    expect_ok 4.1
    [[ $(grep -c '^big_malloc(' <<<"$output") == 14 ]] || fail "expected 14 lines big_malloc(...), got: $output"
}

# bats test_tags=task:4_1,points:1
@test "4.1 big_malloc returns NULL when mmap() fails (MAP_FAILED is not NULL)" {
    failing_call mmap "^mmap\(NULL, $(pagelen 100000), $ANON" ENOMEM bigalloc alloc 100000
    expect_reported ENOMEM 4.1 "the mmap() of big_malloc(100000) fails with ENOMEM"
    [[ $output == *"returned NULL"* ]] ||
        fail "task 4.1: expected big_malloc() to return NULL when mmap() fails, and the driver to say so; it printed: $output"
}

# bats test_tags=task:4_2,points:1
@test "4.2 big_free unmaps exactly what big_malloc mapped, and nothing is left" {
    traced bigalloc alloc 1 5000 100000 $((3 << 20))
    expect_ok 4.2
    local left
    left=$(mapped_left)
    [[ -z $left ]] || fail "$(printf 'task 4.2: expected every mapping of big_malloc unmapped; left:\n%s\n(trace:)\n%s' \
        "$left" "$(trace_main "$RAW_TRACE" | grep -E '^(mmap|munmap|mremap)' | head -n 12)")"
    local s
    for s in 1 5000 100000 $((3 << 20)); do
        main_has "^munmap\(0x[.0-9a-f]+, $(pagelen "$s")\) = 0" "task 4.2: munmap() of the $(pagelen "$s") bytes of big_malloc($s)"
    done
}

# bats test_tags=task:4_2,points:1
@test "4.2 big_free: a munmap() that fails is reported, with a non-zero exit" {
    failing_call munmap ", $(pagelen 100000)\) = 0" EINVAL bigalloc alloc 100000
    expect_reported EINVAL 4.2 "the munmap() of big_free() fails with EINVAL"
}

# bats test_tags=task:4_3,points:2
@test "4.3 big_realloc grows with mremap(MREMAP_MAYMOVE): no new mmap(), no copy" {
    local sizes=(100 5000 1000000 $((64 << 20))) i
    WB_TIMEOUT=120 traced bigalloc grow "${sizes[@]}"
    expect_ok 4.3
    expect_line "ok: every byte kept"
    for ((i = 1; i < ${#sizes[@]}; i++)); do
        main_has "^mremap\(0x.., $(pagelen "${sizes[i - 1]}"), $(pagelen "${sizes[i]}"), MREMAP_MAYMOVE\) = 0x" \
            "task 4.3: mremap() from $(pagelen "${sizes[i - 1]}") to $(pagelen "${sizes[i]}") bytes, MREMAP_MAYMOVE"
    done
    [[ $(trace_main "$RAW_TRACE" | grep -Ec "^mmap\(NULL, [0-9]+, $ANON") == 1 ]] ||
        fail "task 4.3: expected one mmap() only (big_malloc's); big_realloc must not map a new block and copy"
}

# bats test_tags=task:4_3,points:1
@test "4.3 big_realloc within the same pages makes no system call; shrinking gives pages back" {
    local sizes=(5000 6000 $((2 * PS - 16)) 3000 20000) want="" i
    traced bigalloc grow "${sizes[@]}"
    expect_ok 4.3
    for ((i = 1; i < ${#sizes[@]}; i++)); do
        local a b
        a=$(pagelen "${sizes[i - 1]}") b=$(pagelen "${sizes[i]}")
        ((a == b)) || want+="mremap(0x.., $a, $b, MREMAP_MAYMOVE)"$'\n'
    done
    expect_eq "task 4.3: the mremap() calls" "${want%$'\n'}" \
        "$(grep -E '^mremap\(' "$TRACE" | sed 's/ = .*//')"
}

# bats test_tags=task:4_3,points:1
@test "4.3 big_realloc keeps every byte over 24 random sizes (seeded) from 1 byte to 64 MiB, and leaks nothing" {
    local sizes=() i
    RANDOM=4004 # the same sizes on every run
    for ((i = 0; i < 24; i++)); do
        sizes+=($((1 + (RANDOM * 32768 + RANDOM) % (1 << (RANDOM % 27)))))
    done
    WB_TIMEOUT=120 runp bigalloc grow "${sizes[@]}"
    expect_ok 4.3
    expect_line "ok: every byte kept"
    WB_TIMEOUT=120 traced bigalloc grow "${sizes[@]}"
    expect_ok 4.3
    local left
    left=$(mapped_left)
    [[ -z $left ]] || fail "task 4.3: expected nothing left mapped at the end; left: $left"
}

# bats test_tags=task:4_3,points:1
@test "4.3 big_realloc returns NULL when mremap() fails (MAP_FAILED is not NULL)" {
    failing mremap:error=ENOMEM bigalloc grow 5000 1000000
    grep -q '^mremap(.*(INJECTED)$' "$TRACE" || fail "task 4.3: expected big_realloc(5000 -> 1000000) to call mremap()"
    expect_reported ENOMEM 4.3 "the mremap() of big_realloc(5000 -> 1000000) fails with ENOMEM"
    [[ $output == *"returned NULL"* ]] ||
        fail "task 4.3: expected big_realloc() to return NULL when mremap() fails, and the driver to say so; it printed: $output"
}
