/* incore - how many of a file's pages are in the page cache, by mincore().
 * There is no task in this program: it is a measuring tool.
 *
 * usage: incore FILE...
 *
 * A mapping of the file is only a window: creating it reads nothing, and
 * mincore() reports which of its pages the page cache holds (for a file you
 * may write; for one you may not, Linux 5.2 and later report every page).
 */
#include "wb.h"

int main(int argc, char *argv[])
{
    if (argc < 2)
        usage("FILE...");
    size_t ps = page_size();
    for (int i = 1; i < argc; i++) {
        off_t size;
        int fd = open_file(argv[i], O_RDONLY, &size);
        size_t len = (size_t)size, pages = (len + ps - 1) / ps, n = 0;
        if (len > 0) { /* a mapping of 0 bytes is EINVAL: no pages anyway */
            void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
            if (map == MAP_FAILED)
                die("mmap %s", argv[i]);
            unsigned char *vec = malloc(pages);
            if (!vec)
                die("malloc");
            if (mincore(map, len, vec) < 0)
                die("mincore %s", argv[i]);
            for (size_t p = 0; p < pages; p++)
                n += vec[p] & 1;
            free(vec);
            if (munmap(map, len) < 0)
                die("munmap %s", argv[i]);
        }
        printf("%s: %zu of %zu pages in the page cache\n", argv[i], n, pages);
        if (close(fd) < 0)
            die("close %s", argv[i]);
    }
    return 0;
}
