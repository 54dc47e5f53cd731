/* mprint - the folklore's printf("%s", map) on a mapped file, to see when
 * it works and when it crashes. There is no task in this program.
 *
 * usage: mprint FILE [past]
 *
 * Maps FILE read-only and prints it with printf("%s", map), which reads
 * until it finds a 0 byte: a file has none at its end. The bytes after the
 * end of the file, up to the end of its last page, read as 0, so a file
 * whose size is not a multiple of the page size happens to print. A file of
 * exactly N pages has no such tail: printf() reads on, past the mapping.
 * What is there decides what happens; to make it the same on every run,
 * mprint puts an inaccessible page (PROT_NONE) right after the mapping:
 * SIGSEGV. With "past", the mapping is one page longer than the file
 * instead: that page has no file behind it, and reading it is SIGBUS.
 */
#include "wb.h"

int main(int argc, char *argv[])
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "past") != 0))
        usage("FILE [past]");
    const char *path = argv[1];
    bool past = argc == 3;
    off_t size;
    int fd = open_file(path, O_RDONLY, &size);
    if (size == 0)
        fail("%s is empty: there is nothing to map", path);
    size_t ps = page_size(), len = ((size_t)size + ps - 1) / ps * ps;

    /* Reserve the file's pages and one more, inaccessible. */
    char *area = mmap(NULL, len + ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        die("mmap");
    /* The file over the first LEN bytes (or all of them, with "past"). */
    char *map = mmap(area, past ? len + ps : len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    printf("%s", map); /* the folklore: never do this */
    fflush(stdout);
    fprintf(stderr, "\nmprint: printed %zu bytes of a %lld-byte file\n", strlen(map),
            (long long)size);
    if (munmap(area, len + ps) < 0)
        die("munmap");
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
