/* overcommit - map more anonymous memory than the machine has, and see what
 * the kernel says, and what touching it costs.
 *
 * usage: overcommit PERCENT [noreserve] [touch=MIB]
 *
 * Maps PERCENT % of (MemTotal + SwapTotal) of private anonymous memory, with
 * MAP_NORESERVE or without, and prints the kernel's answer, the overcommit
 * policy (vm.overcommit_memory) and the system's committed memory
 * (Committed_AS) before and after. With touch=MIB it then writes one byte into
 * each page of the first MIB MiB (at most 256) and prints the page faults and
 * the growth of the resident set. Nothing is touched without touch=: a mapping
 * costs no memory until its pages are used.
 *
 * This program has no task: it is for the observations of the chapter's
 * section 5 (observe/overcommit.sh). Mapping succeeds or fails depending on
 * the machine's policy; either is a correct result.
 */
#include "wb.h"

#define TOUCH_LIMIT_MIB 256

/* A line "NAME: N kB" of /proc/meminfo, in kB; -1 if there is none. */
static long long meminfo(const char *name)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        die("fopen /proc/meminfo");
    char line[256];
    long long kb = -1;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':' &&
            sscanf(line + len + 1, "%lld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* The number in a one-line file (a sysctl); -1 if it cannot be read. */
static long long read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    long long n = -1;
    if (f) {
        if (fscanf(f, "%lld", &n) != 1)
            n = -1;
        fclose(f);
    }
    return n;
}

/* This process's resident set in kB (VmRSS in /proc/self/status). */
static long long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        die("fopen /proc/self/status");
    char line[256];
    long long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %lld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

int main(int argc, char *argv[])
{
    static const char synopsis[] = "PERCENT [noreserve] [touch=MIB]";
    if (argc < 2 || argc > 4)
        usage(synopsis);
    long long percent = parse_num(argv[1], "PERCENT");
    if (percent == 0 || percent > 10000)
        fail("PERCENT must be between 1 and 10000, not %lld", percent);
    bool noreserve = false;
    long long touch_mib = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "noreserve") == 0)
            noreserve = true;
        else if (strncmp(argv[i], "touch=", 6) == 0)
            touch_mib = parse_num(argv[i] + 6, "MIB");
        else
            usage(synopsis);
    }
    if (touch_mib > TOUCH_LIMIT_MIB)
        fail("touch=%lld: at most %d MiB, to keep the machine safe", touch_mib, TOUCH_LIMIT_MIB);

    long long mem = meminfo("MemTotal"), swap = meminfo("SwapTotal");
    if (mem <= 0 || swap < 0)
        fail("cannot read MemTotal and SwapTotal from /proc/meminfo");
    long long policy = read_number("/proc/sys/vm/overcommit_memory");
    static const char *const policies[] = {"0 (heuristic)", "1 (always)", "2 (never: strict)"};
    size_t len = (size_t)((mem + swap) * percent / 100) * 1024;
    len = (len + page_size() - 1) & ~(page_size() - 1);

    printf("vm.overcommit_memory: %s\n", policy >= 0 && policy <= 2 ? policies[policy] : "?");
    printf("MemTotal + SwapTotal: %lld MiB\n", (mem + swap) / 1024);
    printf("CommitLimit:          %lld MiB\n", meminfo("CommitLimit") / 1024);
    long long committed = meminfo("Committed_AS");
    printf("Committed_AS before:  %lld MiB\n", committed / 1024);

    int flags = MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0);
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (map == MAP_FAILED) {
        int err = errno;
        printf("mmap of %zu MiB%s: failed, %s (%s)\n", len >> 20,
               noreserve ? " with MAP_NORESERVE" : "", strerror(err), strerrorname_np(err));
        return 0;
    }
    printf("mmap of %zu MiB%s: ok\n", len >> 20, noreserve ? " with MAP_NORESERVE" : "");
    printf("Committed_AS after:   %lld MiB (other processes change it too)\n",
           meminfo("Committed_AS") / 1024);

    if (touch_mib > 0) {
        size_t touch = (size_t)touch_mib << 20;
        if (touch > len)
            touch = len;
        long long rss0 = rss_kb();
        long f0 = minor_faults();
        for (size_t off = 0; off < touch; off += page_size())
            map[off] = 1;
        long f1 = minor_faults();
        printf("touched %zu MiB: %ld minor faults, VmRSS +%lld MiB\n", touch >> 20, f1 - f0,
               (rss_kb() - rss0) / 1024);
    }
    if (munmap(map, len) < 0)
        die("munmap");
    return 0;
}
