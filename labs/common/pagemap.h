/* pagemap.h - read /proc/self/pagemap: what this process's page table says
 * about each page of its address space.
 *
 * The file holds one 64-bit entry per virtual page, at offset
 * (address / page size) * 8 (see the kernel's
 * Documentation/admin-guide/mm/pagemap.rst):
 *
 *   bit 63     the page is present in memory
 *   bit 62     the page is swapped out
 *   bit 61     a page of a file, or of shared anonymous memory
 *              (clear: private anonymous)
 *   bit 56     the page is mapped exclusively: by this process only, once
 *   bits 0-54  the page frame number (PFN) of a present page: which physical
 *              page it is. Reads as 0 unless the reader has CAP_SYS_ADMIN
 *              (root).
 *
 * A page never touched has entry 0. Bit 55 (soft-dirty) exists only on some
 * kernels: do not rely on it. Header-only, like wb.h (which it needs).
 */
#ifndef PAGEMAP_H
#define PAGEMAP_H

#include "wb.h"
#include <stdint.h>

#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* The page frame number of entry E (0 if not present, or if hidden from us). */
static inline uint64_t pm_pfn(uint64_t e)
{
    return (e & PM_PRESENT) ? e & PM_PFN_MASK : 0;
}

/* Fill ENTRY[0..PAGES-1] with the entries of the PAGES pages from ADDR.
 *
 * It opens the file on every call, on purpose: "self" is resolved when the
 * file is opened. A descriptor of /proc/self/pagemap opened before fork()
 * still shows the parent's pages to the child. */
static inline void pagemap_read(const void *addr, size_t pages, uint64_t *entry)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    if (fd < 0)
        die("open /proc/self/pagemap");
    off_t off = (off_t)((uintptr_t)addr / page_size() * sizeof(uint64_t));
    size_t want = pages * sizeof(uint64_t), got = 0;
    while (got < want) {
        ssize_t n = pread(fd, (char *)entry + got, want - got, off + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("pread /proc/self/pagemap");
        if (n == 0)
            fail("/proc/self/pagemap ended early at %p", addr);
        got += (size_t)n;
    }
    if (close(fd) < 0)
        die("close /proc/self/pagemap");
}

#endif
