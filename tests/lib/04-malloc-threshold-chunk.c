/* 04-malloc-threshold-chunk - the lab's chunk.h on its own: served_by_mmap()
 * (task 2.1) graded without whence, threshold or bump around it.
 *
 * usage: 04-malloc-threshold-chunk SIZE...
 *
 * Prints "before" into stdio's buffer (standard output is a pipe in the
 * tests: fully buffered, so the line waits there), then, for each SIZE,
 * "SIZE: mmap" or "SIZE: heap" as served_by_mmap(SIZE) answers. A child that
 * ends with exit() rather than _exit() writes the parent's buffered "before"
 * a second time; one that returns runs the rest of this program itself.
 *
 * tests/04-malloc-threshold.bats builds it with the labs' compiler and flags,
 * and the graded tree's chunk.h (-I that lab's directory).
 */
#include "chunk.h"

int main(int argc, char *argv[])
{
    if (argc < 2)
        usage("SIZE...");
    printf("before\n");
    for (int i = 1; i < argc; i++) {
        long long n = parse_num(argv[i], "SIZE");
        if (n == 0 || (unsigned long long)n > SEARCH_LIMIT)
            fail("SIZE must be between 1 and %zu, not %lld", SEARCH_LIMIT, n);
        printf("%lld: %s\n", n, served_by_mmap((size_t)n) ? "mmap" : "heap");
    }
    return 0;
}
