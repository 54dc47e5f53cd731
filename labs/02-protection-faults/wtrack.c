/* wtrack - find out which pages a program writes, with mprotect() and SIGSEGV.
 *
 * usage: wtrack PAGES OP...
 *
 * Maps PAGES pages of fresh anonymous memory and makes them read-only. The
 * first write to a page then faults (SIGSEGV, SEGV_ACCERR); the handler notes
 * the page as dirty, makes that one page writable again and returns, so the
 * write runs again and succeeds, and later writes to the page cost nothing.
 * Ops, relative to the region:
 *     w:OFFSET   store a byte at OFFSET
 *     r:OFFSET   read the byte at OFFSET
 *     c          checkpoint: report, then make everything read-only again
 *     null       store a byte at address 0: a bug elsewhere in the program
 * At each checkpoint, and at the end, it prints the dirty pages, the number
 * of SIGSEGVs handled and the minor page faults (getrusage) since the last one.
 * This is how incremental checkpointing and some garbage collectors learn
 * what changed.
 */
#include "wb.h"
#include <signal.h>
#include <stdint.h>

/* Shared with the handler: set before it can run, or only touched by it. */
static char *region;
static size_t region_len, ps;
static volatile unsigned char *dirty; /* dirty[i] = 1 once page i was written */
static volatile sig_atomic_t signals; /* SIGSEGVs handled since the checkpoint */

static void on_write_fault(int sig, siginfo_t *si, void *ucontext)
{
    (void)ucontext;
    uintptr_t addr = (uintptr_t)si->si_addr, lo = (uintptr_t)region;
    /* TODO 5.2: if this is a write to the read-only region (SEGV_ACCERR at an
     * address inside it), mark its page dirty, count the signal, make that one
     * page writable again, and return: the write then runs again, and works. */
    (void)addr, (void)lo;
    /* Any other fault is a real bug: die of it, with the default action. */
    signal(sig, SIG_DFL);
}

/* Make the whole region read-only and start a new round with no dirty page. */
static void write_protect(void)
{
    /* TODO 5.1: forget the dirty pages and the signal count, and make the whole
     * region read-only, so that the next write to any page faults. */
}

/* Report the round that ends now; FAULTS0 is the minor fault count at its start. */
static void report(int round, long faults0)
{
    long faults = minor_faults() - faults0; /* first: printf may fault too */
    printf("checkpoint %d\ndirty pages:", round);
    int n = 0;
    for (size_t i = 0; i < region_len / ps; i++)
        if (dirty[i]) {
            printf(" %zu", i);
            n++;
        }
    printf("%s\nsignals: %d\nminor faults: %ld\n", n ? "" : " (none)", (int)signals, faults);
}

int main(int argc, char *argv[])
{
    if (argc < 2)
        usage("PAGES [w:OFFSET|r:OFFSET|c|null]...");
    long long pages = parse_num(argv[1], "PAGES");
    if (pages == 0 || pages > 4096)
        fail("PAGES must be between 1 and 4096");
    ps = page_size();
    region_len = (size_t)pages * ps;

    /* Parse every op now: the loop that runs them calls no library function,
     * whose first call could take a page fault of its own (its code). */
    int nops = argc - 2;
    struct op {
        char kind; /* 'r', 'w', 'c' or 'n' (null) */
        size_t off;
    } *ops = calloc((size_t)nops + 1, sizeof *ops);
    if (!ops)
        die("calloc");
    for (int i = 0; i < nops; i++) {
        const char *arg = argv[i + 2];
        if (strcmp(arg, "c") == 0 || strcmp(arg, "null") == 0) {
            ops[i].kind = arg[0];
            continue;
        }
        if ((arg[0] != 'r' && arg[0] != 'w') || arg[1] != ':')
            fail("'%s' is not w:OFFSET, r:OFFSET, c or null", arg);
        ops[i].kind = arg[0];
        ops[i].off = (size_t)parse_num(arg + 2, "OFFSET");
        if (ops[i].off >= region_len)
            fail("'%s': OFFSET must be inside the %zu bytes of the region", arg, region_len);
    }

    dirty = calloc((size_t)pages, 1);
    if (!dirty)
        die("calloc");
    region = mmap(NULL, region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        die("mmap");
    /* One fault per 4 KiB page, even where transparent huge pages are "always". */
    if (madvise(region, region_len, MADV_NOHUGEPAGE) < 0)
        die("madvise");

    /* The handler runs on a stack of its own, populated now (lab 01): a signal
     * then costs no page fault for its stack frame, and the counts stay exact. */
    stack_t ss = {.ss_size = 256 * 1024};
    ss.ss_sp = mmap(NULL, ss.ss_size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (ss.ss_sp == MAP_FAILED)
        die("mmap");
    if (sigaltstack(&ss, NULL) < 0)
        die("sigaltstack");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_write_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) < 0)
        die("sigaction");

    write_protect();
    int round = 1;
    long faults0 = minor_faults();
    for (int i = 0; i < nops; i++) {
        volatile char *p = region + ops[i].off;
        if (ops[i].kind == 'w') {
            *p = 'W';
        } else if (ops[i].kind == 'r') {
            (void)*p;
        } else if (ops[i].kind == 'c') {
            report(round++, faults0);
            write_protect();
            faults0 = minor_faults();
        } else {
            fflush(stdout);
            char *volatile nowhere = NULL; /* volatile: the compiler cannot tell it is NULL */
            *nowhere = 'W';                /* the kind of bug the handler must not hide */
        }
    }
    report(round, faults0);

    if (munmap(region, region_len) < 0)
        die("munmap");
    free((void *)dirty);
    free(ops);
    ss.ss_flags = SS_DISABLE;
    if (sigaltstack(&ss, NULL) < 0)
        die("sigaltstack");
    if (munmap(ss.ss_sp, ss.ss_size) < 0)
        die("munmap");
    return 0;
}
