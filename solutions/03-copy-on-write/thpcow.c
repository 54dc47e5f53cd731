/* thpcow - copy-on-write of a transparent huge page: what does writing one
 * byte into a 2 MiB page shared by fork() copy? (No task: run it and read.)
 *
 * usage: thpcow
 *
 * Asks for a 2 MiB transparent huge page (THP) with MADV_HUGEPAGE, fills it,
 * then forks. The child writes one byte, then into every other 4 KiB page.
 * At each step it prints the faults that took, the process's AnonHugePages
 * (from /proc/self/smaps_rollup: anonymous memory mapped as huge pages) and
 * how many of the 512 small pages pagemap calls exclusive.
 */
#include "cow.h"
#include "pagemap.h"
#include "wb.h"
#include <stdint.h>

#define HUGE (2UL << 20)

/* This process's AnonHugePages, in kB, from /proc/self/smaps_rollup. */
static long anon_huge_kb(void)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f)
        die("fopen /proc/self/smaps_rollup");
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static size_t exclusive_pages(const char *region)
{
    size_t n = HUGE / page_size(), count = 0;
    uint64_t *e = malloc(n * sizeof *e);
    if (!e)
        die("malloc");
    pagemap_read(region, n, e);
    for (size_t i = 0; i < n; i++)
        count += (e[i] & PM_PRESENT) && (e[i] & PM_EXCLUSIVE);
    free(e);
    return count;
}

static void report(const char *who, const char *region)
{
    printf("%-7s AnonHugePages %4ld kB, exclusive %3zu of %zu small pages\n", who, anon_huge_kb(),
           exclusive_pages(region), HUGE / page_size());
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1)
        usage("");
    size_t ps = page_size();

    char mode[128] = "(not available)";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        if (!fgets(mode, sizeof mode, f))
            strcpy(mode, "(unreadable)\n");
        fclose(f);
    }
    printf("THP enabled: %s", mode);

    /* Twice the size, to find a 2 MiB boundary inside: a huge page must be aligned. */
    char *raw = mmap(NULL, 2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        die("mmap");
    char *region = (char *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
    if (madvise(region, HUGE, MADV_HUGEPAGE) < 0)
        printf("madvise MADV_HUGEPAGE: %s: no huge pages here\n", strerror(errno));

    long f0 = minor_faults();
    memset(region, 'P', HUGE);
    printf("faults filling 2 MiB: %ld (1: one huge page; %zu: small pages)\n", minor_faults() - f0,
           HUGE / ps);
    report("before:", region);

    struct channel ch;
    pid_t pid = channel_fork(&ch);
    if (pid == 0) {
        channel_wait(&ch);
        long c0 = minor_faults();
        region[0] = 'C';
        long c1 = minor_faults();
        printf("child: faults writing 1 byte: %ld\n", c1 - c0);
        report("child:", region);
        long c2 = minor_faults();
        for (size_t off = ps; off < HUGE; off += ps)
            region[off] = 'C';
        printf("child: faults writing the other %zu pages: %ld\n", HUGE / ps - 1,
               minor_faults() - c2);
        report("child:", region);
        channel_tell(&ch);
        channel_close(&ch);
        _exit(0);
    }
    report("parent:", region);
    channel_tell(&ch);
    channel_wait(&ch);
    report("parent:", region);
    channel_join(&ch, pid);
    if (munmap(raw, 2 * HUGE) < 0)
        die("munmap");
    return 0;
}
