/* anonfork - does a child's store reach its parent? Anonymous shared vs
 * private memory across fork().
 *
 * usage: anonfork shared|private
 *
 * The parent maps one page of anonymous memory and writes "parent" into it.
 * The child, after fork(), writes "child" into the same address and exits.
 * The parent waits for the child and prints what it sees at that address:
 * "child" for MAP_SHARED (one page, two processes), "parent" for MAP_PRIVATE
 * (the child's store went to its own copy of the page).
 */
#include "wb.h"
#include <sys/wait.h>

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage("shared|private");
    bool shared = strcmp(argv[1], "shared") == 0;
    if (!shared && strcmp(argv[1], "private") != 0)
        fail("the mode must be 'shared' or 'private', not '%s'", argv[1]);

    size_t len = page_size();
    /* TODO 4.1: the flags for anonymous memory, shared or private as the mode
     * says. */
    int flags = MAP_ANONYMOUS;
    char *page = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (page == MAP_FAILED)
        die("mmap");
    strcpy(page, "parent");

    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        strcpy(page, "child");
        printf("child sees:  %s\n", page);
        fflush(stdout); /* _exit() does not flush stdio buffers */
        _exit(0);
    }

    /* Wait for the child to finish before looking: without the wait, the
     * parent would usually look before the child has stored anything. */
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child did not exit with status 0 (wait status %#x)", status);
    printf("parent sees: %s\n", page);

    if (munmap(page, len) < 0)
        die("munmap");
    return 0;
}
