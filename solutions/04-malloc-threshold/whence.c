/* whence - where does malloc() get each block: the heap (brk) or a mmap() of
 * its own?
 *
 * usage: whence SIZE...
 *
 * Allocates every SIZE with malloc(), all of them first, then prints one line
 * for each block:
 *   size     the request
 *   pointer  what malloc() returned
 *   from     heap or mmap, by the IS_MMAPPED bit of the chunk's size field
 *   chunk    the chunk's size, from the same field
 *   usable   malloc_usable_size(): what the block can really hold
 *   vma      the line of /proc/self/maps that holds the block: its range and
 *            its name, [heap] or anonymous
 * and frees the blocks at the end. Run it under strace to see brk() and mmap().
 */
#include "chunk.h"
#include <malloc.h>

#define MAX_SIZES 32

/* One line of /proc/self/maps. */
struct vma {
    unsigned long start, end;
    char name[256]; /* "[heap]", "[stack]", a file's path, or "" (anonymous) */
};

/* Find the line of /proc/self/maps whose range holds ADDR. */
static bool find_vma(const void *addr, struct vma *v)
{
    /* TODO 1.2: read /proc/self/maps line by line; a line is
     *     START-END PERMS OFFSET DEV INODE [NAME]
     * with START and END in hex. For the line with START <= ADDR < END, fill
     * in *V (name "" if there is none, without the newline) and return true. */
    //@solution
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        die("fopen /proc/self/maps");
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, maps)) {
        int name_at = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &v->start, &v->end, &name_at) < 2)
            continue;
        if ((uintptr_t)addr < v->start || (uintptr_t)addr >= v->end)
            continue;
        snprintf(v->name, sizeof v->name, "%s", name_at > 0 ? line + name_at : "");
        v->name[strcspn(v->name, "\n")] = '\0';
        found = true;
    }
    if (fclose(maps) != 0)
        die("fclose /proc/self/maps");
    return found;
    //@starter
    // (void)addr;
    // (void)v;
    // return false;
    //@end
}

int main(int argc, char *argv[])
{
    if (argc < 2 || argc > MAX_SIZES + 1)
        usage("SIZE...   (1 to 32 sizes in bytes)");
    int n = argc - 1;
    size_t sizes[MAX_SIZES];
    void *blocks[MAX_SIZES];
    for (int i = 0; i < n; i++) {
        long long s = parse_num(argv[i + 1], "SIZE");
        if (s == 0 || (unsigned long long)s > SEARCH_LIMIT)
            fail("SIZE must be between 1 and %zu, not %lld", SEARCH_LIMIT, s);
        sizes[i] = (size_t)s;
    }
    /* All the blocks first, before stdio or fopen() allocate anything: blocks
     * that come from the heap then lie side by side, in the order asked. */
    for (int i = 0; i < n; i++) {
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i])
            die("malloc(%zu)", sizes[i]);
    }

    printf("%-9s %-15s %-4s %-9s %-9s %-29s %s\n", "size", "pointer", "from", "chunk", "usable",
           "vma", "name");
    for (int i = 0; i < n; i++) {
        void *p = blocks[i];
        struct vma v;
        char range[64] = "?";
        const char *name = "?";
        if (find_vma(p, &v)) {
            snprintf(range, sizeof range, "%#lx-%#lx", v.start, v.end);
            name = v.name[0] ? v.name : "anonymous";
        }
        printf("%-9zu %-15p %-4s %-9zu %-9zu %-29s %s\n", sizes[i], p,
               is_mmapped(p) ? "mmap" : "heap", chunk_size(p), malloc_usable_size(p), range, name);
    }

    for (int i = 0; i < n; i++)
        free(blocks[i]);
    return 0;
}
