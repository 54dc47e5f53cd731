/* rmbench - the timing helpers of this lab's benchmark (bench/run.sh). There
 * is no task in this program; it is the stopwatch, not the subject.
 *
 * usage: rmbench mem MB REPS         the memory bandwidth bound, in this run
 *        rmbench cold FILE           make FILE cold (fdatasync + DONTNEED)
 *        rmbench time FILE hot|cold PROG ARGS...
 *
 * mem: REPS times, memcpy() of MB MiB between two anonymous buffers, and the
 * same word sum as the readers (wsum.h) over one of them, already faulted in:
 * the fastest any reader of that many bytes can go; and the same sum over a
 * fresh mapping (16 MiB at most), populated (no page faults) but never
 * touched: what touching new page table entries costs. Prints "memcpy", "sum" and "first" lines in
 * GB/s. time: runs PROG with its output to /dev/null and prints
 * FILE's size divided by the wall time from fork() to wait() (CLOCK_MONOTONIC),
 * in GB/s (10^9 bytes a second): what a user of the program waits for,
 * page faults, munmap() and exit included. With "cold", FILE is made cold
 * first (as root, the whole page cache is dropped too: drop_caches).
 * "true" as PROG (no file read) measures the cost of starting a program.
 */
#include "wb.h"
#include "wsum.h"
#include <sys/wait.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        die("clock_gettime");
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void cold(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open %s", path);
    if (fdatasync(fd) < 0)
        die("fdatasync %s", path);
    int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (err) {
        errno = err;
        die("posix_fadvise %s", path);
    }
    if (close(fd) < 0)
        die("close %s", path);
    if (geteuid() == 0) { /* metadata and everything else too */
        int dc = open("/proc/sys/vm/drop_caches", O_WRONLY);
        if (dc >= 0) { /* absent in some containers: DONTNEED is enough */
            write_all(dc, "1", 1);
            close(dc);
        }
    }
}

static volatile uint64_t sink; /* so that the compiler keeps the sums */

static void mem(size_t mb, int reps)
{
    size_t len = mb << 20;
    unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a == MAP_FAILED || b == MAP_FAILED)
        die("mmap %zu MiB", mb);
    for (size_t i = 0; i < len; i++) /* fault in, and something to sum */
        a[i] = (unsigned char)(i * 7);
    memset(b, 1, len);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        memcpy(b, a, len);
        double t1 = now();
        sink += wsum_words(a, len / 8);
        double t2 = now();
        /* A fresh mapping, every page already allocated by MAP_POPULATE:
         * the cost of a first touch without any page fault. */
        size_t flen = len < (16u << 20) ? len : 16u << 20; /* slow: 16 MiB do */
        unsigned char *f = mmap(NULL, flen, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (f == MAP_FAILED)
            die("mmap %zu MiB", mb);
        double t3 = now();
        sink += wsum_words(f, flen / 8);
        double t4 = now();
        if (munmap(f, flen) < 0)
            die("munmap");
        printf("memcpy %.3f\nsum %.3f\nfirst %.3f\n", (double)len / (t1 - t0) / 1e9,
               (double)len / (t2 - t1) / 1e9, (double)flen / (t4 - t3) / 1e9);
    }
    if (munmap(a, len) < 0 || munmap(b, len) < 0)
        die("munmap");
}

static void timeit(const char *path, bool is_cold, char *argv[])
{
    struct stat st;
    if (stat(path, &st) < 0)
        die("stat %s", path);
    if (is_cold)
        cold(path);
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(null, 1) < 0)
            die("/dev/null");
        execvp(argv[0], argv);
        die("exec %s", argv[0]);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    double t1 = now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("%s failed (status %d)", argv[0], status);
    printf("%.3f\n", (double)st.st_size / (t1 - t0) / 1e9);
    fprintf(stderr, "%.6f s\n", t1 - t0);
}

int main(int argc, char *argv[])
{
    const char *synopsis = "mem MB REPS | cold FILE | time FILE hot|cold PROG ARGS...";
    if (argc == 4 && strcmp(argv[1], "mem") == 0) {
        long long mb = parse_num(argv[2], "MB"), reps = parse_num(argv[3], "REPS");
        if (mb == 0 || reps == 0)
            fail("MB and REPS must be at least 1");
        mem((size_t)mb, (int)reps);
    } else if (argc == 3 && strcmp(argv[1], "cold") == 0) {
        cold(argv[2]);
    } else if (argc >= 5 && strcmp(argv[1], "time") == 0 &&
               (strcmp(argv[3], "hot") == 0 || strcmp(argv[3], "cold") == 0)) {
        timeit(argv[2], strcmp(argv[3], "cold") == 0, argv + 4);
    } else {
        usage(synopsis);
    }
    return 0;
}
