/* killstore - store into a file through a mapping, then wait to be killed.
 *
 * usage: killstore FILE OFFSET TEXT
 *
 * Stores TEXT at OFFSET of FILE through a shared mapping, then writes one
 * line to standard output,
 *     killstore PID: stored N bytes at OFFSET, waiting for a signal
 * and waits for a signal, for ever. No msync(), no munmap(), no close(), no
 * exit(): `kill -KILL PID` ends it while the store is only in memory. Look at
 * the file afterwards: the bytes are there. They were in the page cache, which
 * belongs to the kernel, not to the process; the kernel writes them to the
 * disk in its own time. Only a crash of the whole machine before that loses them.
 */
#include "wb.h"

int main(int argc, char *argv[])
{
    if (argc != 4)
        usage("FILE OFFSET TEXT");
    const char *path = argv[1], *text = argv[3];
    off_t off = parse_num(argv[2], "OFFSET");
    size_t n = strlen(text);

    off_t fsize;
    int fd = open_file(path, O_RDWR, &fsize);
    if (n == 0)
        fail("TEXT is empty: there is nothing to store");
    if (off > fsize - (off_t)n)
        fail("%zu bytes at offset %lld do not fit in %s (%lld bytes)", n, (long long)off, path,
             (long long)fsize);

    /* TODO 4.1: map the file shared and writable, and store TEXT at OFF
     * through the mapping. Only that: no msync(), no munmap(), no write(). */
    (void)fd;

    /* Say so with one write(), not printf(): stdio keeps its output in a
     * buffer when standard output is a pipe, and a killed process never
     * flushes it. Whoever reads this line knows the store is done. */
    char line[160];
    int len = snprintf(line, sizeof line,
                       "killstore %ld: stored %zu bytes at %lld, "
                       "waiting for a signal\n",
                       (long)getpid(), n, (long long)off);
    write_all(STDOUT_FILENO, line, (size_t)len);
    for (;;)
        pause(); /* returns only after a signal that is caught: none is */
}
