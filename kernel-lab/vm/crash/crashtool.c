/* crashtool - the crash replay of lab 10, run in the VM (built -static).
 *
 *   crashtool pack IMAGE OUT              (host) the non-zero 4 KiB blocks of IMAGE
 *   crashtool load PACKED DEV             write a packed image to DEV
 *   crashtool dm-create NAME TABLE        a device-mapper device (/dev/dm-N)
 *   crashtool dm-message NAME MESSAGE     e.g. "mark ack-3" to dm-log-writes
 *   crashtool dm-remove NAME
 *   crashtool workload NAME OPS STORE FILE
 *        run each line of OPS ("create CAP" or "set K TEXT") as
 *        STORE create|set FILE ...; after each one that exits 0, put the
 *        mark "ack-I" (I: the line's number) in the log of dm device NAME
 *   crashtool replay LOGDEV PACKED OPS DEV MNT STORE FILE [MAX]
 *        rebuild DEV as it was at each crash point of the log on LOGDEV
 *        (PACKED: the device before the log began), mount it on MNT, run
 *        STORE list MNT/FILE, and judge what it lists against the
 *        acknowledgements logged before that point; at most MAX points
 *
 * The log's format is the kernel's (drivers/md/dm-log-writes.c and
 * Documentation/admin-guide/device-mapper/log-writes.rst): sector 0 holds a
 * super (magic, version, number of entries, sector size), then each entry
 * is one sector (sector, number of sectors, flags, data length, and for a
 * mark its name) followed by the data written. Writes are logged when a
 * flush makes them durable, FUA writes when they complete: the log is the
 * order in which data reached the disk's stable storage.
 *
 * A crash point is a place in the log: after an entry, or inside a write
 * of several 4 KiB blocks after its first block(s) (a power cut in the
 * middle of a write: the disk wrote some of its blocks). The points:
 * after every flush and FUA write, after every mark, after writes in
 * between (sampled when there are many), and inside multi-block writes.
 * For each, a line on stdout:
 *   point N <TAB> WHERE <TAB> ACKS <TAB> VERDICT <TAB> DETAIL <TAB> IN-FLIGHT
 * (IN-FLIGHT: "set K" or "update K", the set that may have been under way, or "-"),
 * then a "viol" line for each record that is wrong there, and after the
 * mark of acknowledgement N, an "ondisk" line: was its text in the file?
 * VERDICT is one of OK, LOST-COMMIT, TORN-RECORD, UNOPENABLE (or
 * MOUNT-FAIL: the file system itself did not mount, not the store's fault).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLK 4096

static void die(const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fprintf(stderr, "crashtool: ");
    vfprintf(stderr, fmt, ap);
    if (e)
        fprintf(stderr, ": %s", strerror(e));
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

static void pread_all(int fd, void *buf, size_t len, off_t off)
{
    char *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = 0;
            die("read at %lld", (long long)off);
        }
        p += n, len -= (size_t)n, off += n;
    }
}

static void pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
    const char *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write at %lld", (long long)off);
        p += n, len -= (size_t)n, off += n;
    }
}

/* ---- packed images: "CRPACK1\0", u64 size, then (u64 block, 4096 bytes)... */

static void pack(const char *image, const char *out)
{
    int in = open(image, O_RDONLY), o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || o < 0)
        die("open %s / %s", image, out);
    struct stat st;
    if (fstat(in, &st) < 0)
        die("fstat %s", image);
    uint64_t size = (uint64_t)st.st_size, at = 16;
    char hdr[16] = "CRPACK1";
    memcpy(hdr + 8, &size, 8);
    pwrite_all(o, hdr, 16, 0);
    static char buf[BLK], zero[BLK];
    for (uint64_t b = 0; b * BLK < size; b++) {
        memset(buf, 0, BLK); /* the last block may be short */
        pread_all(in, buf, size - b * BLK < BLK ? size - b * BLK : BLK, (off_t)(b * BLK));
        if (memcmp(buf, zero, BLK) == 0)
            continue;
        pwrite_all(o, &b, 8, (off_t)at);
        pwrite_all(o, buf, BLK, (off_t)at + 8);
        at += 8 + BLK;
    }
    if (close(o) < 0)
        die("close %s", out);
    close(in);
}

/* The packed image in memory: SIZE bytes. */
static char *unpack(const char *packed, uint64_t *size)
{
    int fd = open(packed, O_RDONLY);
    if (fd < 0)
        die("open %s", packed);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat %s", packed);
    char hdr[16];
    pread_all(fd, hdr, 16, 0);
    if (memcmp(hdr, "CRPACK1", 8) != 0) {
        errno = 0;
        die("%s is not a packed image", packed);
    }
    memcpy(size, hdr + 8, 8);
    char *img = xmalloc((*size + BLK - 1) / BLK * BLK); /* whole blocks */
    for (off_t at = 16; at < st.st_size; at += 8 + BLK) {
        uint64_t b;
        pread_all(fd, &b, 8, at);
        pread_all(fd, img + b * BLK, BLK, at + 8);
    }
    close(fd);
    return img;
}

static void load(const char *packed, const char *dev)
{
    uint64_t size;
    char *img = unpack(packed, &size);
    int fd = open(dev, O_WRONLY);
    if (fd < 0)
        die("open %s", dev);
    pwrite_all(fd, img, size, 0);
    if (fsync(fd) < 0)
        die("fsync %s", dev);
    close(fd);
    free(img);
}

/* ---- device mapper: the ioctls of dmsetup, for one linear table ---------- */

static int dm_ioctl_call(unsigned long cmd, const char *name, const void *payload, size_t len,
                         uint32_t target_count, struct dm_ioctl *reply)
{
    size_t size = sizeof(struct dm_ioctl) + len + 8;
    char *buf = xmalloc(size);
    struct dm_ioctl *io = (struct dm_ioctl *)buf;
    io->version[0] = DM_VERSION_MAJOR;
    io->data_size = (uint32_t)size;
    io->data_start = sizeof(struct dm_ioctl);
    io->target_count = target_count;
    snprintf(io->name, sizeof io->name, "%s", name);
    if (payload)
        memcpy(buf + sizeof(struct dm_ioctl), payload, len);
    int fd = open("/dev/mapper/control", O_RDWR);
    if (fd < 0)
        die("open /dev/mapper/control (is dm-mod loaded?)");
    int r = ioctl(fd, cmd, io);
    int e = errno;
    close(fd);
    if (reply)
        *reply = *io;
    free(buf);
    errno = e;
    return r;
}

static dev_t dm_create(const char *name, const char *table)
{
    unsigned long long start, len;
    char target[DM_MAX_TYPE_NAME];
    int n = 0;
    if (sscanf(table, "%llu %llu %15s %n", &start, &len, target, &n) != 3) {
        errno = 0;
        die("a table is START LENGTH TARGET PARAMS, not '%s'", table);
    }
    const char *params = table + n;
    size_t plen = sizeof(struct dm_target_spec) + strlen(params) + 1;
    char *spec_buf = xmalloc(plen);
    struct dm_target_spec *spec = (struct dm_target_spec *)spec_buf;
    spec->sector_start = start;
    spec->length = len;
    snprintf(spec->target_type, sizeof spec->target_type, "%s", target);
    strcpy(spec_buf + sizeof *spec, params);
    struct dm_ioctl reply;
    if (dm_ioctl_call(DM_DEV_CREATE, name, NULL, 0, 0, &reply) < 0)
        die("DM_DEV_CREATE %s", name);
    if (dm_ioctl_call(DM_TABLE_LOAD, name, spec_buf, plen, 1, NULL) < 0)
        die("DM_TABLE_LOAD %s: %s", name, table);
    if (dm_ioctl_call(DM_DEV_SUSPEND, name, NULL, 0, 0, &reply) < 0) /* no flag: resume */
        die("DM_DEV_SUSPEND (resume) %s", name);
    free(spec_buf);
    return (dev_t)reply.dev;
}

static void dm_message(const char *name, const char *msg)
{
    size_t len = sizeof(struct dm_target_msg) + strlen(msg) + 1;
    char *buf = xmalloc(len);
    strcpy(((struct dm_target_msg *)buf)->message, msg);
    if (dm_ioctl_call(DM_TARGET_MSG, name, buf, len, 0, NULL) < 0)
        die("DM_TARGET_MSG %s '%s'", name, msg);
    free(buf);
}

static void dm_remove(const char *name)
{
    if (dm_ioctl_call(DM_DEV_REMOVE, name, NULL, 0, 0, NULL) < 0)
        die("DM_DEV_REMOVE %s", name);
}

/* ---- running the store --------------------------------------------------- */

/* Run ARGV with stdout and stderr into OUT (at most CAP - 1 bytes kept);
 * returns the wait status (a kill after SECONDS is reported as SIGKILL). */
static int run(char *const argv[], char *out, size_t cap, int seconds)
{
    int p[2];
    if (pipe(p) < 0)
        die("pipe");
    /* posix_spawn (vfork), not fork: this process holds the whole disk image
     * and the log, and copying its page tables for every run is what costs
     * most in an emulated CPU. */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    pid_t pid;
    int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err) {
        errno = err;
        die("cannot run %s", argv[0]);
    }
    /* A store that loops is stopped by its CPU time. */
    struct rlimit cpu = {(rlim_t)seconds, (rlim_t)seconds + 1};
    prlimit(pid, RLIMIT_CPU, &cpu, NULL);
    close(p[1]);
    size_t got = 0;
    char sink[4096];
    for (;;) {
        ssize_t n =
            got + 1 < cap ? read(p[0], out + got, cap - 1 - got) : read(p[0], sink, sizeof sink);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (got + 1 < cap)
            got += (size_t)n;
    }
    out[got] = '\0';
    close(p[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    return status;
}

/* ---- the workload --------------------------------------------------------- */

struct op {
    char kind;  /* 'c' create, 's' set */
    long key;   /* for set */
    char *text; /* for set: the text; for create: the capacity */
};

static struct op *read_ops(const char *path, int *nops)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("open %s", path);
    struct op *ops = NULL;
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        ops = realloc(ops, (size_t)(n + 1) * sizeof *ops);
        if (!ops)
            die("realloc");
        struct op *o = &ops[n++];
        int at = 0;
        if (strncmp(line, "create ", 7) == 0) {
            o->kind = 'c';
            o->key = -1;
            o->text = strdup(line + 7);
        } else if (sscanf(line, "set %ld %n", &o->key, &at) == 1 && at > 0) {
            o->kind = 's';
            o->text = strdup(line + at);
        } else {
            errno = 0;
            die("%s: cannot read the line '%s'", path, line);
        }
    }
    free(line);
    fclose(f);
    *nops = n;
    return ops;
}

static void workload(const char *dm, const char *opsfile, const char *store, const char *file)
{
    int n;
    struct op *ops = read_ops(opsfile, &n);
    static char out[8192];
    for (int i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "%ld", ops[i].key);
        char *argv_create[] = {(char *)store, "create", (char *)file, ops[i].text, NULL};
        char *argv_set[] = {(char *)store, "set", (char *)file, key, ops[i].text, NULL};
        int status = run(ops[i].kind == 'c' ? argv_create : argv_set, out, sizeof out, 20);
        out[strcspn(out, "\n")] = '\0';
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (ok) {
            char mark[32];
            snprintf(mark, sizeof mark, "mark ack-%d", i + 1);
            dm_message(dm, mark);
        }
        if (WIFSIGNALED(status))
            printf("op %d\t%s\tkilled by signal %d\t%s\n", i + 1,
                   ops[i].kind == 'c' ? "create" : "set", WTERMSIG(status), out);
        else
            printf("op %d\t%s\texit %d\t%s\n", i + 1, ops[i].kind == 'c' ? "create" : "set",
                   WEXITSTATUS(status), out);
        fflush(stdout);
    }
}

/* ---- the log -------------------------------------------------------------- */

#define LOG_FLUSH (1 << 0)
#define LOG_FUA (1 << 1)
#define LOG_DISCARD (1 << 2)
#define LOG_MARK (1 << 3)
#define LOG_MAGIC 0x6a736677736872ULL

struct lw_super {
    uint64_t magic, version, nr_entries;
    uint32_t sectorsize;
} __attribute__((packed));

struct lw_entry {
    uint64_t sector, nr_sectors, flags, data_len;
};

struct entry {
    uint64_t sector, nr, flags; /* sector and nr in bytes here */
    off_t data;                 /* where its data is in the log */
    char mark[64];
};

static struct entry *read_log(int fd, uint64_t *count)
{
    struct lw_super s;
    pread_all(fd, &s, sizeof s, 0);
    if (s.magic != LOG_MAGIC) {
        errno = 0;
        die("the log device holds no dm-log-writes log (magic %llx)", (unsigned long long)s.magic);
    }
    uint32_t ss = s.sectorsize;
    struct entry *e = xmalloc((s.nr_entries + 1) * sizeof *e);
    off_t pos = ss;
    char *sector = xmalloc(ss);
    for (uint64_t i = 0; i < s.nr_entries; i++) {
        pread_all(fd, sector, ss, pos);
        struct lw_entry le;
        memcpy(&le, sector, sizeof le);
        e[i].sector = le.sector * ss;
        e[i].nr = le.nr_sectors * ss;
        e[i].flags = le.flags;
        e[i].data = pos + ss;
        if (le.flags & LOG_MARK) {
            size_t l = le.data_len < sizeof e[i].mark - 1 ? le.data_len : sizeof e[i].mark - 1;
            memcpy(e[i].mark, sector + sizeof le, l);
            e[i].nr = 0;
        }
        pos += ss;
        if (!(le.flags & (LOG_DISCARD | LOG_MARK)))
            pos += (off_t)(le.nr_sectors * ss);
    }
    free(sector);
    *count = s.nr_entries;
    return e;
}

/* ---- judging one crash point --------------------------------------------- */

struct point {
    uint64_t entry; /* entries 0 .. entry-1 applied */
    uint64_t part;  /* and this many bytes of entry `entry` (a write cut short) */
    char where[96];
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
static double t_write, t_snap, t_mount, t_run, t_umount, t_remove;

static bool contains(const char *hay, size_t n, const char *needle)
{
    return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* Print S with non-printable bytes as \xHH, at most MAX characters. */
static void show(FILE *f, const char *s, size_t len, size_t max)
{
    fputc('"', f);
    for (size_t i = 0; i < len && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127 && c != '"' && c != '\\')
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
    fputs(len > max ? "\"..." : "\"", f);
}

/* The last acknowledged set of KEY among ops 0..high, or -1. */
static int last_acked(const struct op *ops, int nops, const bool *acked, int high, long key)
{
    int last = -1;
    for (int i = 0; i <= high && i < nops; i++)
        if (acked[i] && ops[i].kind == 's' && ops[i].key == key)
            last = i;
    return last;
}

/* Why acknowledged op I is not what the store lists: its text is in the file
 * (the store does not count it), was there at an earlier crash point (since
 * overwritten), or never reached the disk. */
static const char *lost_reason(const struct op *ops, const bool *seen, int i, const char *f,
                               size_t n)
{
    return contains(f, n, ops[i].text) ? "not-counted" : seen[i] ? "overwritten" : "not-durable";
}

static void replay(char *argv[], int argc)
{
    const char *logdev = argv[0], *packed = argv[1], *opsfile = argv[2], *dev = argv[3],
               *cow = argv[4], *mnt = argv[5], *store = argv[6], *file = argv[7];
    long max_points = argc > 8 ? strtol(argv[8], NULL, 10) : 400;
    int nops;
    struct op *ops = read_ops(opsfile, &nops);
    int lfd = open(logdev, O_RDONLY);
    if (lfd < 0)
        die("open %s", logdev);
    uint64_t nent;
    struct entry *e = read_log(lfd, &nent);
    uint64_t size;
    char *img = unpack(packed, &size);

    /* The crash points. */
    struct point *pts = xmalloc((nent * 4 + 2) * sizeof *pts);
    size_t np = 0, run_start = 0;
    bool started = false;
    for (uint64_t i = 0; i < nent; i++) {
        if ((e[i].flags & LOG_MARK) && strcmp(e[i].mark, "end") == 0)
            break; /* the workload is over: the rest is the unmount */
        if (e[i].flags & LOG_MARK) {
            if (strcmp(e[i].mark, "ack-1") == 0 || strncmp(e[i].mark, "ack-", 4) == 0)
                started = true;
            if (strcmp(e[i].mark, "start") == 0)
                started = true;
        }
        if (!started)
            continue;
        if (!(e[i].flags & (LOG_MARK | LOG_FLUSH | LOG_FUA | LOG_DISCARD)) && e[i].nr > BLK) {
            /* A power cut in the middle of this write: its first blocks only. */
            for (uint64_t part = BLK; part < e[i].nr && part <= 3 * BLK; part += BLK) {
                pts[np] = (struct point){.entry = i, .part = part};
                snprintf(pts[np++].where, sizeof pts->where,
                         "inside write %llu: %llu of its %llu blocks", (unsigned long long)i,
                         (unsigned long long)(part / BLK),
                         (unsigned long long)((e[i].nr + BLK - 1) / BLK));
            }
        }
        const char *what = e[i].flags & LOG_MARK    ? "mark"
                           : e[i].flags & LOG_FLUSH ? "flush"
                           : e[i].flags & LOG_FUA   ? "FUA write"
                                                    : NULL;
        if (what) {
            /* A point with no write since the one before: the same disk,
             * judged with as many acknowledgements or more, which implies
             * the earlier judgement: one point for both. */
            bool same = np > 0 && !pts[np - 1].part;
            for (uint64_t j = same ? pts[np - 1].entry : i; j < i; j++)
                same &= (e[j].flags & LOG_MARK) || (e[j].nr == 0 && !(e[j].flags & LOG_DISCARD));
            bool no_data = (e[i].flags & LOG_MARK) || (e[i].nr == 0 && !(e[i].flags & LOG_DISCARD));
            if (same && no_data && !(e[i].flags & LOG_MARK)) {
                run_start = i + 1; /* a flush alone changes no data: the point before stands */
                continue;
            }
            if (same && no_data)
                np--; /* a mark: the same disk, one more acknowledgement */
            pts[np] = (struct point){.entry = i + 1};
            if (e[i].flags & LOG_MARK)
                snprintf(pts[np++].where, sizeof pts->where, "after mark %s", e[i].mark);
            else
                snprintf(pts[np++].where, sizeof pts->where, "after %s %llu", what,
                         (unsigned long long)i);
            run_start = i + 1;
        } else if (i == run_start) {
            /* The first write after a flush: the disk may have made any of
             * the writes until the next flush durable, in any order; this
             * one, alone, is the sample (the rest are mostly ext4's journal
             * blocks, which count only once their commit block is written). */
            pts[np] = (struct point){.entry = i + 1};
            snprintf(pts[np++].where, sizeof pts->where, "after write %llu", (unsigned long long)i);
        }
    }
    if (np > (size_t)max_points) { /* keep an even sample, always the last */
        size_t keep = (size_t)max_points, j = 0;
        for (size_t i = 0; i < keep; i++)
            pts[j++] = pts[(i * (np - 1)) / (keep - 1)];
        np = keep;
    }
    printf("log\t%llu entries\t%zu crash points\n", (unsigned long long)nent, np);
    fflush(stdout);

    /* DEV holds the image as it is at a crash point; each point is mounted
     * through a snapshot of it (dm-snapshot, its changes kept on COW), so
     * that what the mount writes (journal recovery) never reaches DEV, and
     * the next point only needs the blocks that the log changed since. */
    int fd = open(dev, O_RDWR);
    if (fd < 0)
        die("open %s", dev);
    pwrite_all(fd, img, size, 0);
    uint64_t nblocks = (size + BLK - 1) / BLK;
    bool *dirty = xmalloc(nblocks);
    char snap_table[256];
    snprintf(snap_table, sizeof snap_table, "0 %llu snapshot %s %s N 8",
             (unsigned long long)(size / 512), dev, cow);
    char *fbuf = xmalloc(1 << 20);
    static char out[1 << 16];
    bool *seen_on_disk = xmalloc((size_t)nops * sizeof(bool));
    uint64_t applied = 0;
    bool *acked = xmalloc((size_t)nops * sizeof(bool));
    int high = 0, acks = 0; /* high: the op that may be in flight (0-based) */
    for (size_t p = 0; p < np; p++) {
        /* Bring the image to this point (points are in log order). */
        for (; applied < pts[p].entry; applied++) {
            struct entry *x = &e[applied];
            if (x->flags & LOG_MARK) {
                int i = strncmp(x->mark, "ack-", 4) == 0 ? atoi(x->mark + 4) - 1 : -1;
                if (i >= 0 && i < nops && !acked[i]) {
                    acked[i] = true;
                    acks++;
                    if (i + 1 > high)
                        high = i + 1;
                }
                continue;
            }
            if (x->sector + x->nr > size)
                continue;
            if (x->flags & LOG_DISCARD)
                memset(img + x->sector, 0, x->nr);
            else if (x->nr)
                pread_all(lfd, img + x->sector, x->nr, x->data);
            for (uint64_t b = x->sector / BLK; b * BLK < x->sector + x->nr; b++)
                dirty[b] = true;
        }
        double t0 = now();
        for (uint64_t b = 0; b < nblocks; b++) {
            if (!dirty[b])
                continue;
            uint64_t len = size - b * BLK < BLK ? size - b * BLK : BLK;
            pwrite_all(fd, img + b * BLK, len, (off_t)(b * BLK));
            dirty[b] = false;
        }
        /* A write cut short: its first blocks, on the device only (marked
         * dirty, so that the next point puts the image's blocks back). */
        struct entry *x = &e[pts[p].entry];
        if (pts[p].part) {
            char *part = xmalloc(pts[p].part);
            pread_all(lfd, part, pts[p].part, x->data);
            pwrite_all(fd, part, pts[p].part, (off_t)x->sector);
            for (uint64_t b = x->sector / BLK; b * BLK < x->sector + pts[p].part; b++)
                dirty[b] = true;
            free(part);
        }
        if (fsync(fd) < 0)
            die("fsync %s", dev);
        t_write += now() - t0;
        t0 = now();
        dev_t snap = dm_create("crashsnap", snap_table);
        unlink("/dev/crashsnap");
        if (mknod("/dev/crashsnap", S_IFBLK | 0600, snap) < 0)
            die("mknod /dev/crashsnap");
        t_snap += now() - t0;

        /* The op in flight at this point: a first set of its key, or an update. */
        char flight[64] = "-";
        if (high < nops && ops[high].kind == 's') {
            bool update = false;
            for (int i = 0; i < high; i++)
                update |= acked[i] && ops[i].kind == 's' && ops[i].key == ops[high].key;
            snprintf(flight, sizeof flight, "%s %ld", update ? "update" : "set", ops[high].key);
        }
        printf("point %zu\t%s\t%d acks\t", p + 1, pts[p].where, acks);
        t0 = now();
        int mr = mount("/dev/crashsnap", mnt, "ext4", 0, NULL);
        t_mount += now() - t0;
        if (mr < 0) {
            printf("MOUNT-FAIL\tmount: %s\t%s\n", strerror(errno), flight);
            fflush(stdout);
            dm_remove("crashsnap");
            continue;
        }
        char path[512];
        snprintf(path, sizeof path, "%s/%s", mnt, file);
        char *argv_list[] = {(char *)store, "list", path, NULL};
        t0 = now();
        int status = run(argv_list, out, sizeof out, 10);
        t_run += now() - t0;
        /* The file's bytes, to say whether an acknowledged text is in them. */
        size_t flen = 0;
        int ff = open(path, O_RDONLY);
        if (ff >= 0) {
            ssize_t r;
            while (flen < (1 << 20) && (r = read(ff, fbuf + flen, (1 << 20) - flen)) > 0)
                flen += (size_t)r;
            close(ff);
        }
        t0 = now();
        if (umount(mnt) < 0)
            die("umount %s", mnt);
        t_umount += now() - t0;
        t0 = now();
        dm_remove("crashsnap");
        t_remove += now() - t0;

        /* A store that does not open lists nothing: every acknowledged
         * record is then missing, and the verdict says why. */
        bool unopenable = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        char why[512] = "";
        if (unopenable) {
            out[strcspn(out, "\n")] = '\0';
            if (WIFSIGNALED(status))
                snprintf(why, sizeof why, "list was killed by signal %d (%s): %.300s",
                         WTERMSIG(status), strsignal(WTERMSIG(status)), out);
            else
                snprintf(why, sizeof why, "list exited with status %d: %.300s", WEXITSTATUS(status),
                         out);
            out[0] = '\0';
        }
        /* What each key may hold: the text of its last acknowledged set, or
         * of a set not acknowledged since (the one in flight, or one that
         * failed); ops after the one in flight had not begun. */
        const char *verdict = "OK";
        char detail[1024] = "";
        FILE *d = fmemopen(detail, sizeof detail, "w");
        static char viols[1 << 16];
        viols[0] = '\0'; /* (fmemopen's "w" does not empty it when nothing is written) */
        FILE *v = fmemopen(viols, sizeof viols, "w");
        int bad = 0;
        int inkey = high < nops && ops[high].kind == 's' ? (int)ops[high].key : -1;
        for (int i = 0; i < nops; i++)
            if (acked[i] && ops[i].kind == 's' && contains(fbuf, flen, ops[i].text))
                seen_on_disk[i] = true;
        char *save = NULL;
        long listed_keys[4096];
        int nlisted = 0;
        for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *end;
            long k = strtol(line, &end, 10);
            const char *text = *end == ' ' ? end + 1 : end;
            if (end == line)
                k = -1, text = line;
            if (nlisted < 4096)
                listed_keys[nlisted++] = k;
            int last = last_acked(ops, nops, acked, high, k), match = -1;
            for (int i = 0; i < nops; i++)
                if (ops[i].kind == 's' && ops[i].key == k && strcmp(ops[i].text, text) == 0)
                    match = i;
            if (match >= 0 && match >= last && match <= high && (match == last || !acked[match]))
                continue; /* the acknowledged text, or one in flight */
            bad++;
            if (match < 0) { /* neither old nor new: torn, or garbage */
                verdict = "TORN-RECORD";
                fprintf(d, "record %ld: the store lists ", k);
                show(d, text, strlen(text), 48);
                if (last >= 0) {
                    fprintf(d, ", acknowledged (op %d): ", last + 1);
                    show(d, ops[last].text, strlen(ops[last].text), 48);
                }
                const char *r =
                    last >= 0 && !contains(fbuf, flen, ops[last].text) && seen_on_disk[last]
                        ? "overwritten"
                        : "torn";
                fprintf(d, " (reason: %s); ", r);
                fprintf(v, "viol\t%zu\tTORN-RECORD\t%ld\t%s\t%s\n", p + 1, k, r,
                        k == inkey ? "update-in-flight" : "-");
            } else {
                if (strcmp(verdict, "OK") == 0)
                    verdict = "LOST-COMMIT";
                fprintf(d, "record %ld: the store lists an older text (op %d) ", k, match + 1);
                show(d, text, strlen(text), 40);
                fprintf(d, ", acknowledged (op %d): ", last + 1);
                show(d, ops[last].text, strlen(ops[last].text), 40);
                fprintf(d, " (reason: %s); ", lost_reason(ops, seen_on_disk, last, fbuf, flen));
                fprintf(v, "viol\t%zu\tLOST-COMMIT\t%ld\t%s\t%s\n", p + 1, k,
                        lost_reason(ops, seen_on_disk, last, fbuf, flen),
                        k == inkey ? "update-in-flight" : "-");
            }
        }
        /* Acknowledged records the store does not list at all. */
        for (int i = 0; i <= high && i < nops; i++) {
            if (ops[i].kind != 's' || last_acked(ops, nops, acked, high, ops[i].key) != i)
                continue;
            bool listed = false;
            for (int j = 0; j < nlisted; j++)
                listed |= listed_keys[j] == ops[i].key;
            if (listed)
                continue;
            bad++;
            if (strcmp(verdict, "OK") == 0)
                verdict = "LOST-COMMIT";
            fprintf(d, "record %ld: missing, acknowledged (op %d): ", ops[i].key, i + 1);
            show(d, ops[i].text, strlen(ops[i].text), 40);
            fprintf(d, " (reason: %s); ", lost_reason(ops, seen_on_disk, i, fbuf, flen));
            fprintf(v, "viol\t%zu\t%s\t%ld\t%s\t%s\n", p + 1,
                    unopenable ? "UNOPENABLE" : "LOST-COMMIT", ops[i].key,
                    unopenable ? "unopenable" : lost_reason(ops, seen_on_disk, i, fbuf, flen),
                    ops[i].key == inkey ? "update-in-flight" : "-");
        }
        fclose(d);
        fclose(v);
        if (unopenable)
            printf("UNOPENABLE\t%s\t%s\n", why, flight);
        else
            printf("%s\t%s\t%s\n", verdict, bad ? detail : "", flight);
        fputs(viols, stdout);
        /* Right after acknowledgement N: was its text in the file? */
        if (!pts[p].part && pts[p].entry > 0 && (e[pts[p].entry - 1].flags & LOG_MARK) &&
            strncmp(e[pts[p].entry - 1].mark, "ack-", 4) == 0) {
            int i = atoi(e[pts[p].entry - 1].mark + 4) - 1;
            if (i >= 0 && i < nops && ops[i].kind == 's')
                printf("ondisk\t%d\t%ld\t%s\n", i + 1, ops[i].key,
                       contains(fbuf, flen, ops[i].text) ? "yes" : "no");
        }
        fflush(stdout);
    }
    close(fd);
    free(img);
    printf("time\twrite %.2f s, snapshot %.2f s, mount %.2f s, list %.2f s, umount %.2f s, "
           "remove %.2f s\n",
           t_write, t_snap, t_mount, t_run, t_umount, t_remove);
}

int main(int argc, char *argv[])
{
    signal(SIGPIPE, SIG_IGN);
    if (argc == 4 && strcmp(argv[1], "pack") == 0)
        pack(argv[2], argv[3]);
    else if (argc == 4 && strcmp(argv[1], "load") == 0)
        load(argv[2], argv[3]);
    else if (argc == 4 && strcmp(argv[1], "dm-create") == 0)
        printf("/dev/dm-%u\n", minor(dm_create(argv[2], argv[3])));
    else if (argc == 4 && strcmp(argv[1], "dm-message") == 0)
        dm_message(argv[2], argv[3]);
    else if (argc == 3 && strcmp(argv[1], "dm-remove") == 0)
        dm_remove(argv[2]);
    else if (argc == 6 && strcmp(argv[1], "workload") == 0)
        workload(argv[2], argv[3], argv[4], argv[5]);
    else if ((argc == 10 || argc == 11) && strcmp(argv[1], "replay") == 0)
        replay(argv + 2, argc - 2);
    else {
        fprintf(stderr, "usage: crashtool pack|load|dm-create|dm-message|dm-remove|workload|replay "
                        "... (see the comment at the top of crashtool.c)\n");
        return 2;
    }
    return 0;
}
