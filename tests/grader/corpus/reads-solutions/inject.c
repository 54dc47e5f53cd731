#include <ftw.h>
/* Anything of this name, anywhere the program can see, is a leak. */
static int leak(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    if (strncmp(path, "/proc", 5) == 0 || strncmp(path, "/sys", 4) == 0 ||
        strncmp(path, "/usr", 4) == 0 || strncmp(path, "/dev", 4) == 0)
        return FTW_SKIP_SUBTREE;
    if (strstr(path, "solutions") || strstr(path, "canary") || strstr(path, "corpus") ||
        strstr(path, "grades.csv") || strstr(path, "results.json")) {
        printf("FOUND %s\n", path);
        return FTW_STOP;
    }
    return FTW_CONTINUE;
}
//@main
    const char *guesses[] = {"@ROOT@/solutions/01-mmap-flags/mcat.c", "@SUBMISSIONS@/canary-student/secret.c",
                             "/grade/solutions", "../../solutions", "/work/main/solutions", NULL};
    for (const char **g = guesses; *g; g++)
        if (access(*g, F_OK) == 0) {
            printf("FOUND %s\n", *g);
            return 3;
        }
    if (nftw("/", leak, 16, FTW_PHYS | FTW_ACTIONRETVAL) == FTW_STOP)
        return 3;
