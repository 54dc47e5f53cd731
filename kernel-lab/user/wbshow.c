/* wbshow - show what the kernel built for each mapping of the wbmap devices.
 * Run as root in the kernel lab's VM (kernel-lab/vm/klab show ptes|faults).
 *
 * usage: wbshow ptes       each device's VMA (/proc/self/maps, VmFlags) and
 *                          page table entries (/proc/self/pagemap)
 *        wbshow faults     page faults, eager and lazy: counted by this
 *                          process (getrusage) and by the driver (.fault)
 */
#include "pagemap.h"
#include "wb.h"
#include "wbmap.h"
#include <inttypes.h>
#include <stdint.h>
#include <sys/ioctl.h>

#define PS ((size_t)WBMAP_PAGE)

static const char *const devs[] = {WBMAP_CONTIG_DEV, WBMAP_VMALLOC_DEV, WBMAP_LAZY_DEV};

static int dev_open(const char *dev)
{
    char path[64];
    snprintf(path, sizeof(path), "/dev/%s", dev);
    int fd = open(path, O_RDWR);
    if (fd < 0)
        die("open %s", path);
    return fd;
}

static struct wbmap_stats dev_stats(int fd)
{
    struct wbmap_stats st;
    if (ioctl(fd, WBMAP_IOC_STATS, &st) < 0)
        die("ioctl WBMAP_IOC_STATS");
    return st;
}

static char *dev_map(int fd, const char *dev, size_t len, int extra)
{
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | extra, fd, 0);
    if (p == MAP_FAILED)
        die("mmap %s", dev);
    return p;
}

/* Print the lines of /proc/self/smaps for the VMA at P that say what it is. */
static void show_vma(const void *p)
{
    char line[512];
    unsigned long start;
    bool ours = false;
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        die("open /proc/self/smaps");
    while (fgets(line, sizeof(line), f)) {
        if (line[strspn(line, "0123456789abcdef")] == '-' && sscanf(line, "%lx", &start) == 1) {
            ours = start == (uintptr_t)p;
            if (ours)
                printf("  maps:    %s", line);
        } else if (ours && (strncmp(line, "VmFlags:", 8) == 0 || strncmp(line, "Rss:", 4) == 0)) {
            printf("  %s", line);
        }
    }
    fclose(f);
}

/* One page's /proc/self/pagemap entry, decoded. */
static void show_pte(const char *p, size_t page)
{
    uint64_t e;
    pagemap_read(p + page * PS, 1, &e);
    if (!(e & PM_PRESENT)) {
        printf("    page %2zu: not present\n", page);
        return;
    }
    printf("    page %2zu: present, PFN %#" PRIx64 "%s%s\n", page, pm_pfn(e),
           e & PM_FILE ? ", has a struct page (file/shared bit 61)" : "",
           e & PM_EXCLUSIVE ? ", mapped once (bit 56)" : "");
}

static void ptes(void)
{
    for (size_t d = 0; d < 3; d++) {
        int fd = dev_open(devs[d]);
        struct wbmap_stats st = dev_stats(fd);
        char *p = dev_map(fd, devs[d], st.size, 0);
        printf("%s: %zu pages", devs[d], (size_t)(st.size / PS));
        if (st.pfn)
            printf(", the driver's buffer starts at PFN %#llx", (unsigned long long)st.pfn);
        printf("\n");
        printf("  right after mmap():\n");
        for (size_t i = 0; i < 3; i++)
            show_pte(p, i);
        for (size_t i = 0; i < 3; i++)
            (void)*(volatile char *)(p + i * PS);
        printf("  after reading pages 0-2:\n");
        for (size_t i = 0; i < 3; i++)
            show_pte(p, i);
        show_vma(p);
        printf("\n");
        if (munmap(p, st.size) < 0)
            die("munmap");
        close(fd);
    }
}

/* Map DEV (with EXTRA flags), read every page, then write every page:
 * faults taken by this process in each step, and calls of .fault. */
static void count(const char *dev, int extra, const char *what)
{
    int fd = dev_open(dev);
    struct wbmap_stats s0 = dev_stats(fd);
    size_t pages = s0.size / PS;
    (void)minor_faults();
    long f0 = minor_faults();
    char *p = dev_map(fd, dev, s0.size, extra);
    long f1 = minor_faults();
    struct wbmap_stats s1 = dev_stats(fd);
    for (size_t i = 0; i < pages; i++)
        (void)*(volatile char *)(p + i * PS);
    long f2 = minor_faults();
    struct wbmap_stats s2 = dev_stats(fd);
    for (size_t i = 0; i < pages; i++)
        p[i * PS] = p[i * PS];
    long f3 = minor_faults();
    struct wbmap_stats s3 = dev_stats(fd);
    printf("%-14s %-20s %2zu pages   mmap %2ld/%-2llu  read %2ld/%-2llu  write %2ld/%-2llu\n", dev,
           what, pages, f1 - f0, (unsigned long long)(s1.faults - s0.faults), f2 - f1,
           (unsigned long long)(s2.faults - s1.faults), f3 - f2,
           (unsigned long long)(s3.faults - s2.faults));
    if (munmap(p, s0.size) < 0)
        die("munmap");
    close(fd);
}

static void faults(void)
{
    printf("page faults of this process / calls of the driver's .fault, in each step:\n\n");
    count(WBMAP_CONTIG_DEV, 0, "remap_pfn_range");
    count(WBMAP_VMALLOC_DEV, 0, "vm_insert_page");
    count(WBMAP_LAZY_DEV, 0, ".fault");
    count(WBMAP_LAZY_DEV, MAP_POPULATE, ".fault, MAP_POPULATE");

    /* MADV_DONTNEED drops the page table entries; the driver's pages stay. */
    int fd = dev_open(WBMAP_LAZY_DEV);
    struct wbmap_stats s0 = dev_stats(fd);
    char *p = dev_map(fd, WBMAP_LAZY_DEV, s0.size, MAP_POPULATE);
    if (madvise(p, s0.size, MADV_DONTNEED) < 0)
        die("madvise MADV_DONTNEED");
    struct wbmap_stats s1 = dev_stats(fd);
    for (size_t i = 0; i < s0.size / PS; i++)
        (void)*(volatile char *)(p + i * PS);
    struct wbmap_stats s2 = dev_stats(fd);
    printf("\n%s, MAP_POPULATE, then MADV_DONTNEED: reading every page again calls .fault %llu "
           "times\n",
           WBMAP_LAZY_DEV, (unsigned long long)(s2.faults - s1.faults));
    printf("first bytes of page 1 after that: %.7s\n", p + PS);
}

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage("ptes|faults");
    if (strcmp(argv[1], "ptes") == 0)
        ptes();
    else if (strcmp(argv[1], "faults") == 0)
        faults();
    else
        usage("ptes|faults");
    return 0;
}
