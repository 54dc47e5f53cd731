#!/usr/bin/env bash
# faults.sh - eager against lazy: when the page faults happen, counted by the
# process (getrusage) and by the driver's fault handler.
# Boots the VM with your driver (LABS=solutions: the reference) and runs
# wbshow faults there.
# Run: kernel-lab/observe/faults.sh
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source-path=SCRIPTDIR/../../labs/common source=observe.bash
source "$here/../../labs/common/observe.bash"
# shellcheck source-path=SCRIPTDIR source=klab-observe.bash
source "$here/klab-observe.bash"

heading "wbshow faults: page faults in mmap(), reading, then writing every page"
look "Each line maps a whole buffer, reads one byte of each page, then writes one." \
    "Each step shows two numbers: the page faults the process took (getrusage," \
    "ru_minflt) / the calls of the driver's .fault handler."
klab_show faults
why "The eager mappings (remap_pfn_range, vm_insert_page) take no fault at all:" \
    "their entries were written in mmap(). The lazy one takes one fault per page" \
    "on the first read, each one a call of .fault, and none on the writes: a" \
    "shared mapping of a device is mapped writable at once, there is nothing to" \
    "copy and no dirty page to track. MAP_POPULATE makes mmap() fault every page" \
    "in itself, so .fault runs in mmap() (lab 01 measured the same for anonymous" \
    "memory). MADV_DONTNEED throws the entries away, not the driver's pages: the" \
    "next reads fault again and find the same bytes."
