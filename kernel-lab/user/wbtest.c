/* wbtest - the graded tests of the kernel lab, run as root inside the VM.
 *
 * usage: wbtest [--list] [--only ID[,ID...]]
 *
 * Each test maps one of the wbmap driver's devices and checks what the
 * kernel did: the bytes seen through the mapping, what read() on the device
 * returns, the driver's own counts (ioctl WBMAP_IOC_STATS), this process's
 * page faults (getrusage), the page frames behind the mapping
 * (/proc/self/pagemap), the VMA's flags (/proc/self/smaps), the signal a
 * bad access raises, and, at the end, whether the module can be removed.
 *
 * The output is TAP: "ok N - ID NAME" or "not ok N - ID NAME", each followed
 * by "# " lines that say what was expected and what happened, and by the
 * kernel's log lines of that test ("# dmesg: ..."). Each test runs in a child
 * process, so that a signal ends that test only. --only 4,5.1 runs the tests
 * whose ids start with 4 or are 5.1; --list prints the tests and exits.
 */
#include "wb.h"
#include "pagemap.h"
#include "wbmap.h"
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define PS ((size_t)WBMAP_PAGE)

/* ---- reporting, inside a test ---------------------------------------- */

static bool failed;         /* some check of this test failed */
static const char *step;    /* what the test is doing, for a signal report */
static int kmsg = -1;       /* /dev/kmsg, to show the kernel's log lines */
static const char *dev_dir; /* where the device nodes are: /dev */

/* A "# " line of the test's report. */
__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

/* A failed check: say why; the test goes on, and fails at the end. */
#define expect(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            note(__VA_ARGS__);                                                                     \
            failed = true;                                                                         \
        }                                                                                          \
    } while (0)

/* A failure after which the test cannot go on. */
__attribute__((noreturn, format(printf, 1, 2))) static void stop(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    exit(1);
}

static const char *errname(int e)
{
    const char *name = strerrorname_np(e);
    return name ? name : "?";
}

/* The 8 bytes at P, printable: "C05.1ff\n" or "\x00\x00..." */
static const char *show8(const char *p)
{
    static char out[8 * 4 + 1];
    char *o = out;
    for (int i = 0; i < 8; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n')
            o += sprintf(o, "\\n");
        else if (c >= 0x20 && c < 0x7f)
            *o++ = (char)c;
        else
            o += sprintf(o, "\\x%02x", c);
    }
    *o = '\0';
    return out;
}

/* ---- signals: a bad access is reported, or caught by touch() ---------- */

static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed;
static volatile sig_atomic_t touch_sig, touch_code;
static void *volatile touch_addr;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    if (touch_armed) {
        touch_armed = 0;
        touch_sig = sig;
        touch_code = si->si_code;
        touch_addr = si->si_addr;
        siglongjmp(touch_env, 1);
    }
    /* Not expected: report it (what the test was doing), end the test. */
    char msg[256];
    int n = snprintf(msg, sizeof(msg), "# killed by %s (si_code %d) at address %p while %s\n",
                     sig == SIGBUS ? "SIGBUS" : "SIGSEGV", si->si_code, si->si_addr,
                     step ? step : "running");
    if (n > 0 && write(STDOUT_FILENO, msg, (size_t)n) < 0)
        _exit(3);
    _exit(3);
}

/* Read the byte at P (and write it back when WRITE): 0 if that worked, or
 * the signal it raised, with its si_code and address in touch_code/addr. */
static int touch(volatile char *p, bool write)
{
    touch_sig = 0;
    if (sigsetjmp(touch_env, 1))
        return touch_sig;
    touch_armed = 1;
    char c = *p;
    if (write)
        *p = c;
    touch_armed = 0;
    return 0;
}

static const char *signame(int sig, int code)
{
    if (sig == SIGBUS)
        return code == BUS_ADRERR ? "SIGBUS (BUS_ADRERR)" : "SIGBUS";
    if (sig == SIGSEGV)
        return code == SEGV_ACCERR ? "SIGSEGV (SEGV_ACCERR)" : "SIGSEGV (SEGV_MAPERR)";
    return "no signal";
}

/* ---- the devices ------------------------------------------------------- */

static int dev_open(const char *dev)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dev_dir, dev);
    int fd = open(path, O_RDWR);
    if (fd < 0)
        stop("cannot open %s: %s (%s); is the module loaded, and its devices registered?", path,
             strerror(errno), errname(errno));
    return fd;
}

static struct wbmap_stats dev_stats(int fd, const char *dev)
{
    struct wbmap_stats st;
    if (ioctl(fd, WBMAP_IOC_STATS, &st) < 0)
        stop("ioctl(WBMAP_IOC_STATS) on %s failed: %s (%s)", dev, strerror(errno), errname(errno));
    return st;
}

/* mmap() LEN bytes of DEV at offset OFF, shared and writable, or stop the
 * test, naming the task that should make it work. */
static char *dev_map(int fd, const char *dev, size_t len, off_t off, const char *task)
{
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
    if (p == MAP_FAILED)
        stop("mmap(%s, %zu bytes, PROT_READ|PROT_WRITE, MAP_SHARED, offset %lld) failed: %s (%s); "
             "expected it to work (task %s)",
             dev, len, (long long)off, strerror(errno), errname(errno), task);
    return p;
}

static void unmap(void *p, size_t len)
{
    if (munmap(p, len) < 0)
        stop("munmap: %s", strerror(errno));
}

/* Do the LEN bytes at P hold the pattern of buffer LETTER from offset BOFF?
 * The first wrong word is reported, with the number of wrong pages. */
static bool pattern_ok(const char *p, size_t len, char letter, size_t boff, const char *what)
{
    char want[8];
    size_t bad_pages = 0, first = SIZE_MAX;
    for (size_t pg = 0; pg < len; pg += PS) {
        bool bad = false;
        for (size_t off = pg; off < pg + PS && off < len; off += 8) {
            wbmap_word(want, letter, boff + off);
            if (memcmp(p + off, want, 8) != 0) {
                if (first == SIZE_MAX)
                    first = off;
                bad = true;
            }
        }
        bad_pages += bad;
    }
    if (first == SIZE_MAX)
        return true;
    wbmap_word(want, letter, boff + first);
    note("%s: at byte %zu (page %zu of the buffer) expected \"%s\",", what, first,
         (boff + first) / PS, show8(want));
    note("  got \"%s\"; %zu of %zu pages are wrong", show8(p + first), bad_pages,
         (len + PS - 1) / PS);
    failed = true;
    return false;
}

/* Read LEN bytes of DEV at offset OFF with pread(). */
static void dev_pread(int fd, const char *dev, void *buf, size_t len, off_t off)
{
    ssize_t n = pread(fd, buf, len, off);
    if (n < 0)
        stop("pread(%s, %zu bytes at %lld) failed: %s (%s)", dev, len, (long long)off,
             strerror(errno), errname(errno));
    if ((size_t)n != len)
        stop("pread(%s, %zu bytes at %lld) returned %zd bytes", dev, len, (long long)off, n);
}

/* ---- what the kernel shows about this process -------------------------- */

/* Take the page faults that are not the mapping's before counting starts:
 * this child's first stores to its stack and data pages, which fork() made
 * copy-on-write. Otherwise a count can be one too high. */
static void settle(void)
{
    volatile char stack[8192];
    static volatile char data;
    for (size_t i = 0; i < sizeof(stack); i += 512)
        stack[i] = 0;
    (void)touch(&data, true);
    (void)minor_faults();
}

/* The /proc/self/pagemap entry of the page at ADDR (its bits: pagemap.h). */
static uint64_t pagemap(const void *addr)
{
    uint64_t e;
    pagemap_read(addr, 1, &e);
    return e;
}

/* The VmFlags line of the VMA that starts at ADDR, from /proc/self/smaps. */
static const char *vmflags(const void *addr)
{
    static char flags[512];
    char line[512];
    unsigned long start;
    bool ours = false;
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        stop("open /proc/self/smaps: %s", strerror(errno));
    flags[0] = '\0';
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-", &start) == 1 && strchr(line, '-') &&
            line[strspn(line, "0123456789abcdef")] == '-')
            ours = start == (uintptr_t)addr;
        else if (ours && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, sizeof(flags), "%s", line + 9);
            flags[strcspn(flags, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
    return flags;
}

/* Is the two-letter FLAG among the VmFlags? */
static bool has_flag(const char *flags, const char *flag)
{
    for (const char *p = flags; (p = strstr(p, flag)); p++)
        if ((p == flags || p[-1] == ' ') && (p[2] == ' ' || p[2] == '\0'))
            return true;
    return false;
}

/* ---- the module ---------------------------------------------------------- */

/* The module's reference count, or -1 when the module is not loaded. */
static long module_refcnt(void)
{
    long n = -1;
    FILE *f = fopen("/sys/module/wbmap/refcnt", "r");
    if (f) {
        if (fscanf(f, "%ld", &n) != 1)
            n = -1;
        fclose(f);
    }
    return n;
}

/* rmmod, as busybox and kmod do it: fail at once if the module is in use. */
static int rmmod(void)
{
    return (int)syscall(SYS_delete_module, "wbmap", O_NONBLOCK);
}

/* The vmalloc_user() areas (flag "user" in /proc/vmallocinfo): their
 * "START-END SIZE" parts, one per line, in BUF. */
static void user_areas(const char *path, char *buf, size_t size)
{
    char line[512];
    size_t used = 0;
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (!strstr(line, " user"))
            continue;
        char area[128];
        unsigned long bytes;
        if (sscanf(line, "%127s %lu", area, &bytes) != 2)
            continue;
        int n = snprintf(buf + used, size - used, "%s %lu\n", area, bytes);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    fclose(f);
}

/* ---- the tests ----------------------------------------------------------- */

/* Task 1: /dev/wbmap-contig, mapped with remap_pfn_range(). */

static void t_contig_pattern(void)
{
    int fd = dev_open(WBMAP_CONTIG_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_CONTIG_DEV);
    char *p = dev_map(fd, WBMAP_CONTIG_DEV, st.size, 0, "1.1");
    step = "reading the mapping of " WBMAP_CONTIG_DEV;
    if (pattern_ok(p, st.size, 'C', 0, "the mapping of " WBMAP_CONTIG_DEV))
        note("all %zu pages hold the driver's pattern", (size_t)(st.size / PS));
}

static void t_contig_store(void)
{
    int fd = dev_open(WBMAP_CONTIG_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_CONTIG_DEV);
    char *p = dev_map(fd, WBMAP_CONTIG_DEV, st.size, 0, "1.1");
    const char msg[] = "HELLO, DRIVER";
    size_t off = 5 * PS + 100;
    char back[sizeof(msg)], saved[sizeof(msg)];

    step = "storing through the mapping of " WBMAP_CONTIG_DEV;
    memcpy(saved, p + off, sizeof(msg));
    memcpy(p + off, msg, sizeof(msg));
    dev_pread(fd, WBMAP_CONTIG_DEV, back, sizeof(back), (off_t)off);
    expect(memcmp(back, msg, sizeof(msg)) == 0,
           "stored \"%s\" at byte %zu of the mapping; pread() at %zu returned \"%.8s...\"", msg,
           off, off, show8(back));
    memcpy(p + off, saved, sizeof(msg)); /* the next tests expect the pattern */
}

static void t_contig_eager(void)
{
    int fd = dev_open(WBMAP_CONTIG_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_CONTIG_DEV);
    size_t pages = st.size / PS;
    settle();
    long f0 = minor_faults();
    char *p = dev_map(fd, WBMAP_CONTIG_DEV, st.size, 0, "1.1");
    long f1 = minor_faults();
    step = "touching each page of the mapping of " WBMAP_CONTIG_DEV;
    for (size_t i = 0; i < pages; i++)
        (void)*(volatile char *)(p + i * PS);
    long f2 = minor_faults();
    note("page faults: %ld in mmap(), %ld touching %zu pages", f1 - f0, f2 - f1, pages);
    expect(f2 - f1 == 0,
           "expected no page fault: remap_pfn_range() fills the page table in mmap() itself");
    note("VmFlags: %s", vmflags(p));
    note("the buffer's first page frame: %#llx; /proc/self/pagemap of the first page: %#llx",
         (unsigned long long)st.pfn, (unsigned long long)pagemap(p));
}

/* Task 2: bounds and offsets. */

static void t_bounds(void)
{
    int fd = dev_open(WBMAP_CONTIG_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_CONTIG_DEV);
    size_t size = st.size;
    struct {
        size_t len;
        off_t off;
        const char *what;
    } bad[] = {
        {size + PS, 0, "one page longer than the buffer"},
        {PS, (off_t)size, "one page at the end of the buffer"},
        {2 * PS, (off_t)(size - PS), "two pages from the last one"},
        {PS, (off_t)1 << 40, "one page far past the end (offset 2^40)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *p = mmap(NULL, bad[i].len, PROT_READ, MAP_SHARED, fd, bad[i].off);
        int e = errno;
        if (p != MAP_FAILED) {
            note("mmap of %s (%zu bytes at offset %lld) worked: expected EINVAL", bad[i].what,
                 bad[i].len, (long long)bad[i].off);
            failed = true;
            unmap(p, bad[i].len);
        } else if (e != EINVAL) {
            note("mmap of %s failed with %s: expected EINVAL", bad[i].what, errname(e));
            failed = true;
        }
    }
    unmap(dev_map(fd, WBMAP_CONTIG_DEV, size, 0, "1.1 (the whole buffer must map)"), size);
    unmap(dev_map(fd, WBMAP_CONTIG_DEV, PS, (off_t)(size - PS), "2.1 (the last page must map)"),
          PS);
}

static void t_offset(void)
{
    int fd = dev_open(WBMAP_CONTIG_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_CONTIG_DEV);
    char *p = dev_map(fd, WBMAP_CONTIG_DEV, 3 * PS, (off_t)(5 * PS), "2.2");
    step = "reading a mapping at offset 5 pages";
    pattern_ok(p, 3 * PS, 'C', 5 * PS, "3 pages mapped at offset 5 pages");

    /* A store to the mapping's second page lands on page 6 of the buffer. */
    const char msg[] = "PAGE SIX";
    char back[sizeof(msg)], saved[sizeof(msg)];
    memcpy(saved, p + PS + 8, sizeof(msg));
    memcpy(p + PS + 8, msg, sizeof(msg));
    dev_pread(fd, WBMAP_CONTIG_DEV, back, sizeof(back), (off_t)(6 * PS + 8));
    expect(memcmp(back, msg, sizeof(msg)) == 0,
           "stored \"%s\" in the second page of the mapping; pread() at byte 8 of page 6 "
           "returned \"%s\"",
           msg, show8(back));
    memcpy(p + PS + 8, saved, sizeof(msg));

    char *last = dev_map(fd, WBMAP_CONTIG_DEV, PS, (off_t)(st.size - PS), "2.1");
    pattern_ok(last, PS, 'C', st.size - PS, "the last page mapped alone");
}

/* Task 3: /dev/wbmap-vmalloc, page by page. */

static void t_vmalloc_pattern(void)
{
    int fd = dev_open(WBMAP_VMALLOC_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_VMALLOC_DEV);
    char *p = dev_map(fd, WBMAP_VMALLOC_DEV, st.size, 0, "3.1");
    step = "reading the mapping of " WBMAP_VMALLOC_DEV;
    if (pattern_ok(p, st.size, 'V', 0, "the mapping of " WBMAP_VMALLOC_DEV))
        note("all %zu pages hold the driver's pattern", (size_t)(st.size / PS));
    char *q = dev_map(fd, WBMAP_VMALLOC_DEV, 4 * PS, (off_t)(3 * PS), "3.1");
    pattern_ok(q, 4 * PS, 'V', 3 * PS, "4 pages mapped at offset 3 pages");
    if (geteuid() == 0) {
        note("page frames of the first pages:");
        for (size_t i = 0; i < 4; i++)
            note("  page %zu: %#llx", i, (unsigned long long)pm_pfn(pagemap(p + i * PS)));
    }
}

static void t_vmalloc_store(void)
{
    int fd = dev_open(WBMAP_VMALLOC_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_VMALLOC_DEV);
    char *p = dev_map(fd, WBMAP_VMALLOC_DEV, st.size, 0, "3.1");
    const char msg[] = "VMALLOC!";
    size_t off = st.size - PS + 64;
    char back[sizeof(msg)], saved[sizeof(msg)];

    step = "storing through the mapping of " WBMAP_VMALLOC_DEV;
    memcpy(saved, p + off, sizeof(msg));
    memcpy(p + off, msg, sizeof(msg));
    dev_pread(fd, WBMAP_VMALLOC_DEV, back, sizeof(back), (off_t)off);
    expect(memcmp(back, msg, sizeof(msg)) == 0,
           "stored \"%s\" at byte %zu of the mapping; pread() returned \"%s\"", msg, off,
           show8(back));
    memcpy(p + off, saved, sizeof(msg));

    char *bad = mmap(NULL, 2 * PS, PROT_READ, MAP_SHARED, fd, (off_t)(st.size - PS));
    expect(bad == MAP_FAILED && errno == EINVAL,
           "mmap of 2 pages from the last one: expected EINVAL, got %s",
           bad == MAP_FAILED ? errname(errno) : "a mapping");
}

static void t_vmalloc_eager(void)
{
    int fd = dev_open(WBMAP_VMALLOC_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_VMALLOC_DEV);
    size_t pages = st.size / PS;
    char *p = dev_map(fd, WBMAP_VMALLOC_DEV, st.size, 0, "3.1");
    settle();
    long f0 = minor_faults();
    step = "touching each page of the mapping of " WBMAP_VMALLOC_DEV;
    for (size_t i = 0; i < pages; i++)
        (void)*(volatile char *)(p + i * PS);
    long f1 = minor_faults();
    note("page faults touching %zu pages: %ld", pages, f1 - f0);
    expect(f1 == f0, "expected no page fault: the pages are all mapped in mmap()");
    const char *flags = vmflags(p);
    note("VmFlags: %s", flags);
    expect(has_flag(flags, "de") && has_flag(flags, "dd"),
           "expected VM_DONTEXPAND (de) and VM_DONTDUMP (dd) among the VmFlags: "
           "vm_insert_page() does not set them, remap_pfn_range() does");
}

/* Task 4: /dev/wbmap-lazy, with a fault handler. */

static void t_lazy_nothing(void)
{
    int fd = dev_open(WBMAP_LAZY_DEV);
    struct wbmap_stats s0 = dev_stats(fd, WBMAP_LAZY_DEV);
    char *p = dev_map(fd, WBMAP_LAZY_DEV, s0.size, 0, "4.1");
    struct wbmap_stats s1 = dev_stats(fd, WBMAP_LAZY_DEV);
    expect(geteuid() != 0 || !(pagemap(p) & PM_PRESENT),
           "the first page is in the page table right after mmap(): expected nothing mapped");
    expect(s1.faults == s0.faults, "the fault handler ran %llu times during mmap(): expected 0",
           (unsigned long long)(s1.faults - s0.faults));
    step = "touching the first page of the lazy mapping";
    int sig = touch(p, false);
    struct wbmap_stats s2 = dev_stats(fd, WBMAP_LAZY_DEV);
    note("the first touch: the fault handler ran %llu time(s); %s",
         (unsigned long long)(s2.faults - s1.faults), signame(sig, touch_code));
    expect(s2.faults == s1.faults + 1,
           "expected the first touch to call the driver's .fault once (vm_ops, TODO 4.1)");
}

static void t_lazy_flags(void)
{
    int fd = dev_open(WBMAP_LAZY_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_LAZY_DEV);
    char *p = dev_map(fd, WBMAP_LAZY_DEV, 2 * PS, 0, "4.1");
    const char *flags = vmflags(p);
    note("VmFlags: %s", flags);
    expect(has_flag(flags, "de"), "expected VM_DONTEXPAND (de) among the VmFlags");
    expect(has_flag(flags, "dd"), "expected VM_DONTDUMP (dd) among the VmFlags");
    char *q = mremap(p, 2 * PS, 4 * PS, MREMAP_MAYMOVE);
    expect(q == MAP_FAILED, "mremap() grew the mapping from 2 to 4 pages: expected it to fail");
    if (q == MAP_FAILED)
        note("mremap() to 4 pages: %s (%s), as expected", strerror(errno), errname(errno));
    (void)st;
}

static void t_lazy_faults(void)
{
    int fd = dev_open(WBMAP_LAZY_DEV);
    struct wbmap_stats s0 = dev_stats(fd, WBMAP_LAZY_DEV);
    char *p = dev_map(fd, WBMAP_LAZY_DEV, s0.size, 0, "4.1");
    static const size_t touched[] = {0, 3, 5, 7};
    const size_t n = sizeof(touched) / sizeof(touched[0]);

    settle();
    long f0 = minor_faults();
    for (size_t i = 0; i < n; i++) {
        step = "touching a page of the lazy mapping";
        int sig = touch(p + touched[i] * PS, false);
        if (sig)
            stop("reading page %zu raised %s: expected the fault handler to map it (TODO 4.2)",
                 touched[i], signame(sig, touch_code));
    }
    long f1 = minor_faults();
    struct wbmap_stats s1 = dev_stats(fd, WBMAP_LAZY_DEV);
    for (size_t i = 0; i < n; i++)
        (void)*(volatile char *)(p + touched[i] * PS);
    long f2 = minor_faults();
    struct wbmap_stats s2 = dev_stats(fd, WBMAP_LAZY_DEV);

    note("touching pages 0, 3, 5, 7: .fault ran %llu times, the process took %ld page faults",
         (unsigned long long)(s1.faults - s0.faults), f1 - f0);
    note("touching them again: .fault ran %llu times, %ld page faults",
         (unsigned long long)(s2.faults - s1.faults), f2 - f1);
    expect(s1.faults - s0.faults == n && f1 - f0 == (long)n,
           "expected one call of .fault, and one page fault, per page touched: %zu", n);
    expect(s2.faults == s1.faults && f2 == f1,
           "expected no fault at all the second time: the pages are mapped now");
    for (size_t i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof(what), "page %zu of the lazy mapping", touched[i]);
        pattern_ok(p + touched[i] * PS, PS, 'L', touched[i] * PS, what);
    }
    if (geteuid() == 0) {
        uint64_t e = pagemap(p + 3 * PS);
        note("pagemap of page 3: present %d, file/shared page %d, PFN %#llx", !!(e & PM_PRESENT),
             !!(e & PM_FILE), (unsigned long long)pm_pfn(e));
    }
    struct wbmap_stats s3 = dev_stats(fd, WBMAP_LAZY_DEV);
    expect(s3.faults == s2.faults, "reading the pattern took %llu more calls of .fault",
           (unsigned long long)(s3.faults - s2.faults));
}

static void t_lazy_ref(void)
{
    int fd = dev_open(WBMAP_LAZY_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_LAZY_DEV);
    const char msg[] = "KEEP ME";
    size_t off = 2 * PS + 800;
    char saved[sizeof(msg)], back[sizeof(msg)];
    char *p = dev_map(fd, WBMAP_LAZY_DEV, st.size, 0, "4.1");

    step = "storing through the lazy mapping";
    if (touch(p + off, true))
        stop("writing to page 2 raised %s: expected the fault handler to map it (TODO 4.2)",
             signame(touch_sig, touch_code));
    memcpy(saved, p + off, sizeof(msg));
    memcpy(p + off, msg, sizeof(msg));
    dev_pread(fd, WBMAP_LAZY_DEV, back, sizeof(back), (off_t)off);
    expect(memcmp(back, msg, sizeof(msg)) == 0,
           "stored \"%s\" through the lazy mapping; pread() returned \"%s\"", msg, show8(back));

    /* munmap() drops the page table's reference to the page. If the fault
     * handler took none, the page is freed now (and zeroed: the VM boots
     * with init_on_free=1), though the driver still uses it. */
    unmap(p, st.size);
    char *page = malloc(PS);
    if (!page)
        stop("malloc");
    dev_pread(fd, WBMAP_LAZY_DEV, page, PS, (off_t)(2 * PS));
    expect(memcmp(page + 800, msg, sizeof(msg)) == 0,
           "after munmap(), pread() at byte %zu returned \"%s\", not \"%s\": the page was freed "
           "when it was unmapped; did the fault handler take a reference (get_page)?",
           off, show8(page + 800), msg);
    memcpy(page + 800, saved, sizeof(msg));
    pattern_ok(page, PS, 'L', 2 * PS, "page 2 of the buffer after munmap() (read with pread)");
    free(page);

    /* Put the pattern back, for the next tests. */
    p = dev_map(fd, WBMAP_LAZY_DEV, st.size, 0, "4.1");
    step = "restoring the pattern through the lazy mapping";
    if (!touch(p + off, true))
        memcpy(p + off, saved, sizeof(msg));
}

static void t_lazy_sigbus(void)
{
    int fd = dev_open(WBMAP_LAZY_DEV);
    struct wbmap_stats st = dev_stats(fd, WBMAP_LAZY_DEV);
    size_t pages = st.size / PS;
    char *p = dev_map(fd, WBMAP_LAZY_DEV, st.size + PS, 0,
                      "4.1: the lazy device takes a mapping of any length");

    step = "touching the last page of the buffer";
    int sig = touch(p + (pages - 1) * PS, false);
    expect(sig == 0, "reading page %zu, the buffer's last, raised %s: expected no signal",
           pages - 1, signame(sig, touch_code));

    step = "touching the page after the end of the buffer";
    char *past = p + pages * PS + 16;
    sig = touch(past, false);
    note("reading page %zu, past the end: %s", pages, signame(sig, touch_code));
    expect(sig == SIGBUS && touch_code == BUS_ADRERR,
           "expected SIGBUS (BUS_ADRERR), as for a page past the end of a file");
    if (sig)
        expect(touch_addr == past, "the signal's si_addr is %p: expected %p, the byte touched",
               touch_addr, (void *)past);

    /* The same from an offset: vmf->pgoff counts from the buffer's start. */
    char *q = dev_map(fd, WBMAP_LAZY_DEV, 2 * PS, (off_t)((pages - 1) * PS), "4.1");
    sig = touch(q, false);
    expect(sig == 0, "a mapping at offset %zu pages: its first page raised %s", pages - 1,
           signame(sig, touch_code));
    if (!sig)
        pattern_ok(q, PS, 'L', (pages - 1) * PS, "a mapping at offset 7 pages");
    sig = touch(q + PS, false);
    expect(sig == SIGBUS, "a mapping at offset %zu pages: its second page raised %s, not SIGBUS",
           pages - 1, signame(sig, touch_code));
}

/* Task 5: the VMAs, and the module's lifetime. */

static long vmas(int fd)
{
    return (long)dev_stats(fd, WBMAP_LAZY_DEV).vmas;
}

static void t_vmas(void)
{
    int fd = dev_open(WBMAP_LAZY_DEV);
    long v0 = vmas(fd), seen[5];
    char *p = dev_map(fd, WBMAP_LAZY_DEV, 4 * PS, 0, "4.1");
    seen[0] = vmas(fd) - v0;

    int pipefd[2];
    if (pipe(pipefd) < 0)
        stop("pipe: %s", strerror(errno));
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        stop("fork: %s", strerror(errno));
    if (pid == 0) {
        long in_child = vmas(fd) - v0;
        if (write(pipefd[1], &in_child, sizeof(in_child)) < 0)
            _exit(1);
        _exit(0);
    }
    if (read(pipefd[0], &seen[1], sizeof(seen[1])) != sizeof(seen[1]))
        stop("the child did not report");
    if (waitpid(pid, NULL, 0) < 0)
        stop("waitpid: %s", strerror(errno));
    seen[2] = vmas(fd) - v0;
    unmap(p + PS, PS); /* split: pages 0 and 2-3 remain, two VMAs */
    seen[3] = vmas(fd) - v0;
    unmap(p, 4 * PS);
    seen[4] = vmas(fd) - v0;

    static const long want[5] = {1, 2, 1, 2, 0};
    static const char *when[5] = {"after mmap()", "after fork(), in the child",
                                  "after the child exited", "after munmap() of the second page",
                                  "after munmap() of the rest"};
    for (int i = 0; i < 5; i++) {
        note("%-34s VMAs counted: %ld (expected %ld)", when[i], seen[i], want[i]);
        failed |= seen[i] != want[i];
    }
    if (failed)
        note("the count comes from .open and .close of the vm_operations_struct (TODO 5.1)");
}

static void t_rmmod_busy(void)
{
    int fd = dev_open(WBMAP_CONTIG_DEV);
    char *p = dev_map(fd, WBMAP_CONTIG_DEV, PS, 0, "1.1");
    if (close(fd) < 0)
        stop("close: %s", strerror(errno));
    long ref = module_refcnt();
    note("mapped, descriptor closed: the module's reference count is %ld", ref);
    if (rmmod() == 0) {
        note("rmmod worked while a mapping of its buffer existed: expected EWOULDBLOCK;");
        note("the buffer is gone, but the mapping still reaches its pages (TODO 5.2)");
        failed = true;
        unmap(p, PS);
        return;
    }
    expect(errno == EWOULDBLOCK, "rmmod failed with %s: expected EWOULDBLOCK", errname(errno));
    unmap(p, PS);
    note("after munmap(): the module's reference count is %ld", module_refcnt());
    if (rmmod() < 0)
        stop("rmmod after munmap() failed: %s (%s): expected it to work", strerror(errno),
             errname(errno));
    expect(module_refcnt() == -1, "/sys/module/wbmap is still there after rmmod");
}

static void t_rmmod_free(void)
{
    static char before[4096], after[4096];
    user_areas("/tmp/vmallocinfo.before", before, sizeof(before));
    if (module_refcnt() >= 0 && rmmod() < 0)
        stop("rmmod failed: %s (%s)", strerror(errno), errname(errno));
    user_areas("/proc/vmallocinfo", after, sizeof(after));
    size_t left = 0;
    for (char *line = after; *line;) {
        char *end = strchr(line, '\n');
        *end = '\0';
        if (!strstr(before, line)) {
            note("still allocated after rmmod: vmalloc_user() area %s bytes", line);
            left++;
        }
        line = end + 1;
    }
    expect(left == 0, "the module did not free its vmalloc buffers (TODO 5.3)");
    if (!left)
        note("no vmalloc_user() area is left of those the module allocated");
}

/* ---- the runner ------------------------------------------------------------ */

static const struct test {
    const char *id, *name;
    void (*run)(void);
} tests[] = {
    {"1.1", "the mapping shows the pattern the driver wrote, in every page", t_contig_pattern},
    {"1.1", "a store through the mapping is what read() on the device returns", t_contig_store},
    {"1.1", "remap_pfn_range maps every page at once: no page fault on touch", t_contig_eager},
    {"2.1", "mmap() past the end of the buffer fails with EINVAL", t_bounds},
    {"2.2", "a mapping at offset k pages starts at page k of the buffer", t_offset},
    {"3.1", "the vmalloc buffer shows every page in order, from any offset", t_vmalloc_pattern},
    {"3.1", "a store through the vmalloc mapping is what read() returns", t_vmalloc_store},
    {"3.1", "the vmalloc mapping is eager, VM_DONTEXPAND and VM_DONTDUMP", t_vmalloc_eager},
    {"4.1", "the lazy mmap() maps nothing; the first touch calls .fault", t_lazy_nothing},
    {"4.1", "the lazy mapping is VM_DONTEXPAND and VM_DONTDUMP: mremap cannot grow it",
     t_lazy_flags},
    {"4.2", "one call of .fault per page touched, none the second time", t_lazy_faults},
    {"4.2", "a page mapped by .fault keeps its data after munmap (reference taken)", t_lazy_ref},
    {"4.3", "a page past the end of the buffer raises SIGBUS at its address", t_lazy_sigbus},
    {"5.1", "the driver counts the VMAs: mmap, fork, exit, a split, munmap", t_vmas},
    {"5.2", "rmmod is refused while a mapping exists, and works once it is gone", t_rmmod_busy},
    {"5.3", "after rmmod no vmalloc buffer of the module is left", t_rmmod_free},
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

/* Is test T selected by ONLY ("4,5.1": ids that start with 4, or are 5.1)? */
static bool selected(const struct test *t, const char *only)
{
    if (!only)
        return true;
    size_t idlen = strlen(t->id);
    for (const char *s = only; *s;) {
        size_t n = strcspn(s, ",");
        if (n > 0 && n <= idlen && strncmp(t->id, s, n) == 0 && (n == idlen || t->id[n] == '.'))
            return true;
        s += n + (s[n] == ',');
    }
    return false;
}

/* The kernel's log lines since the last call, as "# dmesg: " lines. */
static void show_kmsg(void)
{
    char rec[2048];
    if (kmsg < 0)
        return;
    for (;;) {
        ssize_t n = read(kmsg, rec, sizeof(rec) - 1);
        if (n < 0 && errno == EPIPE)
            continue; /* older records were overwritten */
        if (n <= 0)
            return;
        rec[n] = '\0';
        char *text = strchr(rec, ';');
        if (!text)
            continue;
        text[1 + strcspn(text + 1, "\n")] = '\0';
        printf("# dmesg: %s\n", text + 1);
    }
}

/* Run test T in a child; print its TAP line and its report; true if ok. */
static bool run_test(int n, const struct test *t)
{
    int out[2];
    if (pipe(out) < 0)
        die("pipe");
    printf("# running %d: %s %s\n", n, t->id, t->name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        if (dup2(out[1], STDOUT_FILENO) < 0)
            _exit(2);
        close(out[0]);
        close(out[1]);
        setvbuf(stdout, NULL, _IOLBF, 0); /* each line out at once, even if a signal ends us */
        struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER};
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSEGV, &sa, NULL) < 0 || sigaction(SIGBUS, &sa, NULL) < 0)
            _exit(2);
        t->run();
        fflush(stdout);
        _exit(failed ? 1 : 0);
    }
    close(out[1]);
    static char report[16384];
    size_t len = 0;
    ssize_t r;
    while ((r = read(out[0], report + len, sizeof(report) - 1 - len)) > 0)
        len += (size_t)r;
    report[len] = '\0';
    close(out[0]);
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    printf("%sok %d - %s %s\n", ok ? "" : "not ", n, t->id, t->name);
    fputs(report, stdout);
    if (WIFSIGNALED(status))
        printf("# the test was killed by signal %d (%s)\n", WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    show_kmsg();
    fflush(stdout);
    return ok;
}

int main(int argc, char *argv[])
{
    const char *only = NULL;
    bool list = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0)
            list = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else
            usage("[--list] [--only ID[,ID...]]");
    }
    if (list) {
        for (size_t i = 0; i < NTESTS; i++)
            printf("%s %s\n", tests[i].id, tests[i].name);
        return 0;
    }
    dev_dir = getenv("WBMAP_DEV_DIR") ? getenv("WBMAP_DEV_DIR") : "/dev";
    kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (kmsg >= 0)
        lseek(kmsg, 0, SEEK_END);

    int planned = 0, n = 0, bad = 0;
    for (size_t i = 0; i < NTESTS; i++)
        planned += selected(&tests[i], only);
    if (planned == 0)
        fail("--only %s selects no test", only);
    printf("1..%d\n", planned);
    struct utsname uts; /* which kernel the VM booted: the lab's output says it */
    if (uname(&uts) == 0)
        printf("# the VM runs Linux %s\n", uts.release);
    for (size_t i = 0; i < NTESTS; i++)
        if (selected(&tests[i], only))
            bad += !run_test(++n, &tests[i]);
    return bad ? 1 : 0;
}
