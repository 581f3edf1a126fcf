/* System V IPC: message queues, semaphores and shared memory, their limits
 * and errors (modes are printed as 16 bits: qemu-user copies only those of
 * ipc_perm.mode back). The reference runs in a fresh IPC namespace (as tuxglass boots
 * with an empty one), so ids are deterministic on both sides; times and pids
 * are not and are only compared, never printed. */
#include "tg.h"
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>

struct mbuf { long mtype; char mtext[64]; };
union semun { int val; struct semid_ds *buf; unsigned short *array; struct seminfo *__buf; };

static void on_alarm(int s) { (void)s; }

static void rcv(int q, long typ, int flg, size_t sz) {
    struct mbuf m = {0};
    errno = 0;
    long n = msgrcv(q, &m, sz, typ, flg);
    if (n < 0) printf("msgrcv typ=%ld flg=%o sz=%zu = -1 %s\n", typ, flg, sz, strerrorname_np(errno));
    else printf("msgrcv typ=%ld flg=%o sz=%zu = %ld type=%ld [%.*s]\n", typ, flg, sz, n, m.mtype, (int)n, m.mtext);
}

static int snd(int q, long type, const char *text, int flg) {
    struct mbuf m = { .mtype = type };
    memcpy(m.mtext, text, strlen(text) < sizeof m.mtext ? strlen(text) : sizeof m.mtext);
    return msgsnd(q, &m, strlen(text), flg);
}

static void test_msg(void) {
    printf("--- msg\n");
    int q = msgget(0x1234, IPC_CREAT | 0640);
    printf("msgget create id=%d\n", q);
    R(msgget(0x1234, IPC_CREAT | IPC_EXCL | 0640));
    R(msgget(0x1234, 0));
    R(msgget(0x4321, 0));
    int p = msgget(IPC_PRIVATE, 0600);
    printf("private id=%d\n", p);
    R(snd(q, 1, "one", 0));
    R(snd(q, 2, "two", 0));
    R(snd(q, 3, "three", 0));
    R(snd(q, 1, "uno", 0));
    R(snd(q, 0, "bad", 0));
    R(snd(q, -5, "bad", 0));
    R(msgsnd(q, (void *)8, 4, 0));
    struct msqid_ds ds;
    R(msgctl(q, IPC_STAT, &ds));
    printf("qnum=%lu cbytes=%lu qbytes=%lu mode=%o key=%x stime_set=%d rtime=%ld lspid_ok=%d\n",
           ds.msg_qnum, ds.__msg_cbytes, ds.msg_qbytes, ds.msg_perm.mode & 0xffff, ds.msg_perm.__key,
           ds.msg_stime != 0, (long)ds.msg_rtime, ds.msg_lspid == getpid());
    rcv(q, 2, 0, 64);
    rcv(q, 2, IPC_NOWAIT, 64);
    rcv(q, -2, 0, 64);      /* lowest type <= 2: "one" */
    rcv(q, 1, MSG_EXCEPT, 64); /* first not type 1: "three" */
    rcv(q, 0, 0, 2);         /* E2BIG, stays */
    rcv(q, 0, MSG_NOERROR, 2);
    rcv(q, 0, IPC_NOWAIT, 64);
    rcv(q, 5, IPC_NOWAIT, 64);
    /* (qemu-user checks the buffer before the call: only valid buffers here.) */
    struct mbuf mb;
    R(msgrcv(-1, &mb, 10, 0, IPC_NOWAIT));
    R(msgrcv(q + 32768, &mb, 10, 0, IPC_NOWAIT));
    R(msgrcv(q, &mb, -1, 0, IPC_NOWAIT));

    /* A queue filled to its limit: IPC_NOWAIT gives EAGAIN, a blocked sender is woken by a receiver. */
    ds.msg_qbytes = 10;
    R(msgctl(q, IPC_SET, &ds));
    R(snd(q, 7, "12345", IPC_NOWAIT));
    R(snd(q, 7, "67890", IPC_NOWAIT));
    R(snd(q, 7, "x", IPC_NOWAIT));
    R(snd(q, 7, "toolongtoolong", IPC_NOWAIT));
    pid_t c = fork();
    if (c == 0) {
        int r = snd(q, 8, "late", 0);
        _exit(r == 0 ? 0 : 1);
    }
    wait_blocked(c);
    R(msgctl(q, IPC_STAT, &ds));
    printf("while sender blocked: qnum=%lu\n", ds.msg_qnum);
    rcv(q, 0, 0, 64);
    printf("sender exit %d\n", child_status(c));
    rcv(q, 0, 0, 64);
    rcv(q, 0, 0, 64);

    /* A receiver blocked in msgrcv gets its message; one blocked when the queue goes gets EIDRM. */
    c = fork();
    if (c == 0) {
        struct mbuf m;
        long n = msgrcv(q, &m, 64, 9, 0);
        _exit(n == 4 && m.mtype == 9 ? 0 : 1);
    }
    wait_blocked(c);
    R(snd(q, 9, "wake", 0));
    printf("receiver exit %d\n", child_status(c));
    c = fork();
    if (c == 0) {
        struct mbuf m;
        long n = msgrcv(p, &m, 64, 0, 0);
        _exit(n < 0 && errno == EIDRM ? 0 : 1);
    }
    wait_blocked(c);
    R(msgctl(p, IPC_RMID, NULL));
    printf("receiver on removed queue exit %d\n", child_status(c));
    /* A signal with a handler ends the sleep with EINTR even with SA_RESTART. */
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
    sigaction(SIGALRM, &sa, NULL);
    ualarm(50000, 0);
    R(msgrcv(q, &(struct mbuf){0}, 64, 0, 0));

    /* Permissions for another user. */
    R(snd(q, 1, "secret", 0));
    c = fork();
    if (c == 0) {
        if (setgid(1000) || setuid(1000)) _exit(99);
        R(msgget(0x1234, 0));
        R(msgget(0x1234, 0400));
        R(snd(q, 1, "x", IPC_NOWAIT));
        R(msgrcv(q, &(struct mbuf){0}, 64, 0, IPC_NOWAIT));
        R(msgctl(q, IPC_STAT, &ds));
        R(msgctl(q, IPC_RMID, NULL));
        _exit(0);
    }
    printf("other user exit %d\n", child_status(c));

    struct msginfo mi;
    int r = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
    printf("IPC_INFO = %d msgmax=%d msgmnb=%d msgmni=%d msgssz=%d msgseg=%u msgpool=%d msgmap=%d msgtql=%d\n",
           r, mi.msgmax, mi.msgmnb, mi.msgmni, mi.msgssz, mi.msgseg, mi.msgpool, mi.msgmap, mi.msgtql);
    r = msgctl(0, MSG_INFO, (struct msqid_ds *)&mi);
    printf("MSG_INFO = %d used=%d msgs=%d bytes=%d\n", r, mi.msgpool, mi.msgmap, mi.msgtql);
    r = msgctl(q % 32768, MSG_STAT, &ds);
    printf("MSG_STAT index -> id %d (same: %d) qnum=%lu\n", r, r == q, ds.msg_qnum);
    R(msgctl(63, MSG_STAT_ANY, &ds));
    R(msgctl(q, 99, &ds));
    R(msgctl(q, IPC_STAT, (void *)8));

    /* msgmax from /proc/sys/kernel is enforced. */
    int fd = open("/proc/sys/kernel/msgmax", O_WRONLY);
    R(write(fd, "4\n", 2));
    close(fd);
    R(snd(q, 1, "four", IPC_NOWAIT));
    R(snd(q, 1, "fiver", IPC_NOWAIT));
    fd = open("/proc/sys/kernel/msgmax", O_WRONLY);
    R(write(fd, "8192\n", 5));
    close(fd);
    R(msgctl(q, IPC_RMID, NULL));
    R(msgctl(q, IPC_RMID, NULL));
    int q2 = msgget(0x1234, IPC_CREAT | 0600);
    printf("recreated id=%d\n", q2);
    R(msgctl(q2, IPC_RMID, NULL));
}

static void test_sem(void) {
    printf("--- sem\n");
    int s = semget(0x5678, 3, IPC_CREAT | 0660);
    printf("semget id=%d\n", s);
    R(semget(0x5678, 4, 0));
    R(semget(0x5678, 2, 0));
    R(semget(0x5678, 3, IPC_CREAT | IPC_EXCL));
    R(semget(IPC_PRIVATE, 0, 0600));
    R(semget(IPC_PRIVATE, -1, 0600));
    R(semget(IPC_PRIVATE, 40000, 0600));
    R(semctl(s, 0, GETVAL));
    R(semctl(s, 1, SETVAL, (union semun){ .val = 5 }));
    R(semctl(s, 1, SETVAL, (union semun){ .val = 40000 }));
    R(semctl(s, 1, SETVAL, (union semun){ .val = -1 }));
    R(semctl(s, 3, GETVAL));
    R(semctl(s, 1, GETVAL));
    R(semctl(s, 1, GETPID) == getpid());
    unsigned short all[3] = { 1, 2, 3 }, got[3];
    R(semctl(s, 0, SETALL, (union semun){ .array = all }));
    R(semctl(s, 0, GETALL, (union semun){ .array = got }));
    printf("getall %u %u %u\n", got[0], got[1], got[2]);

    struct sembuf ops[2] = { { 0, -1, 0 }, { 2, 2, 0 } };
    R(semop(s, ops, 2));
    struct sembuf block[2] = { { 1, 1, 0 }, { 0, -1, IPC_NOWAIT } }; /* atomic: neither applies */
    R(semop(s, block, 2));
    R(semctl(s, 1, GETVAL));
    R(semctl(s, 2, GETVAL));
    struct sembuf zero = { 2, 0, IPC_NOWAIT };
    R(semop(s, &zero, 1));
    struct sembuf big = { 2, 32767, 0 };
    R(semop(s, &big, 1));
    struct sembuf bad = { 3, 1, 0 };
    R(semop(s, &bad, 1));
    R(semop(s, ops, 0));
    R(semop(s, ops, 1000));
    R(semop(s, (void *)8, 1));

    /* semtimedop's timeout: EAGAIN. */
    struct sembuf wait0 = { 0, -1, 0 };
    struct timespec ts = { 0, 50000000 };
    R(semtimedop(s, &wait0, 1, &ts));
    ts.tv_nsec = 2000000000;
    R(semtimedop(s, &wait0, 1, &ts));

    /* A sleeper counted by GETNCNT, woken by a post. */
    pid_t c = fork();
    if (c == 0) _exit(semop(s, &wait0, 1) == 0 ? 0 : 1);
    wait_blocked(c);
    R(semctl(s, 0, GETNCNT));
    R(semctl(s, 2, GETZCNT));
    struct sembuf post = { 0, 1, 0 };
    R(semop(s, &post, 1));
    printf("waiter exit %d\n", child_status(c));
    R(semctl(s, 0, GETNCNT));
    c = fork();
    if (c == 0) { struct sembuf z = { 2, 0, 0 }; _exit(semop(s, &z, 1) == 0 ? 0 : 1); }
    wait_blocked(c);
    R(semctl(s, 2, GETZCNT));
    R(semctl(s, 2, SETVAL, (union semun){ .val = 0 }));
    printf("zero waiter exit %d\n", child_status(c));

    /* SEM_UNDO: a child's adjustments are given back when it exits. */
    R(semctl(s, 1, SETVAL, (union semun){ .val = 3 }));
    c = fork();
    if (c == 0) {
        struct sembuf u[2] = { { 1, -2, SEM_UNDO }, { 2, 4, SEM_UNDO } };
        if (semop(s, u, 2)) _exit(1);
        printf("child sees %d %d\n", semctl(s, 1, GETVAL), semctl(s, 2, GETVAL));
        _exit(0);
    }
    printf("undo child exit %d\n", child_status(c));
    printf("after undo %d %d\n", semctl(s, 1, GETVAL), semctl(s, 2, GETVAL));

    struct semid_ds ds;
    R(semctl(s, 0, IPC_STAT, (union semun){ .buf = &ds }));
    printf("nsems=%lu mode=%o otime_set=%d\n", ds.sem_nsems, ds.sem_perm.mode & 0xffff, ds.sem_otime != 0);
    ds.sem_perm.mode = 0604;
    R(semctl(s, 0, IPC_SET, (union semun){ .buf = &ds }));
    R(semctl(s, 0, IPC_STAT, (union semun){ .buf = &ds }));
    printf("mode now %o\n", ds.sem_perm.mode & 0xffff);
    c = fork();
    if (c == 0) {
        if (setgid(1000) || setuid(1000)) _exit(99);
        R(semctl(s, 0, GETVAL));
        R(semop(s, &post, 1));
        R(semctl(s, 0, SETVAL, (union semun){ .val = 1 }));
        R(semctl(s, 0, IPC_RMID));
        R(semget(0x5678, 3, 0600));
        _exit(0);
    }
    printf("other user exit %d\n", child_status(c));

    struct seminfo si;
    int r = semctl(0, 0, IPC_INFO, (union semun){ .__buf = &si });
    printf("IPC_INFO = %d semmni=%d semmsl=%d semmns=%d semopm=%d semvmx=%d semaem=%d semume=%d semusz=%d semmap=%d semmnu=%d\n",
           r, si.semmni, si.semmsl, si.semmns, si.semopm, si.semvmx, si.semaem, si.semume, si.semusz, si.semmap, si.semmnu);
    r = semctl(0, 0, SEM_INFO, (union semun){ .__buf = &si });
    printf("SEM_INFO = %d arrays=%d sems=%d\n", r, si.semusz, si.semaem);
    r = semctl(s % 32768, 0, SEM_STAT, (union semun){ .buf = &ds });
    printf("SEM_STAT -> same id %d\n", r == s);

    /* A sleeper sees EIDRM when the array goes. */
    c = fork();
    if (c == 0) _exit(semop(s, &wait0, 1) < 0 && errno == EIDRM ? 0 : 1);
    wait_blocked(c);
    R(semctl(s, 0, IPC_RMID));
    printf("sleeper on removed array exit %d\n", child_status(c));
    R(semctl(s, 0, GETVAL));
}

static void test_shm(void) {
    printf("--- shm\n");
    int m = shmget(0x9abc, 10000, IPC_CREAT | 0600);
    printf("shmget id=%d\n", m);
    R(shmget(0x9abc, 20000, 0));
    R(shmget(0x9abc, 5000, 0));
    R(shmget(IPC_PRIVATE, 0, 0600));
    char *a = shmat(m, NULL, 0);
    printf("shmat ok=%d\n", a != (void *)-1);
    strcpy(a, "parent wrote");
    struct shmid_ds ds;
    R(shmctl(m, IPC_STAT, &ds));
    printf("segsz=%zu nattch=%lu mode=%o cpid_ok=%d\n", ds.shm_segsz, ds.shm_nattch, ds.shm_perm.mode & 0xffff, ds.shm_cpid == getpid());
    pid_t c = fork();
    if (c == 0) {
        /* The attachment is inherited; a second one sees the same pages. */
        struct shmid_ds d2;
        shmctl(m, IPC_STAT, &d2);
        printf("child: nattch=%lu sees [%s]\n", d2.shm_nattch, a);
        char *b = shmat(m, NULL, SHM_RDONLY);
        strcpy(a, "child wrote");
        printf("child: second view [%s]\n", b);
        shmctl(m, IPC_STAT, &d2);
        printf("child: nattch=%lu\n", d2.shm_nattch);
        _exit(0);
    }
    printf("child exit %d\n", child_status(c));
    R(shmctl(m, IPC_STAT, &ds));
    printf("parent sees [%s] nattch=%lu\n", a, ds.shm_nattch);

    /* A read-only attach faults on write. */
    c = fork();
    if (c == 0) {
        char *r = shmat(m, NULL, SHM_RDONLY);
        r[0] = 'x';
        _exit(0);
    }
    printf("write to SHM_RDONLY: status %d\n", child_status(c));

    /* Address hints: SHM_RND rounds down, unaligned without it is EINVAL, overlap is EINVAL. */
    char *want = (char *)0x2000000000UL;
    char *h = shmat(m, want + 100, SHM_RND);
    printf("SHM_RND at hint: %d\n", h == want);
    R((long)shmat(m, want + 100, 0));
    R((long)shmat(m, want, 0));
    printf("hinted view [%s]\n", h);
    R(shmdt(h));
    R(shmdt(h));
    R(shmdt(want + 1));

    /* Removal while attached: the segment stays until the last detach, keyed private and marked SHM_DEST. */
    R(shmctl(m, IPC_RMID, NULL));
    R(shmctl(m, IPC_STAT, &ds));
    printf("after RMID: key=%d mode=%o nattch=%lu\n", ds.shm_perm.__key, ds.shm_perm.mode & 0xffff, ds.shm_nattch);
    R(shmget(0x9abc, 100, 0));
    printf("still readable [%s]\n", a);
    R(shmctl(m, SHM_LOCK, NULL));
    R(shmctl(m, IPC_STAT, &ds));
    printf("locked mode=%o\n", ds.shm_perm.mode & 0xffff);
    R(shmctl(m, SHM_UNLOCK, NULL));
    R(shmdt(a));
    R(shmctl(m, IPC_STAT, &ds));

    int m2 = shmget(IPC_PRIVATE, 4096, 0600);
    printf("next id=%d\n", m2);
    c = fork();
    if (c == 0) {
        if (setgid(1000) || setuid(1000)) _exit(99);
        R((long)shmat(m2, NULL, 0));
        R(shmctl(m2, IPC_STAT, &ds));
        R(shmctl(m2, IPC_RMID, NULL));
        R(shmctl(m2, SHM_LOCK, NULL));
        _exit(0);
    }
    printf("other user exit %d\n", child_status(c));
    /* exec detaches. */
    char *e = shmat(m2, NULL, 0);
    c = fork();
    if (c == 0) {
        execl("/bin/true", "true", NULL);
        _exit(127);
    }
    printf("exec child exit %d\n", child_status(c));
    R(shmctl(m2, IPC_STAT, &ds));
    printf("after exec child: nattch=%lu\n", ds.shm_nattch);
    R(shmdt(e));

    struct shminfo si;
    int r = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    printf("IPC_INFO = %d shmmax=%lu shmmin=%lu shmmni=%lu shmseg=%lu shmall=%lu\n", r, si.shmmax, si.shmmin, si.shmmni, si.shmseg, si.shmall);
    struct shm_info sinfo;
    r = shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo);
    printf("SHM_INFO = %d used_ids=%d shm_tot=%lu\n", r, sinfo.used_ids, sinfo.shm_tot);
    r = shmctl(m2 % 32768, SHM_STAT, &ds);
    printf("SHM_STAT -> same id %d\n", r == m2);
    R(shmctl(m2, IPC_RMID, NULL));
    R(shmctl(m2, IPC_STAT, &ds));
    R(shmctl(0, 99, &ds));
}

/* Objects that outlive the program, for ipcs and ipcrm to list and remove;
 * then /proc/sysvipc as the reader sees it, without the times. */
static void make_objects(void) {
    int q = msgget(0x1111, IPC_CREAT | 0644);
    snd(q, 1, "hello", 0);
    snd(q, 2, "world!", 0);
    semget(0x2222, 4, IPC_CREAT | 0600);
    semget(IPC_PRIVATE, 1, 0640);
    int m = shmget(0x3333, 8192, IPC_CREAT | 0660);
    char *a = shmat(m, NULL, 0);
    a[0] = 1;
    shmdt(a);
    const char *files[] = { "/proc/sysvipc/msg", "/proc/sysvipc/sem", "/proc/sysvipc/shm" };
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(files[i], "r");
        char line[512];
        int n = 0;
        while (f && fgets(line, sizeof line, f)) {
            if (n++ == 0) { printf("%s", line); continue; }
            /* key, id, perms and the sizes; pids and times differ between runs. */
            long key, id, perms, a1, a2;
            sscanf(line, "%ld %ld %lo %ld %ld", &key, &id, &perms, &a1, &a2);
            if (i == 2) a2 = 0; /* shm: the column after the size is the creator's pid */
            printf("%s: key=%ld id=%ld perms=%lo %ld %ld\n", files[i], key, id, perms, a1, a2);
        }
        if (f) fclose(f);
    }
}

static void put(const char *path, const char *v) {
    int fd = open(path, O_WRONLY);
    errno = 0;
    long r = write(fd, v, strlen(v));
    printf("write %s %s= %ld%s%s\n", path, v, r, r < 0 ? " " : "", r < 0 ? strerrorname_np(errno) : "");
    close(fd);
}

/* The limits under /proc/sys/kernel are enforced on new objects and calls. */
static void test_limits(void) {
    printf("--- limits\n");
    put("/proc/sys/kernel/msgmnb", "100\n");
    int q = msgget(IPC_PRIVATE, 0600);
    struct msqid_ds ds;
    msgctl(q, IPC_STAT, &ds);
    printf("new queue qbytes=%lu\n", ds.msg_qbytes);
    put("/proc/sys/kernel/msgmni", "1\n");
    R(msgget(IPC_PRIVATE, 0600));
    put("/proc/sys/kernel/msgmni", "32000\n");
    put("/proc/sys/kernel/msgmnb", "16384\n");
    msgctl(q, IPC_RMID, NULL);
    put("/proc/sys/kernel/sem", "250 32000 32 128\n");
    R(semget(IPC_PRIVATE, 251, 0600));
    int s = semget(IPC_PRIVATE, 250, 0600);
    struct sembuf ops[33];
    for (int i = 0; i < 33; i++) ops[i] = (struct sembuf){ i, 1, 0 };
    R(semop(s, ops, 33));
    R(semop(s, ops, 32));
    semctl(s, 0, IPC_RMID);
    put("/proc/sys/kernel/sem", "32000 1024000000 500 32000\n");
    put("/proc/sys/kernel/shmmax", "8192\n");
    R(shmget(IPC_PRIVATE, 8193, 0600));
    put("/proc/sys/kernel/shmmax", "18446744073692774399\n");
    /* shm_rmid_forced: a segment goes when its last user detaches, or its unattached creator exits. */
    put("/proc/sys/kernel/shm_rmid_forced", "1\n");
    pid_t c = fork();
    if (c == 0) { shmget(0x7777, 4096, IPC_CREAT | 0600); _exit(0); }
    printf("creator exit %d\n", child_status(c));
    R(shmget(0x7777, 4096, 0));
    int m = shmget(0x7778, 4096, IPC_CREAT | 0600);
    char *a = shmat(m, NULL, 0);
    R(shmdt(a));
    R(shmget(0x7778, 4096, 0));
    put("/proc/sys/kernel/shm_rmid_forced", "0\n");
    /* Without it an unattached segment outlives its creator. */
    c = fork();
    if (c == 0) { shmget(0x7779, 4096, IPC_CREAT | 0600); _exit(0); }
    child_status(c);
    R(shmget(0x7779, 4096, 0) >= 0);
    shmctl(shmget(0x7779, 4096, 0), IPC_RMID, NULL);
    /* kernel.msg_next_id chooses the next id once (sequence and index; a taken index moves up). */
    put("/proc/sys/kernel/msg_next_id", "65541\n");
    int n1 = msgget(IPC_PRIVATE, 0600);
    put("/proc/sys/kernel/msg_next_id", "65541\n");
    int n2 = msgget(IPC_PRIVATE, 0600);
    int n3 = msgget(IPC_PRIVATE, 0600);
    printf("next_id: %d %d then %d\n", n1, n2, n3 >= 0);
    int fd = open("/proc/sys/kernel/msg_next_id", O_RDONLY);
    char nb[16] = {0};
    read(fd, nb, sizeof nb - 1);
    close(fd);
    printf("msg_next_id now %s", nb);
    msgctl(n1, IPC_RMID, NULL); msgctl(n2, IPC_RMID, NULL); msgctl(n3, IPC_RMID, NULL);
    /* /proc/PID/maps names an attached segment after its key. */
    m = shmget(0xabcd, 4096, IPC_CREAT | 0600);
    a = shmat(m, NULL, 0);
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    while (fgets(line, sizeof line, f)) if (strstr(line, "SYSV")) printf("maps: %s", strchr(line, '/'));
    fclose(f);
    shmdt(a);
    shmctl(m, IPC_RMID, NULL);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "make")) { make_objects(); return 0; }
    test_msg();
    test_sem();
    test_shm();
    test_limits();
    printf("done\n");
    return 0;
}
