/* libcmalloc - two things glibc's malloc() does that the tasks do not show:
 * an arena of its own for a second thread, and realloc() of a mapped block.
 *
 * usage: libcmalloc thread|realloc
 *
 * thread:  mallopt(M_MMAP_MAX, 0) ("never use mmap()"), then malloc(1000) in
 *          the main thread and in a second one. Under strace -f, the second
 *          thread's malloc() maps a heap of its own: mmap() after all.
 * realloc: malloc(1000000), which glibc maps, then realloc() to 4000000 and
 *          back to 500000, each result printed and every byte checked. Under
 *          strace, glibc resizes the mapping with mremap(), as task 4.3 does.
 *
 * This program has no task: it is for observe/tunables.sh (thread) and
 * observe/bigalloc-trace.sh (realloc).
 */
#include "wb.h"
#include <malloc.h>
#include <pthread.h>

static void *second_thread(void *arg)
{
    (void)arg;
    void *p = malloc(1000);
    if (!p)
        die("malloc in the second thread");
    printf("second thread: malloc(1000) = %p\n", p);
    free(p);
    return NULL;
}

static void threads(void)
{
    if (mallopt(M_MMAP_MAX, 0) != 1)
        fail("mallopt(M_MMAP_MAX, 0) refused");
    void *p = malloc(1000);
    if (!p)
        die("malloc");
    printf("main thread:   malloc(1000) = %p\n", p);
    fflush(stdout);
    pthread_t t;
    int err = pthread_create(&t, NULL, second_thread, NULL);
    if (err) {
        errno = err;
        die("pthread_create");
    }
    if ((err = pthread_join(t, NULL))) {
        errno = err;
        die("pthread_join");
    }
    free(p);
}

static void reallocs(void)
{
    size_t size = 1000000;
    const size_t sizes[] = {4000000, 500000};
    unsigned char *p = malloc(size);
    if (!p)
        die("malloc");
    memset(p, 'r', size);
    printf("malloc(%zu) = %p\n", size, (void *)p);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *q = realloc(p, sizes[i]);
        if (!q)
            die("realloc");
        size_t kept = size < sizes[i] ? size : sizes[i];
        for (size_t j = 0; j < kept; j++)
            if (q[j] != 'r')
                fail("realloc lost byte %zu", j);
        memset(q, 'r', sizes[i]);
        printf("realloc(%zu -> %zu) = %p, %s\n", size, sizes[i], (void *)q,
               q == p ? "in place" : "moved");
        p = q;
        size = sizes[i];
    }
    free(p);
    printf("ok: every byte kept\n");
}

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage("thread|realloc");
    if (strcmp(argv[1], "thread") == 0)
        threads();
    else if (strcmp(argv[1], "realloc") == 0)
        reallocs();
    else
        usage("thread|realloc");
    return 0;
}
