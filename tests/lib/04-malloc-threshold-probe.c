/* 04-malloc-threshold-probe - the tests of lab 04 measure malloc()'s mmap
 * threshold with this, not with the lab's programs.
 *
 * usage: 04-malloc-threshold-probe [SIZE...]
 *
 * Allocates one small block (the start state the lab's programs use) and
 * prints the smallest request that malloc() would serve with mmap() (or
 * "none" up to 64 MiB); then, for each SIZE in turn, it malloc()s and free()s
 * SIZE and prints that again. Each request is tried in a child, so that trying
 * changes nothing; the child counts mmapped chunks with mallinfo2(), never
 * with the chunk header the lab's programs read.
 *
 * tests/04-malloc-threshold.bats builds it with the labs' compiler and flags
 * (the Makefile's rule for $(TEST_BIN)/%). It uses no workbook header: the
 * tests' measure stays apart from the code it grades.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static size_t mmapped_chunks(void)
{
#if __GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)
    return mallinfo2().hblks;
#else
    return (size_t)mallinfo().hblks;
#endif
}

/* Would malloc(N) be served by mmap() now? 1 or 0; exit 3 if it cannot tell. */
static int by_mmap(size_t n)
{
    size_t before = mmapped_chunks();
    pid_t pid = fork();
    if (pid == 0) {
        void *volatile p = malloc(n); /* volatile: -O2 must not drop the malloc() */
        _exit(p == NULL ? 2 : mmapped_chunks() > before);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
        exit(3);
    return WEXITSTATUS(st);
}

/* The smallest request served by mmap() now: a binary search, one child a try. */
static void print_threshold(void)
{
    size_t lo = 1, hi = (size_t)64 << 20;
    if (!by_mmap(hi)) {
        puts("none");
        return;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_mmap(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    printf("%zu\n", lo);
}

int main(int argc, char **argv)
{
    static char outbuf[BUFSIZ]; /* so that stdio does not malloc() one */
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    void *volatile first = malloc(1);
    print_threshold();
    for (int i = 1; i < argc; i++) {
        void *volatile p = malloc(strtoull(argv[i], NULL, 0));
        free(p);
        print_threshold();
    }
    free(first);
    return 0;
}
