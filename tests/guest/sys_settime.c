/* Setting the wall clock, which qemu-user cannot be asked to do (it would set
 * the host's clock): clock_settime(2), settimeofday(2), adjtimex(2) and
 * clock_adjtime(2) with their EINVAL/EPERM/EFAULT rules, and what a clock set
 * does to what waits for wall time (timerfd_create(2)'s
 * TFD_TIMER_CANCEL_ON_SET, an absolute CLOCK_REALTIME timerfd, clock_nanosleep
 * with TIMER_ABSTIME) and does not do to CLOCK_MONOTONIC. Run as root. */
#include "tg.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <time.h>

static long long ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int set_ns(long long v) {
    struct timespec ts = { v / 1000000000LL, v % 1000000000LL };
    return clock_settime(CLOCK_REALTIME, &ts);
}

int main(void) {
    const long long S = 1000000000LL;
    long long r0 = ns(CLOCK_REALTIME), m0 = ns(CLOCK_MONOTONIC);
    R(set_ns(r0 + 100 * S));
    long long r1 = ns(CLOCK_REALTIME), m1 = ns(CLOCK_MONOTONIC);
    CHECK(r1 - r0 >= 100 * S && r1 - r0 < 101 * S);
    CHECK(m1 - m0 < S);
    R(set_ns(r0));
    CHECK(ns(CLOCK_REALTIME) - r0 < S);

    struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 }, ok = { r0 / S, 0 };
    R(clock_settime(CLOCK_REALTIME, &bad));
    R(clock_settime(CLOCK_REALTIME, &neg));
    R(clock_settime(CLOCK_MONOTONIC, &ok));
    R(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ok));
    R(clock_settime(CLOCK_TAI, &ok));
    R(syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8));

    /* The raw calls: glibc's own settimeofday and gettimeofday go through clock_settime and ignore the zone. */
    struct timeval tv = { r0 / S, 1000000 };
    R(syscall(SYS_settimeofday, &tv, NULL));
    struct timezone tz = { -120, 0 }, far = { 16 * 60, 0 }, got;
    R(syscall(SYS_settimeofday, NULL, &far));
    R(syscall(SYS_settimeofday, NULL, &tz));
    R(syscall(SYS_gettimeofday, &tv, &got));
    printf("tz_minuteswest %d tz_dsttime %d\n", got.tz_minuteswest, got.tz_dsttime);
    tz.tz_minuteswest = 0;
    R(syscall(SYS_settimeofday, NULL, &tz));
    tv.tv_usec = 0;

    /* A cancel-on-set timerfd learns of the set; a plain absolute one follows it. */
    int cfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    int afd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    int mfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec at = { { 0, 0 }, { (r0 + 50 * S) / S, 0 } }, rel = { { 0, 0 }, { 50, 0 } };
    R(timerfd_settime(cfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &at, NULL));
    R(timerfd_settime(afd, TFD_TIMER_ABSTIME, &at, NULL));
    R(timerfd_settime(mfd, 0, &rel, NULL));
    uint64_t n = 0;
    R(read(cfd, &n, 8));
    R(set_ns(r0 + 60 * S));
    R(read(cfd, &n, 8));
    R(read(cfd, &n, 8));
    R(read(afd, &n, 8));
    printf("expirations %llu\n", (unsigned long long)n);
    R(read(mfd, &n, 8));
    R(set_ns(r0));

    /* An absolute sleep ends when the clock is set past its deadline. */
    pid_t c = fork();
    if (c == 0) {
        long long mb = ns(CLOCK_MONOTONIC);
        struct timespec until = { (r0 + 30 * S) / S, 0 };
        int e = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL);
        printf("child: clock_nanosleep = %d, woke within 5 s: %s\n", e, ns(CLOCK_MONOTONIC) - mb < 5 * S ? "yes" : "no");
        _exit(0);
    }
    struct timespec pause = { 0, 200000000 };
    nanosleep(&pause, NULL);
    /* Printed after the child's line, which the set itself triggers. */
    int rs = set_ns(r0 + 40 * S);
    int cs = child_status(c);
    printf("set_ns(r0 + 40 * S) = %d\nchild status %d\n", rs, cs);
    R(set_ns(r0));

    /* adjtimex: a fresh clock is unsynchronized; the NTP fields as Linux keeps them. */
    struct timex tx = { 0 };
    R(adjtimex(&tx));
    printf("status 0x%x maxerror %ld esterror %ld constant %ld precision %ld tolerance %ld tick %ld\n", tx.status, tx.maxerror, tx.esterror, tx.constant,
           tx.precision, tx.tolerance, tx.tick);
    tx.modes = ADJ_STATUS;
    tx.status = STA_PLL;
    R(adjtimex(&tx));
    /* One mode at a time: with an offset, the PLL also moves the frequency by the time since the last one. */
    tx.modes = ADJ_TIMECONST;
    tx.constant = 3;
    R(adjtimex(&tx));
    printf("constant %ld (a microsecond client's, +4)\n", tx.constant);
    tx.modes = ADJ_OFFSET;
    tx.offset = 2000;
    R(adjtimex(&tx));
    printf("offset %ld\n", tx.offset);
    tx.modes = ADJ_FREQUENCY;
    tx.freq = 100 << 16;
    R(adjtimex(&tx));
    printf("freq %ld\n", tx.freq);
    tx.modes = ADJ_FREQUENCY;
    tx.freq = 1000 << 16;
    R(adjtimex(&tx));
    printf("freq clamped to %ld\n", tx.freq);
    tx.modes = ADJ_TICK;
    tx.tick = 900000 / 100 - 1;
    R(adjtimex(&tx));
    tx.modes = 0x8000;
    R(adjtimex(&tx));
    tx.modes = ADJ_TAI;
    tx.constant = 10;
    R(adjtimex(&tx));
    printf("TAI - REALTIME = %lld s\n", (ns(CLOCK_TAI) - ns(CLOCK_REALTIME) + S / 2) / S);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET | ADJ_NANO;
    tx.time.tv_sec = 5;
    tx.time.tv_usec = 1000000000;
    R(adjtimex(&tx));
    tx.time.tv_usec = 0;
    long long before = ns(CLOCK_REALTIME);
    R(adjtimex(&tx));
    CHECK(ns(CLOCK_REALTIME) - before >= 5 * S && ns(CLOCK_REALTIME) - before < 6 * S);
    tx.modes = 0;
    R(adjtimex(&tx));
    printf("after a step: status 0x%x offset %ld\n", tx.status, tx.offset);
    R(clock_adjtime(CLOCK_MONOTONIC, &tx));
    R(clock_adjtime(16, &tx));
    R(syscall(SYS_clock_adjtime, CLOCK_REALTIME, (void *)8));
    R(set_ns(r0));

    /* Without CAP_SYS_TIME: reading is allowed, setting is not. */
    R(setuid(65534));
    R(settimeofday(&tv, NULL));
    R(clock_settime(CLOCK_REALTIME, &ok));
    tx.modes = 0;
    R(adjtimex(&tx));
    tx.modes = ADJ_OFFSET_SS_READ;
    R(adjtimex(&tx));
    tx.modes = ADJ_MAXERROR;
    R(adjtimex(&tx));
    printf("done\n");
    return 0;
}
