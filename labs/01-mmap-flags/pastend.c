/* pastend - what a mapping of a file holds past the file's last byte.
 *
 * usage: pastend FILE
 *
 * Maps FILE (shared, writable) with exactly its size as the length, which
 * need not be a multiple of the page size, and prints:
 *   file size:       the size from fstat()
 *   mapping length:  the length of the mapping in /proc/self/maps
 *   tail bytes:      the bytes of the last page that lie past the end of file
 *   tail zero bytes: how many of those read as 0
 * Then it writes 'X' into every tail byte. The file does not change: those
 * bytes are not part of it, and the kernel never writes them back.
 */
#include "wb.h"

/* The length of the mapping that starts at ADDR, from /proc/self/maps. */
static size_t vma_length(const void *addr)
{
    /* TODO 2.2: find the line of /proc/self/maps that starts at ADDR (its first
     * field is "start-end" in hex) and return end - start. */
    (void)addr;
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage("FILE");
    const char *path = argv[1];

    off_t fsize;
    int fd = open_file(path, O_RDWR, &fsize);
    if (fsize == 0)
        fail("%s is empty: there is nothing to map", path);
    size_t size = (size_t)fsize;

    char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    if (close(fd) < 0)
        die("close %s", path);

    size_t maplen = vma_length(map);
    printf("file size:       %zu\n", size);
    printf("mapping length:  %zu\n", maplen);

    /* TODO 2.3: count the tail bytes (from SIZE to the end of the last page of
     * the mapping) that read as 0, then store 'X' into each of them. */
    size_t tail = maplen > size ? maplen - size : 0;
    size_t zeros = 0;
    printf("tail bytes:      %zu\n", tail);
    printf("tail zero bytes: %zu\n", zeros);

    if (munmap(map, size) < 0)
        die("munmap");
    return 0;
}
