/* populate - where do the page faults of fresh anonymous memory happen?
 *
 * usage: populate PAGES lazy|populate
 *
 * Maps PAGES pages of private anonymous memory, with MAP_POPULATE or without
 * it, then writes one byte into each page. It prints the minor page faults
 * counted (by getrusage) during the mmap() call and during the writes: lazily
 * each first write faults; with MAP_POPULATE, mmap() itself takes the faults.
 */
/* Task 6.1 is to write minor_faults() below: leave out the copy in wb.h. */
#define WB_OWN_MINOR_FAULTS
#include "wb.h"
#include <sys/resource.h>

/* Minor page faults this process has taken so far. */
static long minor_faults(void)
{
    /* TODO 6.1: ask getrusage() for this process's count of minor faults. */
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc != 3)
        usage("PAGES lazy|populate");
    long long pages = parse_num(argv[1], "PAGES");
    if (pages == 0 || pages > 1 << 20)
        fail("PAGES must be between 1 and %d", 1 << 20);
    bool populate = strcmp(argv[2], "populate") == 0;
    if (!populate && strcmp(argv[2], "lazy") != 0)
        fail("the mode must be 'lazy' or 'populate', not '%s'", argv[2]);
    size_t ps = page_size(), len = (size_t)pages * ps;

    /* TODO 6.2: in populate mode, ask mmap() to fault every page in at once. */
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;

    long f0 = minor_faults();
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    long f1 = minor_faults();
    if (map == MAP_FAILED)
        die("mmap");
    for (size_t off = 0; off < len; off += ps)
        map[off] = 1;
    long f2 = minor_faults();

    printf("faults in mmap:  %ld\n", f1 - f0);
    printf("faults touching: %ld\n", f2 - f1);
    if (munmap(map, len) < 0)
        die("munmap");
    return 0;
}
