/* pagestate.h - how many pages are dirty? Four ways to ask the kernel.
 *
 * A page is dirty when it holds bytes that the disk does not have yet. These
 * helpers measure it for lab 05's programs; each returns -1 when this kernel
 * or this user cannot tell (the programs then print "n/a"). They are for
 * observing only: the tests never grade these numbers.
 *
 *   file_dirty_pages(fd)        cachestat(2), Linux 6.5 and later, any user:
 *                               the file's dirty pages in the page cache
 *   map_dirty_kb(addr)          /proc/self/smaps, any kernel, any user: the
 *                               dirty kB of the mapping that starts at ADDR
 *   kpage_dirty_pages(map, n)   /proc/self/pagemap + /proc/kpageflags, root
 *                               only: the PG_dirty bit of each page
 *   meminfo_dirty_kb()          /proc/meminfo "Dirty:", the whole machine
 */
#ifndef PAGESTATE_H
#define PAGESTATE_H

#include "wb.h"
#include <stdint.h>
#include <sys/syscall.h>

#ifndef __NR_cachestat
#define __NR_cachestat 451 /* the same number on every architecture */
#endif

/* The kernel's struct cachestat_range and struct cachestat (linux/mman.h,
 * Linux 6.5); older headers lack them. */
struct wb_cachestat_range {
    uint64_t off, len; /* len 0: to the end of the file */
};
struct wb_cachestat {
    uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

/* cachestat() on the whole file: 0, or -1 (ENOSYS before Linux 6.5). */
static inline int file_cachestat(int fd, struct wb_cachestat *cs)
{
    struct wb_cachestat_range all = {0, 0};
    return (int)syscall(__NR_cachestat, fd, &all, cs, 0);
}

static inline long file_dirty_pages(int fd)
{
    struct wb_cachestat cs;
    return file_cachestat(fd, &cs) < 0 ? -1 : (long)cs.nr_dirty;
}

/* The value of the first line "NAME: N kB" in FILE after a line for which
 * START (if not NULL) returns true; -1 if there is none. */
static inline long proc_kb(const char *file, bool (*start)(const char *, const void *),
                           const void *arg, const char *name)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return -1;
    char line[256];
    bool in = start == NULL;
    long kb = -1;
    size_t n = strlen(name);
    while (kb < 0 && fgets(line, sizeof line, f)) {
        if (!in)
            in = start(line, arg);
        else if (strncmp(line, name, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    }
    fclose(f);
    return kb;
}

/* Is LINE the header line of the VMA that starts at ADDR? ("start-end perms ...") */
static inline bool vma_starts_at(const char *line, const void *addr)
{
    unsigned long start, end;
    return sscanf(line, "%lx-%lx ", &start, &end) == 2 && start == (unsigned long)addr;
}

/* Dirty kB of the mapping at ADDR: its page table entries that are dirty, or
 * whose page is (Shared_Dirty + Private_Dirty in smaps). */
static inline long map_dirty_kb(const void *addr)
{
    long shared = proc_kb("/proc/self/smaps", vma_starts_at, addr, "Shared_Dirty");
    long priv = proc_kb("/proc/self/smaps", vma_starts_at, addr, "Private_Dirty");
    return shared < 0 || priv < 0 ? -1 : shared + priv;
}

static inline long meminfo_dirty_kb(void)
{
    return proc_kb("/proc/meminfo", NULL, NULL, "Dirty");
}

/* How many of the N pages mapped at MAP have PG_dirty set (KPF_DIRTY, bit 4
 * of /proc/kpageflags). Needs the page frame numbers, which pagemap shows only
 * to root; -1 otherwise. Pages not present (never touched) count as clean. */
static inline long kpage_dirty_pages(const void *map, size_t n)
{
    const uint64_t pfn_mask = (1ULL << 55) - 1, present = 1ULL << 63;
    int pm = open("/proc/self/pagemap", O_RDONLY);
    int kf = open("/proc/kpageflags", O_RDONLY);
    long dirty = (pm < 0 || kf < 0) ? -1 : 0;
    uint64_t entry[512]; /* pagemap: one 8-byte entry per page, read 512 at a time */
    off_t at = (off_t)((uintptr_t)map / page_size() * sizeof entry[0]);
    for (size_t i = 0; dirty >= 0 && i < n; i += 512) {
        size_t m = n - i < 512 ? n - i : 512;
        if (pread(pm, entry, m * sizeof entry[0], at + (off_t)(i * sizeof entry[0])) !=
            (ssize_t)(m * sizeof entry[0]))
            dirty = -1;
        for (size_t j = 0; dirty >= 0 && j < m; j++) {
            uint64_t pfn = entry[j] & pfn_mask, flags;
            if (!(entry[j] & present))
                continue;
            if (pfn == 0) /* hidden: not root */
                dirty = -1;
            else if (pread(kf, &flags, sizeof flags, (off_t)(pfn * sizeof flags)) !=
                     (ssize_t)sizeof flags)
                dirty = -1;
            else if (flags >> 4 & 1)
                dirty++;
        }
    }
    if (pm >= 0)
        close(pm);
    if (kf >= 0)
        close(kf);
    return dirty;
}

/* Print N, or "n/a" when it is -1, in a field WIDTH wide. */
static inline void print_count(long n, int width)
{
    if (n < 0)
        printf("%*s", width, "n/a");
    else
        printf("%*ld", width, n);
}

#endif
