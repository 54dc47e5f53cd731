/* mprobe - make one mmap() call, described on the command line, and report
 * exactly what the kernel answered.
 *
 * usage: mprobe [file=PATH|-|anon] [open=ro|rw] [prot=none|r|rw]
 *               [flags=private|shared|neither|both] [len=N] [off=N]
 *
 *   file=PATH  map PATH, opened as open= says (default: anon)
 *   file=-     pass fd -1 without MAP_ANONYMOUS
 *   file=anon  MAP_ANONYMOUS with fd -1
 * Defaults: open=rw prot=r flags=private len=<one page> off=0.
 * Exit status: 0 if mmap() succeeded, 1 if it failed, 2 for a bad command line.
 */
#include "wb.h"

#define SYNOPSIS                                                                                   \
    "[file=PATH|-|anon] [open=ro|rw] [prot=none|r|rw] "                                            \
    "[flags=private|shared|neither|both] [len=N] [off=N]"

/* Which word of LIST (a NULL-terminated array) is VALUE? Exit 2 if none. */
static int pick(const char *key, const char *value, const char *const list[])
{
    for (int i = 0; list[i]; i++)
        if (strcmp(value, list[i]) == 0)
            return i;
    fprintf(stderr, "mprobe: %s=%s is not one of the choices\n", key, value);
    usage(SYNOPSIS);
}

/* The usual reason behind each errno mmap() gives. */
static const char *cause(int errnum)
{
    /* TODO 3.2: return a one-line cause for EACCES, EINVAL, ENODEV, EBADF and
     * EEXIST (NULL for anything else). */
    //@solution
    switch (errnum) {
    case EACCES:
        return "a shared writable mapping needs a file opened for writing";
    case EINVAL:
        return "length 0, an offset that is not a multiple of the page size, or not exactly "
               "one of MAP_SHARED and MAP_PRIVATE for anonymous memory";
    case ENODEV:
        return "this kind of file (a pipe, a directory, ...) cannot be mapped";
    case EBADF:
        return "the descriptor is not open: fd -1 is only for MAP_ANONYMOUS";
    case EEXIST:
        return "MAP_FIXED_NOREPLACE: something is already mapped there";
    default:
        return NULL;
    }
    //@starter
    // (void)errnum;
    // return NULL;
    //@end
}

int main(int argc, char *argv[])
{
    static const char *const opens[] = {"ro", "rw", NULL};
    static const char *const prots[] = {"none", "r", "rw", NULL};
    static const char *const flagss[] = {"private", "shared", "neither", "both", NULL};
    static const int prot_bits[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE};
    static const int flag_bits[] = {MAP_PRIVATE, MAP_SHARED, 0, MAP_PRIVATE | MAP_SHARED};

    const char *file = "anon";
    int open_i = 1, prot_i = 1, flags_i = 0;
    long long len = (long long)page_size(), off = 0;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            usage(SYNOPSIS);
        *eq = '\0';
        const char *key = argv[i], *value = eq + 1;
        if (strcmp(key, "file") == 0)
            file = value;
        else if (strcmp(key, "open") == 0)
            open_i = pick(key, value, opens);
        else if (strcmp(key, "prot") == 0)
            prot_i = pick(key, value, prots);
        else if (strcmp(key, "flags") == 0)
            flags_i = pick(key, value, flagss);
        else if (strcmp(key, "len") == 0)
            len = parse_num(value, "len");
        else if (strcmp(key, "off") == 0)
            off = parse_num(value, "off");
        else
            usage(SYNOPSIS);
    }

    int fd = -1, flags = flag_bits[flags_i];
    if (strcmp(file, "anon") == 0) {
        flags |= MAP_ANONYMOUS;
    } else if (strcmp(file, "-") != 0) {
        fd = open(file, open_i == 0 ? O_RDONLY : O_RDWR);
        if (fd < 0)
            die("open %s", file);
    }

    void *map = mmap(NULL, (size_t)len, prot_bits[prot_i], flags, fd, off);

    /* TODO 3.1: if mmap() failed, report it with die(), which names the errno,
     * after printing the likely cause from cause() on its own line. */
    //@solution
    if (map == MAP_FAILED) {
        int errnum = errno;
        if (cause(errnum))
            fprintf(stderr, "mprobe: likely cause: %s\n", cause(errnum));
        errno = errnum;
        die("mmap");
    }
    //@starter
    // (void)map; /* check the result here */
    // (void)cause;
    //@end
    printf("ok: mmap returned a mapping of %lld bytes\n", len);
    return 0;
}
