/* syncmode - what msync(MS_ASYNC), msync(MS_SYNC), msync(MS_INVALIDATE),
 * fsync() and fdatasync() do to the dirty pages of a mapped file.
 *
 * usage: syncmode FILE none|async|sync|invalidate|fsync|fdatasync|unaligned|locked
 *
 * Maps FILE shared and writable, stores 'S' into the first byte of each of its
 * pages (which makes every page dirty: changed in memory, not yet on disk),
 * then makes the one call the mode names, over the whole mapping or the whole
 * file. It prints how long the call took and how many pages were dirty before
 * and after it, as three sources tell (see pagestate.h); "n/a" where this
 * kernel or user cannot tell. Mode "unaligned" shows a mistake: msync() from
 * byte 100 of the mapping, which is no page boundary (EINVAL). Run it on a
 * disk file (ext4, ...), not tmpfs: tmpfs has no disk, nothing to write back.
 * Mode "locked" shows the one thing MS_INVALIDATE does on Linux: on a range
 * locked in memory with mlock(), msync(MS_INVALIDATE) fails with EBUSY.
 */
#include "pagestate.h"
#include <time.h>

/* The modes, and the call each one makes. */
static const char *const modes[][2] = {
    {"none", "no call"},
    {"async", "msync(MS_ASYNC)"},
    {"sync", "msync(MS_SYNC)"},
    {"invalidate", "msync(MS_INVALIDATE)"},
    {"fsync", "fsync()"},
    {"fdatasync", "fdatasync()"},
    {"unaligned", "msync(MS_SYNC) from byte 100"},
    {"locked", "mlock(), then msync(MS_INVALIDATE)"},
};

/* Make the call MODE names, on the mapping MAP (LEN bytes) or on FD. */
static void flush(const char *mode, char *map, size_t len, int fd)
{
    int r = 0;
    /* TODO 3.1: for "async", "sync" and "invalidate", call msync() on the
     * whole mapping with MS_ASYNC, MS_SYNC or MS_INVALIDATE, and put its
     * result in R. */
    /* TODO 3.2: for "fsync" and "fdatasync", call that function on FD. */
    (void)fd;
    /* Given: the mistake that task 2.6 warns about, an address inside a
     * page. */
    if (strcmp(mode, "unaligned") == 0)
        r = msync(map + 100, len - 100, MS_SYNC);
    /* Given: MS_INVALIDATE on pages locked in memory (EBUSY). */
    if (strcmp(mode, "locked") == 0) {
        if (mlock(map, len) < 0)
            die("mlock");
        r = msync(map, len, MS_INVALIDATE);
    }
    if (r < 0)
        die("%s", mode);
}

static long long now_ns(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        die("clock_gettime");
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

struct dirty {
    long cache, map_kb, kpage;
};

static struct dirty measure(int fd, const char *map, size_t npages)
{
    struct dirty d = {file_dirty_pages(fd), map_dirty_kb(map), kpage_dirty_pages(map, npages)};
    return d;
}

static void report(const char *what, long before, long after, const char *source)
{
    printf("  %-13s", what);
    print_count(before, 7);
    print_count(after, 7);
    printf("   %s\n", source);
}

int main(int argc, char *argv[])
{
    const char *synopsis = "FILE none|async|sync|invalidate|fsync|fdatasync|unaligned|locked";
    if (argc != 3)
        usage(synopsis);
    const char *path = argv[1], *mode = argv[2];
    const char *call = NULL;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(mode, modes[i][0]) == 0)
            call = modes[i][1];
    if (!call)
        usage(synopsis);

    off_t fsize;
    int fd = open_file(path, O_RDWR, &fsize);
    if (fsize == 0)
        fail("%s is empty: there is nothing to map", path);
    size_t len = (size_t)fsize, ps = page_size(), npages = (len + ps - 1) / ps;
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);

    for (size_t p = 0; p < npages; p++)
        map[p * ps] = 'S';
    struct dirty before = measure(fd, map, npages);
    long long t0 = now_ns();
    flush(mode, map, len, fd);
    long long t1 = now_ns();
    struct dirty after = measure(fd, map, npages);

    printf("%s: stored into %zu pages, then %s\n", path, npages, call);
    printf("call took: %lld us\n", (t1 - t0) / 1000);
    printf("  dirty pages   before  after   (source)\n");
    report("page cache", before.cache, after.cache, "cachestat(): the file's pages, Linux 6.5+");
    report("mapping", before.map_kb < 0 ? -1 : before.map_kb * 1024 / (long)ps,
           after.map_kb < 0 ? -1 : after.map_kb * 1024 / (long)ps,
           "/proc/self/smaps: this mapping's dirty kB / page size");
    report("kpageflags", before.kpage, after.kpage, "PG_dirty of each page, root only");

    if (munmap(map, len) < 0)
        die("munmap");
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
