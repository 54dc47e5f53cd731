/* sealrecv - receive a memfd from another process, check its seals, map it
 * and read it.
 *
 * usage: sealrecv SOCKET [--trust]
 *
 * Connects to the Unix socket SOCKET (sealsend listens there), receives a
 * descriptor, and checks that the memfd is sealed against shrinking, growing
 * and writing before it believes the size that fstat() gives: a sender that
 * can still shrink the memfd can make every access to the mapping past the
 * new end fault (SIGBUS) at any moment. --trust skips the check, to show
 * that SIGBUS. Then it maps the memfd read-only, tells the sender, waits for
 * its go, and reads every page, checking that page i holds 'a' + i % 26.
 */
#include "share.h"
#include <signal.h>
#include <sys/un.h>

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static const char *base; /* the mapping, for the SIGBUS handler */

/* Print "sealrecv: SIGBUS (BUS_ADRERR) at byte N of the mapping" with write()
 * only (printf is not async-signal-safe), then die of the signal. */
static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    char msg[128];
    const char *code = si->si_code == BUS_ADRERR ? "BUS_ADRERR" : "another si_code";
    int n = snprintf(msg, sizeof msg, "sealrecv: SIGBUS (%s) at byte %ld of the mapping\n", code,
                     (long)((const char *)si->si_addr - base));
    if (n > 0)
        (void)!write(STDERR_FILENO, msg, (size_t)n);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void seal_names(int seals, char *buf, size_t size)
{
    static const struct {
        int bit;
        const char *name;
    } names[] = {{F_SEAL_SEAL, "F_SEAL_SEAL"},
                 {F_SEAL_SHRINK, "F_SEAL_SHRINK"},
                 {F_SEAL_GROW, "F_SEAL_GROW"},
                 {F_SEAL_WRITE, "F_SEAL_WRITE"},
                 {F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (seals & names[i].bit) {
            if (buf[0])
                strncat(buf, "|", size - strlen(buf) - 1);
            strncat(buf, names[i].name, size - strlen(buf) - 1);
        }
    }
    if (!buf[0])
        snprintf(buf, size, "none");
}

static void hear(int sock)
{
    char c;
    ssize_t n = read(sock, &c, 1);
    if (n < 0)
        die("read (socket)");
    if (n == 0)
        fail("the sender hung up");
}

int main(int argc, char *argv[])
{
    if (argc != 2 && !(argc == 3 && strcmp(argv[2], "--trust") == 0))
        usage("SOCKET [--trust]");
    const char *path = argv[1];
    bool trust = argc == 3;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        fail("the socket path %s is too long", path);
    strcpy(addr.sun_path, path);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        die("socket");
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0)
        die("connect %s", path);
    int fd = recv_fd(sock);

    int seals = 0;
    /* TODO 2.2: ask the kernel which seals the memfd has. Unless TRUST is
     * set, refuse (fail() with a message that names the missing seals) a
     * memfd that lacks any of F_SEAL_SHRINK, F_SEAL_GROW and F_SEAL_WRITE,
     * before believing its size or mapping it. */
    (void)trust;
    char names[128];
    seal_names(seals, names, sizeof names);
    printf("sealrecv: seals: %s\n", names);

    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat memfd");
    size_t len = (size_t)st.st_size, ps = page_size();
    if (len == 0 || len % ps)
        fail("the memfd is %zu bytes, not a whole number of pages", len);
    const char *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap memfd");
    base = map;
    printf("sealrecv: mapped %zu bytes\n", len);
    void *w = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED) {
        printf("sealrecv: a writable shared mapping: %s (%s)\n", strerror(errno),
               strerrorname_np(errno));
    } else {
        printf("sealrecv: a writable shared mapping: allowed\n");
        if (munmap(w, len) < 0)
            die("munmap");
    }
    fflush(stdout);

    struct sigaction sa = {.sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, NULL) < 0)
        die("sigaction");
    write_all(sock, "!", 1); /* mapped */
    hear(sock);              /* the sender's go */

    size_t pages = len / ps, good = 0;
    for (size_t i = 0; i < pages; i++) {
        size_t bad = 0;
        for (size_t j = 0; j < ps; j++)
            bad += map[i * ps + j] != 'a' + (int)(i % 26);
        good += bad == 0;
    }
    printf("sealrecv: read %zu pages, %zu of them as sent\n", pages, good);
    if (munmap((void *)map, len) < 0 || close(fd) < 0 || close(sock) < 0)
        die("munmap or close");
    return 0;
}
