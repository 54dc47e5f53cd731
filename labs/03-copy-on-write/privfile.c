/* privfile - a private mapping of a file: a store copies the page, the file
 * never changes, and only the pages not yet copied still follow the file.
 *
 * usage: privfile FILE WRITES
 *
 * Maps FILE (a whole number of pages) with MAP_PRIVATE, reads every page,
 * then stores "private" at the start of each of the first WRITES pages and
 * prints the page faults those stores took. Then it changes the file itself,
 * with pwrite(): "pwrite!" at byte 100 of every page, as another program
 * might. For each page it prints whether it was written through the mapping,
 * whether the mapping sees the pwrite(), and what pagemap says the page is
 * now: still the file's page (bit 61 set) or an anonymous copy of it.
 */
#include "cow.h"
#include "pagemap.h"
#include "wb.h"

#define MINE "private"   /* stored through the mapping, at byte 0 of a page */
#define THEIRS "pwrite!" /* written into the file, at byte 100 of every page */
#define THEIRS_AT 100

int main(int argc, char *argv[])
{
    if (argc != 3)
        usage("FILE WRITES");
    const char *path = argv[1];
    size_t writes = (size_t)parse_num(argv[2], "WRITES");
    size_t ps = page_size();

    int fd = open(path, O_RDWR); /* for pwrite(); the mapping needs only reading */
    if (fd < 0)
        die("open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat %s", path);
    if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size % (off_t)ps != 0)
        fail("%s must be a regular file of a whole number of pages (%zu bytes each)", path, ps);
    size_t len = (size_t)st.st_size, pages = len / ps;
    if (writes > pages)
        fail("WRITES (%zu) cannot be more than the file's %zu pages", writes, pages);

    char *map;
    long faults = 0;
    /* TODO 3.1: map the whole file, private and writable; then store MINE at
     * the start of each of the first WRITES pages, and count the minor faults
     * the stores take (only the stores). */
    map = MAP_FAILED;
    errno = ENOSYS; /* not written yet */
    if (map == MAP_FAILED)
        die("mmap %s", path);
    printf("faults writing %zu pages: %ld\n", writes, faults);

    /* Someone changes the file: the same bytes of every page. */
    size_t n = strlen(THEIRS);
    for (size_t i = 0; i < pages; i++) {
        ssize_t w = pwrite(fd, THEIRS, n, (off_t)(i * ps + THEIRS_AT));
        if (w < 0)
            die("pwrite %s", path);
        if ((size_t)w != n)
            fail("pwrite %s: wrote %zd bytes of %zu", path, w, n);
    }

    uint64_t *e = malloc(pages * sizeof *e);
    if (!e)
        die("malloc");
    for (size_t i = 0; i < pages; i++) {
        bool sees = false, file = false;
        /* TODO 3.2: does the mapping show THEIRS at byte THEIRS_AT of page i
         * (SEES)? Is page i still the file's page, by pagemap (FILE)? */
        printf("page %zu: written: %-3s  sees pwrite: %-3s  pagemap: %s\n", i,
               i < writes ? "yes" : "no", sees ? "yes" : "no", file ? "file" : "anonymous");
    }

    free(e);
    if (munmap(map, len) < 0)
        die("munmap");
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
