/* wb.h - the workbook's shared helpers, used by every lab program.
 *
 * One way to report errors (die, fail, usage), strict number parsing, the
 * page size, a write loop and the count of minor page faults. Header-only so
 * each lab program is one file.
 */
#ifndef WB_H
#define WB_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np, MAP_POPULATE, MAP_FIXED_NOREPLACE, ... */
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Print "prog: MESSAGE" to stderr, then exit with STATUS. */
__attribute__((noreturn)) static inline void wb_vexit(int status, int errnum, const char *fmt,
                                                      va_list ap)
{
    fflush(stdout); /* keep what was printed before the error, in order */
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    if (errnum)
        fprintf(stderr, ": %s (%s)", strerror(errnum), strerrorname_np(errnum));
    fputc('\n', stderr);
    exit(status);
}

/* die() and fail() never return, and take printf()'s arguments. */
#define WB_EXITS_PRINTF __attribute__((noreturn, format(printf, 1, 2)))

/* A system call failed: report it with errno's text and name, e.g.
 * "mcat: mmap data.bin: Permission denied (EACCES)", and exit 1. */
WB_EXITS_PRINTF static inline void die(const char *fmt, ...)
{
    int errnum = errno;
    va_list ap;
    va_start(ap, fmt);
    wb_vexit(1, errnum, fmt, ap);
}

/* Something other than a system call is wrong (bad input): report it, exit 1. */
WB_EXITS_PRINTF static inline void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wb_vexit(1, 0, fmt, ap);
}

/* Wrong command line: print the synopsis and exit 2. */
__attribute__((noreturn)) static inline void usage(const char *synopsis)
{
    fprintf(stderr, "usage: %s %s\n", program_invocation_short_name, synopsis);
    exit(2);
}

/* Parse a non-negative integer (decimal, or hex with 0x); anything else is
 * reported as bad input naming WHAT, never silently read as 0. */
static inline long long parse_num(const char *s, const char *what)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno || end == s || *end != '\0' || v < 0)
        fail("%s must be a non-negative number, not '%s'", what, s);
    return v;
}

static inline size_t page_size(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0)
        die("sysconf(_SC_PAGESIZE)");
    return (size_t)ps;
}

/* Open PATH with OFLAGS and return the descriptor, with the file's size in
 * *SIZE. Anything but a regular file is refused with a clear message. */
static inline int open_file(const char *path, int oflags, off_t *size)
{
    int fd = open(path, oflags);
    if (fd < 0)
        die("open %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        die("fstat %s", path);
    if (!S_ISREG(st.st_mode))
        fail("%s is not a regular file", path);
    *size = st.st_size;
    return fd;
}

/* write() until all LEN bytes are out (a pipe may take fewer at a time). */
static inline void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("write");
        p += n;
        len -= (size_t)n;
    }
}

/* Minor page faults this process has taken so far: faults that found the page
 * in memory (a fresh zero page, the page cache, a copy-on-write copy) and read
 * nothing from disk. Lab 01's populate.c writes its own (task 6.1): it defines
 * WB_OWN_MINOR_FAULTS before including this file, and this one is left out. */
#ifndef WB_OWN_MINOR_FAULTS
static inline long minor_faults(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0)
        die("getrusage");
    return ru.ru_minflt;
}
#endif

#endif
