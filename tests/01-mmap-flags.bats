#!/usr/bin/env bats
# Lab 01 - mmap flags. Each test's name starts with its task id (TODO n.m in the
# lab's code); its tags give the task (task:1_2 is task 1.2: bats tags allow no dots)
# and the points (make test checks they add up to the task's points in course.toml).

load lib/wb
setup_file() { lab_setup_file 01; }
setup() { lab_setup; }

# --- 1.1 mcat ----------------------------------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 mcat prints a multi-page file byte for byte" {
    make_file data $((3 * PS + 123))
    runp mcat data
    expect_status 0
    timeout -k 1 "$(run_limit 30)" "$BIN/mcat" data >out
    expect_same_file data out "mcat's output"
}

# bats test_tags=task:1_1,points:2
@test "1.1 mcat maps the file, never read()s it, and reports a failed mmap()" {
    make_file data $((2 * PS + 7))
    traced mcat data
    expect_status 0
    local map
    map=$(mmap_of data)
    [[ -n $map ]] || fail "$(printf 'expected an mmap() of the file data; the trace has:\n%s' "$(trace_summary)")"
    # Any correct flags: MAP_PRIVATE or MAP_SHARED(_VALIDATE), with extras such as MAP_POPULATE.
    grep -Eq "^mmap\(NULL, $((2 * PS + 7)), [A-Z_|]+, [A-Z_|]+, [0-9]+, 0\) = 0x" <<<"$map" ||
        fail "$(printf 'expected the mmap() to map the whole file: length %s, offset 0; it was:\n%s' $((2 * PS + 7)) "$map")"
    grep -Eq "^mmap\([^,]*, [0-9]+, PROT_READ(\|[A-Z_]+)*, " <<<"$map" ||
        fail "$(printf 'expected the mapping to be readable (PROT_READ); it was:\n%s' "$map")"
    grep -Eq "^mmap\([^,]*, [0-9]+, [A-Z_|]+, (MAP_PRIVATE|MAP_SHARED|MAP_SHARED_VALIDATE)(\|MAP_[A-Z_]+)*, " <<<"$map" ||
        fail "$(printf 'expected the flags to hold MAP_PRIVATE or MAP_SHARED (extra flags such as MAP_POPULATE are fine); they were:\n%s' "$map")"
    expect_file_calls data 'fstat|newfstatat|statx|lseek|fadvise64|mmap|close' \
        "mcat must print the file from the mapping, never read it"
    fails_well 1.1 mmap ENOMEM ', [3-9][0-9]*, 0\)' mcat data
}

# bats test_tags=task:1_1,points:2
@test "1.1 mcat prints a one-byte file, and nothing for an empty one" {
    printf 'x' >one
    runp mcat one
    expect_status 0
    expect_eq "mcat of a one-byte file" "x" "$output"
    : >empty
    runp mcat empty
    expect_status 0
    expect_eq "mcat of an empty file" "" "$output"
}

# --- 1.2 / 1.3 mapwrite ------------------------------------------------------

# bats test_tags=task:1_2,points:2
@test "1.2 mapwrite shared: the store reaches the file, seen at once by pread()" {
    make_file data $((2 * PS)) a
    cp data expected
    printf 'HELLO' | dd of=expected bs=1 seek=5000 conv=notrunc status=none
    runp mapwrite shared data 5000 HELLO
    expect_status 0
    expect_line "mapping: HELLO"
    expect_line "file:    HELLO"
    expect_same_file expected data "the file after 'mapwrite shared'"
}

# bats test_tags=task:1_2,points:2
@test "1.2 mapwrite private: the store stays in the process, the file is unchanged" {
    make_file data $((2 * PS)) a
    cp data expected
    runp mapwrite private data 5000 HELLO
    expect_status 0
    expect_line "mapping: HELLO"
    expect_line "file:    aaaaa"
    expect_same_file expected data "the file after 'mapwrite private'"
}

# bats test_tags=task:1_2,points:2
@test "1.2 mapwrite asks for MAP_SHARED or MAP_PRIVATE, never write()s the file, reports a failed mmap()" {
    make_file data "$PS" a
    local mode want map opened
    for mode in shared private; do
        traced mapwrite "$mode" data 10 HELLO
        expect_status 0
        want=MAP_PRIVATE
        [[ $mode == private ]] || want='MAP_SHARED|MAP_SHARED_VALIDATE'
        map=$(mmap_of data)
        grep -Eq "^mmap\(NULL, $PS, PROT_READ\|PROT_WRITE, ($want)(\|MAP_[A-Z_]+)*, [0-9]+, 0\) = 0x" <<<"$map" ||
            fail "$(printf 'expected mapwrite %s to map the file with %s (and PROT_READ|PROT_WRITE); its mmap() was:\n%s' \
                "$mode" "${want//|/ or }" "${map:-(none of the file)}")"
        expect_file_calls data 'fstat|newfstatat|statx|mmap|close' "mapwrite $mode stores through the mapping, never write()s"
        # Write access only where it is needed: a private mapping never writes the file.
        want=O_RDONLY
        [[ $mode == private ]] || want=O_RDWR
        opened=$(trace_main | grep -E '^openat\(.*"data"' | head -n 1)
        [[ $opened == *"\"data\", $want"* ]] ||
            fail "$(printf 'expected mapwrite %s to open data with %s; it did:\n%s' "$mode" "$want" "$opened")"
        fails_well 1.2 mmap ENOMEM ', [3-9][0-9]*, 0\)' mapwrite "$mode" data 10 HELLO
    done
}

# bats test_tags=task:1_3,points:2
@test "1.3 mapwrite closes the file right after mmap(), before the store, and checks close()" {
    make_file data "$PS" a
    traced mapwrite shared data 0 HELLO
    expect_status 0
    local fd
    fd=$(sed -En 's/^mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_SHARED[A-Z_|]*, ([0-9]+), 0\) = 0x.*/\1/p' "$TRACE")
    [[ -n $fd ]] || fail "expected a shared mmap() of the file (task 1.2 first)"
    # Between the mmap() and the second open of the file (for pread), fd must be closed.
    sed -n '/^mmap(NULL, [0-9]*, PROT_READ|PROT_WRITE, MAP_SHARED/,/^openat(.*"data"/p' "$TRACE" |
        grep -q "^close($fd) = 0" ||
        fail "expected close($fd) right after the mmap() of the file, before the store and the pread() check"
    fails_well 1.3 close EIO "^close\\($fd\\)" mapwrite shared data 0 HELLO
}

# --- 2.1 mcat OFFSET LENGTH ---------------------------------------------------

# bats test_tags=task:2_1,points:2
@test "2.1 mcat OFFSET LENGTH prints exactly that range, at any offset" {
    make_file data $((3 * PS + 500))
    local off len
    built mcat || return 1
    for off_len in "5000 100" "$PS 10" "1 $((PS * 2))" "$((3 * PS + 499)) 9"; do
        read -r off len <<<"$off_len"
        timeout -k 1 "$(run_limit 30)" "$BIN/mcat" data "$off" "$len" >out 2>err || true
        tail -c +$((off + 1)) data | head -c "$len" >expected
        expect_same_file expected out "the output of 'mcat data $off $len'"
    done
}

# bats test_tags=task:2_1,points:2
@test "2.1 mcat maps from the page boundary below an unaligned offset" {
    make_file data $((3 * PS))
    traced mcat data 5000 100
    expect_status 0
    local start=$((5000 / PS * PS))
    trace_has "^mmap\(NULL, $((5000 - start + 100)), PROT_READ(\|[A-Z_]+)*, MAP_(PRIVATE|SHARED|SHARED_VALIDATE)(\|MAP_[A-Z_]+)*, [0-9]+, $(printf '0x%x' $start)\) = 0x" \
        "mmap() at file offset $start (5000 rounded down to a page) for $((5000 - start + 100)) bytes"
}

# --- 2.2 / 2.3 pastend -------------------------------------------------------

# bats test_tags=task:2_2,points:3
@test "2.2 pastend reports the mapping's length rounded up to whole pages" {
    for size in 1 "$PS" $((PS + 1)) 5000; do
        make_file data "$size"
        runp pastend data
        expect_status 0
        expect_eq "mapping length for a $size-byte file" $(((size + PS - 1) / PS * PS)) "$(field 'mapping length')"
    done
    # The length is the kernel's answer, read from /proc/self/maps, not computed.
    traced pastend data
    trace_main | grep -Eq '^openat\(.*"/proc/self/maps"' ||
        fail "expected pastend to read the mapping's length in /proc/self/maps (it never opened it)"
    fails_well 2.2 openat EACCES '"/proc/self/maps"' pastend data
}

# pastend's own code with a mapping the test gives it: the kernel's tail is all
# zeros, which a program that only assumes so would print too; here every third
# tail byte reads 0, the others 'q', and the test then counts the 'X' stored.
pastend_driver='
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
static void *wb_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
static int wb_munmap(void *addr, size_t len);
#define mmap wb_mmap
#define munmap wb_munmap
#define main pastend_main
#include "pastend.c"
#undef mmap
#undef munmap
#undef main
static char *wb_buf;
static size_t wb_size, wb_len;
static void wb_report(void)
{
    size_t xs = 0;
    for (size_t i = wb_size; i < wb_len; i++)
        xs += wb_buf[i] == (char)88;
    printf("driver: X stored in %zu of %zu tail bytes\n", xs, wb_len - wb_size);
    fflush(stdout);
    wb_buf = NULL;
}
/* The file mapping: a mapping of its own (PROT_NONE pages around it). */
static void *wb_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    (void)prot, (void)flags;
    wb_size = len, wb_len = (len + ps - 1) / ps * ps;
    char *r = mmap(addr, wb_len + 2 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED)
        return r;
    wb_buf = mmap(r + ps, wb_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (wb_buf == MAP_FAILED || pread(fd, wb_buf, len, off) != (ssize_t)len)
        return MAP_FAILED;
    for (size_t i = len; i < wb_len; i++)
        wb_buf[i] = (i - len) % 3 ? (char)113 : 0;
    return wb_buf;
}
static int wb_munmap(void *addr, size_t len)
{
    if (wb_buf && addr == wb_buf)
        wb_report();
    return munmap(addr, len);
}
int main(int argc, char *argv[])
{
    int status = pastend_main(argc, argv);
    if (wb_buf)
        wb_report();
    return status;
}'

# bats test_tags=task:2_3,points:2
@test "2.3 bytes past EOF in the last page read 0, and writes there never reach the file" {
    make_file data 5000
    cp data expected
    runp pastend data
    expect_status 0
    local tail=$(((5000 + PS - 1) / PS * PS - 5000))
    expect_eq "tail bytes" "$tail" "$(field 'tail bytes')"
    expect_eq "tail bytes that read 0" "$tail" "$(field 'tail zero bytes')"
    expect_same_file expected data "the file after pastend wrote past its end"
    with_input pastend "$pastend_driver"
    run_driver data
    not_killed pastend "pastend with the test's mapping (task 2.3)"
    expect_ok 2.3
    expect_eq "tail bytes that read 0, of $tail where the test's mapping has a 0 in every third byte (task 2.3: read each tail byte and count the zeros)" \
        $(((tail + 2) / 3)) "$(field 'tail zero bytes')"
    expect_line "driver: X stored in $tail of $tail tail bytes" "2.3: store 'X' into each tail byte"
}

# --- 3.1 / 3.2 mprobe --------------------------------------------------------

# mprobe_fails ERRNO ARGS... : mprobe exits 1, names ERRNO, and the kernel said so.
mprobe_fails() {
    local err=$1; shift
    traced mprobe "$@"
    trace_has "^mmap\(.*= -1 $err " "the kernel to refuse 'mprobe $*' with $err"
    expect_status 1
    [[ $output == *"($err)"* ]] || fail "expected mprobe $* to report ($err), it printed: $output"
}

# bats test_tags=task:3_1,points:2
@test "3.1 mprobe: MAP_SHARED+PROT_WRITE on a read-only fd gives EACCES, MAP_PRIVATE is fine" {
    make_file data "$PS" a
    mprobe_fails EACCES file=data open=ro prot=rw flags=shared
    runp mprobe file=data open=ro prot=rw flags=private
    expect_status 0
    expect_line "ok: mmap returned a mapping of $PS bytes"
}

# bats test_tags=task:3_1,points:2
@test "3.1 mprobe: a directory or a pipe gives ENODEV, fd -1 without MAP_ANONYMOUS gives EBADF" {
    mkdir dir
    mprobe_fails ENODEV file=dir open=ro
    mkfifo fifo
    exec 9<>fifo # a reader and writer, so that opening the pipe does not block
    mprobe_fails ENODEV file=fifo open=ro
    exec 9<&-
    mprobe_fails EBADF file=-
}

# bats test_tags=task:3_1,points:2
@test "3.1 mprobe: length 0, an unaligned offset, or neither flag gives EINVAL" {
    make_file data $((2 * PS)) a
    mprobe_fails EINVAL file=data len=0
    # glibc refuses an unaligned offset itself, before any system call:
    runp mprobe file=data off=100
    expect_status 1
    [[ $output == *"(EINVAL)"* ]] || fail "expected mprobe off=100 to report (EINVAL), it printed: $output"
    mprobe_fails EINVAL file=data flags=neither
}

# bats test_tags=task:3_2,points:2
@test "3.2 mprobe explains the likely cause of each error on its own line" {
    make_file data "$PS" a
    local causes=
    mkdir dir
    for args in "file=data open=ro prot=rw flags=shared" "file=data len=0" "file=dir open=ro" "file=-"; do
        # shellcheck disable=SC2086 # the words are separate arguments
        runp mprobe $args
        expect_status 1
        grep -Eq '^mprobe: likely cause: .{10,}' <<<"$output" ||
            fail "expected a line 'mprobe: likely cause: ...' for mprobe $args; it printed: $output"
        causes+=$(grep '^mprobe: likely cause: ' <<<"$output")$'\n'
    done
    # Four different errors (EACCES, EINVAL, ENODEV, EBADF), four different causes.
    [[ $(sort -u <<<"${causes%$'\n'}" | wc -l) == 4 ]] ||
        fail "$(printf 'expected a different cause for each of EACCES, EINVAL, ENODEV and EBADF; mprobe said:\n%s' "$causes")"
}

# --- 4.1 / 4.2 anonfork ------------------------------------------------------

# bats test_tags=task:4_1,points:2
@test "4.1 anonfork shared: the parent sees the child's store" {
    traced anonfork shared
    expect_status 0
    trace_has "^mmap\(NULL, $PS, PROT_READ\|PROT_WRITE, MAP_SHARED\|MAP_ANONYMOUS, -1, 0\) = 0x" \
        "one page of MAP_SHARED|MAP_ANONYMOUS memory"
    expect_line "child sees:  child"
    expect_line "parent sees: child"
}

# bats test_tags=task:4_1,points:2
@test "4.1 anonfork private: the child's store stays in the child's copy" {
    traced anonfork private
    expect_status 0
    trace_has "^mmap\(NULL, $PS, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x" \
        "one page of MAP_PRIVATE|MAP_ANONYMOUS memory"
    expect_line "child sees:  child"
    expect_line "parent sees: parent"
}

# --- 5.1 fixed ---------------------------------------------------------------

# fixed_trace MODE : run `fixed MODE` under strace; $base and $asked are the
# first mapping's address and the address asked for by the second mmap().
fixed_trace() {
    traced fixed "$1"
    expect_status 0
    base=$(sed -n "s/^mmap(NULL, $((3 * PS)), .* = \(0x[0-9a-f]*\)$/\1/p" "$RAW_TRACE" | tail -n 1)
    asked=$(sed -n "s/^[0-9 ]*mmap(\(0x[0-9a-f]*\), $PS, .*/\1/p" "$RAW_TRACE" | tail -n 1)
    [[ -n $base ]] || fail "expected fixed to map three pages first (given code)"
    [[ -n $asked ]] || fail "expected a second mmap() that asks for an address (task 5.1)"
    expect_eq "the address asked for" "$(printf '0x%x' $((base + PS)))" "$asked"
}

# bats test_tags=task:5_1,points:2
@test "5.1 fixed replace: MAP_FIXED silently replaces the middle page" {
    fixed_trace replace
    trace_has "^mmap\(0x.., $PS, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_FIXED\|MAP_ANONYMOUS, -1, 0\) = 0x" \
        "mmap() with MAP_FIXED at the middle page"
    expect_line "after:  A 0 C"
}

# bats test_tags=task:5_1,points:2
@test "5.1 fixed noreplace: MAP_FIXED_NOREPLACE fails with EEXIST and changes nothing" {
    fixed_trace noreplace
    trace_has "MAP_FIXED_NOREPLACE.* = -1 EEXIST" "mmap() with MAP_FIXED_NOREPLACE refused with EEXIST"
    expect_line "mmap: failed with EEXIST (File exists)"
    expect_line "after:  A B C"
}

# bats test_tags=task:5_1,points:1
@test "5.1 fixed hint: a plain address hint never evicts a mapping" {
    fixed_trace hint
    trace_has "^mmap\(0x.., $PS, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x" \
        "mmap() with the address as a hint only (no MAP_FIXED*)"
    expect_line "mmap: placed elsewhere, not at the address asked for"
    expect_line "after:  A B C"
}

# --- 6.1 / 6.2 populate ------------------------------------------------------

# bats test_tags=task:6_1,points:2
@test "6.1 populate lazy: mmap() takes no fault, each first write takes one" {
    runp_native populate 200 lazy
    expect_status 0
    expect_eq "minor faults during mmap() (lazy)" 0 "$(field 'faults in mmap')"
    expect_eq "minor faults writing 200 fresh pages" 200 "$(field 'faults touching')"
}

# bats test_tags=task:6_2,points:2
@test "6.2 populate: MAP_POPULATE takes all 200 faults inside mmap()" {
    runp_native populate 200 populate
    expect_status 0
    expect_eq "minor faults during mmap(MAP_POPULATE)" 200 "$(field 'faults in mmap')"
    expect_eq "minor faults writing the populated pages" 0 "$(field 'faults touching')"
    traced populate 200 populate
    trace_has "^mmap\(NULL, $((200 * PS)), PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS\|MAP_POPULATE, -1, 0\)" \
        "mmap() with MAP_POPULATE"
}
