/* mcat - print a file, or a range of it, through mmap() instead of read().
 *
 * usage: mcat FILE [OFFSET [LENGTH]]
 *
 * The file's bytes are never copied into a buffer of ours: the kernel maps the
 * page cache pages that hold the file into our address space, and write()
 * copies them from there to standard output.
 */
#include "wb.h"

int main(int argc, char *argv[])
{
    if (argc < 2 || argc > 4)
        usage("FILE [OFFSET [LENGTH]]");
    const char *path = argv[1];

    off_t size;
    int fd = open_file(path, O_RDONLY, &size);
    off_t off = argc > 2 ? parse_num(argv[2], "OFFSET") : 0;
    if (off > size)
        fail("OFFSET %lld is past the end of %s (%lld bytes)", (long long)off, path,
             (long long)size);
    off_t len = argc > 3 ? parse_num(argv[3], "LENGTH") : size - off;
    if (len > size - off)
        len = size - off; /* like head -c: stop at the end of the file */
    if (len == 0)
        return 0; /* mmap() refuses a length of 0 (EINVAL): nothing to print */

    /* TODO 2.1: mmap's offset must be a multiple of the page size. Map from the
     * start of the page that holds OFFSET, and remember how far into that page
     * OFFSET lies. */
    //@solution
    off_t start = off & ~(off_t)(page_size() - 1);
    size_t skip = (size_t)(off - start);
    //@starter
    // off_t start = off;
    // size_t skip = 0;
    //@end

    /* TODO 1.1: map the file's bytes from START, SKIP + LEN of them, read-only,
     * and report a failure with die(). */
    //@solution
    char *map = mmap(NULL, skip + (size_t)len, PROT_READ, MAP_PRIVATE, fd, start);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    //@starter
    // char *map = NULL; /* replace with the mmap() call */
    // (void)start;
    //@end

    /* The mapping holds its own reference to the file: the descriptor can
     * go. */
    if (close(fd) < 0)
        die("close %s", path);

    write_all(STDOUT_FILENO, map + skip, (size_t)len);

    if (munmap(map, skip + (size_t)len) < 0)
        die("munmap");
    return 0;
}
