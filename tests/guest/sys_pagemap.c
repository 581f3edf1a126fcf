/* /proc/self/pagemap: one 64-bit entry per virtual page; bit 63 for a page
 * in memory, bit 61 for a page of a file, bit 56 for a page only this
 * mapping has; whole entries only (EINVAL otherwise). PFNs depend on the
 * machine (and on privilege) and are not printed. */
#include "tg.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

static int pm;

static void show(const char *what, void *addr) {
    uint64_t e = 0;
    off_t off = (uintptr_t)addr / 4096 * 8;
    ssize_t n = pread(pm, &e, 8, off);
    printf("%s: read=%zd present=%d file=%d exclusive=%d\n", what, n, (int)(e >> 63 & 1), (int)(e >> 61 & 1), (int)(e >> 56 & 1));
}

int main(void) {
    R(pm = open("/proc/self/pagemap", O_RDONLY));
    char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a[0] = 1;
    a[2 * 4096] = 1;
    show("anon page 0 touched", a);
    show("anon page 1 untouched", a + 4096);
    show("anon page 2 touched", a + 2 * 4096);
    R(munmap(a + 3 * 4096, 4096));
    show("unmapped page", a + 3 * 4096);

    int fd = open("pagemap.f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    R(ftruncate(fd, 4096));
    volatile char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    s[0] = 1;
    show("shared file page", (void *)s);
    R(unlink("pagemap.f"));

    uint64_t e[2];
    R(pread(pm, e, 4, 0));
    R(pread(pm, e, 8, 4));
    R(pread(pm, e, 16, 0));
    printf("done\n");
    return 0;
}
