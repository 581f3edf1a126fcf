/* oom_score_adj and oom_adj as fs/proc/base.c keeps them: the range
 * (-1000..1000, else EINVAL), the legacy oom_adj scale (-17, -16..15) in
 * both directions, lowering below the floor without CAP_SYS_RESOURCE
 * (EACCES), and inheritance across fork. qemu-riscv64 passes the writes to
 * the host's /proc/self, so the answers are Linux's own. The program drops
 * CAP_SYS_RESOURCE first: the floor (oom_score_adj_min) then stays what it
 * inherited, 0, whatever the host's capability set.
 *
 * With the argument "commit" it checks overcommit mode 2 instead (tuxglass
 * only, in a scenario test): the largest private writable mmap that
 * __vm_enough_memory lets through, computed from /proc/meminfo's
 * CommitLimit and Committed_AS, succeeds, and one page more is ENOMEM;
 * with "guess", that mode 0 refuses one mapping larger than RAM + swap. */
#include "tg.h"
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static char buf[8192];

static long rd(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -99999;
    long n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) return -99999;
    buf[n] = 0;
    return strtol(buf, NULL, 10);
}

static void wr(const char *path, const char *val) {
    int fd = open(path, O_WRONLY);
    errno = 0;
    long r = fd < 0 ? -1 : write(fd, val, strlen(val));
    printf("write %s \"%s\" = %s\n", strrchr(path, '/') + 1, val, r >= 0 ? "ok" : strerrorname_np(errno));
    if (fd >= 0) close(fd);
}

static void drop_resource(void) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct c[2];
    if (syscall(SYS_capget, &h, c) != 0) perror("capget");
    c[0].effective &= ~(1u << CAP_SYS_RESOURCE);
    if (syscall(SYS_capset, &h, c) != 0) perror("capset");
}

/* A "Label:   N kB" field of a /proc file read whole with read(2) (no stdio buffers: no allocation). */
static long field(const char *path, const char *label) {
    if (rd(path) == -99999) return -1;
    char *p = strstr(buf, label);
    return p ? strtol(p + strlen(label), NULL, 10) : -1;
}

static int commit(void) {
    long limit = field("/proc/meminfo", "CommitLimit:") / 4;
    long committed = field("/proc/meminfo", "Committed_AS:") / 4;
    long user_reserve = field("/proc/sys/vm/user_reserve_kbytes", "") / 4;
    long vm = field("/proc/self/status", "VmSize:") / 4;
    /* Root has CAP_SYS_ADMIN: no admin reserve; a process keeps min(total_vm/32, user_reserve) back. */
    long allowed = limit - (vm / 32 < user_reserve ? vm / 32 : user_reserve);
    long n = allowed - committed - 1; /* committed + n < allowed */
    printf("limit %s committed\n", limit > committed ? ">" : "<=");
    void *p = mmap(NULL, (n + 1) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("one page past the limit: %s\n", p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    if (p != MAP_FAILED) munmap(p, (n + 1) * 4096);
    p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("up to the limit: %s\n", p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    /* MAP_NORESERVE does not escape the accounting in mode 2; a read-only mapping is never charged. */
    void *q = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("MAP_NORESERVE on top: %s\n", q == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    q = mmap(NULL, 16 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("read-only on top: %s\n", q == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    printf("mprotect it writable: %s\n", mprotect(q, 16 * 4096, PROT_READ | PROT_WRITE) ? strerrorname_np(errno) : "ok");
    return 0;
}

/* Modes 0 and 1: one request larger than RAM + swap (no swap here) fails only under the heuristic. */
static int guess(void) {
    long total = field("/proc/meminfo", "MemTotal:") / 4;
    void *p = mmap(NULL, (total + 1) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("RAM + 1 page: %s\n", p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    p = mmap(NULL, total * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("RAM: %s\n", p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "commit")) return commit();
    if (argc > 1 && !strcmp(argv[1], "guess")) return guess();
    const char *adj = "/proc/self/oom_score_adj", *old = "/proc/self/oom_adj";
    drop_resource();
    printf("start %ld\n", rd(adj));
    wr(adj, "1001");
    wr(adj, "-1001");
    wr(adj, "12abc");
    wr(adj, "500");
    printf("oom_score_adj %ld oom_adj %ld\n", rd(adj), rd(old));
    wr(adj, "100");
    printf("oom_score_adj %ld oom_adj %ld\n", rd(adj), rd(old));
    wr(adj, "-1");
    wr(adj, "0");
    wr(old, "16");
    wr(old, "-18");
    wr(old, "15");
    printf("oom_score_adj %ld oom_adj %ld\n", rd(adj), rd(old));
    wr(old, "3");
    printf("oom_score_adj %ld oom_adj %ld\n", rd(adj), rd(old));
    wr(old, "-1");
    wr(adj, "-999");
    wr(adj, "777");
    pid_t p = fork();
    if (p == 0) {
        printf("child inherits %ld\n", rd(adj));
        _exit(0);
    }
    child_status(p);
    long score = rd("/proc/self/oom_score");
    CHECK(score >= 0 && score <= 2000);
    printf("done\n");
    return 0;
}
