/* How munmap, mprotect and mremap split and merge mappings, as
 * /proc/self/maps shows them: each line inside a region is printed relative
 * to the region's start (addresses differ between kernels, layout doesn't),
 * with the file offset column and whether dev:inode name the mapped file. */
#include "tg.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define PG 4096

static struct stat fst;

static void region(const char *what, char *base, long len) {
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    unsigned long lo = (unsigned long)base, hi = lo + len;
    printf("%s:\n", what);
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e, off, ino;
        unsigned maj, min;
        char perms[5], name[256] = "";
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %255[^\n]", &s, &e, perms, &off, &maj, &min, &ino, name) < 7) continue;
        if (e <= lo || s >= hi) continue;
        const char *n = name;
        while (*n == ' ') n++;
        const char *slash = strrchr(n, '/');
        int is_file = ino && ino == fst.st_ino && maj == major(fst.st_dev) && min == minor(fst.st_dev);
        printf("  +%ld..+%ld %s off=%lx %s %s\n", (long)(s - lo) / PG, (long)(e - lo) / PG, perms, off,
               is_file ? "the-file" : ino ? "other-inode" : "no-inode", slash ? slash + 1 : n);
    }
    fclose(f);
}

int main(void) {
    /* A private anonymous region: mprotect splits it, restoring merges it. */
    char *a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a[0] = 1;
    R(mprotect(a + 2 * PG, 2 * PG, PROT_READ));
    region("anon, pages 2-3 read-only", a, 8 * PG);
    R(mprotect(a + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE));
    region("anon, protection restored", a, 8 * PG);
    R(munmap(a + 5 * PG, PG));
    region("anon, page 5 unmapped", a, 8 * PG);
    R(mprotect(a, 8 * PG, PROT_READ));
    errno = 0;
    R(mprotect(a, 6 * PG, PROT_READ));
    R(munmap(a, 8 * PG));
    region("anon, all unmapped", a, 8 * PG);

    /* A file: offsets follow the splits. */
    int fd = open("/tmp/mapsfile", O_RDWR | O_CREAT | O_TRUNC, 0644);
    R(ftruncate(fd, 8 * PG));
    fstat(fd, &fst);
    char *f = mmap(NULL, 6 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
    region("file at offset 1 page", f, 6 * PG);
    R(mprotect(f + PG, PG, PROT_READ | PROT_WRITE));
    R(mprotect(f + 4 * PG, 2 * PG, PROT_NONE));
    region("file, split by mprotect", f, 6 * PG);
    R(munmap(f + 2 * PG, PG));
    region("file, page 2 unmapped", f, 6 * PG);
    R(mprotect(f + PG, PG, PROT_READ));
    region("file, page 1 back to read-only", f, 6 * PG);

    char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PG);
    region("shared file at offset 2 pages", s, 2 * PG);
    char *m = mremap(s, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
    region("after mremap to 4 pages", m, 4 * PG);

    /* Shared anonymous memory is a deleted file of its own. */
    char *sh = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    R(mprotect(sh + PG, PG, PROT_READ));
    region("shared anonymous, middle read-only", sh, 3 * PG);
    printf("done\n");
    return 0;
}
