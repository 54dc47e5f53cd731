/* iocount.h - what the kernel counted while a program worked: its I/O from
 * /proc/self/io and its page faults from getrusage(). Any user may read both.
 *
 *   struct iocount a = io_now();
 *   ... the work ...
 *   struct iocount b = io_now();
 *   io_print(io_diff(a, b));
 *
 * The fields of /proc/self/io (proc(5); CONFIG_TASK_IO_ACCOUNTING, on in
 * Debian's and Ubuntu's kernels):
 *   rchar        bytes that read(), pread(), sendfile(), copy_file_range() ...
 *                returned: bytes that went through a read-like system call
 *   wchar        the same for write-like calls
 *   syscr/syscw  the number of read-like / write-like system calls
 *   read_bytes   bytes this process caused to be fetched from a block device
 *                (0 on tmpfs: its pages live in memory only)
 *   write_bytes  bytes it caused to be sent to one (dirtied, to be written back)
 */
#ifndef IOCOUNT_H
#define IOCOUNT_H

#include "wb.h"
#include <sys/resource.h>

struct iocount {
    long long rchar, wchar, syscr, syscw, read_bytes, write_bytes;
    long long minflt, majflt; /* from getrusage(RUSAGE_SELF) */
    long long self_rchar;     /* what reading /proc/self/io itself added */
};

/* The number after "NAME: " in TEXT (the contents of /proc/self/io). */
static inline long long io_field(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (strncmp(l, name, n) == 0 && l[n] == ':')
            return strtoll(l + n + 1, NULL, 10);
    fail("/proc/self/io has no field %s", name);
}

static inline struct iocount io_now(void)
{
    struct iocount c = {0};
    char text[512];
    int fd = open("/proc/self/io", O_RDONLY);
    if (fd < 0)
        die("open /proc/self/io");
    /* One read() of the whole file: the kernel writes the numbers, then adds
     * this very read() to them (N bytes to rchar, 1 to syscr), which
     * io_diff() takes off again. */
    ssize_t n = read(fd, text, sizeof text - 1);
    if (n < 0)
        die("read /proc/self/io");
    if (close(fd) < 0)
        die("close /proc/self/io");
    text[n] = '\0';
    c.self_rchar = n;
    /* TODO 2.1: take rchar, wchar, syscr, syscw, read_bytes and write_bytes
     * from TEXT into C. */
    //@solution
    c.rchar = io_field(text, "rchar");
    c.wchar = io_field(text, "wchar");
    c.syscr = io_field(text, "syscr");
    c.syscw = io_field(text, "syscw");
    c.read_bytes = io_field(text, "read_bytes");
    c.write_bytes = io_field(text, "write_bytes");
    //@starter
    //@end
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0)
        die("getrusage");
    c.minflt = ru.ru_minflt;
    c.majflt = ru.ru_majflt;
    return c;
}

/* What happened between snapshots A and B, without A's own read(). */
static inline struct iocount io_diff(struct iocount a, struct iocount b)
{
    struct iocount d = {
        .rchar = b.rchar - a.rchar - a.self_rchar,
        .wchar = b.wchar - a.wchar,
        .syscr = b.syscr - a.syscr - 1,
        .syscw = b.syscw - a.syscw,
        .read_bytes = b.read_bytes - a.read_bytes,
        .write_bytes = b.write_bytes - a.write_bytes,
        .minflt = b.minflt - a.minflt,
        .majflt = b.majflt - a.majflt,
    };
    return d;
}

/* The sum of two differences (of back-to-back intervals, say). */
static inline struct iocount io_add(struct iocount x, struct iocount y)
{
    struct iocount d = {
        .rchar = x.rchar + y.rchar,
        .wchar = x.wchar + y.wchar,
        .syscr = x.syscr + y.syscr,
        .syscw = x.syscw + y.syscw,
        .read_bytes = x.read_bytes + y.read_bytes,
        .write_bytes = x.write_bytes + y.write_bytes,
        .minflt = x.minflt + y.minflt,
        .majflt = x.majflt + y.majflt,
    };
    return d;
}

static inline void io_print(struct iocount d)
{
    printf("rchar:       %lld\n", d.rchar);
    printf("wchar:       %lld\n", d.wchar);
    printf("syscr:       %lld\n", d.syscr);
    printf("syscw:       %lld\n", d.syscw);
    printf("read_bytes:  %lld\n", d.read_bytes);
    printf("write_bytes: %lld\n", d.write_bytes);
    printf("majflt:      %lld\n", d.majflt);
    printf("minflt:      %lld\n", d.minflt);
}

#endif
