/* eofmap - map three pages of a file that may be shorter, and touch them.
 *
 * usage: eofmap [-n] FILE OP...
 *
 * Maps FILE shared and writable over three whole pages, whatever its size,
 * then runs each OP in turn:
 *     r:OFFSET   read the byte at OFFSET of the mapping, print it
 *     w:OFFSET   store 'W' there
 *     t:SIZE     ftruncate() the file to SIZE bytes (longer or shorter)
 * A faulting access is reported (probe.h) and eofmap goes on; with -n there is
 * no handler and the first faulting access kills the process. At the end it
 * prints the file's size.
 */
#include "probe.h"

#define PAGES 3

int main(int argc, char *argv[])
{
    bool handler = true;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        handler = false;
        first = 2;
    }
    if (first + 1 >= argc)
        usage("[-n] FILE r:OFFSET|w:OFFSET|t:SIZE...");
    const char *path = argv[first];
    for (int i = first + 1; i < argc; i++)
        if (!probe_is_op(argv[i]) && strncmp(argv[i], "t:", 2) != 0)
            fail("'%s' is not an operation: r:OFFSET, w:OFFSET or t:SIZE", argv[i]);
    for (int i = first + 1; i < argc; i++)
        if (strncmp(argv[i], "t:", 2) == 0)
            (void)parse_num(argv[i] + 2, "t:SIZE");

    off_t fsize;
    int fd = open_file(path, O_RDWR, &fsize);
    size_t len = PAGES * page_size();

    /* TODO 2.1: map LEN bytes of the file (three pages, however long the
     * file is), shared and writable, and report a failure with die(). */
    //@solution
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    //@starter
    // char *map = MAP_FAILED; /* replace with the mmap() call */
    // errno = ENOSYS;
    // if (map == MAP_FAILED)
    //     die("mmap %s (task 2.1 is not done yet)", path);
    //@end
    printf("file size %lld, mapped %zu bytes\n", (long long)fsize, len);

    probe_base = map;
    if (handler)
        probe_install();
    for (int i = first + 1; i < argc; i++) {
        if (probe_is_op(argv[i])) {
            probe_op(argv[i]);
            continue;
        }
        off_t size = parse_num(argv[i] + 2, "t:SIZE");
        /* TODO 2.2: make the file SIZE bytes long (the mapping stays as it
         * is). */
        //@solution
        if (ftruncate(fd, size) < 0)
            die("ftruncate %s", path);
        //@starter
        // (void)size;
        //@end
        printf("truncate to %lld: ok\n", (long long)size);
    }

    struct stat st; /* the size now, after any truncation */
    if (fstat(fd, &st) < 0)
        die("fstat %s", path);
    printf("file size %lld\n", (long long)st.st_size);
    if (munmap(map, len) < 0)
        die("munmap");
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
