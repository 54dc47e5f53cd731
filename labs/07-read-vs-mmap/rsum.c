/* rsum - sum a file's 64-bit words, reading it with read() into a buffer.
 *
 * usage: rsum FILE BUFSIZE [sequential|readahead]
 *
 * Reads FILE from start to end with read() calls of BUFSIZE bytes into one
 * buffer, and prints the checksum (wsum.h: msum prints the same for the same
 * file) and what the kernel counted meanwhile (iocount.h): every byte was
 * copied once more, from the page cache into the buffer, and rchar says so.
 * With "sequential" or "readahead" it first tells the kernel how the file
 * will be read (task 3.3).
 */
#include "iocount.h"
#include "wsum.h"

/* Task 3.3: say how FD (SIZE bytes) will be read, before the first read(). */
static void hint(int fd, off_t size, const char *how)
{
    /* TODO 3.3: for "sequential", advise the kernel that the whole file will
     * be read sequentially (posix_fadvise); for "readahead", start reading
     * the whole file into the page cache now (readahead(2)). */
    (void)fd, (void)size, (void)how;
}

int main(int argc, char *argv[])
{
    const char *synopsis = "FILE BUFSIZE [sequential|readahead]";
    if (argc < 3 || argc > 4)
        usage(synopsis);
    const char *path = argv[1], *how = argc == 4 ? argv[3] : NULL;
    if (how && strcmp(how, "sequential") != 0 && strcmp(how, "readahead") != 0)
        usage(synopsis);
    long long bufsize = parse_num(argv[2], "BUFSIZE");
    off_t size;
    int fd = open_file(path, O_RDONLY, &size);
    if (size == 0)
        fail("%s is empty: there is nothing to sum", path);
    if (how)
        hint(fd, size, how);

    struct wsum s = {0};
    long long calls = 0, total = 0;
    struct iocount before = io_now();
    /* TODO 1.1: read the file to its end with read() calls of BUFSIZE bytes
     * into one buffer; give each chunk to wsum_update(), count the calls in
     * CALLS and the bytes in TOTAL. A BUFSIZE of 0 is bad input. */
    (void)bufsize;
    struct iocount after = io_now();

    printf("file:        %s, %lld bytes\n", path, (long long)size);
    printf("sum:         %016llx\n", (unsigned long long)wsum_final(&s));
    printf("bytes:       %lld\n", total);
    printf("read calls:  %lld of %lld bytes\n", calls, bufsize);
    io_print(io_diff(before, after));
    if (close(fd) < 0)
        die("close %s", path);
    return 0;
}
