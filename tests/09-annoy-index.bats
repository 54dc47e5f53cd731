#!/usr/bin/env bats
# Lab 09 - reading annoy's index files through a mapping. Each test's name
# starts with its task id (TODO n.m in the lab's code); its tags give the task
# (task:2_2 is task 2.2) and the points. The oracle is annoy itself: Debian's
# annoylib.h (tools/annoy-headers.sh) in a small C++ tool (tests/annoy-oracle.cc)
# builds seeded random indexes and answers the same queries. Nothing here
# grades a time; the fault counts graded are the exact ones (OBSERVABLES.md).

load lib/wb

# The indexes: NAME METRIC F ITEMS TREES SEED [DUP] (DUP: every DUP-th item a
# copy of the one before, so that some distances are equal).
FIXTURES=(
    "a3 angular 3 50 2 1"
    "e4 euclidean 4 200 3 2"
    "a8 angular 8 1000 5 3"
    "e16 euclidean 16 2000 7 4"
    "a2dup angular 2 500 10 5 7"
    "e3dup euclidean 3 400 6 6 5"
    "a6tiny angular 6 8 3 9"
    "e5one euclidean 5 300 1 10"
    "big euclidean 40 3000 6 11"
)

setup_file() {
    lab_setup_file 09
    export FX=$BATS_FILE_TMPDIR/fx ORACLE_LOG=$BATS_FILE_TMPDIR/oracle.log
    mkdir -p "$FX"
    oracle_setup >"$ORACLE_LOG" 2>&1 || touch "$BATS_FILE_TMPDIR/oracle.failed"
    # (annoy saves with mode 0600: the group may read them, which is the
    # student's programs' in the grader's sandbox: tests/lib/wb.bash)
    chmod -R g+rX "$FX"
    export ORACLE
}

# The oracle (tools/annoy-oracle.sh: annoy's headers from Debian in a C++ tool),
# then the fixtures, built by annoy, and its answers to the info queries.
oracle_setup() {
    local spec name metric f n t seed dup
    ORACLE=$("$WB_ROOT/tools/annoy-oracle.sh") || return 1
    for spec in "${FIXTURES[@]}"; do
        read -r name metric f n t seed dup <<<"$spec"
        "$ORACLE" build "$FX/$name.ann" "$metric" "$f" "$n" "$t" "$seed" "${dup:-0}" || return 1
        "$ORACLE" info "$FX/$name.ann" "$metric" "$f" >"$FX/$name.info" || return 1
    done
}

setup() {
    lab_setup
    if [[ -e $BATS_FILE_TMPDIR/oracle.failed ]]; then
        fail "$(printf 'the oracle (annoy, from Debian) could not be made ready: this is not your code.\n%s' \
            "$(tail -n 15 "$ORACLE_LOG")")"
    fi
}

# fixture NAME : IX (the index's path), M (metric), F (dimension), N (items).
fixture() {
    local spec name
    for spec in "${FIXTURES[@]}"; do
        read -r name M F N _ <<<"$spec"
        if [[ $name == "$1" ]]; then IX=$FX/$1.ann; return 0; fi
    done
    fail "no fixture $1"
}

# info_field NAME FIELD : annoy's value of FIELD (items, trees, node size, K).
info_field() { sed -n "s/^$2: //p" "$FX/$1.info"; }

# queries NAME SEED COUNT NS KS : COUNT random queries for fixture NAME, one a
# line "N SEARCH_K X1..XF", N and SEARCH_K going round the lists NS and KS.
queries() {
    "$ORACLE" queries "$F" "$2" "$3" | awk -v ns="$4" -v ks="$5" '
        BEGIN { nn = split(ns, n, " "); nk = split(ks, k, " ") }
        { print n[(NR - 1) % nn + 1], k[int((NR - 1) / nn) % nk + 1], $0 }'
}

# same_neighbours QFILE EXPECTED WHAT : $output (annq batch's answers to QFILE)
# against annoy's (EXPECTED, asked for 10 more with the same candidates, so
# that an item tied with annoy's last is known). Position i of each answer must be
# an item at exactly the distance annoy gives its own i-th: equal distances may
# come in any order, and nothing else may differ.
same_neighbours() {
    local msg
    msg=$(awk -v what="$3" '
        function bad(s) { if (!err) print "query " q " of " what ": " s; err = 1 }
        FILENAME == ARGV[1] { want[FNR] = $1; nq = FNR; line[FNR] = $0; next }
        FILENAME == ARGV[2] { if ($1 == "query") { q = $2; next }
                              c[q]++; oi[q, c[q]] = $1; od[q, c[q]] = $2; dist[q, $1] = $2; next }
        $1 == "query" { q = $2; seen[q] = 1; next }
        { got[q]++; i = got[q]; e = want[q] < c[q] ? want[q] : c[q]
          if (!(q in seen)) { q = "?"; bad("an answer before any \"query K\" line: " $0); next }
          if (i > e) { bad("annoy gives " e " neighbours, yours gives more: " $0); next }
          if (used[q, $1]++) { bad("item " $1 " is given twice"); next }
          if (!((q, $1) in dist)) { bad("answer " i " is item " $1 ", which is not among annoy'"'"'s answers (annoy'"'"'s answer " i ": item " oi[q, i] " at distance " od[q, i] ")"); next }
          if (dist[q, $1] != od[q, i]) bad("answer " i " is item " $1 " (annoy: distance " dist[q, $1] "); annoy'"'"'s answer " i " is item " oi[q, i] " at distance " od[q, i]) }
        END { for (k = 1; k <= nq && !err; k++) {
                  q = k; e = want[q] < c[q] ? want[q] : c[q]
                  if (got[q] != e) bad("expected " e " neighbours, like annoy; got " got[q] + 0)
              }
              if (err) print "  (the query: N SEARCH_K X1..XF = " line[q] ")"
              exit err }' "$1" "$2" - <<<"$output") && return 0
    fail "$msg"
}

# compare_batch NAME QFILE WHAT : annq batch on fixture NAME against annoy.
compare_batch() {
    fixture "$1"
    # SEARCH_K -1 is N times the trees: say so, so that N can grow by 10.
    awk -v trees="$(info_field "$1" trees)" '{ if ($2 == -1) $2 = $1 * trees; $1 += 10; print }' "$2" |
        "$ORACLE" batch "$IX" "$M" "$F" >"$2.annoy"
    runp annq "$IX" "$M" "$F" batch <"$2"
    expect_ok "$3"
    same_neighbours "$2" "$2.annoy" "$1 ($M, dimension $F, $N items)"
}

# expect_refused TASK WHAT TEXT : the last run exited with status 1, and its
# message has TEXT.
expect_refused() {
    ((status == 1)) ||
        fail "$(printf 'expected %s to be refused with exit status 1 (task %s); it exited with %s, printing:\n%s' \
            "$2" "$1" "$status" "${output:0:400}")"
    [[ $output == *"$3"* ]] ||
        fail "$(printf 'expected %s to be refused with a message that says "%s" (task %s); it printed:\n%s' \
            "$2" "$3" "$1" "${output:0:400}")"
}

# pages FILE : the number of pages FILE spans.
pages() { echo $((($(stat -c %s "$1") + PS - 1) / PS)); }

# --- 1 the file format ---------------------------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 annq maps the index: one open, one mmap(PROT_READ) of the whole file, no read()" {
    fixture big
    local size q fd bad n
    size=$(stat -c %s "$IX")
    q=$("$ORACLE" queries "$F" 7 1)
    # shellcheck disable=SC2086 # the query's words are separate arguments
    traced annq "$IX" "$M" "$F" vector 10 -1 $q
    expect_ok 1.1
    n=$(trace_main | grep -c "^openat(AT_FDCWD, \"$IX\"") || true
    expect_eq "the number of times the index is opened" 1 "$n"
    fd=$(trace_main | sed -n "s|^openat(AT_FDCWD, \"$IX\", O_RDONLY\(\|O_CLOEXEC\)\{0,1\}) = \([0-9]*\)\$|\2|p")
    [[ -n $fd ]] || fail "expected the index opened read-only: openat(AT_FDCWD, \"$IX\", O_RDONLY) (task 1.1)"
    main_has "^mmap\(NULL, $size, PROT_READ, MAP_(SHARED|PRIVATE)[A-Z_|]*, $fd, 0\) = 0x" \
        "the whole index ($size bytes) mapped read-only: mmap(NULL, $size, PROT_READ, MAP_SHARED, $fd, 0) (task 1.1)"
    n=$(trace_main | grep -Ec "^mmap\(.*, $fd, [0-9x]+\) = ") || true
    expect_eq "the number of mmap() calls of the index's descriptor" 1 "$n"
    # What may be done with the index's descriptor, from its open to its close:
    # find its size, drop its cached pages, map it, close it. Nothing else.
    bad=$(trace_main | awk -v fd="$fd" '
        /^openat\(/ && $0 ~ "= " fd "$" { on = 1; next }
        !on { next }
        $0 ~ "^[a-z0-9_]+\\(" fd "[,)]" {
            if ($0 !~ /^(fstat|newfstatat|statx|lseek|fadvise64|fdatasync|fsync|close)\(/) print
            if ($0 ~ /^close\(/) exit }')
    [[ -z $bad ]] || fail "$(printf 'expected nothing on the index'"'"'s descriptor but fstat(), mmap() and close() (task 1.1: map it, never read it); the trace has:\n%s' "$(head -n 5 <<<"$bad")")"
}

# bats test_tags=task:1_1,points:1
@test "1.1 annq: a failed mmap() of the index is reported (MAP_FAILED is not NULL)" {
    fixture a8
    failing_call mmap "^mmap\(NULL, $(stat -c %s "$IX"), PROT_READ, " ENOMEM annq "$IX" "$M" "$F" info
    expect_reported ENOMEM 1.1 "the mmap() of the index fails with ENOMEM"
}

# bats test_tags=task:1_2,points:2
@test "1.2 annq info: the node size and K of both metrics, as annoy's structs have them" {
    local name
    for name in a3 e4 e16; do
        fixture "$name"
        runp annq "$IX" "$M" "$F" info
        expect_ok 1.2
        expect_eq "the node size for metric $M, dimension $F" "$(info_field "$name" 'node size')" "$(field 'node size')"
        expect_eq "K (annoy's _K) for metric $M, dimension $F" "$(info_field "$name" K)" "$(field K)"
    done
}

# bats test_tags=task:1_3,points:2
@test "1.3 annq refuses an empty, truncated, wrong-dimension or wrong-metric index with annoy's reasons" {
    local zero='Size of file is zero' notmult='Index size is not a multiple of vector size'
    : >empty.ann
    runp annq empty.ann angular 8 info
    expect_refused 1.3 "an empty index" "$zero"
    fixture e16
    head -c $(($(stat -c %s "$IX") - 10)) "$IX" >cut.ann
    runp annq cut.ann euclidean 16 info
    expect_refused 1.3 "an index cut 10 bytes short" "$notmult"
    # e16's nodes are 80 bytes: as dimension 15 they would be 76, as angular 76.
    runp annq "$IX" euclidean 15 info
    expect_refused 1.3 "a euclidean index of dimension 16 opened as dimension 15" "$notmult"
    runp annq "$IX" angular 16 info
    expect_refused 1.3 "a euclidean index opened as angular" "$notmult"
    fixture a8
    runp annq "$IX" angular 8 info
    expect_ok 1.3
}

# bats test_tags=task:1_4,points:3
@test "1.4 annq info: the items and trees that annoy finds, from the roots at the end" {
    local name
    for name in a3 e4 a8 e16 a2dup e3dup a6tiny e5one big; do
        fixture "$name"
        runp annq "$IX" "$M" "$F" info
        expect_ok 1.4
        expect_eq "the items of $name ($M, $N items, as annoy's load() finds them)" "$(info_field "$name" items)" "$(field items)"
        expect_eq "the trees of $name ($M, as annoy's load() finds them; its roots are the last nodes)" \
            "$(info_field "$name" trees)" "$(field trees)"
    done
}

# bats test_tags=task:1_5,points:2
@test "1.5 annq item: each item's vector, as annoy's get_item_vector() gives it; an unknown item is refused" {
    local name id
    for name in a8 e16; do
        fixture "$name"
        for id in 0 $((N / 2)) $((N - 1)); do
            runp annq "$IX" "$M" "$F" item "$id"
            expect_ok 1.5
            expect_eq "the vector of item $id of $name ($M)" "$(sed -n "s/^item $id: //p" "$FX/$name.info")" "$output"
        done
        runp annq "$IX" "$M" "$F" item "$N"
        expect_refused 1.5 "item $N of an index of $N items (0 to $((N - 1)))" "out of range"
    done
    runp annq "$IX" "$M" "$F" item 2000000000
    expect_refused 1.5 "item 2000000000 of an index of $N items" "out of range"
}

# --- 2 search ------------------------------------------------------------------

# bats test_tags=task:2_1,points:2
@test "2.1 annq distance: annoy's angular and euclidean distances between items" {
    local name i j want
    for name in a8 e16 a2dup e3dup; do
        fixture "$name"
        while read -r i j want; do
            runp annq "$IX" "$M" "$F" distance "$i" "$j"
            expect_ok 2.1
            awk -v a="$want" -v b="$output" 'BEGIN { d = a - b; if (d < 0) d = -d
                exit !(b ~ /^[0-9.e+-]+$/ && d <= 1e-6 + 1e-5 * a) }' ||
                fail "the $M distance between items $i and $j of $name: expected $want (annoy's), got $output"
        done < <(sed -n 's/^distance \([0-9]*\) \([0-9]*\): /\1 \2 /p' "$FX/$name.info" | sed -n '1p;4p;6p')
    done
}

# bats test_tags=task:2_2,points:3
@test "2.2 annq: the same neighbours as annoy in angular indexes, for every search_k" {
    local name
    for name in a3 a8 a2dup a6tiny; do
        fixture "$name"
        queries "$name" 21 24 "1 3 10 25" "-1 1 7 20 60 150" >q
        compare_batch "$name" q 2.2
    done
}

# bats test_tags=task:2_2,points:3
@test "2.2 annq: the same neighbours as annoy in euclidean indexes, for every search_k" {
    local name
    for name in e4 e16 e3dup e5one; do
        fixture "$name"
        queries "$name" 22 24 "1 3 10 25" "-1 2 9 30 80 200" >q
        compare_batch "$name" q 2.2
    done
}

# bats test_tags=task:2_3,points:2
@test "2.3 annq: with search_k large enough to see every item, the exact nearest, as annoy ranks them" {
    local name
    for name in a8 e16 a2dup e3dup; do
        fixture "$name"
        queries "$name" 23 6 "1 10 40" "1000000" >q
        compare_batch "$name" q 2.3
    done
}

# bats test_tags=task:2_3,points:1
@test "2.3 annq nns-item: an item's neighbours, as annoy's get_nns_by_item(); bad queries refused" {
    local name id
    for name in a8 e16; do
        fixture "$name"
        for id in 3 $((N - 2)); do
            runp annq "$IX" "$M" "$F" nns-item "$id" 12 -1
            expect_ok 2.3
            printf '12 -1\n' >q
            { echo "query 1"; "$ORACLE" nns-item "$IX" "$M" "$F" "$id" 12 -1; } >q.annoy
            output=$(printf 'query 1\n%s' "$output")
            same_neighbours q q.annoy "nns-item $id of $name"
        done
    done
    runp annq "$IX" "$M" "$F" nns-item "$N" 12 -1
    expect_refused 2.3 "nns-item $N of an index of $N items (0 to $((N - 1)))" "out of range"
    runp annq "$IX" "$M" "$F" vector 5 -1 0.5 0.25 0.125
    expect_refused 2.3 "a query of 3 coordinates on an index of dimension $F" "coordinates"
}

# corrupt NAME FILE NODE CHILD0 CHILD1 : a copy FILE of fixture NAME (metric
# $M) with the children of NODE set to the given node numbers.
corrupt() {
    local off child_off=8
    [[ $M == angular ]] && child_off=4
    off=$(($3 * $(info_field "$1" 'node size') + child_off))
    cp "$FX/$1.ann" "$2"
    perl -e 'print pack("l<l<", @ARGV)' -- "$4" "$5" | dd of="$2" bs=1 seek="$off" conv=notrunc status=none
}

# bats test_tags=task:2_4,points:2
@test "2.4 annq: a damaged index (a child outside the file) is refused, never read past" {
    local name nodes
    for name in e16 a8; do
        fixture "$name"
        nodes=$(($(stat -c %s "$IX") / $(info_field "$name" 'node size')))
        # The last node is the first root annoy visits: its two children.
        corrupt "$name" bad.ann $((nodes - 1)) "$nodes" "$nodes"
        runp annq bad.ann "$M" "$F" nns-item 0 10 100000
        expect_refused 2.4 "a $M index whose first root has children $nodes and $nodes (nodes are 0 to $((nodes - 1)))" damaged
        [[ $output == *"$nodes"* ]] || fail "expected the message to give the bad node number $nodes (task 2.4); it printed: $output"
        corrupt "$name" bad.ann $((nodes - 1)) -1 -1
        runp annq bad.ann "$M" "$F" nns-item 0 10 100000
        expect_refused 2.4 "a $M index whose first root has children -1 and -1" damaged
        [[ $output == *"-1"* ]] || fail "expected the message to give the bad node number -1 (task 2.4); it printed: $output"
    done
}

# bats test_tags=task:2_4,points:1
@test "2.4 annq: an index read with the wrong metric (the same node size) is refused, never read past" {
    # Euclidean nodes of dimension 4 are 32 bytes, like angular ones of dimension 5.
    fixture e4
    runp annq "$IX" angular 5 vector 10 -1 0.1 0.2 0.3 0.4 0.5
    expect_refused 2.4 "a euclidean index of dimension 4 read as angular of dimension 5" damaged
    fixture a3
    runp annq "$IX" euclidean 2 vector 10 -1 0.1 0.2
    expect_refused 2.4 "an angular index of dimension 3 read as euclidean of dimension 2" damaged
}

# --- 3 what the mapping buys ---------------------------------------------------

# bats test_tags=task:3_1,points:2
@test "3.1 annq -p: MAP_POPULATE maps every page of the index at load" {
    fixture big
    local size pages
    size=$(stat -c %s "$IX") pages=$(pages "$IX")
    traced annq -p "$IX" "$M" "$F" info
    expect_ok 3.1
    main_has "^mmap\(NULL, $size, PROT_READ, MAP_[A-Z_|]*MAP_POPULATE[A-Z_|]*, [0-9]+, 0\) = 0x" \
        "with -p, the index mapped with MAP_POPULATE (annoy's prefault; task 3.1)"
    traced annq "$IX" "$M" "$F" info
    trace_lacks "^mmap\(.*MAP_POPULATE" "no MAP_POPULATE without -p: faulting a whole index in at load is a choice"
    runp_native annq -p "$IX" "$M" "$F" touch
    expect_ok 3.1
    expect_eq "the index's pages in the page table right after a prefaulted load (its Rss in smaps)" \
        "$pages pages" "$(field 'resident after load')"
}

# bats test_tags=task:3_2,points:3
@test "3.2 four processes serving one index share it: each one's Pss is its Rss / 4" {
    fixture big
    local pages kb i pid line rss pss pids=() err=""
    pages=$(pages "$IX") kb=$((pages * PS / 1024))
    runp_native annq "$IX" "$M" "$F" touch
    expect_ok 3.2
    expect_eq "pages touched in an index of $pages pages" "$pages of $pages" "$(field 'pages touched')"
    expect_eq "the index's pages in the page table after touching every page (its Rss in smaps)" \
        "$pages pages" "$(field 'resident after touch')"
    mkfifo ready go
    local rfd gfd servers=()
    exec {rfd}<>ready {gfd}<>go # (read-write: neither open waits for the other side)
    for i in 1 2 3 4; do
        timeout -k 1 20 "$BIN/annq" "$IX" "$M" "$F" serve <go >ready 2>>err {rfd}<&- {gfd}<&- &
        servers+=($!)
    done
    for i in 1 2 3 4; do
        line=""
        read -r -t 15 line <&"$rfd" || true
        pid=$(sed -n 's/^ready \([0-9][0-9]*\) .*/\1/p' <<<"$line")
        [[ -n $pid ]] || { err="expected 4 lines 'ready PID PAGES' from annq serve, got '$line' (task 3.2): $(cat err)"; break; }
        pids+=("$pid")
    done
    # Every server has touched every page and is waiting: read their smaps.
    local report=""
    if [[ -z $err ]]; then
        for pid in "${pids[@]}"; do
            read -r rss pss < <(awk -v f="$IX" '
                /^[0-9a-f]+-[0-9a-f]+ / { on = ($NF == f) }
                on && /^Rss:/ { r += $2 } on && /^Pss:/ { p += $2 }
                END { print r + 0, p + 0 }' "/proc/$pid/smaps")
            report+="  pid $pid: Rss $rss kB, Pss $pss kB"$'\n'
            ((rss == kb && pss * 4 == kb)) ||
                err="expected each server's mapping of the index to have Rss $kb kB (all $pages pages) and Pss $((kb / 4)) kB (Rss / 4: one copy, shared by four) (task 3.2); smaps says:"
        done
    fi
    exec {gfd}>&- {rfd}<&- # the end of their input: the servers exit
    wait "${servers[@]}" || true # (only them: bats may have its own jobs)
    [[ -z $err ]] || fail "$(printf '%s\n%s' "$err" "$report")"
}

# cold_dir : a directory on a file system whose page cache can be dropped
# (not tmpfs): the test's own, or one under the build directory.
cold_dir() {
    if [[ $(stat -f -c %T .) != tmpfs ]]; then pwd; else mktemp -d "${BIN%/*}/cold.XXXXXX"; fi
}

# bats test_tags=task:3_3,points:1
@test "3.3 annq -r on a cold index: MADV_RANDOM makes major faults = pages touched" {
    fixture big
    local dir pages size majors
    dir=$(cold_dir)
    cp "$IX" "$dir/cold.ann"
    size=$(stat -c %s "$dir/cold.ann") pages=$(pages "$dir/cold.ann")
    traced annq -r "$dir/cold.ann" "$M" "$F" info
    expect_ok 3.3
    trace_has "^madvise\(0x.., $size, MADV_RANDOM\) = 0" "with -r, madvise(map, $size, MADV_RANDOM) on the whole mapping (task 3.3)"
    runp_native annq -c -r "$dir/cold.ann" "$M" "$F" touch
    expect_ok 3.3
    majors=$(($(field 'faults in load' | sed 's/.*, \([0-9]*\) major/\1/') + $(field 'faults in touch' | sed 's/.*, \([0-9]*\) major/\1/')))
    [[ $dir == "$PWD" ]] || rm -rf "$dir"
    expect_eq "major faults in load and touch on a cold index read at random (one per page: no readahead)" "$pages" "$majors"
}

# bats test_tags=task:3_3,points:1
@test "3.3 annq -r: a failed madvise() is reported" {
    fixture a8
    failing madvise:error=EINVAL annq -r "$IX" "$M" "$F" info
    grep -q '^madvise(.*MADV_RANDOM.*(INJECTED)$' "$TRACE" || fail "expected annq -r to call madvise(MADV_RANDOM) (task 3.3)"
    expect_reported EINVAL 3.3 "madvise(MADV_RANDOM) fails with EINVAL"
}
