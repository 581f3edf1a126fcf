// Guest programs whose syscalls qemu-user cannot judge: it has no ptrace, no rseq
// (ENOSYS), answers riscv_hwprobe for its own emulated CPU, and filters
// some prctl options and mlock2. These run
// under tuxglass only, and their output must be what Linux documents
// (rseq(2) and kernel/rseq.c; Documentation/arch/riscv/hwprobe.rst and
// arch/riscv/kernel/sys_hwprobe.c, 6.12) for our RV64GC hart with B and Zicond.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGuest } from './build.js';
import { join } from 'node:path';
import { REPO, prepareDiff, runTuxglass, spawnWithTimeout, text } from './harness.js';

const PROGRAMS = [
  'sys_rseq',
  'sys_hwprobe',
  'isa_probe',
  'sys_noqemu',
  'sys_ptrace',
  'sys_futex',
  'sys_wait',
  'ipc_posix',
  'sys_states',
  'sys_sigstorm',
  'ipc_unix',
  'sys_reboot',
  'tty_noqemu',
  'sys_rwv2',
  'sys_exit',
  'sys_init',
  'sys_signest',
  'sys_settime',
];
const built = await buildGuest(PROGRAMS);
const env = built.skip ? undefined : await prepareDiff('documented');
const skip = built.skip ?? env?.skip ?? false;

const EXPECTED: Record<string, string> = {
  // Setting the wall clock, which qemu-user cannot be asked to do (it would set the host's clock):
  // clock_settime(2), settimeofday(2), adjtimex(2), clock_adjtime(2) and timerfd_create(2) as documented,
  // with kernel/time/timekeeping.c's and ntp.c's checks and initial NTP state (time_constant 2, NTP_PHASE_LIMIT,
  // MAXFREQ 500 ppm, USER_HZ ticks), and hrtimer's clock_was_set for absolute wall-clock timers and sleeps.
  sys_settime:
    'set_ns(r0 + 100 * S) = 0\n' +
    'r1 - r0 >= 100 * S && r1 - r0 < 101 * S: yes\n' +
    'm1 - m0 < S: yes\n' +
    'set_ns(r0) = 0\n' +
    'ns(CLOCK_REALTIME) - r0 < S: yes\n' +
    'clock_settime(CLOCK_REALTIME, &bad) = -1 EINVAL\n' +
    'clock_settime(CLOCK_REALTIME, &neg) = -1 EINVAL\n' +
    'clock_settime(CLOCK_MONOTONIC, &ok) = -1 EINVAL\n' +
    'clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ok) = -1 EINVAL\n' +
    'clock_settime(CLOCK_TAI, &ok) = -1 EINVAL\n' +
    'syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8) = -1 EFAULT\n' +
    'syscall(SYS_settimeofday, &tv, NULL) = -1 EINVAL\n' +
    'syscall(SYS_settimeofday, NULL, &far) = -1 EINVAL\n' +
    'syscall(SYS_settimeofday, NULL, &tz) = 0\n' +
    'syscall(SYS_gettimeofday, &tv, &got) = 0\n' +
    'tz_minuteswest -120 tz_dsttime 0\n' +
    'syscall(SYS_settimeofday, NULL, &tz) = 0\n' +
    'timerfd_settime(cfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &at, NULL) = 0\n' +
    'timerfd_settime(afd, TFD_TIMER_ABSTIME, &at, NULL) = 0\n' +
    'timerfd_settime(mfd, 0, &rel, NULL) = 0\n' +
    'read(cfd, &n, 8) = -1 EAGAIN\n' +
    'set_ns(r0 + 60 * S) = 0\n' +
    'read(cfd, &n, 8) = -1 ECANCELED\n' +
    'read(cfd, &n, 8) = -1 EAGAIN\n' +
    'read(afd, &n, 8) = 8\n' +
    'expirations 1\n' +
    'read(mfd, &n, 8) = -1 EAGAIN\n' +
    'set_ns(r0) = 0\n' +
    'child: clock_nanosleep = 0, woke within 5 s: yes\n' +
    'set_ns(r0 + 40 * S) = 0\n' +
    'child status 0\n' +
    'set_ns(r0) = 0\n' +
    'adjtimex(&tx) = 5\n' +
    'status 0x40 maxerror 16000000 esterror 16000000 constant 2 precision 1 tolerance 32768000 tick 10000\n' +
    'adjtimex(&tx) = 0\n' +
    'adjtimex(&tx) = 0\n' +
    "constant 7 (a microsecond client's, +4)\n" +
    'adjtimex(&tx) = 0\n' +
    'offset 2000\n' +
    'adjtimex(&tx) = 0\n' +
    'freq 6553600\n' +
    'adjtimex(&tx) = 0\n' +
    'freq clamped to 32768000\n' +
    'adjtimex(&tx) = -1 EINVAL\n' +
    'adjtimex(&tx) = -1 EINVAL\n' +
    'adjtimex(&tx) = 0\n' +
    'TAI - REALTIME = 10 s\n' +
    'adjtimex(&tx) = -1 EINVAL\n' +
    'adjtimex(&tx) = 5\n' +
    'ns(CLOCK_REALTIME) - before >= 5 * S && ns(CLOCK_REALTIME) - before < 6 * S: yes\n' +
    'adjtimex(&tx) = 5\n' +
    'after a step: status 0x2041 offset 0\n' +
    'clock_adjtime(CLOCK_MONOTONIC, &tx) = -1 EOPNOTSUPP\n' +
    'clock_adjtime(16, &tx) = -1 EINVAL\n' +
    'syscall(SYS_clock_adjtime, CLOCK_REALTIME, (void *)8) = -1 EFAULT\n' +
    'set_ns(r0) = 0\n' +
    'setuid(65534) = 0\n' +
    'settimeofday(&tv, NULL) = -1 EPERM\n' +
    'clock_settime(CLOCK_REALTIME, &ok) = -1 EPERM\n' +
    'adjtimex(&tx) = 5\n' +
    'adjtimex(&tx) = 5\n' +
    'adjtimex(&tx) = -1 EPERM\n' +
    'done\n',
  // A dead process and its parent or adopter (kernel/exit.c; output of the same C program built for
  // x86-64 and run natively on Linux 6.18): qemu-user refuses clone's exit signal 66 and
  // PR_SET_CHILD_SUBREAPER with EINVAL. An exit signal above 64 is never sent, the child is
  // still waited for with __WALL; an adopted zombie is announced at once; an adopted child's
  // exit signal becomes SIGCHLD.
  sys_exit:
    'clone(66) child: yes\n' +
    'waitpid(c, &st, __WALL) == c = 1\n' +
    'status 0x700\n' +
    'waitpid(c, &st, __WALL) == c = 1\n' +
    'status 0x800\n' +
    'prctl(PR_SET_CHILD_SUBREAPER, 1) = 0\n' +
    'first SIGCHLD: sig=17 from the adopted zombie code=1 status=3\n' +
    'waitpid(m, &st, 0) == m = 1\n' +
    'waitpid(g, &st, 0) == g = 1\n' +
    'adopted zombie status 0x300\n' +
    'waitpid(m, &st, 0) == m = 1\n' +
    'waitpid(g, &st, 0) == g = 1\n' +
    'adopted clone child status 0x400\n' +
    'pending after: SIGCHLD 1 SIGUSR1 0\n' +
    'done\n',
  // init's signals (sig_task_ignored, get_signal's SIGNAL_UNKILLABLE; run natively as PID 1 of a
  // new PID namespace with unshare --pid --fork on Linux 6.18, all senders in that namespace).
  sys_init:
    'getpid() == 1: yes\n' +
    'child sent TERM INT HUP SEGV KILL STOP TSTP USR2 to init: exit 0\n' +
    'init alive\n' +
    'kill(1, SIGTERM) = 0\n' +
    'kill(1, SIGKILL) = 0\n' +
    'kill(1, SIGSTOP) = 0\n' +
    'raise(SIGQUIT) = 0\n' +
    'syscall(SYS_tgkill, 1, 1, SIGTERM) = 0\n' +
    'init alive\n' +
    'handled SIGUSR1 arrived: 1\n' +
    'kill(1, SIGTERM) = 0\n' +
    'SIGTERM pending while blocked: 1\n' +
    'SIGTERM pending after unblock: 0\n' +
    'init alive\n' +
    'waitpid(c, &st, __WALL) == c = 1\n' +
    'clone(SIGINT) child status 0x500, init alive\n' +
    'first SIGCHLD: sig=17 from the orphaned zombie\n' +
    'waitpid(m, &st, 0) == m = 1\n' +
    'waitpid(g, &st, WNOHANG) == g = 1\n' +
    'orphan status 0x300\n' +
    'done\n',
  // The tty calls qemu-user lacks (TIOCGPTLCK, TCGETS2/TCSETS2 with BOTHER, TIOCGDEV) or fakes (/proc/self/stat's
  // tty_nr and tpgid): termios2 speeds as tty_termios_baud_rate computes them, TIOCSTI and TIOCVHANGUP
  // privileges (tty_ioctl), and a hung-up file (hung_up_tty_fops: read 0, write EIO, ioctl EIO, TIOCSPGRP ENOTTY).
  tty_noqemu:
    'ioctl(m, TIOCGPTLCK, &lock) = 0\n' +
    'locked before unlockpt: 1\n' +
    'ioctl(m, TIOCGPTLCK, &lock) = 0\n' +
    'locked after: 0\n' +
    'ioctl(s, TIOCGDEV, &dev) = 0\n' +
    'dev == makedev(136, n): yes\n' +
    'ioctl(m, TIOCGDEV, &dev) = 0\n' +
    'dev == makedev(136, n): yes\n' +
    'ioctl(s, TCGETS2, &t2) = 0\n' +
    'speeds 38400 38400 cbaud 0xf\n' +
    'ioctl(s, TCSETS2, &t2) = 0\n' +
    'ioctl(s, TCGETS2, &t2) = 0\n' +
    'after BOTHER: speeds 12345 12345 cbaud 0x1000\n' +
    'ioctl(s, TCGETS, &t) = 0\n' +
    'TCGETS cbaud 0x1000\n' +
    'ioctl(s, TCSETS, &t) = 0\n' +
    'ioctl(s, TCGETS2, &t2) = 0\n' +
    'B115200: speeds 115200 115200\n' +
    'ioctl(cs, TIOCGSID, &sid) = 0\n' +
    'sid == getpid(): yes\n' +
    'nr == (int)makedev(136, n) && tpgid == getpid(): yes\n' +
    'tpgid == getpid(): yes\n' +
    'tpgid == gc: yes\n' +
    'ioctl(s, TIOCSTI, &ch) = -1 EPERM\n' +
    'ioctl(s, TIOCVHANGUP) = -1 EPERM\n' +
    'ioctl(s, TIOCVHANGUP) = 0\n' +
    'read(s, b, 4) = 0\n' +
    'write(s, "x", 1) = -1 EIO\n' +
    'ioctl(s, TCGETS, &t) = -1 EIO\n' +
    'ioctl(s, TIOCSPGRP, &c) = -1 ENOTTY\n' +
    'done\n',
  // SCM_RIGHTS into a short control buffer (unix(7), scm_detach_fds): what fits is installed, the rest
  // closed, MSG_CTRUNC set; qemu-user passes the host a doubled buffer and aborts on a short cmsg_len.
  ipc_unix:
    'send_fds(sv[0], "short", three, 3) = 5\n' +
    'recvmsg = 5 [short] ctrunc 1 controllen 20\n' +
    '  SCM_RIGHTS 1 fds\n' +
    '  fd 0 cloexec 0\n' +
    'new fds after short buffer: 1\n' +
    'send_fds(sv[0], "none", three, 3) = 4\n' +
    'recvmsg = 4 [none] ctrunc 1 controllen 0\n' +
    'new fds after no buffer: 0\n' +
    'sendmsg(sv[0], &m, 0) = -1 EINVAL\n' +
    'done\n',
  // Registration rules, the ids written for cpu 0, inheritance by fork, and
  // the restart of a critical section after a preemption and after a signal.
  sys_rseq:
    'sched_getcpu = 0\n' +
    '__rseq_size == 0 || ((struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset))->cpu_id == 0: yes\n' +
    'after exec with the tunable: __rseq_size = 0\n' +
    'sys_rseq(&area, 31, 0, SIG) = -1 EINVAL\n' +
    'sys_rseq(misaligned_buf + 8, 32, 0, SIG) = -1 EINVAL\n' +
    'sys_rseq(&area, 32, 2, SIG) = -1 EINVAL\n' +
    'sys_rseq((void *)0x3fffffffe0, 64, 0, SIG) = -1 EFAULT\n' +
    'sys_rseq(&area, 32, 0, SIG) = 0\n' +
    'ids: cpu_id_start=0 cpu_id=0 node_id=0 mm_cid=0\n' +
    'sys_rseq(&area, 32, 0, SIG) = -1 EBUSY\n' +
    'sys_rseq(&area, 32, 0, SIG + 1) = -1 EPERM\n' +
    'sys_rseq(&other, 32, 0, SIG) = -1 EINVAL\n' +
    'sys_rseq(&area, 64, 0, SIG) = -1 EINVAL\n' +
    'sys_rseq(&area, 32, 1 | 2, SIG) = -1 EINVAL\n' +
    'sys_rseq(&other, 32, 1, SIG) = -1 EINVAL\n' +
    'sys_rseq(&area, 64, 1, SIG) = -1 EINVAL\n' +
    'sys_rseq(&area, 32, 1, SIG + 1) = -1 EPERM\n' +
    'child: cpu_id=0, registering again: sys_rseq(&area, 32, 0, SIG) = -1 EBUSY\n' +
    'preempted in the critical section: aborted after some turns, rseq_cs cleared: yes\n' +
    'signalled in the critical section: alarms=1 aborted=yes cleared=yes\n' +
    'bad descriptor: killed by signal 11\n' +
    'sys_rseq(&area, 32, 1, SIG) = 0\n' +
    'after unregister: cpu_id_start=0 cpu_id=-1\n' +
    'sys_rseq(&area, 32, 1, SIG) = -1 EINVAL\n',
  // FD|C, Zba|Zbb|Zbs, Zihintntl, Zicond, Zihintpause and Zca|Zcb|Zcd in IMA_EXT_0, misaligned
  // scalar access SLOW, sv39's top, the 10 MHz timebase; unknown keys come back as -1.
  sys_hwprobe:
    'hwprobe(p, 12, 0, NULL, 0) = 0\n' +
    'key 0 = 0\n' +
    'key 1 = 0\n' +
    'key 2 = 0\n' +
    'key 3 = 0x1\n' +
    'key 4 = 0x38182000003b\n' +
    'key 5 = 0x2\n' +
    'key 6 = 0\n' +
    'key 7 = 0x4000000000\n' +
    'key 8 = 0x989680\n' +
    'key 9 = 0x2\n' +
    'key -1 = 0\n' +
    'key -1 = 0\n' +
    'hwprobe(&q, 1, sizeof set, &set, 0) = 0\n' +
    'cpu0 IMA_EXT_0 = 0x38182000003b\n' +
    'hwprobe(&q, 1, sizeof set, &set, 0) = -1 EINVAL\n' +
    'hwprobe(&q, 1, 0, &set, 0) = -1 EINVAL\n' +
    'hwprobe(&q, 1, 8, NULL, 0) = -1 EFAULT\n' +
    'hwprobe(&q, 1, 0, NULL, 2) = -1 EINVAL\n' +
    'hwprobe((void *)8, 1, 0, NULL, 0) = -1 EFAULT\n' +
    'hwprobe(NULL, 0, 0, NULL, 0) = 0\n' +
    'hwprobe(w, 2, sizeof set, &set, 1) = 0\n' +
    'cpus with FD|C and IMA: 0x1\n' +
    'hwprobe(&v, 1, sizeof set, &set, 1) = 0\n' +
    'cpus with V: 0\n' +
    'hwprobe(u, 2, sizeof set, &set, 1) = 0\n' +
    'unknown key: cpus 0, key -1\n' +
    'hwprobe(w, 2, 0, &set, 1) = -1 EINVAL\n' +
    'hwprobe(w, 2, 8, NULL, 1) = -1 EINVAL\n' +
    'hwprobe(w, 2, 8, &set, 3) = -1 EINVAL\n' +
    // The same answers through __vdso_riscv_hwprobe (arch/riscv/kernel/vdso/hwprobe.c):
    // from [vvar], for any cpu set as the cpus are all the same; flags go to the kernel.
    'vdso hwprobe found: 1\n' +
    'vp(p, 12, 0, NULL, 0) = 0\n' +
    'vdso key 0 = 0\n' +
    'vdso key 1 = 0\n' +
    'vdso key 2 = 0\n' +
    'vdso key 3 = 0x1\n' +
    'vdso key 4 = 0x38182000003b\n' +
    'vdso key 5 = 0x2\n' +
    'vdso key 6 = 0\n' +
    'vdso key 7 = 0x4000000000\n' +
    'vdso key 8 = 0x989680\n' +
    'vdso key 9 = 0x2\n' +
    'vdso key -1 = 0\n' +
    'vdso key -1 = 0\n' +
    'vp(&q, 1, sizeof set, &set, 0) = 0\n' +
    'vdso any set IMA_EXT_0 = 0x38182000003b\n' +
    'vp(&q, 1, 0, NULL, 2) = -22\n' +
    'vp(w, 2, sizeof set, &set, 1) = 0\n' +
    'vdso cpus with FD|C and IMA: 0x1\n',
  // Each extension three ways, agreeing: its RISCV_HWPROBE_KEY_IMA_EXT_0 bit (uapi/asm/hwprobe.h, 6.12),
  // its name on cpuinfo's isa line (cpu.c, in cpufeature.c's riscv_isa_ext[] order), and whether one of
  // its instructions executes or raises SIGILL. The hart is RV64GC with B, Zicond, Zcb and the two hints.
  isa_probe:
    'syscall(258, &pair, 1, 0, NULL, 0) = 0\n' +
    'isa: rv64imafdc_zicntr_zicond_zicsr_zifencei_zihintntl_zihintpause_zihpm_zca_zcb_zcd_zba_zbb_zbs\n' +
    '!strcmp(isa, hart_isa): yes\n' +
    'c            hwprobe 1 cpuinfo 1 executes 1\n' +
    'v            hwprobe 0 cpuinfo 0 executes 0\n' +
    'zba          hwprobe 1 cpuinfo 1 executes 1\n' +
    'zbb          hwprobe 1 cpuinfo 1 executes 1\n' +
    'zbs          hwprobe 1 cpuinfo 1 executes 1\n' +
    'zicboz       hwprobe 0 cpuinfo 0 executes 0\n' +
    'zbc          hwprobe 0 cpuinfo 0 executes 0\n' +
    'zbkb         hwprobe 0 cpuinfo 0 executes 0\n' +
    'zbkx         hwprobe 0 cpuinfo 0 executes 0\n' +
    'zknd         hwprobe 0 cpuinfo 0 executes 0\n' +
    'zfh          hwprobe 0 cpuinfo 0 executes 0\n' +
    'zihintntl    hwprobe 1 cpuinfo 1 executes 1\n' +
    'zfa          hwprobe 0 cpuinfo 0 executes 0\n' +
    'zacas        hwprobe 0 cpuinfo 0 executes 0\n' +
    'zicond       hwprobe 1 cpuinfo 1 executes 1\n' +
    'zihintpause  hwprobe 1 cpuinfo 1 executes 1\n' +
    'zimop        hwprobe 0 cpuinfo 0 executes 0\n' +
    'zca          hwprobe 1 cpuinfo 1 executes 1\n' +
    'zcb          hwprobe 1 cpuinfo 1 executes 1\n' +
    'zcd          hwprobe 1 cpuinfo 1 executes 1\n' +
    'zcmop        hwprobe 0 cpuinfo 0 executes 0\n' +
    'zawrs        hwprobe 0 cpuinfo 0 executes 0\n',
  // qemu-user refuses PR_*_THP_DISABLE and PR_GET_TID_ADDRESS, lacks mlock2
  // and checks syslog's buffer itself; Linux counts lock-on-fault ranges in
  // VmLck at once and refuses a NULL syslog buffer with EINVAL. qemu-user
  // lacks fchmodat2; Linux's notify_change refuses a symlink's mode with
  // EOPNOTSUPP (since 6.6) and do_fchmodat takes only AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH.
  sys_noqemu:
    'prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) = 0\n' +
    'prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) = 0\n' +
    'prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) = 1\n' +
    'prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0) = -1 EINVAL\n' +
    'prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0) = -1 EINVAL\n' +
    'child: THP disabled = 1\n' +
    'prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0) = 0\n' +
    'prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) = 0\n' +
    'prctl(PR_GET_TID_ADDRESS, &tidaddr) = 0\n' +
    'tidaddr != (int *)1 && tidaddr != NULL: yes\n' +
    'prctl(PR_GET_TID_ADDRESS, (void *)8) = -1 EFAULT\n' +
    'VmLck:\t       0 kB\n' +
    'mlock2(m, 2 * pg, MLOCK_ONFAULT) = 0\n' +
    'VmLck:\t       8 kB\n' +
    'mlock2(m, pg, 2) = -1 EINVAL\n' +
    'mlock2(m + 2 * pg, pg, 0) = 0\n' +
    'VmLck:\t      12 kB\n' +
    'munlock(m, 4 * pg) = 0\n' +
    'VmLck:\t       0 kB\n' +
    'klogctl(3 , NULL, 10) = -1 EINVAL\n' +
    'klogctl(3, (char *)m, -1) = -1 EINVAL\n' +
    'klogctl(2 , NULL, 10) = -1 EINVAL\n' +
    'klogctl(4 , NULL, 0) = -1 EINVAL\n' +
    'syscall(452, AT_FDCWD, "/tmp/fm_sl", 0600, AT_SYMLINK_NOFOLLOW) = -1 EOPNOTSUPP\n' +
    'syscall(452, slfd, "", 0600, AT_EMPTY_PATH) = -1 EOPNOTSUPP\n' +
    'syscall(452, AT_FDCWD, "/tmp/fm_sl", 0600, 0x4) = -1 EINVAL\n' +
    'syscall(452, AT_FDCWD, "/tmp/fm_sl", 0640, 0) = 0\n' +
    'symlink mode 120777\n' +
    'target mode 100640\n',
  // qemu-user has no ptrace at all. ptrace(2) and arch/riscv/kernel/ptrace.c: a
  // TRACEME child's SIGSTOP is (19 << 8) | 0x7f, NT_PRSTATUS is 32 u64 and
  // NT_PRFPREG 33, riscv64 has no PEEKUSER or single-step (EIO), syscall stops
  // are SIGTRAP | 0x80, a number of -1 skips the call with a0 as its result,
  // PTRACE_EVENT_FORK's message is the new pid, PTRACE_EVENT_EXEC's the tracee's.
  sys_ptrace:
    'first stop: status = 0x137f\n' +
    'ptrace(PTRACE_GETSIGINFO, child, 0, &si) = 0\n' +
    'si.si_signo == SIGSTOP: yes\n' +
    'ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC) = 0\n' +
    'PEEKDATA: "ptrace-s" errno=0\n' +
    'process_vm_readv(child, &local, 1, &remote, 1, 0) = 13\n' +
    'process_vm_readv read "ptrace-secret"\n' +
    'getregs(child, &r, &len) = 0\n' +
    'NT_PRSTATUS iov_len = 256\n' +
    'ptrace(PTRACE_GETREGSET, child, (void *)NT_PRFPREG, &fiov) = 0\n' +
    'NT_PRFPREG iov_len = 264\n' +
    'ptrace(PTRACE_GETREGSET, child, (void *)NT_PRSTATUS, &odd) = -1 EINVAL\n' +
    'ptrace(PTRACE_GETREGSET, child, (void *)0x999, &fiov) = -1 EINVAL\n' +
    'ptrace(PTRACE_PEEKUSER, child, 0, 0) = -1 EIO\n' +
    'ptrace(PTRACE_SINGLESTEP, child, 0, 0) = -1 EIO\n' +
    'ptrace(PTRACE_PEEKDATA, child, (void *)8, 0) = -1 EIO\n' +
    'ptrace(PTRACE_PEEKDATA, 999999, secret, 0) = -1 ESRCH\n' +
    'child exited with 7\n' +
    'entries > 5 && entries - exits <= 1: yes\n' +
    'sysgood && alternate: yes\n' +
    'info_agrees: yes\n' +
    'getppid_ok: yes\n' +
    'skip_done: yes\n' +
    'fork_event && fork_msg_ok: yes\n' +
    'grand_first_sigstop && grand_exit7: yes\n' +
    'sigchld_seen: yes\n' +
    'exec_event && exec_msg_ok: yes\n' +
    'ptrace(PTRACE_PEEKDATA, child, secret, 0) = -1 ESRCH\n' +
    // A pid that vanishes: a zombie cannot be attached (EPERM), a reaped pid or a
    // killed tracee is gone (ESRCH); no request touches what is left of it.
    'waitid(P_PID, c, &si, WEXITED | WNOWAIT) = 0\n' +
    'ptrace(PTRACE_ATTACH, c, 0, 0) = -1 EPERM\n' +
    'ptrace(PTRACE_SEIZE, c, 0, 0) = -1 EPERM\n' +
    'waitpid(c, &st, 0) == c = 1\n' +
    'ptrace(PTRACE_ATTACH, c, 0, 0) = -1 ESRCH\n' +
    'ptrace(PTRACE_SEIZE, c, 0, 0) = -1 ESRCH\n' +
    'ptrace(PTRACE_CONT, c, 0, 0) = -1 ESRCH\n' +
    'ptrace(PTRACE_DETACH, c, 0, 0) = -1 ESRCH\n' +
    'ptrace(PTRACE_ATTACH, c, 0, 0) = 0\n' +
    'waitpid(c, &st, 0) == c && WIFSTOPPED(st) = 1\n' +
    'kill(c, SIGKILL) = 0\n' +
    'waitid(P_PID, c, &si, WEXITED | WNOWAIT) = 0\n' +
    'getregs(c, &r, NULL) = -1 ESRCH\n' +
    'ptrace(PTRACE_CONT, c, 0, 0) = -1 ESRCH\n' +
    'ptrace(PTRACE_DETACH, c, 0, 0) = -1 ESRCH\n' +
    'waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL = 1\n' +
    'ptrace(PTRACE_INTERRUPT, c, 0, 0) = -1 ESRCH\n',
  // qemu-user has neither futex_waitv nor set_robust_list (ENOSYS). futex_waitv(2)
  // returns the woken index; kernel/futex/core.c handle_futex_death leaves
  // FUTEX_WAITERS | FUTEX_OWNER_DIED with no owner TID; the head is 24 bytes.
  sys_futex:
    'futex_waitv woken index 2\n' +
    'futex_waitv value changed: EAGAIN\n' +
    'futex_waitv timeout: ETIMEDOUT\n' +
    'futex_waitv none: EINVAL\n' +
    'futex_waitv bad flags: EINVAL\n' +
    'robust word after owner exit: owner_died=1 waiters=1 tid=0\n' +
    'set_robust_list bad size: EINVAL\n' +
    'get_robust_list: 0 len=24\n',
  // RLIMIT_NPROC counts qemu-user's own threads, so qemu cannot run a fork bomb;
  // fork(2): EAGAIN at the limit, which root is exempt from (setrlimit(2)).
  // sigaction(2): SA_NOCLDSTOP means no SIGCHLD when a child stops (qemu sends one).
  sys_wait:
    'root with RLIMIT_NPROC 5: fork ok=1\n' +
    'fork bomb as nobody stopped by EAGAIN after some forks\n' +
    'after reaping, fork works again: 1\n' +
    'SA_NOCLDSTOP: signals for stop=0\n',
  // qemu-user lacks mq_notify (ENOSYS). mq_notify(3): one registration per
  // queue (EBUSY for any other), fired once by a message into an empty queue
  // with si_code SI_MESGQ and the sigev_value; NULL unregisters, and so does
  // any close of the queue by the registered process (mqueue_flush_file).
  // SIGEV_THREAD goes through glibc's netlink helper socket. The queue file
  // shows NOTIFY (sigev_notify), SIGNO (for SIGEV_SIGNAL) and the owner as
  // ipc/mqueue.c's mqueue_read_file prints them.
  ipc_posix:
    'mq_notify(q, &ev) = 0\n' +
    'mq_notify(q, &ev) = -1 EBUSY\n' +
    'mount("none", "/tmp/mq", "mqueue", 0, NULL) = 0\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:0          NOTIFY:0     SIGNO:10    NOTIFY_PID:parent\n' +
    'other process registering: exit 0\n' +
    'mq_send(q, "a", 1, 0) = 0\n' +
    'signal 10 code=-3 (SI_MESGQ=-3) value=42\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:1          NOTIFY:0     SIGNO:0     NOTIFY_PID:0\n' +
    'mq_notify(q, &ev) = 0\n' +
    'mq_send(q, "b", 1, 0) = 0\n' +
    'non-empty queue: signal 0\n' +
    'mq_notify(q, NULL) = 0\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:2          NOTIFY:0     SIGNO:0     NOTIFY_PID:0\n' +
    'mq_notify(q, &none) = 0\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:2          NOTIFY:1     SIGNO:0     NOTIFY_PID:parent\n' +
    'mq_notify(q2, &ev) = -1 EBUSY\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:2          NOTIFY:1     SIGNO:0     NOTIFY_PID:parent\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:2          NOTIFY:0     SIGNO:0     NOTIFY_PID:0\n' +
    'mq_notify(q, NULL) = 0\n' +
    'mq_notify(q, &tev) = 0\n' +
    'read /tmp/mq/nq (60 bytes): QSIZE:0          NOTIFY:2     SIGNO:0     NOTIFY_PID:parent\n' +
    'mq_send(q, "t", 1, 0) = 0\n' +
    'thread notified: 1 value=7\n' +
    'mq_notify(q, &badev) = -1 EINVAL\n' +
    'mq_notify(99, NULL) = -1 EBADF\n' +
    'done\n',
  // Task states as fs/proc/array.c names them: S, T (job control) and back,
  // Z, t (a ptrace stop), D (the vfork parent: TASK_KILLABLE, which a caught
  // signal does not end), and a group stop reaching every thread.
  sys_states:
    'sleeping child: stat S, status "S (sleeping)"\n' +
    'waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP = 1\n' +
    'stopped child: stat T, status "T (stopped)"\n' +
    'waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st) = 1\n' +
    'continued child: stat S, status "S (sleeping)"\n' +
    'waitid(P_PID, c, &si, WEXITED | WNOWAIT) = 0\n' +
    'zombie child: stat Z, status "Z (zombie)"\n' +
    'waitpid(c, &st, 0) == c && WIFSIGNALED(st) = 1\n' +
    'waitpid(c, &st, 0) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1 = 1\n' +
    'ptrace-stopped child: stat t, status "t (tracing stop)"\n' +
    'ptrace(PTRACE_CONT, c, 0, 0) = 0\n' +
    'waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7 = 1\n' +
    'vfork parent: stat D, status "D (disk sleep)"\n' +
    'vfork parent after SIGUSR1: stat D\n' +
    'waitpid(c, &st, 0) == c = 1\n' +
    'handler ran after vfork returned: 1\n' +
    'pipe(pfd) = 0\n' +
    'read(pfd[0], &x, 1) = 1\n' +
    'threaded child: 3 threads, states SSS\n' +
    'waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) = 1\n' +
    'after SIGSTOP: 3 threads, states TTT\n' +
    'waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st) = 1\n' +
    'after SIGCONT: 3 threads, states SSS\n' +
    'waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL = 1\n',
  // A signal storm against RLIMIT_SIGPENDING (sigqueue(3): EAGAIN for a real-time
  // signal; a standard one loses its siginfo; kill() is never refused).
  // reboot(2) and kernel/reboot.c: CAP_SYS_BOOT before the magic numbers, EINVAL for an
  // unknown command; POWER_OFF stops the machine (the run ends with status 0, nothing more printed).
  sys_reboot:
    'syscall(SYS_reboot, 0x12345678, MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0) = -1 EINVAL\n' +
    'syscall(SYS_reboot, MAGIC1, 0x12345678, LINUX_REBOOT_CMD_CAD_OFF, 0) = -1 EINVAL\n' +
    'syscall(SYS_reboot, MAGIC1, LINUX_REBOOT_MAGIC2C, 0x11111111, 0) = -1 EINVAL\n' +
    'syscall(SYS_reboot, MAGIC1, LINUX_REBOOT_MAGIC2A, LINUX_REBOOT_CMD_CAD_OFF, 0) = 0\n' +
    'syscall(SYS_reboot, MAGIC1, LINUX_REBOOT_MAGIC2B, LINUX_REBOOT_CMD_CAD_ON, 0) = 0\n' +
    'syscall(SYS_reboot, MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0) = -1 EPERM\n' +
    'syscall(SYS_reboot, 0x12345678, 0, LINUX_REBOOT_CMD_POWER_OFF, 0) = -1 EPERM\n' +
    'child status 0\n',
  sys_sigstorm:
    'queued until EAGAIN: count == RLIMIT_SIGPENDING: 1\n' +
    'sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 5}) = 0\n' +
    'sigwaitinfo(&u2, &si) = 12\n' +
    'its siginfo: code=0 pid=0 value=0\n' +
    'kill(getpid(), SIGUSR1) = 0\n' +
    'kill with a full queue handled: 1\n' +
    'parent sent 100000 signals, failures 0\n' +
    'read(done, &c, 1) = 1\n' +
    'drained EAGAIN: all 1, in order 1\n' +
    'storm handled at least once, at most 100001 times: 1\n' +
    'waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0 = 1\n',
  // preadv2/pwritev2 (qemu-user 7.2 answers EOPNOTSUPP to every flag); the answers of Linux 6.18 run natively:
  // positioned I/O on a pipe is ESPIPE before it could block (LTP preadv02), RWF_NOWAIT on an empty pipe is
  // EAGAIN, RWF_APPEND writes at the end (kiocb_set_rw_flags), and sigtimedwait takes a waited signal even
  // when it is unblocked and has a handler (do_sigtimedwait), so the handler never runs.
  sys_rwv2:
    'preadv(p[0], &iov, 1, 0) = -1 ESPIPE\n' +
    'pwritev(p[1], &iov, 1, 0) = -1 ESPIPE\n' +
    'pread(p[0], buf, 4, 0) = -1 ESPIPE\n' +
    'preadv2(p[0], &iov, 1, 0, 0) = -1 ESPIPE\n' +
    'preadv2(p[0], &iov, 1, -1, RWF_NOWAIT) = -1 EAGAIN\n' +
    'preadv2(p[0], &iov, 1, -1, 0x100000) = -1 EOPNOTSUPP\n' +
    'write(p[1], "abc", 3) = 3\n' +
    'preadv2(p[0], &iov, 1, -1, RWF_NOWAIT | RWF_HIPRI) = 3\n' +
    'read [abc]\n' +
    'pread(-1, buf, 4, -1) = -1 EINVAL\n' +
    'preadv(-1, &iov, 1, -1) = -1 EINVAL\n' +
    'pread(-1, buf, 4, 0) = -1 EBADF\n' +
    'pwritev2(fd, w, 2, -1, 0) = 11\n' +
    'lseek(fd, 0, SEEK_CUR) = 11\n' +
    'pwritev2(fd, w, 1, 0, RWF_APPEND) = 6\n' +
    'lseek(fd, 0, SEEK_CUR) = 11\n' +
    'preadv2(fd, &iov, 1, 6, 0) = 11\n' +
    'read [worldhello ]\n' +
    'lseek(fd, 0, SEEK_SET) = 0\n' +
    'preadv2(fd, &iov, 1, -1, 0) = 15\n' +
    'read [hello worldhell]\n' +
    'lseek(fd, 0, SEEK_CUR) = 15\n' +
    'preadv2(fd, &iov, 1, -2, 0) = -1 EINVAL\n' +
    'sigtimedwait(&set, &si, &ts) = 10\n' +
    'handler ran 0 times\n' +
    'sigtimedwait(&set, &si, &ts) = 10\n' +
    'handler ran 0 times\n' +
    'done\n',
  // Signals deliverable together, with handlers whose sa_mask blocks everything: the lowest signal's
  // frame only, and each of the others after the handler before returns (rt_sigreturn's return to
  // user mode), lowest first; qemu-user stacks them all. The same C built for the host, on Linux 6.18.
  sys_signest:
    'sigprocmask(SIG_BLOCK, &m, NULL) = 0\n' +
    'sigprocmask(SIG_UNBLOCK, &m, NULL) = 0\n' +
    'full sa_mask: USR1 /USR1 RTMIN+0:1 /RTMIN+0 RTMIN+0:2 /RTMIN+0 RTMIN+0:3 /RTMIN+0 RTMIN+1:1 /RTMIN+1 RTMIN+1:2 /RTMIN+1 RTMIN+1:3 /RTMIN+1\n' +
    'max nesting 1\n' +
    'done\n',
};

/** Arguments that select the part of a program qemu-user cannot judge. */
const ARGS: Record<string, string[]> = { sys_signest: ['noqemu'], sys_futex: ['noqemu'], sys_wait: ['noqemu'], ipc_posix: ['notify'], ipc_unix: ['noqemu'] };

describe("guest programs against Linux's documented answers", { skip, concurrency: 2 }, () => {
  after(() => env?.cleanup());
  // do_exit cancels ITIMER_REAL (and every other timer, wait and link a task holds): dead processes
  // leave nothing behind. Each once stayed reachable through its alarm's closure, with its mm and
  // files (about 11 KB of host heap per iteration): 5,000 of them did not fit in a 32 MB heap.
  // Each child also holds a POSIX timer, an armed timerfd, an epoll set and an inotify watch when it dies.
  test('fork, alarm(100000), _exit, waitpid: the host heap stays flat', async () => {
    const loops = process.env.TUXGLASS_FUZZ_LONG ? 100_000 : 5_000;
    const r = await spawnWithTimeout(
      process.execPath,
      [
        '--max-old-space-size=32',
        join(REPO, 'bin', 'tuxglass.js'),
        'run',
        '--seed',
        '1',
        '--rootfs',
        env!.tgRoot,
        '--add',
        `${built.paths.sys_exit!}:/tmp/sys_exit`,
        '--',
        '/tmp/sys_exit',
        'loop',
        String(loops),
      ],
      { timeoutMs: process.env.TUXGLASS_FUZZ_LONG ? 3_600_000 : 120_000 },
    );
    assert.ok(!r.timedOut, 'tuxglass timed out');
    assert.deepEqual({ status: r.status, stdout: text(r.stdout) }, { status: 0, stdout: `loop ${loops} done\n` }, text(r.stderr).slice(0, 2000));
  });
  for (const name of PROGRAMS) {
    test(name, async () => {
      const r = await runTuxglass(env!, [`/tmp/${name}`, ...(ARGS[name] ?? [])], { add: [{ host: built.paths[name]!, guest: `/tmp/${name}` }] });
      assert.ok(!r.timedOut, 'tuxglass timed out');
      assert.deepEqual({ status: r.status, stdout: text(r.stdout), stderr: text(r.stderr) }, { status: 0, stdout: EXPECTED[name], stderr: '' });
    });
  }
});
