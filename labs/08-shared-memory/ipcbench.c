/* ipcbench - the blog's question, measured: how fast do messages go from one
 * process to another through the ring, a pipe, or a Unix socket?
 *
 * usage: ipcbench ring NAME COUNT SIZE   (NAME: /shm-name, or a file path)
 *        ipcbench pipe|socket COUNT SIZE
 *
 * Forks a consumer, sends COUNT messages of SIZE bytes (a multiple of 8)
 * from the parent and waits for the consumer to have read them all. The
 * ring is made in NAME (which must not exist) and removed at the end: a
 * POSIX shared memory object, or a file on whatever file system holds the
 * path. Prints one line:
 *     KIND SIZE COUNT SECONDS MESSAGES/S BYTES/S
 * Timing only: never a pass/fail test (make bench LAB=08 runs it).
 */
#include "ring.h"
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        die("clock_gettime");
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("read");
        if (n == 0)
            fail("the writer ended early");
        p += n;
        len -= (size_t)n;
    }
}

int main(int argc, char *argv[])
{
    const char *synopsis = "ring NAME COUNT SIZE | pipe|socket COUNT SIZE";
    bool ring = argc == 5 && strcmp(argv[1], "ring") == 0;
    if (!ring && !(argc == 4 && (strcmp(argv[1], "pipe") == 0 || strcmp(argv[1], "socket") == 0)))
        usage(synopsis);
    const char *kind = argv[1], *name = ring ? argv[2] : NULL;
    unsigned long long count = (unsigned long long)parse_num(argv[argc - 2], "COUNT");
    size_t size = (size_t)parse_num(argv[argc - 1], "SIZE");
    if (size < 8 || size % 8 || size > (1u << 20))
        fail("SIZE must be a multiple of 8 from 8 to 2^20, not %zu", size);
    uint64_t *buf = calloc(1, size);
    if (buf == NULL)
        die("calloc");

    int fds[2] = {-1, -1};
    if (ring)
        ring_create(name, 1024, (uint32_t)(size + SLOT_HDR));
    else if (strcmp(kind, "pipe") == 0 ? pipe(fds) : socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
        die("%s", kind);

    fflush(stdout);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) { /* the consumer */
        uint64_t sum = 0;
        if (ring) {
            struct ring r;
            ring_attach(&r, name, false);
            while (ring_pop(&r, buf, size) >= 0)
                sum += buf[0];
            ring_detach(&r);
        } else {
            close(fds[1]);
            for (unsigned long long i = 0; i < count; i++) {
                read_all(fds[0], buf, size);
                sum += buf[0];
            }
        }
        free(buf);
        _exit(sum == count * (count - 1) / 2 ? 0 : 3); /* every message, once */
    }
    if (ring) {
        struct ring r;
        ring_attach(&r, name, true);
        for (unsigned long long i = 0; i < count; i++) {
            buf[0] = i;
            ring_push(&r, buf, (uint32_t)size);
        }
        ring_detach(&r);
    } else {
        close(fds[0]);
        for (unsigned long long i = 0; i < count; i++) {
            buf[0] = i;
            write_all(fds[1], buf, size);
        }
        close(fds[1]);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    double t = now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the consumer failed (wait status %#x)", status);
    if (ring && (ring_is_shm(name) ? shm_unlink(name) : unlink(name)) < 0)
        die("remove %s", name);
    free(buf);
    printf("%s %zu %llu %.6f %.0f %.0f\n", kind, size, count, t, (double)count / t,
           (double)count * (double)size / t);
    return 0;
}
