#!/usr/bin/env bash
# ptes.sh - what each kind of mapping puts in the page table: a PFN map
# (remap_pfn_range), struct-page maps (vm_insert_page, and .fault), and when.
# Boots the VM with your driver (LABS=solutions: the reference) and runs
# wbshow ptes there, which maps each device and reads /proc/self/smaps and
# /proc/self/pagemap before and after touching the first pages.
# Run: kernel-lab/observe/ptes.sh
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR/../../labs/common source=observe.bash
source "$here/../../labs/common/observe.bash"
# shellcheck source-path=SCRIPTDIR source=klab-observe.bash
source "$here/klab-observe.bash"

heading "wbshow ptes: each device's VMA and its first page table entries"
look "For each device: the page table entries of pages 0-2 right after mmap()" \
    "and after reading them (/proc/self/pagemap: present or not, the page frame" \
    "number, and bit 61, set only for a page that has a struct page), then the" \
    "VMA's line in /proc/self/maps and its VmFlags: pf = VM_PFNMAP, io = VM_IO," \
    "mm = VM_MIXEDMAP, de = VM_DONTEXPAND, dd = VM_DONTDUMP."
klab_show ptes
why "wbmap-contig is a PFN map: remap_pfn_range() wrote every entry in mmap()," \
    "and marked the VMA pf io de dd. pagemap shows its pages as not present even" \
    "though reading them takes no fault: the page walker behind pagemap skips" \
    "VM_PFNMAP VMAs, whose entries the kernel must not take for ordinary pages." \
    "wbmap-vmalloc is mapped page by page with vm_insert_page(): entries present" \
    "from the start, pages with a struct page (bit 61), VMA flag mm, scattered" \
    "page frames. wbmap-lazy has no entry until a page is touched: the first" \
    "read calls .fault, which hands the kernel the page to map."
