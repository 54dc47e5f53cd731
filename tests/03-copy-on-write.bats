#!/usr/bin/env bats
# Lab 03 - copy-on-write. Each test's name starts with its task id (TODO n.m in the
# lab's code); its tags give the task (task:1_2 is task 1.2) and the points.
# What is graded is the kernel's view: pagemap bits, smaps figures, minor fault
# counts of anonymous memory and of private file pages, and file contents.

load lib/wb
setup_file() {
    lab_setup_file 03
    # No rseq area: after fork() the kernel's own store into it (on a return to
    # user space after a preemption) is a copy-on-write fault of the process's,
    # at any moment, which would land in a count now and then (see the chapter).
    export GLIBC_TUNABLES=glibc.pthread.rseq=0
}
setup() { lab_setup; }


# step_line STEP : the line of $output that starts with "STEP:" (one of the
# steps cowpages and cowsmaps print), or a failure naming it.
step_line() {
    local line
    line=$(awk -v s="$1:" 'index($0, s) == 1 { print; exit }' <<<"$output")
    [[ -n $line ]] && printf '%s\n' "$line" && return 0
    fail "$(printf 'expected a line starting with "%s:"; the output was:\n%s' "$1" "$output")"
}


# --- 1.1 / 1.2 cowpages ------------------------------------------------------

# exclusive STEP : N from "exclusive N of M" on that step's line.
exclusive() {
    local line
    line=$(step_line "$1") || return 1
    sed -n 's/.* exclusive \([0-9]*\) of .*/\1/p' <<<"$line"
}

# expect_exclusive STEP N TASK
expect_exclusive() {
    local got
    got=$(exclusive "$1") || return 1
    expect_eq "pages mapped exclusively (pagemap bit 56) at '$1' (task $3)" "$2" "$got"
}

# bats test_tags=task:1_1,points:2
@test "1.1 cowpages: every page is exclusive before fork(), none after it, in parent and child" {
    runp cowpages 8 3
    expect_ok 1.1
    expect_exclusive "before fork" 8 1.1
    expect_exclusive "parent after fork" 0 1.1
    expect_exclusive "child after fork" 0 1.1
}

# bats test_tags=task:1_1,points:2
@test "1.1 cowpages: the writer's copies are exclusive, and so are the originals it left" {
    runp cowpages 8 3
    expect_ok 1.1
    expect_exclusive "child after writing 3" 3 1.1
    expect_exclusive "parent after the child wrote" 3 1.1
    expect_exclusive "parent after writing all" 8 1.1
    runp cowpages 20 20
    expect_ok 1.1
    expect_exclusive "child after writing 20" 20 1.1
    expect_exclusive "parent after the child wrote" 20 1.1
}

# The frames as pagemap shows them only to root: cowpages' look() is given
# pagemap entries by the test, so that task 1.2 is graded the same for root
# and for any user: frames visible (4 of 6 kept; a page not present), and
# hidden (every present page on frame 0).
cowpages_driver='
#include "pagemap.h"
static const uint64_t *wb_fake;
static void wb_pagemap_read(const void *addr, size_t n, uint64_t *e)
{
    (void)addr;
    memcpy(e, wb_fake, n * sizeof *e);
}
#define pagemap_read wb_pagemap_read
#define main cowpages_main
#include "cowpages.c"
#undef main
#define P(pfn) (PM_PRESENT | PM_EXCLUSIVE | (uint64_t)(pfn))
int main(void)
{
    static uint64_t was[6] = {100, 101, 102, 103, 104, 105};
    static const uint64_t kept[6] = {P(100), P(201), P(102), P(203), P(104), P(105)};
    static const uint64_t absent[3] = {P(100), 0, P(102)};
    static const uint64_t hidden[6] = {P(0), P(0), P(0), P(0), P(0), P(0)};
    static char map[1];
    before = was;
    pages = 6, wb_fake = kept;
    look("kept:", map);
    pages = 3, wb_fake = absent;
    look("absent:", map);
    pages = 6, wb_fake = hidden;
    look("hidden:", map);
    return 0;
}'

# bats test_tags=task:1_2,points:2
@test "1.2 cowpages: the child keeps the parent's frames until it writes; hidden frames are said so" {
    with_input cowpages "$cowpages_driver"
    run_driver
    not_killed cowpages "look() with the test's pagemap entries (task 1.2)"
    expect_ok 1.2
    local line
    line=$(step_line kept) || return 1
    [[ $line == *"frames as before fork 4 of 6" ]] ||
        fail "pagemap entries with frames 100 201 102 203 104 105, before fork 100 to 105 (task 1.2): expected 'frames as before fork 4 of 6', got: $line"
    line=$(step_line absent) || return 1
    [[ $line == *"frames as before fork 2 of 3" ]] ||
        fail "a page not present (entry 0) between two kept ones (task 1.2): expected 'frames as before fork 2 of 3' (only a present page on frame 0 means hidden), got: $line"
    line=$(step_line hidden) || return 1
    [[ $line == *"frames hidden"* ]] ||
        fail "every present page on frame 0, as pagemap shows it to a user who is not root (task 1.2): expected 'frames hidden', not a count of zeros equal to zeros; got: $line"
    # And the real thing: root sees the frames, anyone else is told they are hidden.
    runp cowpages 8 3
    expect_ok 1.2
    local step step_want want
    for step_want in "before fork=8" "parent after fork=8" "child after fork=8" "child after writing 3=5" \
        "parent after the child wrote=8" "parent after writing all=3"; do
        step=${step_want%=*} want=${step_want#*=}
        line=$(step_line "$step") || return 1
        [[ $(id -u) == 0 ]] || want=hidden
        [[ $line == *"frames as before fork $want of 8" || ($want == hidden && $line == *"frames hidden"*) ]] ||
            fail "at '$step' (task 1.2): expected $([[ $want == hidden ]] && echo "'frames hidden' (not root: pagemap shows frame 0)" || echo "'frames as before fork $want of 8'"), got: $line"
    done
}

# --- 2.1 / 2.2 cowfaults -----------------------------------------------------

# bats test_tags=task:2_1,points:2
@test "2.1 cowfaults: private, the child reads 100 pages with no fault and writes them with 100; shared, its reads map them" {
    runp_native cowfaults 100 private
    expect_ok 2.1
    expect_eq "the child's faults reading 100 pages after fork() (task 2.1)" 0 "$(field 'child: faults reading 100 pages')"
    expect_eq "the child's faults writing 100 pages after fork() (task 2.1)" 100 "$(field 'child: faults writing 100 pages')"
    expect_line "parent: sees the child's writes in 0 of 100 pages" 2.1
    # A shared mapping's page table entries are not copied by fork(): the
    # child's first reads fault them in (one fault maps up to 16 pages: fault-
    # around), and its writes then find them mapped. Reads that are not made
    # cost nothing here either way, but then the writes pay.
    runp_native cowfaults 100 shared
    expect_ok 2.1
    local reads
    reads=$(field 'child: faults reading 100 pages')
    [[ $reads =~ ^[0-9]+$ ]] && ((reads >= 1 && reads <= 100)) ||
        fail "the child's faults reading 100 pages of a MAP_SHARED mapping (task 2.1): expected 1 to 100 (fork() copied none of its page table entries: the first reads fault them in), got ${reads:-(nothing)}: does the child read a byte of every page, between the two minor_faults()?"
    expect_eq "the child's faults writing 100 shared pages it has read (task 2.1)" 0 "$(field 'child: faults writing 100 pages')"
}

# bats test_tags=task:2_2,points:2
@test "2.2 cowfaults private: the parent pays one fault per page too, and sees none of the child's writes" {
    runp_native cowfaults 100 private
    expect_ok 2.2
    local got
    got=$(field 'parent: faults writing 100 pages')
    # The parent may count one more: its own stack page, write-protected by fork().
    [[ $got == 100 || $got == 101 ]] ||
        fail "the parent's faults writing 100 private pages after fork() (task 2.2): expected 100 (or 101: its stack page), got ${got:-(nothing)}"
    expect_line "parent: sees the child's writes in 0 of 100 pages" 2.2
    expect_line "child: sees the parent's writes in 0 of 100 pages" 2.2
}

# bats test_tags=task:2_2,points:2
@test "2.2 cowfaults shared: MAP_SHARED copies nothing, the parent takes no fault, each sees the other" {
    runp_native cowfaults 100 shared
    expect_ok 2.2
    expect_eq "the parent's faults writing 100 shared pages (task 2.2)" 0 "$(field 'parent: faults writing 100 pages')"
    expect_line "parent: sees the child's writes in 100 of 100 pages" "2.1 and 2.2: both must write"
    expect_line "child: sees the parent's writes in 100 of 100 pages" 2.2
}

# --- 3.1 / 3.2 privfile ------------------------------------------------------

# privfile_expected PAGES : the file as it must be after privfile: the original
# (data, copied to expected) with "pwrite!" at byte 100 of every page.
privfile_expected() {
    cp data expected
    local i
    for ((i = 0; i < $1; i++)); do
        printf 'pwrite!' | dd of=expected bs=1 seek=$((i * PS + 100)) conv=notrunc status=none
    done
}

# bats test_tags=task:3_1,points:2
@test "3.1 privfile: stores through a private mapping never reach the file; a failed mmap() is reported" {
    make_file data $((6 * PS))
    privfile_expected 6
    runp privfile data 4
    expect_ok 3.1
    expect_same_file expected data "the file after privfile (its pwrite()s only, none of the stores through the mapping; task 3.1)"
    fails_well 3.1 mmap ENOMEM ', [3-9][0-9]*, 0\)' privfile data 4
}

# bats test_tags=task:3_1,points:2
@test "3.1 privfile: storing into 25 pages of a private file mapping takes 25 faults" {
    make_file data $((40 * PS))
    runp_native privfile data 25
    expect_ok 3.1
    expect_eq "minor faults of storing into 25 pages of a MAP_PRIVATE file mapping (task 3.1)" 25 \
        "$(field 'faults writing 25 pages')"
}

# bats test_tags=task:3_2,points:2
@test "3.2 privfile: pages not written follow the file's pwrite(), copied pages do not" {
    make_file data $((6 * PS))
    runp privfile data 4
    expect_ok 3.2
    local i want line
    for ((i = 0; i < 6; i++)); do
        want=$( ((i < 4)) && echo "written: yes  sees pwrite: no " || echo "written: no   sees pwrite: yes")
        line=$(grep -m1 "^page $i: " <<<"$output") || fail "expected a line 'page $i: ...' (task 3.2); the output was: $output"
        [[ $line == "page $i: $want"* ]] ||
            fail "$(printf 'page %s (task 3.2): expected\n  page %s: %s ...\ngot\n  %s' "$i" "$i" "$want" "$line")"
    done
}

# bats test_tags=task:3_2,points:2
@test "3.2 privfile: pagemap calls copied pages anonymous, the others the file's" {
    make_file data $((6 * PS))
    runp privfile data 2
    expect_ok 3.2
    local i want
    for ((i = 0; i < 6; i++)); do
        want=$( ((i < 2)) && echo anonymous || echo file)
        grep -Eq "^page $i: .*pagemap: $want\$" <<<"$output" ||
            fail "$(printf 'page %s (task 3.2): expected pagemap: %s (bit 61 %s); the output was:\n%s' \
                "$i" "$want" "$( [[ $want == file ]] && echo set || echo clear)" "$output")"
    done
}

# --- 4.1 / 4.2 cowsmaps ------------------------------------------------------

# kb STEP NAME : the value of "NAME N kB" on that step's line.
kb() {
    local line
    line=$(step_line "$1") || return 1
    sed -n "s/.*[ ,]$2 \([0-9]*\) kB.*/\1/p" <<<"$line"
}

# expect_kb STEP NAME WANT TASK
expect_kb() {
    local got
    got=$(kb "$1" "$2") || return 1
    expect_eq "$2 at '$1' (task $4)" "$3" "$got"
}

# cowsmaps' region_of() reads a crafted smaps file (WB_SMAPS) instead of its
# own: its mapping's Pss differs from Pss_Dirty, Pss_Anon and SwapPss there, and
# every figure from its neighbours', so that a name matched by its prefix or a
# mapping found by another rule gives a wrong number.
cowsmaps_driver='
#include <stdio.h>
static FILE *wb_fopen(const char *path, const char *mode);
#define fopen wb_fopen
#define main cowsmaps_main
#include "cowsmaps.c"
#undef fopen
#undef main
static FILE *wb_fopen(const char *path, const char *mode)
{
    (void)path;
    return fopen(getenv("WB_SMAPS"), mode);
}
int main(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        struct region r = region_of((void *)(uintptr_t)strtoull(argv[i], NULL, 16));
        printf("%s: Size %ld kB, Rss %ld kB, Pss %ld kB, Shared_Dirty %ld kB, Private_Dirty %ld kB\n",
               argv[i], r.size, r.rss, r.pss, r.shared_dirty, r.private_dirty);
    }
    return 0;
}'

# smaps_entry START END RSS PSS SHARED_DIRTY PRIVATE_DIRTY : one mapping of a
# crafted smaps file, its other figures different from these.
smaps_entry() {
    printf '%s-%s rw-p 00000000 00:00 0 \nSize:%18d kB\nKernelPageSize:        4 kB\nMMUPageSize:           4 kB\n' \
        "$1" "$2" $(((16#$2 - 16#$1) / 1024))
    printf 'Rss:%19d kB\nPss:%19d kB\nPss_Dirty:%13d kB\nPss_Anon:%14d kB\nPss_File:%14d kB\nPss_Shmem:%13d kB\n' \
        "$3" "$4" $(($4 + 1)) $(($4 + 2)) 3 5
    printf 'Shared_Clean:%10d kB\nShared_Dirty:%10d kB\nPrivate_Clean:%9d kB\nPrivate_Dirty:%9d kB\n' 7 "$5" 9 "$6"
    printf 'Referenced:%12d kB\nAnonymous:%13d kB\nSwap:%18d kB\nSwapPss:%15d kB\nShared_Hugetlb:%8d kB\nPrivate_Hugetlb:%7d kB\n' \
        "$3" "$3" 11 13 17 19
    printf 'THPeligible:    0\nVmFlags: rd wr mr mw me ac \n'
}

# cowsmaps_crafted ADDR... : region_of() of each address in the crafted file.
cowsmaps_crafted() {
    with_input cowsmaps "$cowsmaps_driver"
    {
        smaps_entry 7f0000010000 7f0000018000 32 31 30 29
        smaps_entry 7f0000020000 7f0000028000 28 10 12 16
        smaps_entry 7f0000028000 7f0000034000 44 22 20 24
    } >smaps
    WB_SMAPS=$PWD/smaps run_driver "$@"
    not_killed cowsmaps "region_of() on the test's smaps file"
}

# bats test_tags=task:4_1,points:1
@test "4.1 cowsmaps: finds its own region in smaps, by address (Size = the pages mapped)" {
    local pages step
    for pages in 8 5; do
        runp cowsmaps "$pages" 0
        expect_ok 4.1
        for step in "before fork" "parent after fork" "child after writing 0" "parent after the child wrote"; do
            expect_kb "$step" Size $((pages * PS / 1024)) 4.1
        done
    done
    cowsmaps_crafted 7f0000021234 7f0000028000 7f0000033fff
    expect_ok 4.1
    local got
    for want in "7f0000021234 32" "7f0000028000 48" "7f0000033fff 48"; do
        got=$(awk -v a="${want% *}:" '$1 == a { print $3 }' <<<"$output")
        expect_eq "Size of the mapping that holds ${want% *} in the test's smaps file (mappings 7f0000020000-7f0000028000 and 7f0000028000-7f0000034000; the end is not in it; task 4.1)" "${want#* }" "$got"
    done
    cowsmaps_crafted 7f0000018000
    [[ $status == 1 && $output == *"no mapping"* ]] ||
        fail "$(printf 'address 7f0000018000, the end of mapping 7f0000010000-7f0000018000 of the test'"'"'s smaps file and not in it (nothing is mapped up to 7f0000020000): expected the given "no mapping ... holds" failure (task 4.1: start <= addr < end); got status %s and:\n%s' "$status" "$output")"
}

# bats test_tags=task:4_2,points:2
@test "4.2 cowsmaps: before fork() every dirty page is private; after it every one is shared" {
    runp cowsmaps 8 3
    expect_ok 4.2
    local k=$((PS / 1024))
    expect_kb "before fork" Rss $((8 * k)) 4.2
    expect_kb "before fork" Shared_Dirty 0 4.2
    expect_kb "before fork" Private_Dirty $((8 * k)) 4.2
    expect_kb "parent after fork" Shared_Dirty $((8 * k)) 4.2
    expect_kb "parent after fork" Private_Dirty 0 4.2
    expect_kb "parent after fork" Pss $((4 * k)) 4.2
    cowsmaps_crafted 7f0000021234 7f0000028000
    expect_ok 4.2
    expect_line "7f0000021234: Size 32 kB, Rss 28 kB, Pss 10 kB, Shared_Dirty 12 kB, Private_Dirty 16 kB" \
        "4.2: the test's smaps file, where Pss_Dirty is 11, Pss_Anon 12, SwapPss 13: match each name whole"
    expect_line "7f0000028000: Size 48 kB, Rss 44 kB, Pss 22 kB, Shared_Dirty 20 kB, Private_Dirty 24 kB" \
        "4.2: the next mapping of the test's smaps file"
}

# bats test_tags=task:4_2,points:2
@test "4.2 cowsmaps: after the child writes 3 of 8 pages, 3 are private and 5 shared, in both" {
    runp cowsmaps 8 3
    expect_ok 4.2
    local k=$((PS / 1024)) step
    for step in "child after writing 3" "parent after the child wrote"; do
        expect_kb "$step" Rss $((8 * k)) 4.2
        expect_kb "$step" Shared_Dirty $((5 * k)) 4.2
        expect_kb "$step" Private_Dirty $((3 * k)) 4.2
    done
}

# --- 5.1 / 5.2 snapshot ------------------------------------------------------

# table_at_fork PAGES : the table as the program builds it, every record at version 0.
table_at_fork() {
    seq 0 $(($1 * PS / 32 - 1)) | awk '{ printf "rec %06d ver 000000 .........\n", $1 }'
}

# pages_modified PAGES UPDATES SEED : the distinct pages the updates touch, by
# the program's random numbers (x = (x * 1103515245 + 12345) mod 2^31, record
# (x >> 8) mod records, 128 records of 32 bytes to a 4 KiB page).
pages_modified() {
    local records=$(($1 * PS / 32)) x=$3 u
    local -A hit=()
    for ((u = 1; u <= $2; u++)); do
        x=$(((x * 1103515245 + 12345) & 0x7fffffff))
        hit[$((((x >> 8) % records) * 32 / PS))]=1
    done
    echo "${#hit[@]}"
}

# bats test_tags=task:5_1,points:3
@test "5.1 snapshot: the file is the table as it was at fork(), byte for byte, whatever the updates" {
    local args pages updates seed
    for args in "64 100 1" "16 500 42" "100 50 2024"; do
        read -r pages updates seed <<<"$args"
        rm -f snap.db
        runp snapshot snap.db "$pages" "$updates" "$seed"
        expect_ok 5.1
        [[ -f snap.db ]] || fail "expected snapshot to write snap.db (task 5.1)"
        table_at_fork "$pages" >expected
        expect_same_file expected snap.db "the snapshot of $pages pages after $updates updates, seed $seed (task 5.1)"
    done
}

# bats test_tags=task:5_1,points:2
@test "5.1 snapshot: a child writes the file while the parent goes on, waiting for it only at the end" {
    local trace=$BATS_TEST_TMPDIR/trace
    run timeout -k 1 5 strace -f -qq -o "$trace" "$BIN/snapshot" snap.db 16 100 7
    if ((status == 124)); then
        fail "snapshot did not finish (killed after 5 s): did the parent wait for the child before its updates? The child finishes its save only after them (task 5.1)"
    fi
    expect_ok 5.1
    local main opener fork_line tell_line wait_line
    main=$(awk 'NR == 1 { print $1 }' "$trace")
    fork_line=$(grep -nE "^$main +(clone|clone3|fork|vfork)\(" "$trace" | head -n 1 | cut -d: -f1)
    [[ -n $fork_line ]] || fail "expected the program to fork() (a clone() in the trace; task 5.1)"
    opener=$(awk '/openat\(.*"snap\.db"/ { print $1; exit }' "$trace")
    [[ -n $opener && $opener != "$main" ]] ||
        fail "expected a child process to open and write snap.db, not the parent (pid $main; task 5.1)"
    # (A call that another process interrupts in the trace ends "<unfinished ...>".)
    tell_line=$(grep -nE "^$main +write\([0-9]+, \"!\", 1[) ]" "$trace" | head -n 1 | cut -d: -f1)
    wait_line=$(grep -nE "^$main +wait4\(" "$trace" | head -n 1 | cut -d: -f1)
    [[ -n $tell_line && -n $wait_line ]] ||
        fail "expected the parent to tell the child that its updates are done, then wait for it (task 5.1)"
    ((fork_line < tell_line && tell_line < wait_line)) ||
        fail "expected the parent's order: fork(), its updates, then waitpid() (task 5.1)"
    fails_well 5.1 clone EAGAIN '^clone\(' snapshot snap.db 16 100 7
}

# bats test_tags=task:5_2,points:2
@test "5.2 snapshot: the parent's copy-on-write faults = the pages its updates modified" {
    local args pages updates seed want got
    for args in "64 100 1" "32 40 9"; do
        read -r pages updates seed <<<"$args"
        runp_native snapshot snap.db "$pages" "$updates" "$seed"
        expect_ok 5.2
        want=$(pages_modified "$pages" "$updates" "$seed")
        expect_eq "pages modified by $updates updates of $pages pages, seed $seed (task 5.2)" "$want" \
            "$(field 'pages modified')"
        # Exact: the given code has made the parent's stack writable again
        # before the count (see the chapter), and the test runs without rseq.
        expect_eq "the parent's faults during $updates updates, one per page modified, counted around update() only (task 5.2)" \
            "$want" "$(field 'parent faults')"
    done
}
