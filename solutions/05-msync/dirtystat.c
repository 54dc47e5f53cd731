/* dirtystat - how much of a file is in the page cache, and how much of that is
 * dirty (changed in memory, not yet written to the disk).
 *
 * usage: dirtystat FILE
 *
 * Asks cachestat(2) (Linux 6.5 and later, any user who can open the file) and
 * prints the file's pages: cached, dirty, under writeback; and the machine's
 * "Dirty:" line from /proc/meminfo. A measuring tool for the observe/ scripts:
 * there is no task in it.
 */
#include "pagestate.h"

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage("FILE");
    const char *path = argv[1];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat %s", path);
    size_t ps = page_size();
    printf("%s: %lld bytes, %lld pages\n", path, (long long)st.st_size,
           (long long)((st.st_size + (off_t)ps - 1) / (off_t)ps));

    struct wb_cachestat cs;
    if (file_cachestat(fd, &cs) == 0)
        printf("  in page cache: %llu pages, dirty: %llu, under writeback: %llu\n",
               (unsigned long long)cs.nr_cache, (unsigned long long)cs.nr_dirty,
               (unsigned long long)cs.nr_writeback);
    else if (errno == ENOSYS)
        printf("  page cache: n/a (cachestat() needs Linux 6.5 or later)\n");
    else
        die("cachestat %s", path);
    printf("  Dirty in /proc/meminfo (the whole machine): ");
    print_count(meminfo_dirty_kb(), 0);
    printf(" kB\n");
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
