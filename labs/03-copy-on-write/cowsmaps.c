/* cowsmaps - the same copy-on-write, seen through /proc/self/smaps: how much
 * of a region is shared with another process, and how much is its own.
 *
 * usage: cowsmaps PAGES WRITES
 *
 * Maps PAGES pages of private anonymous memory and writes into each, then
 * forks; the child writes into the first WRITES pages. At each step it
 * prints the region's figures from smaps, in kB:
 *   Size           the length of the mapping (from its "start-end" line)
 *   Rss            how much of it is in memory
 *   Pss            Rss, each page divided by the number of processes mapping it
 *   Shared_Dirty   modified pages that more than one process maps
 *   Private_Dirty  modified pages that only this process maps
 */
#include "cow.h"
#include "wb.h"
#include <stdint.h>

struct region {
    long size, rss, pss, shared_dirty, private_dirty; /* in kB */
};

/* The smaps figures of the mapping that holds ADDR. */
static struct region region_of(const void *addr)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        die("fopen /proc/self/smaps");
    struct region r = {0};
    bool in = false, found = false;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* TODO 4.1: a line "start-end perms offset dev inode [name]" begins the
         * next mapping. Is it the one that holds ADDR? Set IN (and FOUND), and
         * r.size, in kB, from start and end. */

        /* TODO 4.2: inside that mapping, read the lines "Name:   N kB" of
         * Rss, Pss, Shared_Dirty and Private_Dirty (only those names: there
         * are also Pss_Dirty, Pss_Anon, ...). */
        (void)in;
    }
    if (ferror(f))
        die("read /proc/self/smaps");
    fclose(f);
    if (!found)
        fail("no mapping in /proc/self/smaps holds %p (task 4.1)", addr);
    return r;
}

static void look(const char *step, const char *map)
{
    struct region r = region_of(map);
    printf("%-30s Size %ld kB, Rss %ld kB, Pss %ld kB, Shared_Dirty %ld kB, Private_Dirty %ld kB\n",
           step, r.size, r.rss, r.pss, r.shared_dirty, r.private_dirty);
}

int main(int argc, char *argv[])
{
    if (argc != 3)
        usage("PAGES WRITES");
    size_t pages = (size_t)parse_num(argv[1], "PAGES");
    size_t writes = (size_t)parse_num(argv[2], "WRITES");
    if (pages == 0 || pages > 100000)
        fail("PAGES must be between 1 and 100000");
    if (writes > pages)
        fail("WRITES (%zu) cannot be more than PAGES (%zu)", writes, pages);
    size_t ps = page_size();

    /* map_anon() marks the region MADV_NOHUGEPAGE: that also keeps the kernel
     * from merging it with a neighbouring anonymous mapping, whose figures
     * would then be added to ours. */
    char *map = map_anon(pages, false);
    memset(map, 'P', pages * ps);
    look("before fork:", map);

    struct channel ch;
    pid_t pid = channel_fork(&ch);
    if (pid == 0) {
        channel_wait(&ch);
        for (size_t i = 0; i < writes; i++)
            map[i * ps] = 'C';
        char step[64];
        snprintf(step, sizeof step, "child after writing %zu:", writes);
        look(step, map);
        channel_tell(&ch);
        channel_wait(&ch); /* stay alive while the parent looks */
        channel_close(&ch);
        _exit(0);
    }

    look("parent after fork:", map);
    channel_tell(&ch);
    channel_wait(&ch);
    look("parent after the child wrote:", map);
    channel_tell(&ch);
    channel_join(&ch, pid);
    if (munmap(map, pages * ps) < 0)
        die("munmap");
    return 0;
}
