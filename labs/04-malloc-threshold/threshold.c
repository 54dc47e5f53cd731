/* threshold - the smallest request that malloc() serves with mmap(), measured
 * on the C library this program runs on.
 *
 * usage: threshold          the smallest such request, measured twice
 *        threshold SIZE     would malloc(SIZE) come from the heap or mmap()?
 *
 * The answer depends on the C library, on its tunables (GLIBC_TUNABLES,
 * mallopt()) and on the state of the heap, so the program starts from a known
 * one: a single small block allocated. It measures with served_by_mmap() from
 * chunk.h, which asks a child process, and so it leaves that state as it
 * found it: measured a second time, the answer must be the same.
 */
#include "chunk.h"

int main(int argc, char *argv[])
{
    if (argc > 2)
        usage("[SIZE]");
    /* stdio's own buffer, so that printf() does not malloc() one. */
    static char outbuf[BUFSIZ];
    if (setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf) != 0)
        fail("setvbuf failed");

    /* The known start: the heap exists (malloc() set it up with its first
     * block), as in any program that has allocated anything. */
    void *volatile first = malloc(1);
    if (!first)
        die("malloc(1)");

    if (argc == 2) {
        long long n = parse_num(argv[1], "SIZE");
        if (n == 0 || (unsigned long long)n > SEARCH_LIMIT)
            fail("SIZE must be between 1 and %zu, not %lld", SEARCH_LIMIT, n);
        printf("malloc(%lld): %s\n", n, served_by_mmap((size_t)n) ? "mmap" : "heap");
    } else {
        size_t t1 = smallest_mmapped(SEARCH_LIMIT);
        size_t t2 = smallest_mmapped(SEARCH_LIMIT);
        if (t1 == 0)
            printf("threshold: none up to %zu\n", SEARCH_LIMIT);
        else
            printf("threshold: %zu\n", t1);
        if (t2 == 0)
            printf("again:     none up to %zu\n", SEARCH_LIMIT);
        else
            printf("again:     %zu\n", t2);
    }
    free(first);
    return 0;
}
