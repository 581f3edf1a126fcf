/* Permission checks that ask for a capability, not for uid 0 (issue 11
 * §1b.6): a root process takes one capability out of its effective set with
 * capset(2) (it stays permitted, so it can be put back) and tries what that
 * capability guards. Each answer is Linux's (capabilities(7) and the check
 * in the kernel source named beside it); qemu-riscv64 passes these calls to
 * the host's kernel, so the differential test compares with Linux itself.
 * Only the answers without the capability are printed where the host's own
 * capability set could differ (a container may lack CAP_SYS_RESOURCE). */
#include "tg.h"
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

static struct __user_cap_data_struct caps[2];

static void load(void) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    if (syscall(SYS_capget, &h, caps) != 0) perror("capget");
}

/* The effective set becomes `eff` (within the permitted set, which stays). */
static int set_eff(unsigned long long eff) {
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    caps[0].effective = (unsigned)eff & caps[0].permitted;
    caps[1].effective = (unsigned)(eff >> 32) & caps[1].permitted;
    return syscall(SYS_capset, &h, caps);
}

static unsigned long long all;
#define BIT(c) (1ULL << (c))
#define WITHOUT(c) set_eff(all & ~BIT(c))

int main(void) {
    load();
    all = caps[0].permitted | (unsigned long long)caps[1].permitted << 32;
    CHECK((all & BIT(CAP_DAC_OVERRIDE)) && (all & BIT(CAP_KILL)));

    /* generic_permission: CAP_DAC_OVERRIDE, and CAP_DAC_READ_SEARCH for reading. */
    R(close(open("/tmp/caps.secret", O_CREAT | O_WRONLY, 0)));
    R(chmod("/tmp/caps.secret", 0));
    R(set_eff(all & ~BIT(CAP_DAC_OVERRIDE) & ~BIT(CAP_DAC_READ_SEARCH)));
    R(open("/tmp/caps.secret", O_RDONLY));
    R(set_eff(all & ~BIT(CAP_DAC_OVERRIDE)));
    int fd = open("/tmp/caps.secret", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
    R(open("/tmp/caps.secret", O_WRONLY));
    R(set_eff(all));
    R(close(open("/tmp/caps.secret", O_WRONLY)));
    R(unlink("/tmp/caps.secret"));

    /* sethostname: CAP_SYS_ADMIN (kernel/sys.c). */
    R(WITHOUT(CAP_SYS_ADMIN));
    R(sethostname("capless", 7));
    /* vhangup: CAP_SYS_TTY_CONFIG. */
    R(set_eff(all & ~BIT(CAP_SYS_TTY_CONFIG)));
    R(vhangup());
    /* timerfd_create of an alarm clock: CAP_WAKE_ALARM. */
    R(set_eff(all & ~BIT(CAP_WAKE_ALARM)));
    R(timerfd_create(CLOCK_REALTIME_ALARM, 0));
    R(timerfd_create(CLOCK_BOOTTIME_ALARM, 0));

    /* do_prlimit: raising a hard limit needs CAP_SYS_RESOURCE. */
    R(set_eff(all & ~BIT(CAP_SYS_RESOURCE)));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_max += 1;
    R(setrlimit(RLIMIT_NOFILE, &rl));
    /* msgctl(IPC_SET): msg_qbytes above msgmnb needs CAP_SYS_RESOURCE. */
    int q = msgget(IPC_PRIVATE, 0600);
    struct msqid_ds ds;
    R(msgctl(q, IPC_STAT, &ds));
    ds.msg_qbytes = 1 << 30;
    R(msgctl(q, IPC_SET, &ds));
    R(msgctl(q, IPC_RMID, NULL));

    /* can_do_mlock: CAP_IPC_LOCK, or a nonzero RLIMIT_MEMLOCK. */
    R(set_eff(all & ~BIT(CAP_IPC_LOCK)));
    struct rlimit none = {0, 0};
    R(setrlimit(RLIMIT_MEMLOCK, &none));
    static char page[4096] __attribute__((aligned(4096)));
    R(mlock(page, sizeof page));

    /* kill_ok_by_cred: another user's process needs CAP_KILL. */
    R(set_eff(all));
    pid_t child = fork();
    if (child == 0) {
        if (setresuid(65534, 65534, 65534) != 0) _exit(1);
        for (;;) pause();
    }
    /* The child has dropped to 65534 once kill(0) without CAP_KILL starts failing. */
    R(set_eff(BIT(CAP_SETUID) | BIT(CAP_SETGID)));
    for (int i = 0; i < 1000 && kill(child, 0) == 0; i++) usleep(1000);
    R(kill(child, 0));
    R(kill(child, SIGTERM));
    R(set_eff(BIT(CAP_KILL)));
    R(kill(child, SIGTERM));
    printf("child status %d\n", child_status(child));
    return 0;
}
