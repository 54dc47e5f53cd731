#!/usr/bin/env bats
# Tests of the kernel lab's harness (kernel-lab/vm/klab): each verdict, on the
# reference driver or on a copy of it with one bug put in (a NULL dereference
# in .mmap, a BUG in .fault, a loop that never ends, ...). Each test boots the
# VM once, a few seconds under TCG.

# shellcheck disable=SC2016 # the perl substitutions are single-quoted on purpose
bats_load_library bats-support
bats_load_library bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    export KLAB_QUIET=1 KLAB_OUT=$BATS_TEST_TMPDIR/out
}

# variant NAME PERL-SUBSTITUTION: a copy of the reference driver with one change,
# in $BATS_TEST_TMPDIR/NAME; the test fails if the substitution changed nothing.
variant() {
    local dir=$BATS_TEST_TMPDIR/$1
    cp -r "$ROOT/solutions/kernel-lab" "$dir"
    perl -0pi -e "$2" "$dir/wbmap.c"
    if cmp -s "$ROOT/solutions/kernel-lab/wbmap.c" "$dir/wbmap.c"; then
        echo "variant $1: the substitution matched nothing in wbmap.c" >&2
        return 1
    fi
}

klab() { run "$ROOT/kernel-lab/vm/klab" run "$@"; }

@test "wbtest's tests are the graded tests of lab 06, in the same order" {
    gcc -std=c11 -D_GNU_SOURCE -O0 -I "$ROOT/kernel-lab" -I "$ROOT/labs/common" \
        -o "$BATS_TEST_TMPDIR/wbtest" "$ROOT/kernel-lab/user/wbtest.c"
    run diff <("$BATS_TEST_TMPDIR/wbtest" --list) \
        <(sed -n 's/^@test "\(.*\)" {$/\1/p' "$ROOT/tests/06-driver-mmap.bats")
    assert_success
}

@test "the starter driver is what gen-starter makes of the reference" {
    run "$ROOT/tools/gen-starter.sh" --check 06-driver-mmap
    assert_success
}

@test "LABS picks the driver graded: the starter, the reference, or a student's copy" {
    WB_ROOT=$ROOT LAB_ID=06
    source "$ROOT/tests/lib/klab.bash"
    [[ $(LABS=labs klab_tree) == "$ROOT/kernel-lab" ]]
    [[ $(LABS=solutions klab_tree) == "$ROOT/solutions/kernel-lab" ]]
    [[ $(LABS=$BATS_TEST_TMPDIR/student/labs klab_tree) == "$BATS_TEST_TMPDIR/student/kernel-lab" ]]
    [[ $(LABS=$BATS_TEST_TMPDIR/student klab_tree) == "$BATS_TEST_TMPDIR/student/kernel-lab" ]]
}

@test "PASS: the reference driver passes every test, exit 0" {
    klab "$ROOT/solutions/kernel-lab"
    assert_success
    assert_output --partial "verdict: PASS"
    refute_output --partial "not ok"
    assert_output --partial $'\n# the VM runs Linux ' # the kernel the VM booted, said
}

@test "FAIL: a driver that ignores the offset fails test 2.2 only, exit 1" {
    variant no-offset 's/\tpfn \+= vma->vm_pgoff;\n//'
    klab "$BATS_TEST_TMPDIR/no-offset"
    assert_failure 1
    assert_output --partial "not ok 5 - 2.2 a mapping at offset k pages starts at page k"
    assert_output --partial 'expected "C05.000\n",'
    assert_output --regexp "verdict: FAIL"$'\n'"  1 of [0-9]+ tests failed, of tasks: 2.2"
}

@test "KERNEL-CRASH: a NULL dereference in .mmap, with the oops and where it was" {
    variant null-mmap 's/\treturn d->mmap\(d, vma\);/\td = vma->vm_private_data;\n\treturn d->mmap(d, vma);/'
    klab "$BATS_TEST_TMPDIR/null-mmap"
    assert_failure 2
    assert_output --partial "verdict: KERNEL-CRASH"
    assert_output --partial "during test 1.1 "
    assert_output --partial "BUG: kernel NULL pointer dereference"
    assert_output --regexp "RIP: 0010:wbmap_mmap\+0x[0-9a-f]+/0x[0-9a-f]+ \[wbmap\]"
}

@test "KERNEL-CRASH: a BUG_ON in .fault, with the file and line" {
    variant bug-fault 's/(\tatomic_long_inc\(&d->faults\);\n)/$1\tBUG_ON(!vmf->page);\n/'
    klab "$BATS_TEST_TMPDIR/bug-fault"
    assert_failure 2
    assert_output --partial "verdict: KERNEL-CRASH"
    assert_output --partial "during test 4.1 "
    assert_output --regexp "kernel BUG at .*/bug-fault/wbmap.c:[0-9]+!"
    assert_output --partial "RIP: 0010:wbmap_fault+"
}

@test "KERNEL-CRASH: a fault handler without get_page(), caught at the first bad page" {
    variant no-get-page 's/\tget_page\(page\);\n//'
    klab "$BATS_TEST_TMPDIR/no-get-page"
    assert_failure 2
    assert_output --partial "verdict: KERNEL-CRASH"
    # The bad page is seen when its mapping is torn down: after 4.1's first touch
    # (seen on a loaded machine, in 4.1's next test, and as 4.1's last test ended,
    # before the next began) or at 4.2's.
    assert_output --regexp "(during|after) test 4\.[12] "
    assert_output --partial "BUG: Bad page map"
    assert_output --partial "hint: a page's map count or reference count went wrong"
}

@test "TIMEOUT: a .mmap that never returns, with the stack where it loops" {
    variant hang 's/(static int wbmap_mmap_contig\(.*?\n\{\n.*?\n.*?\n\n)/$1\tfor (;;)\n\t\tcpu_relax();\n/s'
    KLAB_TIMEOUT=3 klab "$BATS_TEST_TMPDIR/hang"
    assert_failure 3
    assert_output --partial "verdict: TIMEOUT"
    assert_output --partial "the tests did not finish within 3 s, stuck in test 1.1 "
    assert_output --regexp "wbmap_mmap_contig\+0x[0-9a-f]+/0x[0-9a-f]+ \[wbmap\]"
}

@test "INSMOD-FAIL: an init that fails, with the kernel's reason and the driver's message" {
    variant no-memory 's/alloc_pages\(GFP_KERNEL, WBMAP_CONTIG_ORDER\)/alloc_pages(GFP_KERNEL | __GFP_NOWARN, 20)/'
    klab "$BATS_TEST_TMPDIR/no-memory"
    assert_failure 4
    assert_output --partial "verdict: INSMOD-FAIL"
    assert_output --partial "Cannot allocate memory"
    assert_output --partial "wbmap: cannot set up /dev/wbmap-contig: -12"
}

@test "BUILD-FAIL: a compile error, with the compiler's message; no VM" {
    variant syntax 's/$/\nthis is not C\n/'
    klab "$BATS_TEST_TMPDIR/syntax"
    assert_failure 5
    assert_output --partial "verdict: BUILD-FAIL"
    assert_output --regexp "syntax/wbmap.c:[0-9]+:[0-9]+: error: "
    [[ ! -e $KLAB_OUT/console.log ]]
}

@test "BUILD-WARNING: a warning is an error for a module" {
    variant unused 's/(wbmap_read\(.*?\n\{\n)/$1\tint unused;\n/s'
    klab "$BATS_TEST_TMPDIR/unused"
    assert_failure 6
    assert_output --partial "verdict: BUILD-WARNING"
    assert_output --partial "warning: unused variable"
}

@test "a tree without wbmap.c is a BUILD-FAIL that says so" {
    mkdir "$BATS_TEST_TMPDIR/empty"
    klab "$BATS_TEST_TMPDIR/empty"
    assert_failure 5
    assert_output --partial "no $BATS_TEST_TMPDIR/empty/wbmap.c"
}

@test "vm_unstamp: the lines with this boot's nonce, in order, are kept; every other one is forged" {
    local out=$BATS_TEST_TMPDIR nonce=5eed
    die() { return 9; }
    # shellcheck source=kernel-lab/vm/vm.bash
    source "$ROOT/kernel-lab/vm/vm.bash"
    # A forged plan and result, a second line 2, a stage unknown, and a last line cut short.
    printf '%s\n' '1..2' '5eed t 1 1..2' '5eed t 2 ok 1 - a' 'ok 2 - b' '5eed t 2 ok 1 - a' \
        '5eed t 3 not ok 2 - b' '5eed x 1 ok 2 - b' >"$out/tap.log"
    printf '5eed t 4 # cut' >>"$out/tap.log"
    vm_unstamp t
    run cat "$out/tap.log"
    assert_output $'1..2\nok 1 - a\nnot ok 2 - b'
    run cat "$out/forged"
    assert_line "a line without this boot's nonce: 1..2"
    assert_line "a line without this boot's nonce: ok 2 - b"
    assert_line 'line 2 of stage t where line 3 was due: 5eed t 2 ok 1 - a'
    assert_line 'a line of stage x (unknown, or out of order): 5eed x 1 ok 2 - b'
    assert_equal "${#lines[@]}" 4
}
