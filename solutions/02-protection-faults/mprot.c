/* mprot - change the protection of part of a mapping, and watch the kernel
 * split its VMA (and merge it again) in /proc/self/maps.
 *
 * usage: mprot PAGES [FIRST:COUNT:PROT]...
 *
 * Maps PAGES pages of private anonymous memory, read-write, and lists the
 * VMAs that cover them. Then, for each FIRST:COUNT:PROT, it changes the
 * protection of COUNT pages from page FIRST to PROT (none, r, rw or rx) with
 * mprotect(), and lists the VMAs again. No page is ever touched.
 */
#include "wb.h"
#include <stdint.h>

static char *region; /* the mapping, PAGES pages long */
static size_t pages;

/* Print the VMAs that cover the region, one line each, in pages from its
 * start: "  pages 0-1  rw-p". A VMA that reaches beyond the region (the
 * kernel merges neighbouring anonymous mappings) is cut at its edges. */
static void list_vmas(void)
{
    size_t ps = page_size();
    uintptr_t lo = (uintptr_t)region, hi = lo + pages * ps;
    int n = 0;
    /* TODO 3.1: read /proc/self/maps; for each line "START-END PERMS ..."
     * that overlaps [lo, hi), print its part inside the region as a range of
     * page numbers and its four permission letters, in the format above. */
    //@solution
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        die("fopen /proc/self/maps");
    char line[512], perms[5];
    unsigned long start, end;
    while (fgets(line, sizeof line, maps)) {
        if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3)
            fail("cannot read this line of /proc/self/maps: %s", line);
        if (end <= lo || start >= hi)
            continue;
        uintptr_t from = start < lo ? lo : start, to = end > hi ? hi : end;
        printf("  pages %zu-%zu  %s\n", (from - lo) / ps, (to - lo) / ps - 1, perms);
        n++;
    }
    if (fclose(maps) != 0)
        die("fclose /proc/self/maps");
    //@starter
    // (void)lo, (void)hi;
    //@end
    printf("  (%d VMA%s)\n", n, n == 1 ? "" : "s");
}

static int parse_prot(const char *s)
{
    if (strcmp(s, "none") == 0)
        return PROT_NONE;
    if (strcmp(s, "r") == 0)
        return PROT_READ;
    if (strcmp(s, "rw") == 0)
        return PROT_READ | PROT_WRITE;
    if (strcmp(s, "rx") == 0)
        return PROT_READ | PROT_EXEC;
    fail("PROT must be none, r, rw or rx, not '%s'", s);
}

int main(int argc, char *argv[])
{
    if (argc < 2)
        usage("PAGES [FIRST:COUNT:none|r|rw|rx]...");
    pages = parse_num(argv[1], "PAGES");
    if (pages == 0 || pages > 1 << 20)
        fail("PAGES must be between 1 and %d", 1 << 20);
    size_t ps = page_size();

    region = mmap(NULL, pages * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        die("mmap");
    printf("mapped %zu pages, rw-p\n", pages);
    list_vmas();

    for (int i = 2; i < argc; i++) {
        char first_s[32], count_s[32], prot_s[8];
        if (sscanf(argv[i], "%31[^:]:%31[^:]:%7s", first_s, count_s, prot_s) != 3)
            fail("'%s' is not FIRST:COUNT:PROT", argv[i]);
        size_t first = parse_num(first_s, "FIRST"), count = parse_num(count_s, "COUNT");
        int prot = parse_prot(prot_s);
        if (count == 0 || first >= pages || count > pages - first)
            fail("pages %zu to %zu are not all inside the %zu pages mapped", first,
                 first + count - 1, pages);
        printf("mprotect pages %zu-%zu %s\n", first, first + count - 1, prot_s);
        /* TODO 3.2: give COUNT pages from page FIRST of the region the
         * protection PROT. */
        //@solution
        if (mprotect(region + first * ps, count * ps, prot) < 0)
            die("mprotect");
        //@starter
        // (void)prot;
        //@end
        list_vmas();
    }

    if (munmap(region, pages * ps) < 0)
        die("munmap");
    return 0;
}
