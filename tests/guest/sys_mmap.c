/* File-backed memory: MAP_SHARED maps the page cache itself (fork, write(),
 * read() and other mappings all see one copy), MAP_PRIVATE copies a page on
 * its first write only, shared anonymous memory survives fork as shared,
 * msync's checks, and SIGBUS past the end of the file. */
#include "tg.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096
static const char *path = "/tmp/mmfile";

static sigjmp_buf jb;
static volatile int fault_sig, fault_code;
static void on_fault(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    fault_sig = sig;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

/* Read one byte at p, reporting the signal a fault raises. */
static void probe(const char *what, volatile char *p) {
    fault_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        char c = *p;
        printf("%s: read %d\n", what, c);
    } else {
        printf("%s: sig=%d code=%d\n", what, fault_sig, fault_code);
    }
}

static void show(const char *what, const char *p, int n) {
    printf("%s: [", what);
    for (int i = 0; i < n; i++) putchar(p[i] ? p[i] : '.');
    printf("]\n");
}

static void file_pread(const char *what, int fd, off_t off, int n) {
    char buf[64] = {0};
    long r = pread(fd, buf, n, off);
    printf("%s: pread=%ld ", what, r);
    show("data", buf, n);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);

    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    R(write(fd, "hello", 5));
    R(ftruncate(fd, 2 * PG));

    /* Shared: stores reach read(), write() reaches the mapping. */
    char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED);
    show("shared sees write()", s, 5);
    memcpy(s, "HELLO", 5);
    file_pread("pread after store", fd, 0, 5);
    R(pwrite(fd, "world", 5, PG + 10));
    show("shared sees pwrite()", s + PG + 10, 5);

    /* A second shared mapping of the same file is the same memory. */
    char *s2 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    s2[1] = 'x';
    show("first mapping sees second", s, 5);

    /* Shared between parent and child across fork. */
    pid_t pid = fork();
    if (pid == 0) {
        memcpy(s + 100, "child", 5);
        R(msync(s, PG, MS_SYNC));
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    show("parent sees child's store", s + 100, 5);
    file_pread("and read() does", fd, 100, 5);

    /* Private: the file's pages until the first write, then a copy. */
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    show("private sees file", p, 5);
    R(pwrite(fd, "ABCDE", 5, 0));
    show("private sees later pwrite (no write yet)", p, 5);
    p[0] = 'z';
    file_pread("file after private store", fd, 0, 5);
    R(pwrite(fd, "QRSTU", 5, 0));
    show("private page after own write", p, 5);
    show("private other page still follows file", p + PG + 10, 5);
    R(pwrite(fd, "again", 5, PG + 10));
    show("private other page after pwrite", p + PG + 10, 5);
    show("shared sees pwrite over its page", s, 5);
    R(madvise(p, PG, MADV_DONTNEED));
    show("private after MADV_DONTNEED", p, 5);
    R(madvise(s, PG, MADV_DONTNEED));
    show("shared after MADV_DONTNEED", s, 5);

    /* fork: the child's private copy is its own. */
    pid = fork();
    if (pid == 0) {
        p[1] = 'c';
        s[2] = 'C';
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    show("parent private after child's store", p, 5);
    show("parent shared after child's store", s, 5);

    /* mremap keeps a shared mapping shared. */
    char *m = mremap(s2, PG, 2 * PG, MREMAP_MAYMOVE);
    CHECK(m != MAP_FAILED);
    m[PG + 20] = '!';
    file_pread("after store through mremapped", fd, PG + 20, 1);

    /* msync: flags, alignment, holes. */
    R(msync(s, PG, MS_ASYNC));
    R(msync(s, PG, MS_SYNC | MS_INVALIDATE));
    R(msync(s, PG, MS_INVALIDATE));
    R(msync(s + 1, PG, MS_SYNC));
    R(msync(s, PG, 8));
    R(msync(s, PG, MS_ASYNC | MS_SYNC));
    R(msync(s, 0, MS_SYNC));
    char *hole = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole + PG, PG);
    R(msync(hole, 3 * PG, MS_SYNC));
    R(msync(hole, 3 * PG, MS_ASYNC));
    R(msync(hole + PG, 2 * PG, MS_ASYNC));
    R(msync(hole + PG, 2 * PG, MS_SYNC));
    R(msync(hole + PG, PG, MS_SYNC));
    R(msync(hole, PG, MS_SYNC));

    /* Shared anonymous memory stays shared across fork; private does not. */
    int *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *sh = 1; *pr = 1;
    pid = fork();
    if (pid == 0) { *sh = 42; *pr = 42; _exit(0); }
    waitpid(pid, NULL, 0);
    printf("shared anon after child: %d, private anon: %d\n", *sh, *pr);
    R(madvise(sh, PG, MADV_DONTNEED));
    printf("shared anon after MADV_DONTNEED: %d\n", *sh);

    /* Permissions: a read-only descriptor can't give a writable shared mapping. */
    int ro = open(path, O_RDONLY);
    errno = 0;
    void *w = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    tg_report("mmap(ro fd, PROT_WRITE, MAP_SHARED)", w == MAP_FAILED ? -1 : 0, errno);
    char *r = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    R(mprotect(r, PG, PROT_READ | PROT_WRITE));
    show("read-only shared mapping", r, 5);
    char *rp = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(rp != MAP_FAILED);
    rp[0] = 'P';
    file_pread("file after private store via ro fd", fd, 0, 5);
    errno = 0;

    /* The file's size bounds the mapping. */
    char *big = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE | MAP_NORESERVE, fd, 0);
    probe("page 1 (inside file)", big + PG + 10);
    probe("page 2 (past EOF)", big + 2 * PG);
    R(ftruncate(fd, PG + 100));
    probe("tail of last page", big + PG + 200);
    R(ftruncate(fd, PG / 2));
    probe("page 1 after shrinking", big + PG + 10);
    R(ftruncate(fd, 3 * PG));
    probe("page 1 after growing again", big + PG + 10);
    probe("page 2 after growing", big + 2 * PG + 5);
    big[2 * PG + 5] = 'g';
    file_pread("store into grown page", fd, 2 * PG + 5, 1);
    show("page 0 survived", big, 5);

    /* Unlinked but mapped: still memory. */
    R(unlink(path));
    big[0] = 'u';
    show("after unlink", s, 5);
    close(fd);
    close(ro);
    show("after close", big, 5);
    R(munmap(big, 4 * PG));
    R(munmap(s, 2 * PG));
    printf("done\n");
    return 0;
}
