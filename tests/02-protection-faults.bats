#!/usr/bin/env bats
# Lab 02 - protection faults. Each test's name starts with its task id (TODO n.m
# in the lab's code); its tags give the task (task:1_2 is task 1.2) and the points.
# The programs that fault on purpose run natively (runp_native): valgrind
# reports every deliberate fault as an invalid access.

load lib/wb
setup_file() { lab_setup_file 02; }
setup() {
    lab_setup
    ulimit -c 0 # the deliberate crashes leave no core files
}

probe_why="the handler of probe.h did not report the fault and jump back (tasks 1.1 and 1.2)"
wtrack_why="its handler did not note the page and make it writable again (task 5.2)"
# What makes wtrack hang: the store faults again, the handler runs again, for ever.
wtrack_hangs="its handler returned without making the page writable again (mprotect() of that one page), so the store faulted again and again (task 5.2)"

# expect_output EXPECTED-FILE WHAT : $output, line by line, equals the file.
expect_output() {
    diff -u "$1" - <<<"$output" >"$BATS_TEST_TMPDIR/diff" && return 0
    fail "$(printf '%s: the output differs from what was expected (- expected, + got):\n%s' "$2" \
        "$(tail -n +3 "$BATS_TEST_TMPDIR/diff" | grep -E '^[-+]' | head -n 12)")"
}

# map_base LENGTH FLAGS-ERE : the address returned by the program's mmap() of
# LENGTH bytes (from the raw trace), as a decimal number; nothing if there is
# none (and status 0 all the same: `base=$(map_base ...)` must not end the test
# under bats' errexit before its `|| fail "..."` says what is missing).
map_base() {
    local hex
    hex=$(grep -E "^mmap\(NULL, $1, [^,]*, $2, " "$RAW_TRACE" | sed -En 's/.*\) = (0x[0-9a-f]+)$/\1/p' | tail -n 1)
    [[ -z $hex ]] || echo $((hex))
}

# si_addr SIG : the si_addr of the first SIG the trace shows, as a decimal number
# (nothing, status 0, if none).
si_addr() {
    local hex
    hex=$(sed -En "s/^--- $1 \{.*si_addr=(0x[0-9a-f]+)\} ---$/\1/p" "$RAW_TRACE" | head -n 1)
    [[ -z $hex ]] || echo $((hex))
}

# --- 1.1 / 1.2 probe ---------------------------------------------------------
# probe's pages: 0 rw-, 1 r--, 2 ---, 3 not mapped, 4 rw-. Pages 0 and 1 hold 'A'.

# bats test_tags=task:1_1,points:2
@test "1.1 probe installs one SA_SIGINFO handler for SIGSEGV and for SIGBUS, and checks sigaction()" {
    traced probe r:0
    expect_status 0
    for sig in SIGSEGV SIGBUS; do
        grep -Eq "^rt_sigaction\($sig, \{sa_handler=0x[^,]+, sa_mask=~?\[[^]]*\], sa_flags=[A-Z_|]*SA_SIGINFO" "$TRACE" ||
            fail "$(printf 'expected sigaction(%s, ...) with SA_SIGINFO in sa_flags (task 1.1);\nthe rt_sigaction() calls in the trace:\n%s' \
                "$sig" "$(grep '^rt_sigaction' "$TRACE" || echo '  (none)')")"
    done
    fails_well 1.1 rt_sigaction EINVAL '^rt_sigaction\(SIGSEGV, \{' probe r:0
    fails_well 1.1 rt_sigaction EINVAL '^rt_sigaction\(SIGBUS, \{' probe r:0
}

# bats test_tags=task:1_2,points:3
@test "1.2 probe: writing a read-only page or touching a PROT_NONE one gives SEGV_ACCERR" {
    local p1=$PS p2=$((2 * PS)) p4=$((4 * PS))
    runp_native probe r:0 w:0 r:"$p1" w:"$p1" r:"$p2" w:"$p2" r:"$p4"
    not_killed probe "$probe_why"
    expect_status 0
    cat >expected <<EOF
pages: 0 rw-, 1 r--, 2 ---, 3 not mapped, 4 rw- ($PS bytes each)
read  +0: ok 0x41
write +0: ok
read  +$p1: ok 0x41
write +$p1: SIGSEGV SEGV_ACCERR at +$p1
read  +$p2: SIGSEGV SEGV_ACCERR at +$p2
write +$p2: SIGSEGV SEGV_ACCERR at +$p2
read  +$p4: ok 0x45
faults: 3
EOF
    expect_output expected "probe r:0 w:0 r:$p1 w:$p1 r:$p2 w:$p2 r:$p4"
}

# bats test_tags=task:1_2,points:2
@test "1.2 probe: an address where nothing is mapped gives SEGV_MAPERR" {
    local p3=$((3 * PS)) p4=$((4 * PS))
    runp_native probe r:"$p3" w:$((p3 + 12)) r:$((p4 - 1)) r:"$p4"
    not_killed probe "$probe_why"
    expect_status 0
    expect_line "read  +$p3: SIGSEGV SEGV_MAPERR at +$p3"
    expect_line "write +$((p3 + 12)): SIGSEGV SEGV_MAPERR at +$((p3 + 12))"
    expect_line "read  +$((p4 - 1)): SIGSEGV SEGV_MAPERR at +$((p4 - 1))"
    expect_line "read  +$p4: ok 0x45"
    expect_line "faults: 3"
}

# bats test_tags=task:1_2,points:3
@test "1.2 probe reports the exact byte of 30 random faults and goes on after each" {
    local -a ops=()
    RANDOM=2024 # the same "random" accesses on every run
    printf 'pages: 0 rw-, 1 r--, 2 ---, 3 not mapped, 4 rw- (%s bytes each)\n' "$PS" >expected
    for _ in $(seq 30); do
        local off=$((PS + (RANDOM * 32768 + RANDOM) % (3 * PS))) op=$((RANDOM % 2)) page
        page=$((off / PS))
        if ((op == 0)); then ops+=("r:$off"); printf 'read  +%d: ' "$off"; else ops+=("w:$off"); printf 'write +%d: ' "$off"; fi
        if ((page == 1 && op == 0)); then echo "ok 0x41"
        elif ((page == 3)); then echo "SIGSEGV SEGV_MAPERR at +$off"
        else echo "SIGSEGV SEGV_ACCERR at +$off"; fi
    done >>expected
    echo "faults: $(grep -c SIGSEGV expected)" >>expected
    runp_native probe "${ops[@]}"
    not_killed probe "$probe_why"
    expect_status 0
    expect_output expected "probe with 30 accesses to pages 1 to 3"
}

# bats test_tags=task:1_2,points:2
@test "1.2 the handler reports with write(2) while it runs, not through stdio" {
    local off=$((PS + 904))
    traced probe w:"$off" r:0
    not_killed probe "$probe_why"
    expect_status 0
    expect_line "write +$off: SIGSEGV SEGV_ACCERR at +$off"
    # The system calls from the signal's delivery to the next call that is not
    # a write() are the handler's: they must write the report.
    local said
    said=$(awk '/^--- SIGSEGV/ { on = 1; next } on && /^write\([12], / { print; next } on { exit }' "$TRACE")
    [[ $said == *ACCERR* ]] ||
        fail "$(printf 'expected the handler to write its report itself with write(2) (say()), before it jumps back;\nafter the signal the trace has:\n%s' \
            "$(sed -n '/^--- SIGSEGV/,+3p' "$TRACE")")"
    # Each write() made with probe_handler on the stack (strace -k shows it) must
    # be called by the program's own code, as say() does: one called from inside
    # libc (printf, then fflush) went through stdio, which is not async-signal-safe.
    run timeout -k 1 20 strace -qq -k -e trace=write -e signal=none -o stacks "$BIN/probe" w:"$off" r:0
    expect_status 0
    local stdio
    stdio=$(awk '
        function out() { if (handler && n > 2) print entry; n = 0; handler = 0; inprog = 0 }
        !/^ > / { out(); next }
        $2 ~ /^\/([^(]*\/)?probe\(/ { if (!inprog) inprog = n + 1; if (index($2, "(probe_handler+")) handler = 1; next }
        !inprog { n++; entry = $2 }
        END { out() }' stacks | sed -E 's/.*\((.*)\+0x.*/\1/' | sort -u | paste -sd,)
    [[ -z $stdio ]] ||
        fail "the handler writes its report through stdio: its write(2) comes from libc's $stdio, not from the program's code. Inside a signal handler only async-signal-safe calls are allowed: say() and say_offset(), never printf() or fflush() (task 1.2)"
}

# bats test_tags=task:1_2,points:2
@test "1.2 si_addr is the very byte touched; without a handler (-n) the fault kills: status 139" {
    local off=$((PS + 904))
    traced probe w:"$off"
    not_killed probe "$probe_why"
    expect_status 0
    expect_line "write +$off: SIGSEGV SEGV_ACCERR at +$off"
    local base addr
    base=$(map_base $((5 * PS)) 'MAP_PRIVATE\|MAP_ANONYMOUS')
    addr=$(si_addr SIGSEGV)
    [[ -n $base && -n $addr ]] || fail "expected probe's mmap() and a SIGSEGV in the trace"
    expect_eq "the kernel's si_addr, as an offset into probe's mapping" "$off" $((addr - base))
    runp_native probe -n w:"$off"
    expect_status 139
    traced probe -n w:"$off"
    trace_has '^--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x..\} ---$' \
        "the kernel to deliver SIGSEGV with si_code SEGV_ACCERR"
}

# The handler's SIGBUS report, on its own: a driver of probe.h (the test's
# main()) maps two pages of a 100-byte file, shared, and makes its accesses
# with probe_op(): the second page is wholly past the end of the file.
probe_bus_driver='
#include "probe.h"
int main(int argc, char **argv)
{
    char r[32], w[32];
    size_t ps = page_size();
    int fd = open(argv[argc - 1], O_RDWR);
    probe_base = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (fd < 0 || probe_base == MAP_FAILED)
        die("%s", argv[argc - 1]);
    probe_install();
    snprintf(r, sizeof r, "r:%zu", ps);
    snprintf(w, sizeof w, "w:%zu", ps + 5);
    probe_op(r);
    probe_op(w);
    probe_op("r:0");
    return 0;
}'

# bats test_tags=task:1_2,points:1
@test "1.2 the handler reports SIGBUS too: a page past the end of a file gives SIGBUS BUS_ADRERR at the exact byte" {
    make_file f 100 a
    with_input probe.h "$probe_bus_driver"
    run_driver f
    not_killed probe.h "$probe_why"
    expect_ok 1.2
    cat >expected <<EOF
read  +$PS: SIGBUS BUS_ADRERR at +$PS
write +$((PS + 5)): SIGBUS BUS_ADRERR at +$((PS + 5))
read  +0: ok 0x61
EOF
    expect_output expected "probe_op() on two shared pages of a 100-byte file (the handler's report of a SIGBUS, task 1.2)"
}

# --- 2.1 / 2.2 eofmap ---------------------------------------------------------
# The file: one page and 100 bytes of 'f' (0x66), mapped over three pages.
# eofmap runs with -n (no handler) here: its faults are seen in the trace, and
# a mistake in probe.h (tasks 1.1, 1.2) costs no points of tasks 2.1 and 2.2.

eof_file() {
    make_file f $((PS + 100)) f
    cp f orig
}

# eof_sigbus OFFSET OPS... : `eofmap -n f OPS...` dies of SIGBUS BUS_ADRERR at
# OFFSET of its mapping (the last of OPS), as the trace shows.
eof_sigbus() {
    local want=$1 base addr; shift
    traced eofmap -n f "$@"
    expect_status 135 "2.1: the access at +$want must raise SIGBUS"
    trace_has '^--- SIGBUS \{si_signo=SIGBUS, si_code=BUS_ADRERR, si_addr=0x..\} ---$' \
        "the kernel to deliver SIGBUS with si_code BUS_ADRERR (eofmap -n f $*)"
    base=$(map_base $((3 * PS)) 'MAP_SHARED(_VALIDATE)?')
    addr=$(si_addr SIGBUS)
    [[ -n $base && -n $addr ]] || fail "expected eofmap's shared mmap() of $((3 * PS)) bytes and a SIGBUS in the trace (task 2.1)"
    expect_eq "si_addr of the SIGBUS, as an offset into the mapping (eofmap -n f $*)" "$want" $((addr - base))
}

# bats test_tags=task:2_1,points:2
@test "2.1 eofmap: past EOF in the last page bytes read 0, and stores there never reach the file" {
    eof_file
    runp eofmap -n f r:$((PS + 99)) r:$((PS + 100)) r:$((2 * PS - 1)) w:$((PS + 100)) w:$((2 * PS - 1))
    not_killed eofmap "the bytes past the end of the file in its last page must be there (task 2.1: map three pages, shared)"
    expect_status 0
    cat >expected <<EOF
file size $((PS + 100)), mapped $((3 * PS)) bytes
read  +$((PS + 99)): ok 0x66
read  +$((PS + 100)): ok 0x00
read  +$((2 * PS - 1)): ok 0x00
write +$((PS + 100)): ok
write +$((2 * PS - 1)): ok
file size $((PS + 100))
EOF
    expect_output expected "eofmap on a file of $((PS + 100)) bytes"
    expect_same_file orig f "the file after eofmap stored past its end"
}

# bats test_tags=task:2_1,points:3
@test "2.1 eofmap: a page wholly past EOF gives SIGBUS BUS_ADRERR at the exact byte" {
    eof_file
    eof_sigbus $((2 * PS)) r:0 r:$((2 * PS))
    expect_line "read  +0: ok 0x66"
    eof_sigbus $((2 * PS + 1)) w:$((2 * PS + 1))
    eof_sigbus $((3 * PS - 1)) r:$((3 * PS - 1))
    expect_same_file orig f "the file after eofmap"
}

# bats test_tags=task:2_1,points:2
@test "2.1 eofmap maps the file MAP_SHARED, three pages, readable and writable; a failed mmap() is reported" {
    eof_file
    traced eofmap -n f r:0
    expect_status 0
    local map
    map=$(mmap_of f)
    grep -Eq "^mmap\(NULL, $((3 * PS)), PROT_READ\|PROT_WRITE, MAP_SHARED(_VALIDATE)?(\|MAP_[A-Z_]+)*, [0-9]+, 0\) = 0x" <<<"$map" ||
        fail "$(printf 'expected mmap(NULL, %s, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) of the file (task 2.1); its mmap() was:\n%s' \
            $((3 * PS)) "${map:-(none of the file)}")"
    fails_well 2.1 mmap ENOMEM ', [3-9][0-9]*, 0\)' eofmap -n f r:0
}

# bats test_tags=task:2_2,points:3
@test "2.2 eofmap: once ftruncate() grows the file, that page reads 0 and a store reaches the file" {
    eof_file
    runp eofmap -n f t:$((3 * PS)) r:$((2 * PS)) w:$((2 * PS + 10))
    not_killed eofmap "once the file is 3 pages long, its third page must be there (task 2.2: ftruncate() the file)"
    expect_status 0
    cat >expected <<EOF
file size $((PS + 100)), mapped $((3 * PS)) bytes
truncate to $((3 * PS)): ok
read  +$((2 * PS)): ok 0x00
write +$((2 * PS + 10)): ok
file size $((3 * PS))
EOF
    expect_output expected "eofmap -n f t:$((3 * PS)) r:$((2 * PS)) w:$((2 * PS + 10))"
    cp orig want
    truncate -s $((3 * PS)) want
    printf W | dd of=want bs=1 seek=$((2 * PS + 10)) conv=notrunc status=none
    expect_same_file want f "the file (grown to 3 pages, 'W' at $((2 * PS + 10)))"
    fails_well 2.2 ftruncate EFBIG '^ftruncate\(' eofmap -n f t:$((3 * PS)) r:0
}

# bats test_tags=task:2_2,points:2
@test "2.2 eofmap: shrinking the file under the mapping brings SIGBUS back" {
    eof_file
    runp eofmap -n f t:$((3 * PS)) w:$((2 * PS)) w:"$PS" t:$((PS + 100)) r:$((PS + 100)) r:"$PS"
    not_killed eofmap "the file's last page is still there after it shrinks back (task 2.2)"
    expect_status 0
    cat >expected <<EOF
file size $((PS + 100)), mapped $((3 * PS)) bytes
truncate to $((3 * PS)): ok
write +$((2 * PS)): ok
write +$PS: ok
truncate to $((PS + 100)): ok
read  +$((PS + 100)): ok 0x00
read  +$PS: ok 0x57
file size $((PS + 100))
EOF
    expect_output expected "eofmap: grow to 3 pages, store, shrink back"
    cp orig want
    printf W | dd of=want bs=1 seek="$PS" conv=notrunc status=none
    expect_same_file want f "the file (its old size again, 'W' at $PS)"
    eof_file
    eof_sigbus $((2 * PS)) t:$((3 * PS)) w:$((2 * PS)) t:$((PS + 100)) r:$((2 * PS))
    expect_line "truncate to $((PS + 100)): ok"
}

# --- 3.1 / 3.2 mprot ----------------------------------------------------------

# bats test_tags=task:3_1,points:2
@test "3.1 mprot lists the one VMA of a fresh mapping from /proc/self/maps" {
    for pages in 8 1; do
        runp mprot "$pages"
        expect_status 0
        printf 'mapped %s pages, rw-p\n  pages 0-%s  rw-p\n  (1 VMA)\n' "$pages" $((pages - 1)) >expected
        expect_output expected "mprot $pages"
    done
    fails_well 3.1 openat EACCES '"/proc/self/maps"' mprot 8
}

# bats test_tags=task:3_2,points:2
@test "3.2 mprot: mprotect() of three pages in the middle splits the VMA in three" {
    runp mprot 8 2:3:r
    expect_status 0
    cat >expected <<EOF
mapped 8 pages, rw-p
  pages 0-7  rw-p
  (1 VMA)
mprotect pages 2-4 r
  pages 0-1  rw-p
  pages 2-4  r--p
  pages 5-7  rw-p
  (3 VMAs)
EOF
    expect_output expected "mprot 8 2:3:r"
    traced mprot 8 2:3:r
    local base
    base=$(map_base $((8 * PS)) 'MAP_PRIVATE\|MAP_ANONYMOUS')
    [[ -n $base ]] || fail "expected mprot's mmap() of 8 pages in the trace"
    grep -q "^mprotect($(printf '0x%x' $((base + 2 * PS))), $((3 * PS)), PROT_READ) = 0" "$RAW_TRACE" ||
        fail "$(printf 'expected mprotect(<page 2>, %d, PROT_READ) = 0; the trace has:\n%s' $((3 * PS)) \
            "$(grep '^mprotect' "$TRACE" | tail -n 3)")"
    fails_well 3.2 mprotect ENOMEM ", $((3 * PS)), PROT_READ\\)" mprot 8 2:3:r
}

# bats test_tags=task:3_2,points:2
@test "3.2 mprot: at an edge the VMA splits in two; the old protection back, it is one again" {
    runp mprot 8 0:1:none 7:1:r 0:1:rw 7:1:rw
    expect_status 0
    cat >expected <<EOF
mapped 8 pages, rw-p
  pages 0-7  rw-p
  (1 VMA)
mprotect pages 0-0 none
  pages 0-0  ---p
  pages 1-7  rw-p
  (2 VMAs)
mprotect pages 7-7 r
  pages 0-0  ---p
  pages 1-6  rw-p
  pages 7-7  r--p
  (3 VMAs)
mprotect pages 0-0 rw
  pages 0-6  rw-p
  pages 7-7  r--p
  (2 VMAs)
mprotect pages 7-7 rw
  pages 0-7  rw-p
  (1 VMA)
EOF
    expect_output expected "mprot 8 0:1:none 7:1:r 0:1:rw 7:1:rw"
}

# --- 4.1 / 4.2 / 4.3 guard ----------------------------------------------------
# Each fault is the last access of its own run, seen in the trace: the handler
# of probe.h reports it and guard exits 0, or, if tasks 1.1 and 1.2 are not
# done yet, guard dies of it; either way tasks 4.x are graded on the fault.

# guard_fault AT OPS... : `guard OPS...` (SIZE WHERE ACCESSES) faults first
# with SIGSEGV SEGV_ACCERR at byte AT of its mapping (AT < 0: from its end).
guard_fault() {
    local at=$1 len base addr; shift
    len=$((($1 + PS - 1) / PS * PS + PS))
    traced guard "$@"
    [[ $status == 0 || $status == 139 ]] || expect_status 0 "4.x: guard $*"
    base=$(map_base "$len" 'MAP_PRIVATE\|MAP_ANONYMOUS')
    addr=$(si_addr SIGSEGV)
    [[ -n $base ]] || fail "expected guard $1 $2 to map $len bytes (the buffer's pages and the guard page; task 4.1 or 4.2)"
    [[ -n $addr ]] || fail "$(printf 'expected guard %s to fault at its last access, with SIGSEGV; it did not. Its output:\n%s' "$*" "$output")"
    ((at >= 0)) || at=$((len + at))
    expect_eq "the first fault of 'guard $*', as an offset into its mapping of $len bytes" "$at" $((addr - base))
    trace_has '^--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x..\} ---$' \
        "the fault of 'guard $*' to be SEGV_ACCERR (the guard page is mapped PROT_NONE)"
}

# bats test_tags=task:4_1,points:3
@test "4.1 guard after: the byte right after the buffer faults at once, at exactly +SIZE" {
    for size in 100 "$PS" 5000; do
        runp guard "$size" after r:$((size - 1)) w:0 w:$((size - 1))
        expect_status 0
        cat >expected <<EOF
buf: $size bytes, guard page after, buf % $PS = $(((PS - size % PS) % PS))
read  +$((size - 1)): ok 0x42
write +0: ok
write +$((size - 1)): ok
EOF
        expect_output expected "guard $size after"
        guard_fault -"$PS" "$size" after w:0 w:"$size"
        guard_fault -1 "$size" after r:$((size + PS - 1))
    done
    fails_well 4.1 mmap ENOMEM ", $((2 * PS)), PROT_[A-Z_|]+, MAP_PRIVATE\\|MAP_ANONYMOUS" guard 100 after w:0
    fails_well 4.1 mprotect ENOMEM '^mprotect\(' guard 100 after w:0
}

# bats test_tags=task:4_2,points:3
@test "4.2 guard before: buf[-1] faults at once, at exactly -1; buf starts a page" {
    runp guard 5000 before w:0 w:4999 w:5000
    expect_status 0
    cat >expected <<EOF
buf: 5000 bytes, guard page before, buf % $PS = 0
write +0: ok
write +4999: ok
write +5000: ok
EOF
    expect_output expected "guard 5000 before"
    guard_fault $((PS - 1)) 5000 before w:0 w:-1
    guard_fault 0 5000 before r:-"$PS"
    fails_well 4.2 mprotect ENOMEM '^mprotect\(' guard 100 before w:0
}

# bats test_tags=task:4_3,points:2
@test "4.3 guard_free() unmaps exactly what guard_alloc() mapped" {
    local len=$(((5000 + PS - 1) / PS * PS + PS)) base
    for where in after before; do
        traced guard 5000 "$where" w:0 w:4999
        expect_status 0
        base=$(map_base "$len" 'MAP_PRIVATE\|MAP_ANONYMOUS')
        [[ -n $base ]] || fail "expected guard $where to map $len bytes (two pages for 5000 bytes, and the guard)"
        grep -q "^munmap($(printf '0x%x' "$base"), $len) = 0" "$RAW_TRACE" ||
            fail "$(printf 'expected munmap() of the %d bytes mapped (guard %s); the trace ends:\n%s' "$len" "$where" \
                "$(tail -n 4 "$TRACE")")"
    done
    runp guard 100 before w:0 w:99 # and once under valgrind, with make test
    expect_status 0
    fails_well 4.3 munmap EINVAL ", $((2 * PS))\\)" guard 100 before w:0
}

# --- 5.1 / 5.2 wtrack ---------------------------------------------------------

# bats test_tags=task:5_1,points:2
@test "5.1 wtrack makes the whole region read-only at the start and at each checkpoint" {
    local WB_TIMEOUT_WHY=$wtrack_hangs
    traced wtrack 16 w:0 c w:"$PS"
    not_killed wtrack "$wtrack_why"
    expect_status 0
    local base n
    base=$(map_base $((16 * PS)) 'MAP_PRIVATE\|MAP_ANONYMOUS')
    [[ -n $base ]] || fail "expected wtrack's mmap() of 16 pages in the trace"
    n=$(grep -c "^mprotect($(printf '0x%x' "$base"), $((16 * PS)), PROT_READ) = 0" "$RAW_TRACE") || true
    expect_eq "mprotect(region, $((16 * PS)), PROT_READ) calls (start and 1 checkpoint)" 2 "$n"
    fails_well 5.1 mprotect ENOMEM ", $((16 * PS)), PROT_READ\\)" wtrack 16 w:0 c w:"$PS"
}

# bats test_tags=task:5_2,points:4
@test "5.2 wtrack reports exactly the pages written, in any order, one signal each" {
    local -a ops=()
    local -A written=()
    RANDOM=7
    for _ in $(seq 120); do
        local off=$(((RANDOM * 32768 + RANDOM) % (64 * PS)))
        if ((RANDOM % 3)); then ops+=("w:$off"); written[$((off / PS))]=1; else ops+=("r:$off"); fi
    done
    local WB_TIMEOUT_WHY=$wtrack_hangs
    runp_native wtrack 64 "${ops[@]}"
    not_killed wtrack "$wtrack_why"
    expect_status 0
    local want
    want=$(printf '%s\n' "${!written[@]}" | sort -n | tr '\n' ' ')
    expect_eq "dirty pages after 120 random accesses" "${want% }" "$(sed -n 's/^dirty pages: //p' <<<"$output")"
    expect_eq "signals (one per page written)" "${#written[@]}" "$(field signals)"
}

# bats test_tags=task:5_2,points:2
@test "5.2 wtrack: each checkpoint reports only the pages written since the one before" {
    local WB_TIMEOUT_WHY=$wtrack_hangs
    runp_native wtrack 16 w:0 w:$((PS + 5)) w:7 c w:"$PS" r:$((2 * PS)) w:$((3 * PS)) w:$((3 * PS)) c r:0
    not_killed wtrack "$wtrack_why"
    expect_status 0
    expect_eq "dirty pages of the three rounds" "0 1|1 3|(none)" \
        "$(sed -n 's/^dirty pages: //p' <<<"$output" | paste -sd '|')"
    expect_eq "signals of the three rounds" "2|2|0" "$(sed -n 's/^signals: //p' <<<"$output" | paste -sd '|')"
}

# bats test_tags=task:5_2,points:2
@test "5.2 wtrack: on fresh memory each page written costs one minor fault, each page read one" {
    local -a ops=()
    for p in 1 3 5 7 9 11 13 15 17 19; do ops+=("w:$((p * PS + 8))" "w:$((p * PS))"); done
    for p in 20 22 24 26 28; do ops+=("r:$((p * PS))" "r:$((p * PS + 1))"); done
    local WB_TIMEOUT_WHY=$wtrack_hangs
    runp_native wtrack 32 "${ops[@]}"
    not_killed wtrack "$wtrack_why"
    expect_status 0
    expect_eq "dirty pages" "1 3 5 7 9 11 13 15 17 19" "$(sed -n 's/^dirty pages: //p' <<<"$output")"
    expect_eq "signals" 10 "$(field signals)"
    expect_eq "minor faults (10 pages written, 5 read)" 15 "$(field 'minor faults')"
}

# bats test_tags=task:5_2,points:1
@test "5.2 wtrack: a fault outside the region still kills the program (status 139)" {
    # shellcheck disable=SC2034 # read by runp and traced (tests/lib/wb.bash)
    local WB_TIMEOUT_WHY=$wtrack_hangs
    runp_native wtrack 4 w:0
    not_killed wtrack "$wtrack_why"
    expect_status 0
    expect_line "dirty pages: 0"
    traced wtrack 4 w:0 null
    expect_status 139
    # It must die of the fault at NULL itself, the handler touching nothing: not
    # of a second fault of the handler's own (dirty[] indexed by a wild address),
    # and with no mprotect() for an address that is not the region's.
    local after others
    after=$(sed -n '/^--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---$/,$p' "$RAW_TRACE")
    [[ -n $after ]] || fail "expected the store to NULL to raise SIGSEGV with SEGV_MAPERR at NULL (task 5.1 first?)"
    others=$(grep -E '^--- SIG' <<<"$after" | grep -vxF -- "$(head -n 1 <<<"$after")" | head -n 2)
    [[ -z $others ]] || fail "$(printf 'the handler faulted itself while handling the fault at NULL (it must leave a fault outside the region alone: check si_code is SEGV_ACCERR and the address is inside the region before using it):\n%s' "$others")"
    ! grep -Eq '^mprotect\(' <<<"$after" ||
        fail "$(printf 'the handler called mprotect() for the fault at NULL, outside the region: check si_code and the address first:\n%s' "$(grep -E '^mprotect\(' <<<"$after" | head -n 2)")"
}
