/* Raw futex(2) operations: wait/wake counts, requeue, wake-op, bitsets,
 * timeouts, futexes shared across fork through MAP_SHARED, futex_waitv, and
 * robust-list cleanup when a lock owner dies. */
#include "tg.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE 128
#endif
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

static long futex(uint32_t *u, int op, uint32_t val, const void *ts, uint32_t *u2, uint32_t val3) {
    return syscall(SYS_futex, u, op, val, ts, u2, val3);
}
#define ERR(r) ((r) < 0 ? strerrorname_np(errno) : "ok")

static uint32_t w1, w2;
static volatile int woke[8], started;

static void *waiter(void *arg) {
    long i = (long)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    long r = futex(&w1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    woke[i] = r == 0 ? 1 : -errno;
    return NULL;
}
static void *bit_waiter(void *arg) {
    long i = (long)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    long r = futex(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 1u << i);
    woke[i] = r == 0 ? 1 : -errno;
    return NULL;
}

static void settle(void) { for (int i = 0; i < 20; i++) usleep(1000); }
static int count_woke(int n) { int c = 0; for (int i = 0; i < n; i++) c += woke[i] == 1; return c; }

static void spawn(void *(*fn)(void *), int n, pthread_t *th) {
    memset((void *)woke, 0, sizeof woke); started = 0; w1 = 0; w2 = 0;
    for (long i = 0; i < n; i++) pthread_create(&th[i], NULL, fn, (void *)i);
    while (started < n) sched_yield();
    settle();
}

static void test_basic(void) {
    pthread_t th[4];
    errno = 0;
    long r = futex(&w1, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
    printf("wait on changed value: %ld %s\n", r, ERR(r));
    spawn(waiter, 4, th);
    printf("wake 1 -> %ld\n", futex(&w1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    settle();
    printf("woken so far %d\n", count_woke(4));
    printf("wake all -> %ld\n", futex(&w1, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0));
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    printf("woken %d\n", count_woke(4));
    printf("wake nobody -> %ld\n", futex(&w1, FUTEX_WAKE_PRIVATE, 5, NULL, NULL, 0));
    r = futex((uint32_t *)((char *)&w1 + 1), FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    printf("unaligned: %s\n", ERR(r));
    r = futex((uint32_t *)16, FUTEX_WAIT, 0, NULL, NULL, 0);
    printf("bad address: %s\n", ERR(r));
    r = futex(&w1, 99, 0, NULL, NULL, 0);
    printf("bad op: %s\n", ERR(r));
    r = futex(&w1, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
    printf("wake with CLOCK_REALTIME: %s\n", ERR(r));
}

static void test_requeue(void) {
    pthread_t th[4];
    spawn(waiter, 4, th);
    long r = futex(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &w2, 7);
    printf("cmp_requeue wrong value: %ld %s\n", r, ERR(r));
    r = futex(&w1, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &w2, 0);
    printf("cmp_requeue 1 wake 2 move -> %ld\n", r);
    settle();
    printf("woken %d\n", count_woke(4));
    printf("wake on old word -> %ld\n", futex(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    printf("wake on new word -> %ld\n", futex(&w2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    printf("woken %d\n", count_woke(4));
    spawn(waiter, 2, th);
    printf("requeue 0 wake 1 move -> %ld\n", futex(&w1, FUTEX_REQUEUE_PRIVATE, 0, (void *)1, &w2, 0));
    printf("wake new -> %ld old -> %ld\n", futex(&w2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0),
           futex(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    long bad = futex(&w1, FUTEX_REQUEUE_PRIVATE, 0, (void *)-1L, &w2, 0);
    printf("requeue negative count: %s\n", ERR(bad));
}

static void test_wake_op(void) {
    pthread_t th[4];
    spawn(waiter, 2, th);
    w2 = 5;
    /* w2 += 3 (old 5); wake 1 on w1; if old > 4 wake 1 on w2 (nobody there). */
    long r = futex(&w1, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, &w2, FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 4));
    printf("wake_op -> %ld w2=%u\n", r, w2);
    r = futex(&w2, FUTEX_WAKE_OP_PRIVATE, 0, (void *)1, &w1, FUTEX_OP(FUTEX_OP_OR, 0, FUTEX_OP_CMP_EQ, 0));
    printf("wake_op cmp true on w1 -> %ld w1=%u\n", r, w1);
    r = futex(&w2, FUTEX_WAKE_OP_PRIVATE, 0, (void *)1, &w1, FUTEX_OP((FUTEX_OP_ANDN | FUTEX_OP_OPARG_SHIFT), 0, FUTEX_OP_CMP_EQ, 0));
    printf("wake_op shift andn w1=%u\n", w1);
    r = futex(&w2, FUTEX_WAKE_OP_PRIVATE, 0, (void *)1, &w1, (6u << 28));
    printf("wake_op bad op: %s\n", ERR(r));
    w1 = 0;
    futex(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
}

static void test_bitset(void) {
    pthread_t th[3];
    spawn(bit_waiter, 3, th);
    printf("wake bitset 0b100 -> %ld\n", futex(&w1, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 4));
    printf("wake bitset 0b1000 -> %ld\n", futex(&w1, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 8));
    printf("plain wake -> %ld\n", futex(&w1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    long r = futex(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0);
    printf("wait bitset 0: %s\n", ERR(r));
}

static void test_timeouts(void) {
    struct timespec rel = { 0, 5000000 }, now, abs;
    w1 = 0;
    long r = futex(&w1, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
    printf("relative timeout: %s\n", ERR(r));
    clock_gettime(CLOCK_MONOTONIC, &now);
    abs = now; abs.tv_nsec += 5000000; if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    r = futex(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
    struct timespec after;
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("absolute monotonic timeout: %s not early=%d\n", ERR(r),
           after.tv_sec > abs.tv_sec || (after.tv_sec == abs.tv_sec && after.tv_nsec >= abs.tv_nsec));
    clock_gettime(CLOCK_REALTIME, &now);
    abs = now; abs.tv_nsec += 5000000; if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    r = futex(&w1, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
    printf("absolute realtime timeout: %s\n", ERR(r));
    struct timespec past = { 1, 0 };
    r = futex(&w1, FUTEX_WAIT_BITSET_PRIVATE, 0, &past, NULL, FUTEX_BITSET_MATCH_ANY);
    printf("deadline in the past: %s\n", ERR(r));
    struct timespec bad = { 0, 1000000000 };
    r = futex(&w1, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0);
    printf("bad timespec: %s\n", ERR(r));
}

static void test_shared_fork(void) {
    uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    sh[0] = 0; sh[1] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        __atomic_store_n(&sh[1], 1, __ATOMIC_SEQ_CST);
        long r = futex(&sh[0], FUTEX_WAIT, 0, NULL, NULL, 0);
        _exit(r == 0 && sh[0] == 1 ? 7 : 1);
    }
    while (!__atomic_load_n(&sh[1], __ATOMIC_SEQ_CST)) sched_yield();
    settle();
    sh[0] = 1;
    long n = futex(&sh[0], FUTEX_WAKE, 1, NULL, NULL, 0);
    int st;
    waitpid(pid, &st, 0);
    printf("shared futex across fork: woke %ld, child exit %d\n", n, WEXITSTATUS(st));
    /* A private wake does not reach a shared waiter in another process. */
    sh[0] = 0; sh[1] = 0;
    pid = fork();
    if (pid == 0) {
        __atomic_store_n(&sh[1], 1, __ATOMIC_SEQ_CST);
        struct timespec ts = { 0, 30000000 };
        long r = futex(&sh[0], FUTEX_WAIT, 0, &ts, NULL, 0);
        _exit(r < 0 && errno == ETIMEDOUT ? 8 : 1);
    }
    while (!__atomic_load_n(&sh[1], __ATOMIC_SEQ_CST)) sched_yield();
    settle();
    n = futex(&sh[0], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    waitpid(pid, &st, 0);
    printf("private wake of another process: woke %ld, child exit %d\n", n, WEXITSTATUS(st));
    munmap(sh, 4096);
}

struct futex_waitv_s { uint64_t val, uaddr; uint32_t flags, reserved; };
static uint32_t v[3];
static void *waitv_waker(void *arg) { (void)arg; settle(); v[2] = 1; futex(&v[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); return NULL; }

static void test_waitv(void) {
#ifdef SYS_futex_waitv
    struct futex_waitv_s wv[3];
    for (int i = 0; i < 3; i++) { v[i] = 0; wv[i] = (struct futex_waitv_s){ 0, (uintptr_t)&v[i], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0 }; }
    pthread_t th;
    pthread_create(&th, NULL, waitv_waker, NULL);
    long r = syscall(SYS_futex_waitv, wv, 3, 0, NULL, 0);
    pthread_join(th, NULL);
    printf("futex_waitv woken index %ld\n", r);
    r = syscall(SYS_futex_waitv, wv, 3, 0, NULL, 0);
    printf("futex_waitv value changed: %s\n", ERR(r));
    v[2] = 0;
    struct timespec now; clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 5000000; if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    r = syscall(SYS_futex_waitv, wv, 3, 0, &now, CLOCK_MONOTONIC);
    printf("futex_waitv timeout: %s\n", ERR(r));
    r = syscall(SYS_futex_waitv, wv, 0, 0, NULL, 0);
    printf("futex_waitv none: %s\n", ERR(r));
    wv[1].flags = 0;
    r = syscall(SYS_futex_waitv, wv, 3, 0, NULL, 0);
    printf("futex_waitv bad flags: %s\n", ERR(r));
#endif
}

/* Robust list by hand: a thread registers a list with one lock it holds, then exits. */
struct rlock { struct robust_list list; uint32_t futex; };
static struct rlock lk;
static struct robust_list_head head;
static void *robust_owner(void *arg) {
    (void)arg;
    head.list.next = &lk.list;
    lk.list.next = &head.list;
    head.futex_offset = offsetof(struct rlock, futex) - offsetof(struct rlock, list);
    head.list_op_pending = NULL;
    lk.futex = syscall(SYS_gettid) | FUTEX_WAITERS;
    syscall(SYS_set_robust_list, &head, sizeof head);
    return NULL;
}
static void test_robust(void) {
    pthread_t th;
    pthread_create(&th, NULL, robust_owner, NULL);
    pthread_join(th, NULL);
    printf("robust word after owner exit: owner_died=%d waiters=%d tid=%u\n", !!(lk.futex & FUTEX_OWNER_DIED),
           !!(lk.futex & FUTEX_WAITERS), lk.futex & FUTEX_TID_MASK);
    long r = syscall(SYS_set_robust_list, &head, 7);
    printf("set_robust_list bad size: %s\n", ERR(r));
    struct robust_list_head *h; size_t len;
    r = syscall(SYS_get_robust_list, 0, &h, &len);
    printf("get_robust_list: %ld len=%zu\n", r, len);
}

int main(int argc, char **argv) {
    /* futex_waitv and the robust list: qemu-user has neither (ENOSYS); checked against Linux's documentation. */
    if (argc > 1 && !strcmp(argv[1], "noqemu")) {
        test_waitv();
        test_robust();
        return 0;
    }
    test_basic();
    test_requeue();
    test_wake_op();
    test_bitset();
    test_timeouts();
    test_shared_fork();
    printf("done\n");
    return 0;
}
