/* cowpages - fork() shares private pages, and a write copies one: the
 * kernel's own view of it, from /proc/self/pagemap.
 *
 * usage: cowpages PAGES WRITES [dump]
 *
 * Maps PAGES pages of private anonymous memory and writes into each, then
 * forks. The child writes into the first WRITES pages; then the parent writes
 * into all of them. At each step the process that looks prints a line:
 *   exclusive N of PAGES    pages mapped by this process alone (pagemap bit 56)
 *   frames as before fork   pages still on the physical page (the page frame
 *                           number, PFN) they had before fork(); "frames
 *                           hidden" if the kernel shows us PFN 0 (not root)
 * With "dump", each line is followed by the raw pagemap entries (in hex) of
 * the first pages, at most 4. The two processes take turns through pipes, so
 * the order never varies.
 */
#include "cow.h"
#include "pagemap.h"
#include "wb.h"

static size_t pages;
static uint64_t *before; /* each page's PFN before fork() (0 if hidden) */
static bool dump;        /* print the raw entries too */

/* Print STEP, then what pagemap says now about the PAGES pages at MAP. */
static void look(const char *step, const char *map)
{
    uint64_t *e = malloc(pages * sizeof *e);
    if (!e)
        die("malloc");
    pagemap_read(map, pages, e);
    size_t exclusive = 0, same = 0;
    bool hidden = false;

    /* TODO 1.1: count the pages that are present and mapped exclusively. */
    //@solution
    for (size_t i = 0; i < pages; i++)
        if ((e[i] & PM_PRESENT) && (e[i] & PM_EXCLUSIVE))
            exclusive++;
    //@starter
    //@end

    /* TODO 1.2: count the pages whose frame is the one they had before fork()
     * (before[i]). If a present page shows frame 0, the kernel hides the frames
     * from us: set HIDDEN rather than compare zeros. */
    //@solution
    for (size_t i = 0; i < pages; i++) {
        if ((e[i] & PM_PRESENT) && pm_pfn(e[i]) == 0)
            hidden = true;
        else if (pm_pfn(e[i]) == before[i])
            same++;
    }
    //@starter
    //@end

    printf("%-30s exclusive %zu of %zu, ", step, exclusive, pages);
    if (hidden)
        printf("frames hidden (PFN 0: not root)\n");
    else
        printf("frames as before fork %zu of %zu\n", same, pages);
    for (size_t i = 0; dump && i < pages && i < 4; i++)
        printf("    page %zu: %016llx\n", i, (unsigned long long)e[i]);
    free(e);
}

/* Store BYTE into the first byte of each of the first N pages of MAP. */
static void write_pages(char *map, size_t n, char byte)
{
    for (size_t i = 0; i < n; i++)
        map[i * page_size()] = byte;
}

int main(int argc, char *argv[])
{
    if (argc < 3 || argc > 4)
        usage("PAGES WRITES [dump]");
    dump = argc == 4 && strcmp(argv[3], "dump") == 0;
    if (argc == 4 && !dump)
        fail("the third argument can only be 'dump', not '%s'", argv[3]);
    pages = (size_t)parse_num(argv[1], "PAGES");
    size_t writes = (size_t)parse_num(argv[2], "WRITES");
    if (pages == 0 || pages > 100000)
        fail("PAGES must be between 1 and 100000");
    if (writes > pages)
        fail("WRITES (%zu) cannot be more than PAGES (%zu)", writes, pages);

    char *map = map_anon(pages, false);
    write_pages(map, pages, 'P'); /* every page present, and this process's own */
    before = malloc(pages * sizeof *before);
    if (!before)
        die("malloc");
    pagemap_read(map, pages, before);
    for (size_t i = 0; i < pages; i++)
        before[i] = pm_pfn(before[i]);
    look("before fork:", map);

    struct channel ch;
    pid_t pid = channel_fork(&ch);
    if (pid == 0) {
        channel_wait(&ch); /* the parent looks first */
        look("child after fork:", map);
        write_pages(map, writes, 'C');
        char step[64];
        snprintf(step, sizeof step, "child after writing %zu:", writes);
        look(step, map);
        channel_tell(&ch);
        channel_wait(&ch); /* stay alive (and sharing) while the parent writes */
        channel_close(&ch);
        free(before);
        _exit(0);
    }

    look("parent after fork:", map);
    channel_tell(&ch);
    channel_wait(&ch);
    look("parent after the child wrote:", map);
    write_pages(map, pages, 'Q');
    look("parent after writing all:", map);
    channel_tell(&ch);
    channel_join(&ch, pid);
    free(before);
    if (munmap(map, pages * page_size()) < 0)
        die("munmap");
    return 0;
}
