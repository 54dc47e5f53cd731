#!/usr/bin/env bats
# Lab 07 - read() or mmap()? Each test's name starts with its task id (TODO n.m
# in the lab's code); its tags give the task (task:2_1 is task 2.1) and the
# points. Everything graded here is exact: checksums and file bytes, the
# system calls in a trace, and the kernel's own counts (/proc/self/io, major
# faults of a cold file with MADV_RANDOM, faults after MAP_POPULATE). Timings
# are for the benchmark (make bench LAB=07), never for a test.
#
# A cold file (no page in the page cache) needs a disk file system: tmpfs has
# no disk to fetch pages from, so its pages never leave memory and read_bytes
# stays 0. The tests that need one make their file in a directory where a
# file really can be made cold (disk_dir below), the test's own directory
# when it is on a disk (ext4 here): the same verdict on every machine.

load lib/wb
setup_file() {
    lab_setup_file 07
    # tests/lib/07-read-vs-mmap-short.c, preloaded into fcopy (short_copy below).
    # (In the grader's sandbox the student's programs load it: their group's.)
    make -s -C "$WB_ROOT" TEST_BIN="$BATS_FILE_TMPDIR" "$BATS_FILE_TMPDIR/07-read-vs-mmap-short.so" \
        >"$BATS_FILE_TMPDIR/short.log" 2>&1 && chmod 0750 "$BATS_FILE_TMPDIR/07-read-vs-mmap-short.so"
}
setup() { lab_setup; }
teardown() {
    # A directory made outside the test's own (see disk_dir) is ours to remove.
    if [[ -n ${DISK:-} && $DISK != "$BATS_TEST_TMPDIR"/* ]]; then rm -rf "$DISK"; fi
    lab_teardown
}

# wsum FILE : the checksum the readers must print: the sum of the file's
# 64-bit little-endian words, the last one padded with zero bytes, modulo
# 2^64 (perl's `use integer` wraps around the same way).
wsum() {
    perl -e 'use integer; local $/; my $d = <STDIN>; $d .= "\0" x ((8 - length($d) % 8) % 8);
             my $s = 0; $s += $_ for unpack("q<*", $d); printf "%016x\n", $s' <"$1"
}

# make_cold FILE : write back and drop FILE's pages with dd (coreutils'
# posix_fadvise(POSIX_FADV_DONTNEED), not the lab's evict), and check with
# incore (mincore) that none is left in the page cache.
make_cold() {
    built incore || return 1
    dd if=/dev/null of="$1" oflag=nocache conv=notrunc,fdatasync count=0 status=none &&
        [[ $("$BIN/incore" "$1") == *": 0 of "* ]]
}

# disk_dir : DISK = a new directory where a file can be made cold: the test's
# own directory if it is on a disk, else /var/tmp or the build directory.
disk_dir() {
    local d
    for d in "$PWD" /var/tmp "$WB_ROOT/build"; do
        [[ -d $d && -w $d ]] || continue
        DISK=$(mktemp -d "$d/cold.XXXXXX" 2>/dev/null) || continue
        chmod g+rwx "$DISK" # (the student's programs may be of its group: tests/lib/wb.bash)
        head -c 65536 /dev/zero >"$DISK/probe"
        if make_cold "$DISK/probe"; then
            rm -f "$DISK/probe"
            return 0
        fi
        [[ $DISK == "$BATS_TEST_TMPDIR"/* ]] || rm -rf "$DISK"
    done
    DISK=""
    fail "no directory on a disk file system found ($BATS_TEST_TMPDIR, /var/tmp and $WB_ROOT/build are all in memory): run the tests with TMPDIR set to a directory on a disk"
}

# cold_file NAME SIZE : a file of SIZE bytes in $DISK, made cold.
cold_file() {
    make_file "$DISK/$1" "$2" c
    make_cold "$DISK/$1" || fail "could not make $1 cold: $("$BIN/incore" "$DISK/$1")"
}

# fd_of NAME [FLAGS] : the descriptor openat() returned for the file NAME.
fd_of() {
    local fd
    fd=$(sed -nE "s/^openat\(AT_FDCWD, \"([^\"]*\/)?$1\", ${2:-O_RDONLY}[^)]*\) = ([0-9]+)\$/\2/p" "$TRACE" | tail -n 1)
    [[ -n $fd ]] || fail "expected the program to open $1 (openat ... ${2:-O_RDONLY}); the trace has: $(trace_summary)"
    printf '%s\n' "$fd"
}

# fd_part FD : the program's part of the trace from the openat() that
# returned FD to its close().
fd_part() {
    trace_main | awk -v fd="$1" '
        /^openat\(/ && $NF == fd { on = 1 }
        on { print }
        on && $0 ~ "^close\\(" fd "\\)" { on = 0 }'
}

# only_calls FD ALLOWED WHAT : every system call on FD while it is open (its
# first argument, or mmap()'s fifth) is one of ALLOWED (an ERE of names).
only_calls() {
    local bad
    bad=$(fd_part "$1" | grep -E "^[a-z0-9_]+\($1, |^mmap\([^,]*, [^,]*, [^,]*, [^,]*, $1, " |
        grep -Ev "^($2)\(" | head -n 3) || true
    [[ -z $bad ]] && return 0
    fail "$(printf 'expected %s\nbut the trace has:\n%s' "$3" "$bad")"
}

# read_sizes FD : "ASKED GOT" for each read() or pread() of FD, in order.
read_sizes() {
    fd_part "$1" | grep -E "^(read|pread64)\($1, " |
        sed -E 's/^pread64(.*), ([0-9]+), [0-9]+\) = (-?[0-9]+).*/\2 \3/; s/^read.*, ([0-9]+)\) = (-?[0-9]+).*/\1 \2/'
}

# injected SYSCALL N ERRNO PROG ARGS... : run PROG with its Nth SYSCALL made
# to fail with ERRNO (strace's fault injection); $status, $output.
injected() {
    local sc=$1 n=$2 err=$3 prog=$BIN/$4
    shift 4
    [[ $n =~ ^[0-9]+$ ]] || fail "expected a $sc() call to make fail (is the task done?)"
    run timeout -k 1 20 strace -qq -o /dev/null -e trace="$sc" -e inject="$sc:error=$err:when=$n" "$prog" "$@"
}

# nth SYSCALL ERE : the number of the first SYSCALL line of the last trace
# that matches ERE and comes after the loader's part, counting that system
# call's lines from the start of the trace (as strace's when= does).
nth() {
    awk -v sc="$1(" -v re="$2" '
        index($0, sc) == 1 { n++ }
        /libc\.so/ { libc = 1 }
        libc && /^munmap\(/ { main = 1 }
        main && index($0, sc) == 1 && $0 ~ re { print n; exit }' "$TRACE"
}

# --- 1 where the bytes go ----------------------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 rsum: the checksum of files of several sizes, whatever the buffer size" {
    local size buf want
    for size in 100 $((3 * PS + 5)) $((16 * PS)); do
        make_file data "$size"
        want=$(wsum data)
        for buf in 7 1000 1048576; do
            # 7-byte reads of the large file: 9000 calls, slow under valgrind
            ((buf != 7 || size < 4 * PS)) || continue
            runp rsum data "$buf"
            expect_status 0 1.1
            expect_eq "rsum's sum of a $size-byte file with BUFSIZE $buf (task 1.1)" "$want" "$(field sum)"
            expect_eq "rsum's bytes read, $size-byte file, BUFSIZE $buf (task 1.1)" "$size" "$(field bytes)"
        done
    done
}

# bats test_tags=task:1_1,points:2
@test "1.1 rsum: ceil(size / BUFSIZE) read() calls of BUFSIZE bytes (and one at the end of the file)" {
    local size=$((10 * PS + 100)) buf fd want n asked line
    make_file data "$size"
    for buf in "$PS" 1000 65536; do
        traced rsum data "$buf"
        expect_status 0 1.1
        fd=$(fd_of data)
        want=$(((size + buf - 1) / buf))
        n=$(read_sizes "$fd" | wc -l)
        ((n == want || n == want + 1)) ||
            fail "expected $want read() calls of the file with BUFSIZE $buf (one more, returning 0, is fine), got $n (task 1.1)"
        while read -r asked _; do
            ((asked == buf)) ||
                fail "expected each read() to ask for BUFSIZE = $buf bytes, one asked for $asked (task 1.1)"
        done < <(read_sizes "$fd")
        line=$(field 'read calls')
        expect_eq "the count rsum prints (read calls: N of $buf bytes) (task 1.1)" "$n of $buf bytes" "$line"
    done
    only_calls "$fd" 'read|pread64|fstat|newfstatat|statx|fadvise64|readahead|close' \
        "only read() calls on the file (no mmap: this is the read() reader) (task 1.1)"
}

# bats test_tags=task:1_1,points:1
@test "1.1 rsum: refuses a buffer of 0 bytes and bad input, and reports a failed read()" {
    make_file data $((2 * PS))
    runp rsum data 0
    expect_status 1 "1.1: a read() of 0 bytes returns 0, which looks like the end of the file"
    [[ $output == *BUFSIZE* ]] || fail "expected a message that names BUFSIZE, got: $output"
    local args
    for args in "data x" "data -4" "nosuch 4096" ". 4096"; do
        # shellcheck disable=SC2086 # two words on purpose
        runp rsum $args
        ((status != 0)) && [[ -n $output ]] ||
            fail "expected rsum $args to fail with a message, got status $status: $output"
    done
    : >empty
    runp rsum empty 4096
    expect_status 1 1.1
    traced rsum data 4096
    local n sc fd
    fd=$(fd_of data)
    sc=$(fd_part "$fd" | grep -oE -m1 "^(read|pread64)\($fd, " | cut -d'(' -f1) ||
        fail "expected a read() of the file (task 1.1)"
    n=$(nth "$sc" "^$sc\($fd, ")
    injected "$sc" "$n" EIO rsum data 4096
    expect_status 1 "1.1: the first read() of the file failed with EIO"
    [[ $output == *EIO* ]] || fail "expected a message with the error (EIO) of the failed read(), got: $output (task 1.1)"
}

# bats test_tags=task:1_2,points:2
@test "1.2 msum: the same checksum as rsum, through a mapping" {
    local size want
    for size in 8 100 $((3 * PS + 5)) $((16 * PS)); do
        make_file data "$size"
        want=$(wsum data)
        runp msum data
        expect_status 0 1.2
        expect_eq "msum's sum of a $size-byte file (task 1.2)" "$want" "$(field sum)"
    done
}

# bats test_tags=task:1_2,points:2
@test "1.2 msum maps the whole file read-only and never read()s it" {
    local size=$((5 * PS + 3)) fd
    make_file data "$size"
    traced msum data
    expect_status 0 1.2
    main_has "^mmap\(NULL, $size, PROT_READ, MAP_(PRIVATE|SHARED), [0-9]+, 0\) = 0x" \
        "one mmap() of the whole file: mmap(NULL, $size, PROT_READ, MAP_PRIVATE, fd, 0) (task 1.2)"
    fd=$(fd_of data)
    only_calls "$fd" 'mmap|fstat|newfstatat|statx|fadvise64|close' \
        "after openat() of the file only fstat(), mmap() and close() on it: no read() (task 1.2)"
}

# bats test_tags=task:1_2,points:1
@test "1.2 msum refuses an empty file and reports a failed mmap()" {
    : >empty
    traced msum empty
    expect_status 1 "1.2: an empty file cannot be mapped"
    [[ $output == *empty* ]] || fail "expected a message that says the file is empty, got: $output (task 1.2)"
    trace_lacks '^mmap\(NULL, 0, ' "no mmap() of 0 bytes: it fails with EINVAL; say that the file is empty instead (task 1.2)"
    make_file data $((2 * PS))
    traced msum data
    local n
    n=$(nth mmap "^mmap\(NULL, $((2 * PS)), PROT_READ, [^,]*, $(fd_of data), 0\)")
    [[ -n $n ]] || fail "expected an mmap() of the file (task 1.2)"
    injected mmap "$n" ENOMEM msum data
    expect_status 1 "1.2: mmap() of the file failed with ENOMEM"
    [[ $output == *ENOMEM* ]] || fail "expected a message with the error (ENOMEM) of the failed mmap(), got: $output (task 1.2)"
}

# --- 2 counting it exactly ---------------------------------------------------

# bats test_tags=task:2_1,points:2
@test "2.1 rchar: read() copies the file's size to the process, a mapping copies nothing" {
    local size=$((64 * PS))
    make_file data "$size"
    cat data >/dev/null # in the page cache: this test is about the copy, not the disk
    runp_native rsum data 4096
    expect_status 0 1.1
    expect_eq "rchar of rsum (bytes read() copied out of the page cache) (task 2.1)" "$size" "$(field rchar)"
    expect_eq "syscr of rsum (its read() calls) (task 2.1)" "$(field 'read calls' | cut -d' ' -f1)" "$(field syscr)"
    runp_native msum data
    expect_status 0 1.2
    expect_eq "rchar of msum (task 2.1)" 0 "$(field rchar)"
    expect_eq "syscr of msum (task 2.1)" 0 "$(field syscr)"
    runp_native fcopy data copy rw 4096
    if ((status == 0)) && cmp -s data copy; then # task 4.1 done
        expect_eq "wchar of fcopy rw (task 2.1)" "$size" "$(field wchar)"
    fi
}

# bats test_tags=task:2_1,points:2
@test "2.1 read_bytes: cold, read() and the mapping fetch the same bytes from the disk" {
    disk_dir
    local size=$((256 * PS))
    cold_file data "$size"
    runp_native rsum "$DISK/data" 65536
    expect_status 0 1.1
    expect_eq "read_bytes of rsum on a cold file of $size bytes (task 2.1)" "$size" "$(field read_bytes)"
    expect_eq "rchar of rsum on the cold file (task 2.1)" "$size" "$(field rchar)"
    make_cold "$DISK/data" || fail "could not make the file cold again"
    runp_native msum "$DISK/data"
    expect_status 0 1.2
    expect_eq "read_bytes of msum on a cold file of $size bytes (task 2.1)" "$size" "$(field read_bytes)"
    expect_eq "rchar of msum on the cold file (task 2.1)" 0 "$(field rchar)"
}

# bats test_tags=task:2_2,points:2
@test "2.2 msum random: with MADV_RANDOM, one major fault per page of a cold file" {
    disk_dir
    local pages=1024 size=$((1024 * PS)) faults
    cold_file data "$size"
    traced msum "$DISK/data" random
    expect_status 0 1.2
    trace_has "^madvise\(0x[0-9a-f.]+, $size, MADV_RANDOM\) = 0" \
        "madvise(map, $size, MADV_RANDOM) on the whole mapping (task 2.2)"
    faults=$(field 'faults in the loop' | cut -d' ' -f1)
    expect_eq "major faults while summing a cold $pages-page file with MADV_RANDOM: one per page, as the advice comes before the first access (task 2.2)" \
        "$pages" "$faults"
}

# bats test_tags=task:2_2,points:1
@test "2.2 msum random: a failed madvise() is reported" {
    make_file data $((8 * PS))
    failing madvise:error=EINVAL msum data random
    grep -q '^madvise(.*MADV_RANDOM.*(INJECTED)$' "$TRACE" || fail "expected msum random to call madvise(MADV_RANDOM) (task 2.2)"
    expect_reported EINVAL 2.2 "madvise(MADV_RANDOM) fails with EINVAL"
}

# bats test_tags=task:2_3,points:1
@test "2.3 evict: a file just written leaves the page cache, written back first" {
    disk_dir
    make_file "$DISK/data" $((64 * PS)) d # dirty: written, not yet on the disk
    traced evict "$DISK/data"
    expect_status 0 2.3
    local fd sync dontneed
    fd=$(fd_of data)
    sync=$(grep -nE "^(fdatasync|fsync)\($fd\) = 0" "$TRACE" | head -n 1 | cut -d: -f1)
    dontneed=$(grep -nE "^fadvise64\($fd, 0, (0|$((64 * PS))), POSIX_FADV_DONTNEED\) = 0" "$TRACE" | tail -n 1 | cut -d: -f1)
    [[ -n $dontneed ]] || fail "expected posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) on the file (task 2.3)"
    [[ -n $sync && $sync -lt $dontneed ]] ||
        fail "expected fdatasync(fd) (or fsync) before posix_fadvise(): a dirty page cannot be dropped (task 2.3)"
    run "$BIN/incore" "$DISK/data"
    expect_eq "pages of the file left in the page cache after evict (task 2.3)" \
        "$DISK/data: 0 of 64 pages in the page cache" "$output"
}

# bats test_tags=task:2_3,points:1
@test "2.3 evict: a failed fdatasync() or posix_fadvise() is reported (posix_fadvise returns its error)" {
    make_file data $((4 * PS)) d
    failing fdatasync,fsync:error=EIO evict data
    grep -Eq '^(fdatasync|fsync)\(.*\(INJECTED\)$' "$TRACE" || fail "expected evict to call fdatasync() (task 2.3)"
    expect_reported EIO 2.3 "fdatasync() fails with EIO"
    failing fadvise64:error=EIO evict data
    grep -q '^fadvise64(.*(INJECTED)$' "$TRACE" || fail "expected evict to call posix_fadvise() (task 2.3)"
    expect_reported EIO 2.3 "posix_fadvise() fails: it returns EIO (not -1, and errno is left alone)"
}

# --- 3 helping the kernel ----------------------------------------------------

# bats test_tags=task:3_1,points:2
@test "3.1 msum populate: MAP_POPULATE maps every page in mmap(), the loop takes no fault" {
    local size=$((256 * PS))
    make_file data "$size"
    cat data >/dev/null
    traced msum data populate
    expect_status 0 1.2
    main_has "^mmap\(NULL, $size, PROT_READ, MAP_(PRIVATE|SHARED)\|MAP_POPULATE, [0-9]+, 0\) = 0x" \
        "mmap(NULL, $size, PROT_READ, MAP_PRIVATE|MAP_POPULATE, fd, 0) (task 3.1)"
    runp_native msum data populate
    expect_eq "page faults (major, minor) while summing a populated mapping (task 3.1)" \
        "0 major, 0 minor" "$(field 'faults in the loop')"
    runp_native msum data
    [[ $(field 'faults in the loop') != "0 major, 0 minor" ]] ||
        fail "expected page faults in the loop without populate (task 3.1: only the populate option adds MAP_POPULATE)"
}

# bats test_tags=task:3_2,points:1
@test "3.2 msum sequential, willneed, hugepage: madvise() of the whole mapping" {
    local size=$((40 * PS + 10)) how advice base
    make_file data "$size"
    for how in sequential willneed hugepage; do
        advice=MADV_${how^^}
        traced msum data "$how"
        expect_status 0 3.2
        base=$(sed -nE "s/^mmap\(NULL, $size, PROT_READ, [^,]*, [0-9]+, 0\) = (0x[0-9a-f]+)\$/\1/p" "$RAW_TRACE" | tail -n 1)
        [[ -n $base ]] || fail "expected an mmap() of the whole file (task 1.2)"
        grep -Eq "^madvise\($base, ($size|$((41 * PS))), $advice\) = 0" "$RAW_TRACE" ||
            fail "$(printf 'expected madvise(%s, %s, %s) = 0 over the whole mapping for msum %s (task 3.2); the trace has:\n%s' \
                "$base" "$size" "$advice" "$how" "$(grep -E '^madvise\(' "$RAW_TRACE" || echo 'no madvise()')")"
    done
    trace_lacks '^madvise\(.*MADV_(RANDOM|SEQUENTIAL|WILLNEED)' "only MADV_HUGEPAGE for hugepage (task 3.2)"
}

# bats test_tags=task:3_2,points:1
@test "3.2 msum sequential, willneed, hugepage: a failed madvise() is reported" {
    make_file data $((8 * PS))
    local how
    for how in sequential willneed hugepage; do
        failing madvise:error=EINVAL msum data "$how"
        grep -q "^madvise(.*MADV_${how^^}.*(INJECTED)\$" "$TRACE" || fail "expected msum $how to call madvise(MADV_${how^^}) (task 3.2)"
        expect_reported EINVAL 3.2 "madvise(MADV_${how^^}) fails with EINVAL"
    done
}

# bats test_tags=task:3_3,points:1
@test "3.3 rsum sequential, readahead: the hint comes before the first read()" {
    local size=$((40 * PS + 10)) fd first hint
    make_file data "$size"
    for how in sequential readahead; do
        traced rsum data 65536 "$how"
        expect_status 0 3.3
        expect_eq "rsum's sum with $how (task 1.1)" "$(wsum data)" "$(field sum)"
        fd=$(fd_of data)
        if [[ $how == sequential ]]; then
            hint="^fadvise64\($fd, 0, (0|$size), POSIX_FADV_SEQUENTIAL\) = 0"
        else
            hint="^readahead\($fd, 0, ([0-9]+)\) = 0"
        fi
        first=$(fd_part "$fd" | grep -nE "^(read|pread64)\($fd, " | head -n 1 | cut -d: -f1)
        local at
        at=$(fd_part "$fd" | grep -nE -- "$hint" | head -n 1 | cut -d: -f1)
        [[ -n $at ]] || fail "$(printf 'expected for %s a system call matching %s (task 3.3); the trace has:\n%s' "$how" "$hint" "$(trace_summary)")"
        [[ -n $first && $at -lt $first ]] || fail "expected the $how hint before the first read() of the file (task 3.3)"
        if [[ $how == readahead ]]; then
            local len
            len=$(sed -nE "s/$hint/\1/p" "$TRACE" | head -n 1)
            ((len >= size)) || fail "expected readahead() of the whole file ($size bytes), got $len (task 3.3)"
        fi
    done
}

# bats test_tags=task:3_3,points:1
@test "3.3 rsum sequential, readahead: a failed hint is reported (posix_fadvise returns its error)" {
    make_file data $((8 * PS))
    failing fadvise64:error=EIO rsum data 4096 sequential
    grep -q '^fadvise64(.*POSIX_FADV_SEQUENTIAL.*(INJECTED)$' "$TRACE" || fail "expected rsum sequential to call posix_fadvise(POSIX_FADV_SEQUENTIAL) (task 3.3)"
    expect_reported EIO 3.3 "posix_fadvise() fails: it returns EIO (not -1, and errno is left alone)"
    failing readahead:error=EIO rsum data 4096 readahead
    grep -q '^readahead(.*(INJECTED)$' "$TRACE" || fail "expected rsum readahead to call readahead() (task 3.3)"
    expect_reported EIO 3.3 "readahead() fails with EIO"
}

# --- 4 copying a file ---------------------------------------------------------

# copied HOW ARGS... : fcopy data copy HOW ARGS under strace; the copy must be
# byte for byte the file. Sets IN and OUT, the two descriptors.
copied() {
    local task=$1
    shift
    traced fcopy data copy "$@"
    expect_status 0 "$task"
    expect_same_file data copy "the copy (fcopy $*, task $task)"
    IN=$(fd_of data) OUT=$(fd_of copy 'O_WRONLY\|O_CREAT')
}

# short_copy HOW CALL TASK : fcopy HOW again, with CALL made to copy at most
# 1000 bytes a call (tests/lib/07-read-vs-mmap-short.c, preloaded), as the
# kernel may: the copy must still be the whole file.
short_copy() {
    local so=$BATS_FILE_TMPDIR/07-read-vs-mmap-short.so
    [[ -f $so ]] || fail "the tests' own tests/lib/07-read-vs-mmap-short.c does not compile: $(head -n 5 "$BATS_FILE_TMPDIR/short.log")" || return 1
    rm -f copy
    LD_PRELOAD=$so runp_native fcopy data copy "$1"
    [[ $output != *"cannot be preloaded"* ]] || fail "the tests' own $so was not loaded into fcopy: $output" || return 1
    expect_status 0 "$3 ($2() copying at most 1000 bytes a call)"
    [[ $(stat -c %s copy) == "$(stat -c %s data)" ]] ||
        fail "expected the whole file copied when $2() copies at most 1000 bytes a call, as it may (a short count is not an error); the copy has $(stat -c %s copy) of $(stat -c %s data) bytes: call $2() until every byte is copied (task $3)"
    expect_same_file data copy "the copy made 1000 bytes a call (task $3)"
}

# bats test_tags=task:4_1,points:1
@test "4.1 fcopy rw: read() into a buffer, write() out of it" {
    local size
    for size in 100 $((5 * PS + 123)); do
        make_file data "$size"
        copied 4.1 rw 1000
        grep -Eq "^read\($IN, .*, 1000\) = " "$TRACE" || fail "expected read($IN, buf, 1000) calls of the source (task 4.1)"
        grep -Eq "^write\($OUT, " "$TRACE" || fail "expected write($OUT, ...) calls to the copy (task 4.1)"
        only_calls "$IN" 'read|pread64|fstat|newfstatat|statx|fadvise64|close' "only read() on the source (task 4.1)"
    done
}

# bats test_tags=task:4_1,points:1
@test "4.1 fcopy rw: a failed read() of the source is reported" {
    make_file data $((5 * PS + 123))
    traced_parent fcopy data copy rw 1000
    local n
    n=$(nth read "^read\($(fd_of data), ")
    [[ -n $n ]] || fail "expected fcopy rw to read() the source (task 4.1)"
    failing "read:error=EIO:when=$((n + 2))" fcopy data copy rw 1000
    expect_reported EIO 4.1 "the third read() of the source fails with EIO"
}

# bats test_tags=task:4_2,points:1
@test "4.2 fcopy mmap: write() from a mapping of the source, never read()" {
    local size=$((5 * PS + 123))
    make_file data "$size"
    copied 4.2 mmap
    main_has "^mmap\(NULL, $size, PROT_READ, MAP_(PRIVATE|SHARED), $IN, 0\) = 0x" \
        "mmap(NULL, $size, PROT_READ, MAP_PRIVATE, $IN, 0): the whole source mapped (task 4.2)"
    only_calls "$IN" 'mmap|fstat|newfstatat|statx|fadvise64|close' "no read() of the source: its mapping is write()'s buffer (task 4.2)"
    grep -Eq "^write\($OUT, " "$TRACE" || fail "expected write($OUT, map, ...) (task 4.2)"
}

# bats test_tags=task:4_2,points:1
@test "4.2 fcopy mmap: a failed mmap() of the source is reported (MAP_FAILED is not NULL)" {
    make_file data $((5 * PS + 123))
    traced_parent fcopy data copy mmap
    local n
    n=$(nth mmap "^mmap\(NULL, $((5 * PS + 123)), PROT_READ, [^,]*, $(fd_of data), 0\)")
    [[ -n $n ]] || fail "expected fcopy mmap to map the source (task 4.2)"
    failing "mmap:error=ENOMEM:when=$n" fcopy data copy mmap
    expect_reported ENOMEM 4.2 "the mmap() of the source fails with ENOMEM"
}

# bats test_tags=task:4_3,points:2
@test "4.3 fcopy cfr: copy_file_range(), no read() or write() of the files" {
    local size=$((5 * PS + 123)) n
    make_file data "$size"
    copied 4.3 cfr
    trace_has "^copy_file_range\($IN, (NULL|\[[0-9 =>]+\]), $OUT, (NULL|\[[0-9 =>]+\]), [0-9]+, 0\) = [1-9]" \
        "copy_file_range($IN, NULL, $OUT, NULL, ...) (task 4.3)"
    only_calls "$IN" 'copy_file_range|fstat|newfstatat|statx|fadvise64|close' "only copy_file_range() on the source (task 4.3)"
    only_calls "$OUT" 'fstat|newfstatat|statx|ftruncate|fadvise64|fsync|fdatasync|close' "no write() to the copy (task 4.3)"
    n=$(nth copy_file_range .)
    injected copy_file_range "$n" EIO fcopy data copy cfr
    expect_status 1 "4.3: copy_file_range() failed with EIO"
    [[ $output == *EIO* ]] || fail "expected a message with the error (EIO), got: $output (task 4.3)"
    short_copy cfr copy_file_range 4.3
}

# bats test_tags=task:4_4,points:2
@test "4.4 fcopy sendfile: sendfile(), no read() or write() of the files" {
    local size=$((5 * PS + 123)) n
    make_file data "$size"
    copied 4.4 sendfile
    trace_has "^sendfile\($OUT, $IN, (NULL|\[[0-9 =>]+\]), [0-9]+\) = [1-9]" "sendfile($OUT, $IN, NULL, ...): the copy is the first argument (task 4.4)"
    only_calls "$IN" 'fstat|newfstatat|statx|fadvise64|close' "only sendfile() on the source (task 4.4)"
    only_calls "$OUT" 'sendfile|fstat|newfstatat|statx|ftruncate|fadvise64|fsync|fdatasync|close' "no write() to the copy (task 4.4)"
    n=$(nth sendfile .)
    injected sendfile "$n" EIO fcopy data copy sendfile
    expect_status 1 "4.4: sendfile() failed with EIO"
    [[ $output == *EIO* ]] || fail "expected a message with the error (EIO), got: $output (task 4.4)"
    short_copy sendfile sendfile 4.4
}
