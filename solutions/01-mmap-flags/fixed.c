/* fixed - ask for a mapping at an address that is already in use.
 *
 * usage: fixed hint|replace|noreplace
 *
 * Maps three pages of anonymous memory, filled with 'A', 'B' and 'C', then
 * asks for one new page at the address of the middle one:
 *   hint       the address is only a hint: the kernel puts the page elsewhere
 *   replace    MAP_FIXED: the middle page is silently replaced (it reads 0)
 *   noreplace  MAP_FIXED_NOREPLACE: mmap() fails with EEXIST, nothing changes
 * It prints the first byte of each page before and after, and where the new
 * page went (as an offset from the first page).
 */
#include "wb.h"

static void show(const char *when, const char *base, size_t ps)
{
    printf("%s", when);
    for (int i = 0; i < 3; i++)
        printf(base[i * ps] ? " %c" : " 0", base[i * ps]);
    printf("\n");
}

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage("hint|replace|noreplace");
    const char *mode = argv[1];
    if (strcmp(mode, "hint") && strcmp(mode, "replace") && strcmp(mode, "noreplace"))
        fail("the mode must be hint, replace or noreplace, not '%s'", mode);

    size_t ps = page_size();
    char *base = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        die("mmap");
    for (int i = 0; i < 3; i++)
        memset(base + i * ps, 'A' + i, ps);
    show("before:", base, ps);

    char *want = base + ps;
    /* TODO 5.1: map one new anonymous page, asking for address WANT: a plain
     * hint, MAP_FIXED or MAP_FIXED_NOREPLACE as MODE says. */
    //@solution
    int extra = strcmp(mode, "replace") == 0     ? MAP_FIXED
                : strcmp(mode, "noreplace") == 0 ? MAP_FIXED_NOREPLACE
                                                 : 0;
    char *got = mmap(want, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
    //@starter
    // char *got = MAP_FAILED;
    // errno = ENOSYS; /* not written yet */
    //@end

    if (got == MAP_FAILED)
        printf("mmap: failed with %s (%s)\n", strerrorname_np(errno), strerror(errno));
    else if (got == want)
        printf("mmap: placed at the address asked for (page 1)\n");
    else
        printf("mmap: placed elsewhere, not at the address asked for\n");
    show("after: ", base, ps);
    return 0;
}
