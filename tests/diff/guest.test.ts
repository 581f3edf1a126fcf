// The project's own C programs (tests/guest/*.c) under tuxglass versus Linux:
// the ISA through compiled C and inline asm, and the syscall layer including
// its error paths and the signals a fault raises.
import { after, describe, test } from 'node:test';
import { buildGuest } from './build.js';
import assert from 'node:assert/strict';
import { diffCase, prepareDiff, runTuxglass, text, type DiffCase, type Expect } from './harness.js';
import { TIER_NAMES } from '../../src/cpu/hart.js';

const PROGRAMS = [
  'isa_int',
  'isa_atomic',
  'isa_float',
  'isa_fenv',
  'isa_bitmanip',
  'isa_jit',
  'sys_files',
  'sys_dirs',
  'sys_stat',
  'sys_fcntl',
  'sys_perm',
  'sys_misc',
  'sys_signal',
  'sys_proc',
  'sys_fault',
  'sys_mmap',
  'sys_maps',
  'sys_procfs',
  'crash',
  'sys_xattr',
  'sys_sched',
  'sys_fsops',
  'sys_pthread',
  'sys_pthread.dyn',
  'sys_futex',
  'sys_wait',
  'ipc_sysv',
  'ipc_posix',
  'sys_sigqueue',
  'ipc_pipe',
  'ipc_fdevents',
  'ipc_epoll',
  'ipc_unix',
  'tty_ldisc',
  'tty_job',
  'sys_orphan',
  'sys_ptimer',
  'sys_edges',
  'sys_locks',
  'sys_rename',
  'sys_signest',
  'sys_caps',
  'sys_errno',
  'sys_oom',
  'sys_tmpfile',
  'sys_fasync',
  'sys_lease',
  'sys_dnotify',
  'sys_pagemap',
  'sys_acct',
  'sys_mountpoll',
];

const built = await buildGuest(PROGRAMS);
const env = built.skip ? undefined : await prepareDiff('guest');
const skip = built.skip ?? env?.skip ?? false;

/** Runs a program placed at `guestPath` (ISA programs in /, syscall programs in /tmp). */
function prog(name: string, guestPath: string, args: string[], expect: Expect, extra: Partial<DiffCase> = {}): DiffCase {
  const base = guestPath.slice(guestPath.lastIndexOf('/') + 1);
  return {
    name: [base, ...args].join(' '),
    argv: [guestPath, ...args],
    add: [{ host: built.paths[name] ?? '', guest: guestPath }],
    expect,
    ...extra,
  };
}

const cases: DiffCase[] = [
  prog('isa_int', '/isa_int', [], { stdout: /div by zero: div=-1 divu=ffffffffffffffff rem=7 remu=7\n/ }),
  prog('isa_atomic', '/isa_atomic', [], { stdout: /sc\.w ok=1 sc\.w again fails=1 a0=9\n(.*\n)*lr\/sc loop c=3000\n/ }),
  prog('isa_float', '/isa_float', [], { stdout: /0\/0 = nan nan \[7ff8000000000000\]\n/ }),
  prog('isa_fenv', '/isa_fenv', [], { stdout: /1\/3 flags: inexact\n/ }),
  // Built with -march=rv64gc_zba_zbb_zbs: compiled B code, hot, with a timer signal arriving meanwhile.
  prog('isa_bitmanip', '/isa_bitmanip', [], { stdout: /\n6: clz 7 ctzw 0 cpopw 20 (.*\n)sieve \d+ table [0-9a-f]+\n$/ }),
  prog('sys_files', '/tmp/sys_files', [], { stdout: /with hole: size=21 \[Jello WORLD\.{9}X\]\n/ }),
  prog('sys_dirs', '/tmp/sys_dirs', [], { stdout: /rmdir\("sub"\) = -1 ENOTEMPTY\n/ }),
  prog('sys_stat', '/tmp/sys_stat', [], { stdout: /stat \/dev\/null: mode=020666 size=0 nlink=1 uid=0 gid=0 rdev=1:3\n/ }),
  prog('sys_fcntl', '/tmp/sys_fcntl', [], { stdout: /after exec fd 10: open\nafter exec fd 22: closed\n/ }),
  // flock, POSIX and OFD locks between processes: F_GETLK's answers, split and merge, EDEADLK, EINTR.
  prog('sys_locks', '/tmp/sys_locks', [], {
    stdout: /setlk\(fd, F_SETLKW, F_WRLCK, 3, 1\) = -1 EDEADLK\n(.*\n)*child GETLK merged: F_WRLCK start=0 len=8 pid=parent\n(.*\n)*done\n$/,
  }),
  // O_TMPFILE: an unnamed file, linkat through /proc/self/fd unless O_EXCL; a deleted file stays unlinkable.
  prog('sys_tmpfile', '/tmp/sys_tmpfile', [], {
    stdout: /link_fd\(fd, "tmpfile.d\/named"\) = 0\n(.*\n)*link_fd\(fd, "tmpfile.d\/excl"\) = -1 ENOENT\n(.*\n)*done\n$/,
  }),
  // O_ASYNC on a pipe: SIGIO (SI_KERNEL) to the owner, or the F_SETSIG signal with POLL_IN/POLL_OUT, si_band and si_fd.
  prog('sys_fasync', '/tmp/sys_fasync', [], {
    stdout: /F_SETSIG SIGUSR1: USR1 code=0x1 band=0x41 fd_ok=1\n(.*\n)*writer after a read: USR1 code=0x2 band=0x304 fd_ok=1\ndone\n$/,
  }),
  // Leases: the open counts a read or write lease allows, EAGAIN otherwise; a conflicting O_NONBLOCK open signals the holder (POLL_MSG) and fails.
  prog('sys_lease', '/tmp/sys_lease', [], {
    stdout: /fcntl\(w, F_SETLEASE, F_RDLCK\) = -1 EAGAIN\n(.*\n)*child: writer open = EAGAIN\n(.*\n)*holder got USR1 code=3 fd_ok=1\n(.*\n)*done\n$/,
  }),
  // dnotify: F_NOTIFY's signal (POLL_MSG, si_fd) for events in or on the directory; one-shot unless DN_MULTISHOT; DN_RENAME within only.
  prog('sys_dnotify', '/tmp/sys_dnotify', [], {
    stdout:
      /create again: no signal\n(.*\n)*chmod the directory: USR1 code=3 fd_ok=1\n(.*\n)*rename out: no signal\n(.*\n)*rename within: USR1 code=3 fd_ok=1\n(.*\n)*done\n$/,
  }),
  // /proc/self/pagemap: present, file and exclusive bits per page; whole 8-byte entries only.
  prog('sys_pagemap', '/tmp/sys_pagemap', [], {
    stdout:
      /anon page 1 untouched: read=8 present=0 file=0 exclusive=0\n(.*\n)*shared file page: read=8 present=1 file=1 exclusive=1\n(.*\n)*pread\(pm, e, 8, 4\) = -1 EINVAL\n(.*\n)*done\n$/,
  }),
  // acct(2): its errors, and the struct acct_v3 record of each ended child (exit status, AFORK, AXSIG, ppid).
  prog('sys_acct', '/tmp/sys_acct', [], {
    stdout:
      /exit\(3\): version=3 exitcode=0x300 fork=1 ppid_ok=1 uid=0 gid=0\nSIGTERM: version=3 exitcode=0xf fork=1 ppid_ok=1 uid=0 gid=0 xsig=1\nrecords of our children: 2, record size 64\ndone\n$/,
  }),
  // poll of /proc/self/mounts: POLLPRI|POLLERR once per change of the mount table.
  prog('sys_mountpoll', '/tmp/sys_mountpoll', [], {
    stdout:
      /fresh: poll=1 POLLIN\n(.*\n)*after mount: poll=1 POLLIN POLLPRI POLLERR\nagain: poll=1 POLLIN\n(.*\n)*after a failed mount: poll=1 POLLIN\n(.*\n)*after umount: poll=1 POLLIN POLLPRI POLLERR\ndone\n$/,
  }),
  prog('sys_perm', '/tmp/sys_perm', [], { stdout: /open\("secret", O_RDONLY\) = -1 EACCES\n/ }),
  // Checks that ask for a capability, not uid 0: root without CAP_DAC_OVERRIDE cannot open a mode-000 file; CAP_KILL alone kills another user's process.
  prog('sys_caps', '/tmp/sys_caps', [], {
    stdout: /open\("\/tmp\/caps.secret", O_RDONLY\) = -1 EACCES\n(.*\n)*kill\(child, SIGTERM\) = 0\nchild status 143\n$/,
  }),
  // oom_score_adj's range, oom_adj's legacy scale, EACCES below the floor without CAP_SYS_RESOURCE, inheritance.
  prog('sys_oom', '/tmp/sys_oom', [], {
    stdout:
      /write oom_score_adj "1001" = EINVAL\n(.*\n)*write oom_score_adj "-1" = EACCES\n(.*\n)*oom_score_adj 1000 oom_adj 15\n(.*\n)*child inherits 777\n(.*\n)*done\n$/,
  }),
  prog('sys_misc', '/tmp/sys_misc', [], { stdout: /sysname=Linux machine=riscv64\n/ }),
  // It ends with a child killing itself with SIGTERM.
  prog('sys_signal', '/tmp/sys_signal', [], { stdout: /sigwaitinfo sig=10 (.*\n)*child ended by 143\n$/ }),
  prog('sys_proc', '/tmp/sys_proc', [], { stdout: /exec sh: exited 5\n(.*\n)*after fork child saw 2, parent sees 1\n$/ }),
  prog('sys_fault', '/tmp/sys_fault', [], { stdout: /write\(1, BAD, 10\) = -1 EFAULT\n(.*\n)*jump to unmapped 0x1000: sig=11 code=1 addr_ok=1\n/ }),
  prog('sys_mmap', '/tmp/sys_mmap', [], {
    stdout:
      /parent sees child's store: \[child\]\n(.*\n)*private page after own write: \[zBCDE\]\n(.*\n)*shared anon after child: 42, private anon: 1\n(.*\n)*page 1 after shrinking: sig=7 code=2\n(.*\n)*done\n$/,
  }),
  prog('sys_maps', '/tmp/sys_maps', [], {
    stdout: /file, split by mprotect:\n {2}\+0\.\.\+1 r--p off=1000 the-file mapsfile\n {2}\+1\.\.\+2 rw-p off=2000 the-file mapsfile\n(.*\n)*done\n$/,
  }),
  // Mounts its own tmpfs (the reference runs as root in a private mount namespace).
  prog('sys_xattr', '/tmp/sys_xattr', [], { stdout: /listxattr\(d\) = 32: \[system\.posix_acl_default\] \[user\.a\]\n/ }),
  prog('sys_sched', '/tmp/sys_sched', [], {
    stdout: /middle exited 0; the orphan got signal 10\n(.*\n)*mincore = 1010\n(.*\n)*setpriority\(PRIO_PROCESS, 0, 1\) = -1 EACCES\n/,
  }),
  // The same calls and errors with the pre-6.6 fair scheduler selected on the kernel command line.
  {
    ...prog('sys_sched', '/tmp/sys_sched', [], { stdout: /setpriority\(PRIO_PROCESS, 0, 1\) = -1 EACCES\n/ }),
    name: 'sys_sched (sched=cfs)',
    extraArgs: ['--append', 'sched=cfs'],
  } as DiffCase,
  // Mounts its own tmpfs too.
  prog('sys_fsops', '/tmp/sys_fsops', [], { stdout: /memfd link: \/memfd:test \(deleted\)\n(.*\n)*statfs \/proc: f_type=0x9fa0 / }),
  // /proc and /proc/sys as procps parses them (the program filters what differs by kernel version).
  prog('sys_procfs', '/tmp/sys_procfs', [], { stdout: /stat fields=52\n(.*\n)*write \/proc\/sys\/vm\/swappiness "abc" = EINVAL\n/ }),
  // glibc's pthreads on our clone/futex/signals: mutexes of every kind (PI and robust through
  // FUTEX_LOCK_PI and the robust list), condvars, barriers, rwlocks, TLS, cancel, pthread_kill.
  prog(
    'sys_pthread',
    '/tmp/sys_pthread',
    [],
    { stdout: /pi contended count=900\n(.*\n)*robust lock after owner died: EOWNERDEAD\n(.*\n)*cancel async: canceled=1\n(.*\n)*done\n$/ },
    { timeoutMs: 60_000 },
  ),
  prog('sys_pthread.dyn', '/tmp/sys_pthread_dyn', [], { stdout: /kill with main blocking: handled in other thread=1\n(.*\n)*done\n$/ }, { timeoutMs: 60_000 }),
  // Raw futex ops: counts, requeue, wake-op, bitsets, timeouts, shared keys across fork.
  prog('sys_futex', '/tmp/sys_futex', [], {
    stdout:
      /cmp_requeue 1 wake 2 move -> 3\n(.*\n)*shared futex across fork: woke 1, child exit 7\nprivate wake of another process: woke 0, child exit 8\ndone\n$/,
  }),
  // Wait statuses and options, zombies and orphans, SIGCHLD codes, groups, exec from a thread,
  // signalfd, pidfd, real-time queueing order, a signal storm, EINTR and SA_RESTART.
  prog(
    'sys_wait',
    '/tmp/sys_wait',
    [],
    {
      stdout:
        /zombie state stat=Z status=Z\n(.*\n)*exec from a non-leader thread: exited 3\n(.*\n)*waitid P_PIDFD: 0 code=2 status=15\n(.*\n)*rt order: 101 102 103 1 2 3\n(.*\n)*done\n$/,
    },
    { timeoutMs: 60_000 },
  ),
  // System V IPC: queues, semaphores (SEM_UNDO, timeouts), shared memory across fork/exec, errors, limits.
  prog('ipc_sysv', '/tmp/ipc_sysv', [], {
    stdout:
      /while sender blocked: qnum=2\n(.*\n)*receiver on removed queue exit 0\n(.*\n)*after undo 3 0\n(.*\n)*parent sees \[child wrote\] nattch=1\n(.*\n)*after RMID: key=0 mode=1600 nattch=1\n(.*\n)*done\n$/,
  }),
  // POSIX message queues (priorities, O_NONBLOCK, timeouts, the mqueue fs and its limits) and shm_open + MAP_SHARED across fork.
  prog('ipc_posix', '/tmp/ipc_posix', [], {
    stdout:
      /mq_receive = 4 prio=5 \[high\]\n(.*\n)*read \/tmp\/mq\/tgq \(60 bytes\): QSIZE:12 +NOTIFY:0 +SIGNO:0 +NOTIFY_PID:0\n(.*\n)*mq_open\("\/user2", O_CREAT \| O_RDWR, 0600, &six\) = -1 ENOSPC\n(.*\n)*parent sees \[child\] \[child two\]\n(.*\n)*done\n$/,
  }),
  // siginfo (si_code, si_pid, si_value) per sender, tkill/tgkill and rt_sigqueueinfo rules,
  // the alternate signal stack, pending sets per thread and process, RT queueing, sigtimedwait.
  prog('sys_sigqueue', '/tmp/sys_sigqueue', [], {
    stdout:
      /SA_ONSTACK: on alt stack 1, ss_flags 1\n(.*\n)*other thread: pending usr1=0 usr2=1 rtmin=0\nmain thread: pending usr1=1 usr2=1 rtmin=0\n(.*\n)*delivery order: RTMIN\+2\/1 RTMIN\+2\/2 RTMIN\+2\/3 RTMIN\+0\/1 RTMIN\+0\/2 RTMIN\+0\/3 12\/0 10\/0\n/,
  }),
  // Signals deliverable together (issue 11 §1.2): one frame per signal, each on top of the last, so the
  // last one's handler runs first and none lands in the middle of another's body.
  prog('sys_signest', '/tmp/sys_signest', [], {
    stdout:
      /^(.*\n){2}sigprocmask: RTMIN\+1:1 \/RTMIN\+1 RTMIN\+1:2 \/RTMIN\+1 RTMIN\+1:3 \/RTMIN\+1 RTMIN\+0:1 \/RTMIN\+0 RTMIN\+0:2 \/RTMIN\+0 RTMIN\+0:3 \/RTMIN\+0 USR1 \/USR1\nmax nesting 1\n(.*\n)*SA_NODEFER: RTMIN\+1:3 (.*\n)*done\n$/,
  }),
  // Pipes: capacity in page slots, F_SETPIPE_SZ, PIPE_BUF atomicity, EPIPE/SIGPIPE, packets, splice/tee/vmsplice, FIFO open rules.
  prog('ipc_pipe', '/tmp/ipc_pipe', [], {
    stdout:
      /fill with 100-byte writes: 64000 bytes\n(.*\n)*fcntl\(p\[0\], F_SETPIPE_SZ, 8192\) = -1 EBUSY\n(.*\n)*atomic 4096-byte records: 80 whole, 0 mixed\nwriter with no reader: killed by 13\nwrite\(p\[1\], "x", 1\) = -1 EPIPE\n(.*\n)*tee\(p\[0\], q\[1\], 3000, 0\) = 3000\n(.*\n)*open\(f, O_WRONLY \| O_NONBLOCK\) = -1 ENXIO\n(.*\n)*reader got \[through the fifo\]\nwriter waited\n(.*\n)*open\(f, O_RDONLY\) = -1 EINTR\ndone\n$/,
  }),
  // eventfd counters, timerfd expiration counts in virtual time, inotify event sequences.
  prog('ipc_fdevents', '/tmp/ipc_fdevents', [], {
    stdout: /eventfd semaphore reads: 1 1 1\n(.*\n)*timerfd interval count >= 3: yes\n(.*\n)*IN_MOVED_FROM and IN_MOVED_TO share a cookie: yes\n(.*\n)*done\n$/,
  }),
  // mkfifo from coreutils and bash's redirections: a reader and a writer meet in open.
  {
    ...prog('ipc_pipe', '/tmp/ipc_pipe', [], {}),
    name: 'mkfifo and a shell pipeline through it',
    argv: ['/bin/bash', '-c', 'mkfifo /tmp/f; cat /tmp/f & echo hi > /tmp/f; wait; rm /tmp/f'],
    expect: { stdout: 'hi\n' },
  },
  // epoll (LT, ET, ONESHOT, EXCLUSIVE with blocked waiters, nesting, epoll_ctl errors), poll, ppoll and
  // pselect6 (POLLNVAL, RLIMIT_NOFILE, select's EBADF, the time left written back, the mask swap and EINTR).
  prog('ipc_epoll', '/tmp/ipc_epoll', [], {
    stdout:
      /ET again: 0\n(.*\n)*oneshot disabled: 0\n(.*\n)*chain 5 in 4: -1 ELOOP\n(.*\n)*fdinfo: tfd=1 events=19 data=1\nshared: woken 2\nexclusive: woken 1\n(.*\n)* {2}still pending 1\n(.*\n)*done\n$/,
  }),
  // AF_UNIX: SCM_RIGHTS (a file read through a passed fd, several fds, peeks, errors, fds closed in flight),
  // SCM_CREDENTIALS and SO_PASSCRED (EPERM for others' ids when unprivileged), MSG_WAITALL, EPIPE/SIGPIPE,
  // SEQPACKET, abstract names with NULs in /proc/net/unix.
  prog('ipc_unix', '/tmp/ipc_unix', [], {
    stdout:
      /read through passed fd: 20 \[contents of the file\]\n(.*\n)*reader after in-flight writer dropped: 0\n(.*\n)*child: uid 0: -1 EPERM\n(.*\n)*sigpipes 2\n(.*\n)*proc\/net\/unix: queued flags 00000 type 0001 state 02 path @tg@unix\ndone\n$/,
  }),
  // The tty layer through a pty (qemu-user passes the calls to the host's own ptys): canonical
  // editing and its echo, input and output processing, VMIN/VTIME, the 4095-byte line limit
  // (10,000 bytes into one line), flow control, packet mode, each end closing.
  prog(
    'tty_ldisc',
    '/tmp/tty_ldisc',
    [],
    {
      stdout:
        /master echo \(9\): "abc\\b \\bd\\r\\n"\n(.*\n)*read 4096: 4095 a, last 0xa\n(.*\n)*MIN=3 TIME=1, two bytes then quiet \(2\): "pq"\n(.*\n)*master read \(slave gone\): -1 EIO\n(.*\n)*done\n$/,
    },
    { timeoutMs: 60_000 },
  ),
  // Sessions and job control on a pty: controlling tty, TIOCSPGRP's errors, ^C/^\\/^Z to the foreground
  // group, SIGTTIN/SIGTTOU, SIGWINCH, hang-ups when the leader exits or the master closes.
  prog('sys_orphan', '/tmp/sys_orphan', [], { stdout: 'stopped member: hup after\nnothing stopped: after\nSIGTSTP in an orphaned group: after\n' }),
  // POSIX timers on wall and CPU clocks, overruns while the signal is blocked, ITIMER_VIRTUAL/PROF, RLIMIT_CPU.
  prog('sys_ptimer', '/tmp/sys_ptimer', [], {
    stdout:
      /overrun after ~105ms blocked at 10ms: siginfo 9ish, getoverrun same\n(.*\n)*cpu timer fired val 5\n(.*\n)*SIGVTALRM and SIGPROF came\n(.*\n)*child: SIGXCPU at the soft limit\nchild ended by 137\ndone\n$/,
  }),
  // Argument checks and file-size limits LTP found departing: O_PATH, getrusage, mknod, wait4(INT_MIN), SA_RESETHAND, readlink, RLIMIT_FSIZE.
  prog('sys_edges', '/tmp/sys_edges', [], {
    stdout: /fchmod\(pf, 0600\) = -1 EBADF\n(.*\n)*pwrite\(fd, buf, 64, 60\) = 40\n(.*\n)*SIGXFSZ so far 3\n(.*\n)*done\n$/,
  }),
  // Single errno and semantic details LTP found departing (issue 12 §7): raw socket protocol 0, ETXTBSY, O_NOATIME,
  // mmap of O_PATH and /dev/zero, memfd write seals, sendfile's offset write-back, pidfd_send_signal on /proc/N,
  // PIDFD_NONBLOCK waits, getcwd outside the root, personality and STICKY_TIMEOUTS, RLIMIT_SIGPENDING for RT signals.
  prog('sys_errno', '/tmp/sys_errno', [], {
    stdout:
      /socket\(AF_INET, SOCK_RAW, 0\) = -1 EPROTONOSUPPORT\n(.*\n)*execv\(copy open for writing\) = -1 ETXTBSY\nopen\("\/tmp\/errno-f", O_RDONLY \| O_NOATIME\) = -1 EPERM\n(.*\n)*fcntl\(m, F_ADD_SEALS, F_SEAL_WRITE\) = -1 EBUSY\n(.*\n)*sendfile\(out, fd, ro, 1\) = -1 EFAULT\n(.*\n)*waitid\(P_PIDFD, pidfd, &si, WEXITED\) = -1 EAGAIN\n(.*\n)*getcwd outside root: \(unreachable\)\/\.\.\.\n(.*\n)*sticky timeout: 10\nchild persona 0x4000000\nsyscall\(SYS_tgkill, getpid\(\), gettid\(\), SIGRTMIN\) = -1 EAGAIN\n(.*\n)*done\n$/,
  }),
  // rename/renameat2/link departures a fuzzer found: hard links of one file, RENAME_EXCHANGE, RENAME_NOREPLACE,
  // the ancestor traps, link of a directory, read on a directory, tmpfs directory sizes, statfs of a tmpfs with
  // size= and nr_inodes= (df's figures). Mounts its own tmpfs.
  prog('sys_rename', '/tmp/sys_rename', [], {
    stdout:
      /rename\("f", "g"\) = 0\nf links 2 g links 2\n(.*\n)*a: \[banana\]\n(.*\n)*rename\("d\/sub", "d"\) = -1 ENOTEMPTY\n(.*\n)*link\("d", "loop\/x"\) = -1 ELOOP\n(.*\n)*pread\(dfd, buf, sizeof buf, 0\) = -1 EISDIR\nread\(dfd, buf, 0\) = -1 EISDIR\nsizes: \. 160 d 60 d\/sub 60\n(.*\n)*fresh: blocks 256 bfree 256 files 100 ffree 99\n(.*\n)*used: blocks 256 bfree 254 files 100 ffree 96\n(.*\n)*done\n$/,
  }),
  prog(
    'tty_job',
    '/tmp/tty_job',
    [],
    {
      stdout:
        /tcsetpgrp\(s, 0\) = -1 ESRCH\n(.*\n)*\^Z: stopped by TSTP\n(.*\n)*background write with TOSTOP: stopped by TTOU\n(.*\n)*got WINCH, size 40x132 \(800x600 px\)\n(.*\n)*leader: read = -1 EIO, got HUP\n(.*\n)*done\n$/,
    },
    { timeoutMs: 60_000 },
  ),
  prog('crash', '/tmp/crash', ['segv'], { status: 139, stdout: 'mode segv\n' }),
  prog('crash', '/tmp/crash', ['ill'], { status: 132, stdout: 'mode ill\n' }),
  prog('crash', '/tmp/crash', ['ill-handled'], { stdout: 'mode ill-handled\ncaught sig=4 code=1 addr_is_pc=1\n' }),
  prog('crash', '/tmp/crash', ['ebreak-handled'], { stdout: 'mode ebreak-handled\ncaught sig=5 code=1 addr_is_pc=1\n' }),
  // The shell reports how its child died.
  // A JIT-like guest, its code hot enough to be compiled: written and mprotect'ed executable, rewritten after
  // fence.i, unmapped and other code mapped at the same address, copied on write by fork, made non-executable.
  // In every tier: a compiled copy that outlived its code shows up as an old value.
  ...TIER_NAMES.map((tier) => ({
    // in /tmp: each case has its own copy there, as the four run side by side
    ...prog('isa_jit', '/tmp/isa_jit', [], {
      stdout:
        /^(.*\n)*k=11 rewritten in place: 11000\n(.*\n)*across pages, second page changed: 13001\n(.*\n)*parent still k=11: 11000\n(.*\n)*remapped again k=19: 19000\n(.*\n)*after PROT_READ: sig=11 code=2\n(.*\n)*done\n$/,
    }),
    name: `isa_jit (--jit ${tier})`,
    extraArgs: ['--jit', tier],
  })),
  {
    ...prog('crash', '/tmp/crash', [], {}),
    name: 'crashes seen from busybox sh',
    argv: ['/bin/busybox', 'sh', '-c', '/tmp/crash segv; echo rc=$?; /tmp/crash ill; echo rc=$?'],
    expect: { stdout: 'mode segv\nrc=139\nmode ill\nrc=132\n', stderr: /Segmentation fault\n(.*\n)*Illegal instruction\n/ },
  },
];

// Code written through a writable view of a shared memfd page and run through an executable view of the same
// page, after riscv_flush_icache. Not against qemu-user: it translates per virtual page and keeps running the
// first code (21000 three times). Linux runs the new code: fence.i and riscv_flush_icache order stores before
// instruction fetches of the same physical memory, whatever address wrote it (RISC-V unprivileged ISA, Zifencei).
// (Before the differential cases: their `after` removes the scratch root.)
describe("a JIT's dual-mapped code page, in every tier", { skip, concurrency: 2 }, () => {
  for (const tier of TIER_NAMES)
    test(`isa_jit alias (--jit ${tier})`, async () => {
      const r = await runTuxglass(env!, ['/isa_jit', 'alias'], { add: [{ host: built.paths.isa_jit ?? '', guest: '/isa_jit' }], extraArgs: ['--jit', tier] });
      assert.equal(text(r.stdout), 'dual view k=21: 21000\ndual view k=23: 23000\ndual view k=25: 25000\n', text(r.stderr));
      assert.equal(r.status, 0);
    });
});

describe('guest programs: tuxglass against Linux', { skip, concurrency: 2 }, () => {
  after(() => env?.cleanup());
  for (const c of cases) test(c.name, (t) => diffCase(t, env!, c));
});
