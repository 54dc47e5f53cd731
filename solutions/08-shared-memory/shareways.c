/* shareways - one mechanism under five names: share PAGES pages with a child
 * process in one of five ways, and show what the kernel made of each.
 *
 * usage: shareways MODE NAME PAGES [--remove]
 *   shm   /NAME  a POSIX shared memory object: shm_open(), ftruncate(), mmap()
 *   memfd NAME   memfd_create(NAME); the child gets the descriptor over a Unix
 *                socket (SCM_RIGHTS): it exists nowhere else
 *   anon  -      mmap(MAP_SHARED | MAP_ANONYMOUS) before fork()
 *   file  PATH   a new file: open(O_CREAT | O_EXCL), ftruncate(), mmap(); on
 *                tmpfs (/dev/shm/...) or on a disk, the same code
 *   sysv  PATH   a System V segment: shmget(ftok(PATH, 'w')), shmat(); PATH
 *                is any existing file, it only makes the key
 *   --remove     remove the name at the end (shm_unlink(), unlink(),
 *                shmctl(IPC_RMID)); without it the name and its bytes stay
 *
 * The child is forked first (except for anon, which only fork() can share),
 * then the parent creates the region and the child finds it on its own: by
 * name, by key, or by the descriptor it receives. Each process prints its
 * line of /proc/self/maps for the region and how many pages its RssShmem and
 * RssFile (/proc/self/status) grew by while it touched the region. The
 * parent fills page i with the letter 'a' + i % 26; the child checks every
 * page and stores "child" at the start of each; the parent checks that.
 */
#include "share.h"
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

static size_t len; /* the region's length in bytes: PAGES pages */

/* Map the whole of FD shared and writable (shm, memfd and file modes). */
static char *map_fd(int fd, const char *what)
{
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        die("mmap %s", what);
    return map;
}

static void close_fd(int fd, const char *what)
{
    if (close(fd) < 0)
        die("close %s", what);
}

/* --- shm: a name in /dev/shm ---------------------------------------------- */

static char *create_shm(const char *name)
{
    char *map = NULL;
    /* TODO 1.1: create the POSIX shared memory object NAME, which must not
     * exist yet (refuse a name that exists), make it LEN bytes long, and map
     * it shared and writable. The descriptor is not needed after that. */
    //@solution
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        die("shm_open %s", name);
    if (ftruncate(fd, (off_t)len) < 0)
        die("ftruncate %s", name);
    map = map_fd(fd, name);
    close_fd(fd, name);
    //@starter
    // (void)name;
    //@end
    return map;
}

static char *open_shm(const char *name)
{
    char *map = NULL;
    /* TODO 1.1: the child: open the existing object NAME by its name and
     * map it shared and writable. */
    //@solution
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0)
        die("shm_open %s (child)", name);
    map = map_fd(fd, name);
    close_fd(fd, name);
    //@starter
    // (void)name;
    //@end
    return map;
}

/* --- memfd: no name anywhere, only descriptors ------------------------------ */

static char *create_memfd(const char *name, int *fd_out)
{
    char *map = NULL;
    *fd_out = -1;
    /* TODO 1.2: create a memfd called NAME (closed on exec), make it LEN
     * bytes long, map it shared and writable, and keep the descriptor in
     * *FD_OUT: it is the only way the child can reach the memory. */
    //@solution
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        die("memfd_create %s", name);
    if (ftruncate(fd, (off_t)len) < 0)
        die("ftruncate memfd %s", name);
    map = map_fd(fd, name);
    *fd_out = fd;
    //@starter
    // (void)name;
    //@end
    return map;
}

/* --- anon: shared anonymous memory, inherited through fork() --------------- */

static char *create_anon(void)
{
    char *map = NULL;
    /* TODO 1.3: map LEN bytes of anonymous memory that the child created by
     * fork() will share with this process (not copy). */
    //@solution
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        die("mmap MAP_SHARED|MAP_ANONYMOUS");
    //@starter
    //@end
    return map;
}

/* --- file: a file of our own, on tmpfs or on a disk ------------------------- */

static char *create_file(const char *path)
{
    char *map = NULL;
    /* TODO 1.4: create the file PATH, which must not exist yet, make it LEN
     * bytes long and map it shared and writable. */
    //@solution
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        die("open %s", path);
    if (ftruncate(fd, (off_t)len) < 0)
        die("ftruncate %s", path);
    map = map_fd(fd, path);
    close_fd(fd, path);
    //@starter
    // (void)path;
    //@end
    return map;
}

static char *open_file_map(const char *path)
{
    char *map = NULL;
    /* TODO 1.4: the child: open the file PATH and map it shared and writable. */
    //@solution
    int fd = open(path, O_RDWR);
    if (fd < 0)
        die("open %s (child)", path);
    map = map_fd(fd, path);
    close_fd(fd, path);
    //@starter
    // (void)path;
    //@end
    return map;
}

/* --- sysv: a key, an id, and shmat() ---------------------------------------- */

static key_t sysv_key(const char *path)
{
    key_t key = ftok(path, 'w'); /* from PATH's inode and device: no two files share it */
    if (key == -1)
        die("ftok %s", path);
    return key;
}

static char *create_sysv(const char *path, int *id_out)
{
    char *map = NULL;
    key_t key = sysv_key(path);
    *id_out = -1;
    /* TODO 1.5: create a System V segment of LEN bytes for KEY, which must
     * not exist yet, attach it (read-write), and keep its id in *ID_OUT. */
    //@solution
    int id = shmget(key, len, IPC_CREAT | IPC_EXCL | 0600);
    if (id < 0)
        die("shmget key 0x%08x", (unsigned)key);
    map = shmat(id, NULL, 0);
    if (map == (void *)-1)
        die("shmat id %d", id);
    *id_out = id;
    //@starter
    // (void)key;
    //@end
    return map;
}

static char *open_sysv(const char *path)
{
    char *map = NULL;
    key_t key = sysv_key(path);
    /* TODO 1.5: the child: find the segment by KEY and attach it. */
    //@solution
    int id = shmget(key, 0, 0);
    if (id < 0)
        die("shmget key 0x%08x (child)", (unsigned)key);
    map = shmat(id, NULL, 0);
    if (map == (void *)-1)
        die("shmat id %d (child)", id);
    //@starter
    // (void)key;
    //@end
    return map;
}

/* --- what each process shows --------------------------------------------- */

static void show_maps(const char *who, const char *map)
{
    char line[512];
    maps_line(map, line, sizeof line);
    printf("%s maps: %s\n", who, line);
}

/* The byte that the parent stores in page I. */
static char letter(size_t i)
{
    return (char)('a' + i % 26);
}

/* The number of pages of MAP whose bytes from FROM on are all their letter. */
static size_t pages_with_letters(const char *map, size_t pages, size_t from)
{
    size_t ps = page_size(), good = 0;
    for (size_t i = 0; i < pages; i++) {
        size_t bad = 0;
        for (size_t j = from; j < ps; j++)
            bad += map[i * ps + j] != letter(i);
        good += bad == 0;
    }
    return good;
}

static void fill(char *map, size_t pages)
{
    size_t ps = page_size();
    for (size_t i = 0; i < pages; i++)
        memset(map + i * ps, letter(i), ps);
}

/* Run the first touch of the region (WRITE: fill it; else: count the good
 * pages into *GOOD) between two looks at /proc/self/status, and print how
 * much RssShmem and RssFile grew, in pages. The same steps run once before
 * on an empty range, so that the code they use is resident by then. */
static void touch(const char *who, char *map, size_t pages, bool write, size_t *good)
{
    struct rss before = rss_now(), after;
    if (write)
        fill(map, 0);
    else
        *good = pages_with_letters(map, 0, 0);
    after = rss_now();

    before = rss_now();
    if (write)
        fill(map, pages);
    else
        *good = pages_with_letters(map, pages, 0);
    after = rss_now();
    printf("%s %s %zu pages: RssShmem %+ld RssFile %+ld\n", who, write ? "wrote" : "read", pages,
           after.shmem - before.shmem, after.file - before.file);
}

static void say(int sock)
{
    write_all(sock, "!", 1);
}

static void hear(int sock, const char *who)
{
    char c;
    ssize_t n = read(sock, &c, 1);
    if (n < 0)
        die("read (socket)");
    if (n == 0)
        fail("the %s ended early", who);
}

static void child(const char *mode, const char *name, size_t pages, int sock, char *inherited)
{
    char *map = inherited;
    if (strcmp(mode, "memfd") == 0) {
        int fd = recv_fd(sock); /* the parent's memfd, as a descriptor of our own */
        map = map_fd(fd, "the received memfd");
        close_fd(fd, "the received memfd");
    } else {
        hear(sock, "parent");
        if (strcmp(mode, "shm") == 0)
            map = open_shm(name);
        else if (strcmp(mode, "file") == 0)
            map = open_file_map(name);
        else if (strcmp(mode, "sysv") == 0)
            map = open_sysv(name);
    }
    if (map == NULL)
        fail("child: no mapping of the region (mode %s)", mode);
    show_maps("child", map);
    size_t good = 0, ps = page_size();
    touch("child", map, pages, false, &good);
    printf("child saw the parent's bytes in %zu of %zu pages\n", good, pages);
    for (size_t i = 0; i < pages; i++)
        memcpy(map + i * ps, "child", 5);
    fflush(stdout); /* _exit() does not flush, and the parent prints next */
    say(sock);
    _exit(0);
}

int main(int argc, char *argv[])
{
    const char *synopsis = "shm|memfd|anon|file|sysv NAME PAGES [--remove]";
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "--remove") == 0))
        usage(synopsis);
    const char *mode = argv[1], *name = argv[2];
    size_t pages = (size_t)parse_num(argv[3], "PAGES");
    bool remove = argc == 5;
    if (pages == 0 || pages > 65536)
        fail("PAGES must be 1 to 65536, not %zu", pages);
    len = pages * page_size();
    if (strcmp(mode, "shm") == 0 && (name[0] != '/' || strchr(name + 1, '/') || !name[1]))
        fail("a POSIX shared memory name is one slash and a name, like /myshm: not '%s'", name);
    if (strcmp(mode, "shm") && strcmp(mode, "memfd") && strcmp(mode, "anon") &&
        strcmp(mode, "file") && strcmp(mode, "sysv"))
        usage(synopsis);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        die("socketpair");
    char *map = NULL;
    if (strcmp(mode, "anon") == 0) {
        map = create_anon(); /* before fork(): the child inherits it */
        if (map == NULL)
            fail("no shared anonymous mapping yet (task 1.3)");
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close_fd(sv[0], "socket");
        child(mode, name, pages, sv[1], map);
    }
    close_fd(sv[1], "socket");

    int fd = -1, shmid = -1;
    if (strcmp(mode, "shm") == 0)
        map = create_shm(name);
    else if (strcmp(mode, "memfd") == 0)
        map = create_memfd(name, &fd);
    else if (strcmp(mode, "file") == 0)
        map = create_file(name);
    else if (strcmp(mode, "sysv") == 0)
        map = create_sysv(name, &shmid);
    if (map == NULL) {
        kill(pid, SIGKILL);
        fail("no mapping of the region yet (mode %s: see its TODO)", mode);
    }
    show_maps("parent", map);
    touch("parent", map, pages, true, NULL);
    fflush(stdout); /* before the child prints */

    if (fd >= 0) {
        send_fd(sv[0], fd); /* the memfd travels as a descriptor */
        close_fd(fd, "memfd");
    } else {
        say(sv[0]); /* the others: "it is there, find it" */
    }
    hear(sv[0], "child");
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child failed (wait status %#x)", status);

    size_t ps = page_size(), marked = 0;
    for (size_t i = 0; i < pages; i++)
        marked += memcmp(map + i * ps, "child", 5) == 0;
    printf("parent saw the child's stores in %zu of %zu pages\n", marked, pages);

    if (strcmp(mode, "sysv") == 0) {
        if (remove && shmctl(shmid, IPC_RMID, NULL) < 0)
            die("shmctl IPC_RMID");
        if (shmdt(map) < 0)
            die("shmdt");
    } else {
        if (munmap(map, len) < 0)
            die("munmap");
        if (remove && strcmp(mode, "shm") == 0 && shm_unlink(name) < 0)
            die("shm_unlink %s", name);
        if (remove && strcmp(mode, "file") == 0 && unlink(name) < 0)
            die("unlink %s", name);
    }
    close_fd(sv[0], "socket");
    return 0;
}
