/* sealsend - hand a sealed memfd to another process, then try to shrink it.
 *
 * usage: sealsend SOCKET PAGES [--no-seal | --no-write-seal] [--shrink]
 *
 * Makes a memfd of PAGES pages, fills page i with the letter 'a' + i % 26,
 * seals it against shrinking, growing and writing (not with --no-seal; not
 * against writing with --no-write-seal),
 * listens on the Unix socket SOCKET and prints one line,
 *     sealsend PID: listening on SOCKET
 * then sends the memfd to the first process that connects (SCM_RIGHTS).
 * Once the receiver says it has mapped the memfd, --shrink tries what a
 * hostile or buggy sender could do: ftruncate() the memfd to 0 bytes, and
 * write into it. With the seals, the kernel refuses both (EPERM); without
 * them, the receiver's mapping now points past the end of the file.
 */
#include "share.h"
#include <sys/un.h>

/* The seals that make a memfd safe to map for a receiver that does not
 * trust the sender: its size and its bytes can no longer change. */
#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static void hear(int sock, const char *what)
{
    char c;
    ssize_t n = read(sock, &c, 1);
    if (n < 0)
        die("read (socket)");
    if (n == 0) {
        printf("sealsend: the receiver hung up before it %s\n", what);
        exit(0);
    }
}

static void attempt(int r, const char *what)
{
    if (r < 0)
        printf("sealsend: %s: %s (%s)\n", what, strerror(errno), strerrorname_np(errno));
    else
        printf("sealsend: %s: done\n", what);
}

int main(int argc, char *argv[])
{
    const char *synopsis = "SOCKET PAGES [--no-seal | --no-write-seal] [--shrink]";
    if (argc < 3)
        usage(synopsis);
    const char *path = argv[1];
    size_t pages = (size_t)parse_num(argv[2], "PAGES");
    bool seal = true, shrink = false;
    int unsealed = 0; /* seals left out on purpose */
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--no-seal") == 0)
            seal = false;
        else if (strcmp(argv[i], "--no-write-seal") == 0)
            unsealed = F_SEAL_WRITE;
        else if (strcmp(argv[i], "--shrink") == 0)
            shrink = true;
        else
            usage(synopsis);
    }
    if (pages == 0 || pages > 4096)
        fail("PAGES must be 1 to 4096, not %zu", pages);
    size_t ps = page_size(), len = pages * ps;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        fail("the socket path %s is too long (at most %zu bytes)", path, sizeof addr.sun_path - 1);
    strcpy(addr.sun_path, path);

    int fd = -1;
    /* TODO 2.1: create a memfd that can be sealed later (closed on exec). */
    fd = memfd_create("sealed", MFD_CLOEXEC);
    if (fd < 0)
        die("memfd_create");
    if (ftruncate(fd, (off_t)len) < 0)
        die("ftruncate memfd");
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap memfd");
    for (size_t i = 0; i < pages; i++)
        memset(map + i * ps, 'a' + (int)(i % 26), ps);
    /* F_SEAL_WRITE is refused (EBUSY) while a writable shared mapping exists. */
    if (munmap(map, len) < 0)
        die("munmap");

    if (seal) {
        /* TODO 2.1: seal the memfd against shrinking, growing and writing,
         * and against any further change of its seals. */
        (void)unsealed;
    }

    int lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lsock < 0)
        die("socket");
    if (bind(lsock, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("bind %s", path);
    if (listen(lsock, 1) < 0)
        die("listen %s", path);
    printf("sealsend %ld: listening on %s\n", (long)getpid(), path);
    fflush(stdout); /* whoever waits for this line may connect now */

    int sock = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
    if (sock < 0)
        die("accept");
    if (close(lsock) < 0 || unlink(path) < 0)
        die("close or unlink %s", path);
    send_fd(sock, fd);
    hear(sock, "mapped the memfd");

    if (shrink) {
        attempt((int)pwrite(fd, "X", 1, 0), "pwrite(memfd, \"X\", 1, 0)");
        attempt(ftruncate(fd, 0), "ftruncate(memfd, 0)");
    }
    fflush(stdout);
    write_all(sock, "!", 1); /* the receiver may read now */
    char c;
    while (read(sock, &c, 1) > 0) /* until the receiver is done (EOF) */
        ;
    if (close(sock) < 0 || close(fd) < 0)
        die("close");
    return 0;
}
