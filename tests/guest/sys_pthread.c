/* POSIX threads through glibc: mutexes (normal, recursive, error-checking,
 * priority-inheriting, robust), condition variables, barriers, rwlocks,
 * thread-local storage, join, cancel and pthread_kill. Built both static and
 * dynamic; the output is deterministic (no ids, no times). */
#include "tg.h"
#include <pthread.h>
#include <signal.h>
#include <dirent.h>
#include <sys/syscall.h>
#include <time.h>

#define N 4
static __thread int tls_counter = 100;
static __thread char tls_name[16];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long shared_sum;
static int ready;

static void *adder(void *arg) {
    long id = (long)arg;
    snprintf(tls_name, sizeof tls_name, "t%ld", id);
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&m);
        shared_sum += id;
        pthread_mutex_unlock(&m);
        tls_counter++;
    }
    return (void *)(long)(tls_counter * 10 + id);
}

static void test_mutex_tls(void) {
    pthread_t th[N];
    for (long i = 0; i < N; i++) pthread_create(&th[i], NULL, adder, (void *)(i + 1));
    long rets = 0;
    for (int i = 0; i < N; i++) { void *r; pthread_join(th[i], &r); rets += (long)r; }
    printf("mutex sum=%ld joined rets=%ld main tls=%d name=[%s]\n", shared_sum, rets, tls_counter, tls_name);
}

static int queue_len, consumed_total;
static void *consumer(void *arg) {
    (void)arg;
    int got = 0;
    pthread_mutex_lock(&m);
    for (;;) {
        while (queue_len == 0 && !ready) pthread_cond_wait(&cv, &m);
        if (queue_len == 0 && ready) break;
        queue_len--; got++;
    }
    consumed_total += got;
    pthread_mutex_unlock(&m);
    return NULL;
}

static void test_cond(void) {
    pthread_t th[3];
    for (int i = 0; i < 3; i++) pthread_create(&th[i], NULL, consumer, NULL);
    for (int i = 0; i < 300; i++) {
        pthread_mutex_lock(&m);
        queue_len++;
        if (i % 7 == 0) pthread_cond_broadcast(&cv); else pthread_cond_signal(&cv);
        pthread_mutex_unlock(&m);
        if (i % 50 == 0) sched_yield();
    }
    pthread_mutex_lock(&m);
    ready = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    printf("cond consumed=%d left=%d\n", consumed_total, queue_len);
    /* A timed wait that times out. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20000000; if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&m);
    int r = pthread_cond_timedwait(&cv, &m, &ts);
    pthread_mutex_unlock(&m);
    printf("cond_timedwait: %s\n", strerrorname_np(r));
    pthread_condattr_t ca; pthread_cond_t cv2;
    pthread_condattr_init(&ca); pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&cv2, &ca);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 10000000; if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&m);
    r = pthread_cond_timedwait(&cv2, &m, &ts);
    pthread_mutex_unlock(&m);
    printf("cond_timedwait monotonic: %s\n", strerrorname_np(r));
}

static pthread_barrier_t bar;
static int phase[N];
static int bad_phase;
static void *barrier_worker(void *arg) {
    long id = (long)arg;
    int serial = 0;
    for (int p = 0; p < 5; p++) {
        phase[id] = p;
        if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) serial++;
        for (int j = 0; j < N; j++) if (phase[j] < p) bad_phase = 1;
        pthread_barrier_wait(&bar);
    }
    return (void *)(long)serial;
}

static void test_barrier(void) {
    pthread_t th[N];
    pthread_barrier_init(&bar, NULL, N);
    for (long i = 0; i < N; i++) pthread_create(&th[i], NULL, barrier_worker, (void *)i);
    long serials = 0;
    for (int i = 0; i < N; i++) { void *r; pthread_join(th[i], &r); serials += (long)r; }
    printf("barrier serial threads=%ld bad=%d\n", serials, bad_phase);
    pthread_barrier_destroy(&bar);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int rw_value, rw_readers_max, rw_readers;
static void *rw_reader(void *arg) {
    (void)arg;
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_rdlock(&rw);
        __atomic_add_fetch(&rw_readers, 1, __ATOMIC_SEQ_CST);
        int v = rw_value; (void)v;
        __atomic_sub_fetch(&rw_readers, 1, __ATOMIC_SEQ_CST);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}
static void *rw_writer(void *arg) {
    (void)arg;
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_wrlock(&rw);
        if (rw_readers) rw_readers_max = 99;
        rw_value++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void test_rwlock(void) {
    pthread_t th[4];
    pthread_create(&th[0], NULL, rw_writer, NULL);
    pthread_create(&th[1], NULL, rw_reader, NULL);
    pthread_create(&th[2], NULL, rw_writer, NULL);
    pthread_create(&th[3], NULL, rw_reader, NULL);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    printf("rwlock value=%d readers during write=%d\n", rw_value, rw_readers_max);
    pthread_rwlock_rdlock(&rw);
    printf("trywrlock while read-locked: %s\n", strerrorname_np(pthread_rwlock_trywrlock(&rw)));
    printf("tryrdlock while read-locked: %d\n", pthread_rwlock_tryrdlock(&rw));
    pthread_rwlock_unlock(&rw); pthread_rwlock_unlock(&rw);
}

static void test_mutex_kinds(void) {
    pthread_mutexattr_t a;
    pthread_mutex_t rm, em, pm;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rm, &a);
    printf("recursive: %d %d %d %d\n", pthread_mutex_lock(&rm), pthread_mutex_lock(&rm),
           pthread_mutex_unlock(&rm), pthread_mutex_unlock(&rm));
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&em, &a);
    pthread_mutex_lock(&em);
    printf("errorcheck relock: %s\n", strerrorname_np(pthread_mutex_lock(&em)));
    pthread_mutex_unlock(&em);
    printf("errorcheck unlock unowned: %s\n", strerrorname_np(pthread_mutex_unlock(&em)));
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pm, &a);
    printf("pi lock=%d trylock=%s unlock=%d\n", pthread_mutex_lock(&pm), strerrorname_np(pthread_mutex_trylock(&pm)),
           pthread_mutex_unlock(&pm));
}

/* A PI mutex contended by threads: the kernel's FUTEX_LOCK_PI path. */
static pthread_mutex_t pim;
static long pi_count;
static void *pi_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 300; i++) {
        pthread_mutex_lock(&pim);
        long v = pi_count;
        if (i % 37 == 0) sched_yield();
        pi_count = v + 1;
        pthread_mutex_unlock(&pim);
    }
    return NULL;
}
static void test_pi_contended(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pim, &a);
    pthread_t th[3];
    for (int i = 0; i < 3; i++) pthread_create(&th[i], NULL, pi_worker, NULL);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    printf("pi contended count=%ld\n", pi_count);
}

/* A robust mutex whose owner thread exits: the next locker gets EOWNERDEAD. */
static pthread_mutex_t robm;
static void *rob_owner(void *arg) { (void)arg; pthread_mutex_lock(&robm); return NULL; }
static void test_robust(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robm, &a);
    pthread_t th;
    pthread_create(&th, NULL, rob_owner, NULL);
    pthread_join(th, NULL);
    int r = pthread_mutex_lock(&robm);
    printf("robust lock after owner died: %s\n", strerrorname_np(r));
    if (r == EOWNERDEAD) printf("consistent=%d\n", pthread_mutex_consistent(&robm));
    printf("unlock=%d relock=%d\n", pthread_mutex_unlock(&robm), pthread_mutex_lock(&robm));
    pthread_mutex_unlock(&robm);
}

static volatile int cancel_cleanup;
static void cleanup(void *arg) { (void)arg; cancel_cleanup = 1; }
static void *sleeper(void *arg) {
    (void)arg;
    pthread_cleanup_push(cleanup, NULL);
    for (;;) pause();
    pthread_cleanup_pop(0);
    return NULL;
}
static void *spinner(void *arg) {
    (void)arg;
    int old;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
    for (volatile long i = 0;; i++) ;
    return NULL;
}

static void test_cancel(void) {
    pthread_t th;
    void *r;
    pthread_create(&th, NULL, sleeper, NULL);
    usleep(10000);
    pthread_cancel(th);
    pthread_join(th, &r);
    printf("cancel deferred: canceled=%d cleanup=%d\n", r == PTHREAD_CANCELED, cancel_cleanup);
    pthread_create(&th, NULL, spinner, NULL);
    usleep(10000);
    pthread_cancel(th);
    pthread_join(th, &r);
    printf("cancel async: canceled=%d\n", r == PTHREAD_CANCELED);
}

static volatile pid_t handler_tid;
static volatile int handler_hits;
static void on_usr1(int s) { (void)s; handler_tid = syscall(SYS_gettid); handler_hits++; }
static volatile pid_t target_tid;
static volatile int stop_target;
static void *kill_target(void *arg) {
    (void)arg;
    target_tid = syscall(SYS_gettid);
    while (!stop_target) sched_yield();
    return NULL;
}

static void test_kill(void) {
    signal(SIGUSR1, on_usr1);
    pthread_t th;
    pthread_create(&th, NULL, kill_target, NULL);
    while (!target_tid) sched_yield();
    pthread_kill(th, SIGUSR1);
    while (!handler_hits) sched_yield();
    printf("pthread_kill: handled in target=%d\n", handler_tid == target_tid);
    /* A process-directed signal goes to a thread that does not block it. */
    sigset_t s; sigemptyset(&s); sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    handler_tid = 0;
    kill(getpid(), SIGUSR1);
    while (handler_hits < 2) sched_yield();
    printf("kill with main blocking: handled in other thread=%d\n", handler_tid == target_tid);
    stop_target = 1;
    pthread_join(th, NULL);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

static void *tid_thread(void *arg) {
    (void)arg;
    printf("thread: getpid==main=%d tid!=pid=%d\n", getpid() == *(pid_t *)arg, syscall(SYS_gettid) != getpid());
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
    FILE *f = fopen(path, "r");
    int pid; char comm[32], st;
    if (f && fscanf(f, "%d %31s %c", &pid, comm, &st) == 3) printf("own task stat: tid ok=%d comm=%s state=%c\n", pid == syscall(SYS_gettid), comm, st);
    if (f) fclose(f);
    return NULL;
}

static void test_ids(void) {
    pid_t me = getpid();
    pthread_t th;
    pthread_create(&th, NULL, tid_thread, &me);
    pthread_join(th, NULL);
    stop_target = 0; target_tid = 0;
    pthread_create(&th, NULL, kill_target, NULL);
    while (!target_tid) sched_yield();
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && (e = readdir(d))) if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256]; int threads = -1;
    while (f && fgets(line, sizeof line, f)) sscanf(line, "Threads: %d", &threads);
    if (f) fclose(f);
    /* qemu-user adds a thread of its own (its RCU thread): compare relative facts. */
    printf("task entries match Threads=%d at least 2=%d\n", n == threads, n >= 2);
    stop_target = 1;
    pthread_join(th, NULL);
}

int main(void) {
    test_mutex_tls();
    test_cond();
    test_barrier();
    test_rwlock();
    test_mutex_kinds();
    test_pi_contended();
    test_robust();
    test_cancel();
    test_kill();
    test_ids();
    printf("done\n");
    return 0;
}
