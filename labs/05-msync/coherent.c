/* coherent - one page cache: a shared mapping, read(), pwrite() and another
 * process's mapping of the same file all see the same bytes, at once.
 *
 * usage: coherent FILE OFFSET
 *
 * Maps FILE shared and writable, then puts 7 bytes at OFFSET three times,
 * each time printing what another view of the file sees there:
 *   1. a store through the mapping (STORE-1), then pread() on a second
 *      descriptor of the file;
 *   2. a store through the mapping (STORE-2) while a child process looks at
 *      the same bytes through a mapping of its own, before and after;
 *   3. pwrite() of PWRITE3 on the second descriptor, then a look through the
 *      mapping.
 * There is no msync() anywhere: msync() is about the disk, and none of these
 * views looks at the disk. They all look at the file's pages in the page cache.
 */
#include "wb.h"
#include <sys/wait.h>

#define LEN 7 /* the length of each text below */

/* Block until the other process sends a byte down FD (a pipe). */
static void wait_for(int fd)
{
    char c;
    ssize_t n = read(fd, &c, 1);
    if (n < 0)
        die("read (pipe)");
    if (n == 0)
        fail("the other process ended before it was ready");
}

static void signal_to(int fd)
{
    write_all(fd, "!", 1);
}

/* The child: look at OFF through a mapping, before and after the parent's
 * second store. READY and GO are pipes: the child tells the parent it has
 * looked (READY), then waits until the parent has stored (GO). */
static void child(const char *path, size_t size, off_t off, const char *inherited, int ready,
                  int go)
{
    /* fork() gave the child the parent's mapping */
    const char *view = inherited;
    /* TODO 1.2: a mapping inherited from the parent proves nothing (it is the
     * parent's own mapping). Give the child one of its own: open FILE again
     * (read-only is enough), map it with mmap(), and point VIEW at it. */
    (void)path;
    (void)size;

    printf("child's mapping, before: %.*s\n", LEN, view + off);
    fflush(stdout); /* before the parent prints: keep the lines in order */
    signal_to(ready);
    wait_for(go);
    printf("child's mapping, after:  %.*s\n", LEN, view + off);
    fflush(stdout); /* _exit() does not flush stdio buffers */
    _exit(0);
}

int main(int argc, char *argv[])
{
    if (argc != 3)
        usage("FILE OFFSET");
    const char *path = argv[1];
    off_t off = parse_num(argv[2], "OFFSET");

    off_t fsize;
    int fd = open_file(path, O_RDWR, &fsize);
    if (off > fsize - LEN)
        fail("%d bytes at offset %lld would go past the end of %s (%lld bytes)", LEN,
             (long long)off, path, (long long)fsize);
    size_t size = (size_t)fsize;

    /* TODO 1.1: map the whole file so that a store through the mapping is a
     * store into the file: writable, and shared with the file. */
    char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", path);
    if (close(fd) < 0)
        die("close %s", path);

    /* A second, independent descriptor of the same file. */
    int fd2 = open(path, O_RDWR);
    if (fd2 < 0)
        die("open %s", path);

    /* 1. Store through the mapping; pread() copies from the page cache. */
    memcpy(map + off, "STORE-1", LEN);
    printf("mapping stored:          %.*s\n", LEN, map + off);
    char seen[LEN];
    ssize_t got = pread(fd2, seen, LEN, off);
    if (got < 0)
        die("pread %s", path);
    printf("pread() sees:            %.*s\n", (int)got, seen);

    /* 2. Another process, with a mapping of its own, watches the bytes. */
    int ready[2], go[2];
    if (pipe(ready) < 0 || pipe(go) < 0)
        die("pipe");
    fflush(stdout); /* or the child would print the parent's buffered lines again */
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        child(path, size, off, map, ready[1], go[0]);
    wait_for(ready[0]);
    memcpy(map + off, "STORE-2", LEN);
    printf("mapping stored:          %.*s\n", LEN, map + off);
    fflush(stdout);
    signal_to(go[1]);
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child did not exit with status 0 (wait status %#x)", status);

    /* 3. pwrite() goes into the page cache, which the mapping shows. */
    /* TODO 1.3: write the 7 bytes "PWRITE3" at OFF with pwrite() on the
     * second descriptor, fd2: a write() system call, not a store. */
    printf("mapping sees:            %.*s\n", LEN, map + off);

    if (close(ready[0]) < 0 || close(ready[1]) < 0 || close(go[0]) < 0 || close(go[1]) < 0)
        die("close (pipe)");
    if (close(fd2) < 0)
        die("close %s", path);
    if (munmap(map, size) < 0)
        die("munmap");
    return 0;
}
