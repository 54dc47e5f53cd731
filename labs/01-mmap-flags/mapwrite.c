/* mapwrite - store TEXT into FILE through a shared or a private mapping.
 *
 * usage: mapwrite shared|private FILE OFFSET TEXT
 *
 * After the store it prints what the mapping holds at OFFSET, and what a
 * pread() on a fresh descriptor of the same file sees there. With MAP_SHARED
 * the two agree at once, without msync(): the mapping *is* the page cache that
 * read() and pread() copy from. With MAP_PRIVATE the first store copies the
 * page, and the file never sees it.
 */
#include "wb.h"

int main(int argc, char *argv[])
{
    if (argc != 5)
        usage("shared|private FILE OFFSET TEXT");
    bool shared = strcmp(argv[1], "shared") == 0;
    if (!shared && strcmp(argv[1], "private") != 0)
        fail("the mode must be 'shared' or 'private', not '%s'", argv[1]);
    const char *path = argv[2];
    off_t off = parse_num(argv[3], "OFFSET");
    const char *text = argv[4];
    size_t n = strlen(text);

    /* TODO 1.2: choose the mapping's flag for the mode, and how to open the
     * file: a shared writable mapping needs a descriptor opened for writing;
     * a private one does not, because its writes never go back to the file. */
    int flags = 0;
    int oflags = O_RDWR;

    off_t size;
    int fd = open_file(path, oflags, &size);
    if (size == 0)
        fail("%s is empty: there is nothing to map", path);
    if (off + (off_t)n > size)
        fail("%zu bytes at offset %lld would go past the end of %s (%lld bytes): "
             "a store through a mapping cannot make a file longer",
             n, (long long)off, path, (long long)size);

    size_t len = (size_t)size;
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);

    /* TODO 1.3: the mapping keeps the file open by itself: close the descriptor
     * now, before storing through the mapping. */

    memcpy(map + off, text, n); /* the store: no write() system call */

    printf("mapping: %.*s\n", (int)n, map + off);

    /* A second, independent descriptor: what does the file hold now? */
    char *seen = malloc(n + 1);
    if (!seen)
        die("malloc");
    int fd2 = open(path, O_RDONLY);
    if (fd2 < 0)
        die("open %s", path);
    ssize_t got = pread(fd2, seen, n, off);
    if (got < 0)
        die("pread %s", path);
    printf("file:    %.*s\n", (int)got, seen);

    free(seen);
    if (close(fd2) < 0)
        die("close %s", path);
    if (munmap(map, len) < 0)
        die("munmap");
    return 0;
}
