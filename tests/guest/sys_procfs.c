/* /proc as procps and util-linux parse it: the shape of each file (field
 * counts, key names and their order, number formats), the per-process
 * counters a program can predict, sysctl's error paths, and the agreement
 * between mountinfo and stat(). Values that differ between machines (times,
 * PIDs, memory sizes) are checked for form, not printed. Files whose key set
 * depends on the kernel's version or configuration are filtered, and the
 * filter says why. */
#include "tg.h"
#include <dirent.h>
#include <fcntl.h>
#include <regex.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static char buf[65536];

static ssize_t slurp(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -errno;
    ssize_t n = 0, r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

static int matches(const char *text, const char *re) {
    regex_t rx;
    if (regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE)) return 0;
    int ok = regexec(&rx, text, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

/* Keys ("Name:" style, up to the separator) of every line, space-joined. */
static void keys(const char *path, char sep, const char *const *skip) {
    if (slurp(path) < 0) { printf("%s: unreadable\n", path); return; }
    printf("%s keys:", path);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char *end = strchr(line, sep);
        if (end) *end = 0;
        int skipped = 0;
        for (const char *const *s = skip; s && *s; s++)
            if (!strncmp(line, *s, strlen(*s))) skipped = 1;
        if (!skipped) printf(" %s", line);
    }
    printf("\n");
}

static void write_expect(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) { printf("open %s for writing: %s\n", path, strerrorname_np(errno)); return; }
    errno = 0;
    ssize_t r = write(fd, text, strlen(text));
    printf("write %s \"%.*s\" = %s\n", path, (int)strcspn(text, "\n"), text, r < 0 ? strerrorname_np(errno) : "ok");
    close(fd);
}

int main(void) {
    /* stat: 52 fields after "pid (comm)", and the ones a process knows about itself.
     * Read through thread-self: qemu-user answers /proc/self/stat itself, with 44 fields.
     * (The thread count is not compared: qemu-user runs an extra thread of its own.) */
    slurp("/proc/thread-self/stat");
    char *rp = strrchr(buf, ')');
    int fields = 2;
    for (char *p = rp + 1; *p; p++) if (*p == ' ') fields++;
    /* (Under qemu-user the thread's comm is the emulator's own, so it is not printed.) */
    printf("stat fields=%d\n", fields);
    char state; int ppid, pgrp, sid, nthreads;
    sscanf(rp + 2, "%c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %d", &state, &ppid, &pgrp, &sid, &nthreads);
    CHECK(state == 'R');
    CHECK(ppid == getppid());
    CHECK(pgrp == getpgrp());
    CHECK(sid == getsid(0));
    CHECK(nthreads >= 1);

    /* status: every 6.12 key, in order (6.12 and later kernels print the same set). */
    keys("/proc/self/status", ':', NULL);
    slurp("/proc/self/status");
    CHECK(matches(buf, "^Uid:\t0\t0\t0\t0$"));
    CHECK(matches(buf, "^Groups:\t.*$"));
    CHECK(matches(buf, "^SigQ:\t[0-9]+/[0-9]+$"));
    CHECK(matches(buf, "^VmRSS:\t *[0-9]+ kB$"));
    CHECK(matches(buf, "^CapBnd:\t[0-9a-f]{16}$"));

    slurp("/proc/self/statm");
    CHECK(matches(buf, "^[0-9]+ [0-9]+ [0-9]+ [0-9]+ 0 [0-9]+ 0\n$"));

    /* io: the read/write counters move by what this process does. */
    keys("/proc/self/io", ':', NULL);
    unsigned long long rchar0, wchar0, syscr0, syscw0, rchar1, wchar1, syscr1, syscw1;
    slurp("/proc/self/io");
    sscanf(buf, "rchar: %llu wchar: %llu syscr: %llu syscw: %llu", &rchar0, &wchar0, &syscr0, &syscw0);
    int fd = open("/dev/zero", O_RDONLY);
    char junk[1000];
    for (int i = 0; i < 3; i++) read(fd, junk, sizeof junk);
    close(fd);
    fd = open("/dev/null", O_WRONLY);
    write(fd, junk, 700);
    close(fd);
    slurp("/proc/self/io");
    sscanf(buf, "rchar: %llu wchar: %llu syscr: %llu syscw: %llu", &rchar1, &wchar1, &syscr1, &syscw1);
    /* The reading of /proc/self/io itself adds its own bytes and calls: count exactly ours. */
    printf("io: rchar+3000 at least: %s wchar+%llu syscr+%llu syscw+%llu\n",
           rchar1 - rchar0 >= 3000 ? "yes" : "no", wchar1 - wchar0, syscr1 - syscr0, syscw1 - syscw0);

    slurp("/proc/self/limits");
    printf("limits: %.*s\n", (int)strcspn(buf, "\n"), buf);
    slurp("/proc/loadavg");
    CHECK(matches(buf, "^[0-9]+\\.[0-9]{2} [0-9]+\\.[0-9]{2} [0-9]+\\.[0-9]{2} [0-9]+/[0-9]+ [0-9]+\n$"));
    slurp("/proc/uptime");
    CHECK(matches(buf, "^[0-9]+\\.[0-9]{2} [0-9]+\\.[0-9]{2}\n$"));
    slurp("/proc/stat");
    CHECK(matches(buf, "^cpu  ([0-9]+ ){9}[0-9]+$"));
    CHECK(matches(buf, "^cpu0 ([0-9]+ ){9}[0-9]+$"));
    CHECK(matches(buf, "^ctxt [0-9]+$"));
    CHECK(matches(buf, "^btime [0-9]+$"));
    CHECK(matches(buf, "^procs_running [1-9][0-9]*$"));
    CHECK(matches(buf, "^softirq( [0-9]+){11}$"));
    slurp("/proc/swaps");
    printf("swaps header: %s", buf);
    /* meminfo: the 6.12 keys. Left out: Balloon (new in 6.15), CmaTotal/CmaFree (CONFIG_CMA,
     * which the riscv64 config has and an x86 host may not), DirectMap* (x86's own lines),
     * HardwareCorrupted (CONFIG_MEMORY_FAILURE, which riscv lacks), Unaccepted (x86 TDX/SEV). */
    static const char *const meminfo_skip[] = { "Balloon", "Cma", "DirectMap", "HardwareCorrupted", "Unaccepted", NULL };
    keys("/proc/meminfo", ':', meminfo_skip);
    slurp("/proc/meminfo");
    CHECK(matches(buf, "^MemTotal: +[0-9]+ kB$"));
    CHECK(matches(buf, "^HugePages_Total: +[0-9]+$"));

    /* Namespaces: ten links named "type:[inode]", and the inode is the target's st_ino. */
    static const char *const ns[] = { "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children", "user", "uts", NULL };
    for (const char *const *n = ns; *n; n++) {
        char path[64], link[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", *n);
        ssize_t l = readlink(path, link, sizeof link - 1);
        if (l < 0) { printf("ns %s: %s\n", *n, strerrorname_np(errno)); continue; }
        link[l] = 0;
        unsigned long ino = 0;
        char type[32];
        int ok = sscanf(link, "%31[a-z]:[%lu]", type, &ino) == 2;
        struct stat st;
        ok = ok && stat(path, &st) == 0 && st.st_ino == ino;
        printf("ns %s -> %s:[...] %s\n", *n, type, ok ? "ino ok" : "MISMATCH");
    }

    /* mountinfo agrees with stat(): /proc's line carries /proc's st_dev. */
    slurp("/proc/self/mountinfo");
    struct stat pst;
    stat("/proc", &pst);
    int found = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned id, parent, maj, min;
        char root[256], mnt[256];
        if (sscanf(line, "%u %u %u:%u %255s %255s", &id, &parent, &maj, &min, root, mnt) == 6 && !strcmp(mnt, "/proc")) {
            found = 1;
            printf("mountinfo /proc: dev matches stat: %s, type: %s\n",
                   makedev(maj, min) == pst.st_dev ? "yes" : "no", strstr(line, " - proc proc ") ? "proc" : "?");
        }
    }
    if (!found) printf("mountinfo: no /proc line\n");

    /* sysctl: formats, and the errors a bad write or a write-only file gives even to root.
     * Only invalid values are written: under the reference they reach the host's sysctls. */
    slurp("/proc/sys/kernel/ostype");
    printf("kernel.ostype = %s", buf);
    slurp("/proc/sys/kernel/cap_last_cap");
    printf("kernel.cap_last_cap = %s", buf);
    slurp("/proc/sys/fs/file-nr");
    CHECK(matches(buf, "^[0-9]+\t0\t[0-9]+\n$"));
    slurp("/proc/sys/kernel/printk");
    CHECK(matches(buf, "^[0-9]+\t[0-9]+\t[0-9]+\t[0-9]+\n$"));
    slurp("/proc/sys/kernel/random/boot_id");
    CHECK(matches(buf, "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$"));
    R(slurp("/proc/sys/vm/drop_caches"));
    write_expect("/proc/sys/vm/swappiness", "abc\n");
    write_expect("/proc/sys/kernel/pid_max", "12\n");
    write_expect("/proc/sys/vm/overcommit_memory", "7\n");

    /* oom_score_adj: range-checked, and it sticks. */
    write_expect("/proc/self/oom_score_adj", "1001\n");
    write_expect("/proc/self/oom_score_adj", "250\n");
    slurp("/proc/self/oom_score_adj");
    printf("oom_score_adj = %s", buf);
    slurp("/proc/self/oom_adj");
    printf("oom_adj = %s", buf);
    slurp("/proc/self/cgroup");
    CHECK(matches(buf, "^0::/"));
    slurp("/proc/thread-self/sched");
    CHECK(matches(buf, "^[^\n]+ \\([0-9]+, #threads: [0-9]+\\)\n-{67}\n"));
    CHECK(matches(buf, "^nr_voluntary_switches +: +[0-9]+$"));
    slurp("/proc/self/schedstat");
    CHECK(matches(buf, "^[0-9]+ [0-9]+ [0-9]+\n$"));

    /* The links and directories userspace expects in /dev. */
    static const char *const devlinks[] = { "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", NULL };
    for (const char *const *d = devlinks; *d; d++) {
        char link[64];
        ssize_t l = readlink(*d, link, sizeof link - 1);
        printf("%s -> %.*s\n", *d, (int)(l < 0 ? 0 : l), link);
    }
    struct stat sst;
    stat("/dev/shm", &sst);
    printf("/dev/shm mode %o\n", sst.st_mode);
    return 0;
}
