/* probe - touch memory that may not be there, and report what the kernel said.
 *
 * usage: probe [-n] OP...
 *
 * Maps five pages of anonymous memory and gives each page a different
 * protection; the fourth is unmapped again, so it is a hole:
 *     page 0   +0       rw-   read and write
 *     page 1   +4096    r--   read only
 *     page 2   +8192    ---   PROT_NONE
 *     page 3   +12288   hole  nothing mapped
 *     page 4   +16384   rw-   read and write
 * Then it makes each access of the command line: r:OFFSET reads the byte at
 * that offset, w:OFFSET stores 'W' there (offsets for a 4096-byte page).
 * With the handler of probe.h, every faulting access is reported and probe
 * goes on with the next one; with -n there is no handler, and the first
 * faulting access kills the process.
 */
#include "probe.h"

int main(int argc, char *argv[])
{
    bool handler = true;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        handler = false;
        first = 2;
    }
    if (first >= argc)
        usage("[-n] r:OFFSET|w:OFFSET...");
    for (int i = first; i < argc; i++)
        if (!probe_is_op(argv[i]))
            fail("'%s' is not an access: r:OFFSET or w:OFFSET, OFFSET a number", argv[i]);

    size_t ps = page_size();
    char *base = mmap(NULL, 5 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    memset(base, 'A', 2 * ps); /* pages 0 and 1 hold 'A' (0x41) */
    memset(base + 4 * ps, 'E', ps);
    if (mprotect(base + ps, ps, PROT_READ) < 0)
        die("mprotect page 1");
    if (mprotect(base + 2 * ps, ps, PROT_NONE) < 0)
        die("mprotect page 2");
    if (munmap(base + 3 * ps, ps) < 0)
        die("munmap page 3");
    printf("pages: 0 rw-, 1 r--, 2 ---, 3 not mapped, 4 rw- (%zu bytes each)\n", ps);

    probe_base = base;
    if (handler)
        probe_install();
    int faults = 0;
    for (int i = first; i < argc; i++)
        faults += probe_op(argv[i]);
    printf("faults: %d\n", faults);

    if (munmap(base, 3 * ps) < 0 || munmap(base + 4 * ps, ps) < 0)
        die("munmap");
    return 0;
}
