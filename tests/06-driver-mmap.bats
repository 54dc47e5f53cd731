#!/usr/bin/env bats
# Lab 06 - the driver mmap exercise, graded in a real kernel under QEMU.
# setup_file builds the driver of the tree graded (LABS=labs: kernel-lab/,
# LABS=solutions: solutions/kernel-lab/, as course.toml places the lab), boots it once with kernel-lab/vm/klab
# and runs every test of kernel-lab/user/wbtest.c in the VM. Each test below is
# one of wbtest's TAP tests, with the same name: the checks themselves (what
# the kernel did: bytes, fault counts, VmFlags, signals, rmmod) are in wbtest.c.
# The tags give the task (task:4_2 is TODO 4.2 in wbmap.c) and the points.

load lib/wb
load lib/klab
setup_file() { klab_setup_file 06; }

# --- 1 /dev/wbmap-contig: remap_pfn_range ------------------------------------

# bats test_tags=task:1_1,points:2
@test "1.1 the mapping shows the pattern the driver wrote, in every page" {
    klab_result
}

# bats test_tags=task:1_1,points:2
@test "1.1 a store through the mapping is what read() on the device returns" {
    klab_result
}

# bats test_tags=task:1_1,points:2
@test "1.1 remap_pfn_range maps every page at once: no page fault on touch" {
    klab_result
}

# --- 2 bounds and offsets ----------------------------------------------------

# bats test_tags=task:2_1,points:2
@test "2.1 mmap() past the end of the buffer fails with EINVAL" {
    klab_result
}

# bats test_tags=task:2_2,points:2
@test "2.2 a mapping at offset k pages starts at page k of the buffer" {
    klab_result
}

# --- 3 /dev/wbmap-vmalloc: page by page --------------------------------------

# bats test_tags=task:3_1,points:2
@test "3.1 the vmalloc buffer shows every page in order, from any offset" {
    klab_result
}

# bats test_tags=task:3_1,points:1
@test "3.1 a store through the vmalloc mapping is what read() returns" {
    klab_result
}

# bats test_tags=task:3_1,points:1
@test "3.1 the vmalloc mapping is eager, VM_DONTEXPAND and VM_DONTDUMP" {
    klab_result
}

# --- 4 /dev/wbmap-lazy: the fault handler ------------------------------------

# bats test_tags=task:4_1,points:2
@test "4.1 the lazy mmap() maps nothing; the first touch calls .fault" {
    klab_result
}

# bats test_tags=task:4_1,points:1
@test "4.1 the lazy mapping is VM_DONTEXPAND and VM_DONTDUMP: mremap cannot grow it" {
    klab_result
}

# bats test_tags=task:4_2,points:2
@test "4.2 one call of .fault per page touched, none the second time" {
    klab_result
}

# bats test_tags=task:4_2,points:2
@test "4.2 a page mapped by .fault keeps its data after munmap (reference taken)" {
    klab_result
}

# bats test_tags=task:4_3,points:2
@test "4.3 a page past the end of the buffer raises SIGBUS at its address" {
    klab_result
}

# --- 5 VMAs and teardown -----------------------------------------------------

# bats test_tags=task:5_1,points:2
@test "5.1 the driver counts the VMAs: mmap, fork, exit, a split, munmap" {
    klab_result
}

# bats test_tags=task:5_2,points:2
@test "5.2 rmmod is refused while a mapping exists, and works once it is gone" {
    klab_result
}

# bats test_tags=task:5_3,points:1
@test "5.3 after rmmod no vmalloc buffer of the module is left" {
    klab_result
}
