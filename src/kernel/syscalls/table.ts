// The system call table: every riscv64 syscall number of Linux 6.12, the
// handler that serves it and how completely (gVisor's per-architecture
// syscall tables are the model; xv6's syscall.c is the same idea, one explicit
// array). A number is
//   implemented  the handler does what Linux does, as far as anyone has found;
//   partial      the handler works, and the note says what it lacks;
//   ENOSYS       there is no handler, the dispatcher answers -ENOSYS, and the
//                note says why.
// Handlers are imported by name: nothing registers itself. The dispatcher
// (the ecall path in entry.ts) calls `invokeSyscall`; `tuxglass syscalls`
// prints this table.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { sys_acct } from '../acct.js';
import { NR, type SyscallName } from './nr.js';
import { ENOSYS } from '../errno.js';
import { sys_capget, sys_capset } from './capability.js';
import { sys_flock } from './locks.js';
import { sys_epoll_create1, sys_epoll_ctl, sys_epoll_pwait, sys_epoll_pwait2 } from './epoll.js';
import { sys_name_to_handle_at, sys_open_by_handle_at } from './fhandle.js';
import { sys_kcmp } from './kcmp.js';
import { sys_vhangup } from '../drivers/tty/vhangup.js';
import {
  sys_dup,
  sys_dup3,
  sys_fcntl,
  sys_ioctl,
  sys_openat,
  sys_close,
  sys_pipe2,
  sys_lseek,
  sys_read,
  sys_write,
  sys_readv,
  sys_writev,
  sys_pread64,
  sys_pwrite64,
  sys_preadv,
  sys_pwritev,
  sys_sendfile,
  sys_copy_file_range,
  sys_close_range,
  sys_preadv2,
  sys_pwritev2,
} from './fs-io.js';
import {
  sys_getcwd,
  sys_mknodat,
  sys_mkdirat,
  sys_unlinkat,
  sys_symlinkat,
  sys_linkat,
  sys_renameat,
  sys_statfs,
  sys_fstatfs,
  sys_truncate,
  sys_ftruncate,
  sys_faccessat,
  sys_chdir,
  sys_fchdir,
  sys_chroot,
  sys_fchmod,
  sys_fchmodat,
  sys_fchmodat2,
  sys_fchownat,
  sys_fchown,
  sys_getdents64,
  sys_readlinkat,
  sys_newfstatat,
  sys_fstat,
  sys_utimensat,
  sys_renameat2,
  sys_statx,
  sys_faccessat2,
} from './fs-meta.js';
import { sys_fallocate, sys_sync, sys_fsync, sys_fdatasync, sys_sync_file_range, sys_fadvise64, sys_syncfs, sys_readahead } from './fsync.js';
import { sys_futex, sys_set_robust_list, sys_get_robust_list, sys_futex_waitv } from './futex.js';
import { sys_getgroups, sys_setgroups } from './groups.js';
import { sys_riscv_hwprobe } from './hwprobe.js';
import { sys_riscv_flush_icache } from './cacheflush.js';
import { sys_memfd_create } from './memfd.js';
import {
  sys_brk,
  sys_munmap,
  sys_mremap,
  sys_mmap,
  sys_mprotect,
  sys_msync,
  sys_mlock,
  sys_munlock,
  sys_mlockall,
  sys_munlockall,
  sys_mincore,
  sys_madvise,
  sys_membarrier,
  sys_mlock2,
} from './mm.js';
import { sys_umount2, sys_mount, sys_pivot_root } from './mount.js';
import { sys_swapon, sys_swapoff } from './swap.js';
import {
  sys_socket,
  sys_socketpair,
  sys_bind,
  sys_listen,
  sys_accept,
  sys_connect,
  sys_getsockname,
  sys_getpeername,
  sys_sendto,
  sys_recvfrom,
  sys_setsockopt,
  sys_getsockopt,
  sys_shutdown,
  sys_sendmsg,
  sys_recvmsg,
  sys_accept4,
  sys_sendmmsg,
  sys_recvmmsg,
} from './net.js';
import { sys_pidfd_send_signal, sys_pidfd_open, sys_pidfd_getfd } from './pidfd.js';
import { sys_pselect6, sys_ppoll } from './poll.js';
import { sys_personality, sys_exit, sys_exit_group, sys_waitid, sys_set_tid_address, sys_clone, sys_execve, sys_wait4, sys_clone3 } from './process.js';
import { sys_ptrace, sys_process_vm_readv, sys_process_vm_writev } from './ptrace.js';
import { sys_getrandom } from './random.js';
import { sys_reboot } from './reboot.js';
import { sys_rseq } from './rseq.js';
import {
  sys_ioprio_set,
  sys_ioprio_get,
  sys_sched_setparam,
  sys_sched_setscheduler,
  sys_sched_getscheduler,
  sys_sched_getparam,
  sys_sched_setaffinity,
  sys_sched_getaffinity,
  sys_sched_yield,
  sys_sched_get_priority_max,
  sys_sched_get_priority_min,
  sys_sched_rr_get_interval,
  sys_setpriority,
  sys_getpriority,
  sys_sched_setattr,
  sys_sched_getattr,
} from './sched.js';
import {
  sys_getitimer,
  sys_setitimer,
  sys_kill,
  sys_tkill,
  sys_tgkill,
  sys_sigaltstack,
  sys_rt_sigsuspend,
  sys_rt_sigaction,
  sys_rt_sigprocmask,
  sys_rt_sigpending,
  sys_rt_sigtimedwait,
  sys_rt_sigqueueinfo,
  sys_rt_sigreturn,
  sys_rt_tgsigqueueinfo,
} from './signal.js';
import { sys_vmsplice, sys_splice, sys_tee } from './splice.js';
import {
  sys_setregid,
  sys_setgid,
  sys_setreuid,
  sys_setuid,
  sys_setresuid,
  sys_getresuid,
  sys_setresgid,
  sys_getresgid,
  sys_setfsuid,
  sys_setfsgid,
  sys_times,
  sys_setpgid,
  sys_getpgid,
  sys_getsid,
  sys_setsid,
  sys_uname,
  sys_sethostname,
  sys_setdomainname,
  sys_getrlimit,
  sys_setrlimit,
  sys_getrusage,
  sys_umask,
  sys_prctl,
  sys_getcpu,
  sys_getpid,
  sys_getppid,
  sys_getuid,
  sys_geteuid,
  sys_getgid,
  sys_getegid,
  sys_gettid,
  sys_sysinfo,
  sys_prlimit64,
} from './sys.js';
import { sys_syslog } from './syslog.js';
import { sys_nanosleep, sys_clock_gettime, sys_clock_getres, sys_clock_nanosleep, sys_gettimeofday, sys_settimeofday, sys_clock_settime } from './time.js';
import { sys_adjtimex, sys_clock_adjtime } from './adjtimex.js';
import {
  sys_setxattr,
  sys_lsetxattr,
  sys_fsetxattr,
  sys_getxattr,
  sys_lgetxattr,
  sys_fgetxattr,
  sys_listxattr,
  sys_llistxattr,
  sys_flistxattr,
  sys_removexattr,
  sys_lremovexattr,
  sys_fremovexattr,
} from './xattr.js';
import { sys_eventfd2 } from '../fs/eventfd.js';
import { sys_inotify_init1, sys_inotify_add_watch, sys_inotify_rm_watch } from '../fs/inotify.js';
import { sys_mq_open, sys_mq_unlink, sys_mq_timedsend, sys_mq_timedreceive, sys_mq_notify, sys_mq_getsetattr } from '../ipc/mqueue.js';
import { sys_msgget, sys_msgctl, sys_msgrcv, sys_msgsnd } from '../ipc/msg.js';
import { sys_semget, sys_semctl, sys_semtimedop, sys_semop } from '../ipc/sem.js';
import { sys_shmget, sys_shmctl, sys_shmat, sys_shmdt } from '../ipc/shm.js';
import { sys_signalfd4 } from '../signal/signalfd.js';
import { sys_timer_create, sys_timer_settime, sys_timer_gettime, sys_timer_getoverrun, sys_timer_delete } from '../time/posix-timers.js';
import { sys_timerfd_create, sys_timerfd_settime, sys_timerfd_gettime } from '../time/timerfd.js';

/** A handler: the kernel, the calling task, and its arguments read once at the ecall. */
export type SyscallFn = (k: Kernel, t: Task, a: SyscallArgs) => SyscallResult;

export type SyscallStatus = 'implemented' | 'partial' | 'enosys';

export interface SyscallEntry {
  readonly name: SyscallName;
  readonly status: SyscallStatus;
  /** null exactly when the status is 'enosys'. */
  readonly handler: SyscallFn | null;
  /** partial: what is missing; enosys: why there is no handler; implemented: empty. */
  readonly note: string;
}

const implemented = (name: SyscallName, handler: SyscallFn): SyscallEntry => ({ name, status: 'implemented', handler, note: '' });
const partial = (name: SyscallName, handler: SyscallFn, missing: string): SyscallEntry => ({ name, status: 'partial', handler, note: missing });
const enosys = (name: SyscallName, why: string): SyscallEntry => ({ name, status: 'enosys', handler: null, note: why });

/** Keyed by syscall number; the numbers 244-257 are riscv's unused arch-specific range, 295-423 were never assigned. */
export const SYSCALL_TABLE: Readonly<Record<number, SyscallEntry>> = {
  0: enosys('io_setup', "no in-kernel asynchronous I/O (fs/aio.c); glibc's POSIX AIO uses threads instead"),
  1: enosys('io_destroy', 'no in-kernel asynchronous I/O (see io_setup)'),
  2: enosys('io_submit', 'no in-kernel asynchronous I/O (see io_setup)'),
  3: enosys('io_cancel', 'no in-kernel asynchronous I/O (see io_setup)'),
  4: enosys('io_getevents', 'no in-kernel asynchronous I/O (see io_setup)'),
  5: implemented('setxattr', sys_setxattr),
  6: implemented('lsetxattr', sys_lsetxattr),
  7: implemented('fsetxattr', sys_fsetxattr),
  8: implemented('getxattr', sys_getxattr),
  9: implemented('lgetxattr', sys_lgetxattr),
  10: implemented('fgetxattr', sys_fgetxattr),
  11: implemented('listxattr', sys_listxattr),
  12: implemented('llistxattr', sys_llistxattr),
  13: implemented('flistxattr', sys_flistxattr),
  14: implemented('removexattr', sys_removexattr),
  15: implemented('lremovexattr', sys_lremovexattr),
  16: implemented('fremovexattr', sys_fremovexattr),
  17: implemented('getcwd', sys_getcwd),
  18: enosys('lookup_dcookie', 'served oprofile, and Linux has since removed it too'),
  19: implemented('eventfd2', sys_eventfd2),
  20: implemented('epoll_create1', sys_epoll_create1),
  21: implemented('epoll_ctl', sys_epoll_ctl),
  22: implemented('epoll_pwait', sys_epoll_pwait),
  23: implemented('dup', sys_dup),
  24: implemented('dup3', sys_dup3),
  25: partial('fcntl', sys_fcntl, 'a blocking open that breaks a lease completes the break at once instead of waiting lease-break-time'),
  26: implemented('inotify_init1', sys_inotify_init1),
  27: implemented('inotify_add_watch', sys_inotify_add_watch),
  28: implemented('inotify_rm_watch', sys_inotify_rm_watch),
  29: implemented('ioctl', sys_ioctl),
  30: implemented('ioprio_set', sys_ioprio_set),
  31: implemented('ioprio_get', sys_ioprio_get),
  32: implemented('flock', sys_flock),
  33: implemented('mknodat', sys_mknodat),
  34: implemented('mkdirat', sys_mkdirat),
  35: implemented('unlinkat', sys_unlinkat),
  36: implemented('symlinkat', sys_symlinkat),
  37: implemented('linkat', sys_linkat),
  38: implemented('renameat', sys_renameat),
  39: implemented('umount2', sys_umount2),
  40: partial(
    'mount',
    sys_mount,
    'MS_MOVE answers EINVAL; MS_BIND|MS_REC binds only the top mount; propagation flags change nothing ' + '(one mount namespace, no peers)',
  ),
  41: partial('pivot_root', sys_pivot_root, 'never switches roots: answers EINVAL (as for a new root that is not a mount point), EPERM without privilege'),
  42: enosys('nfsservctl', 'removed from Linux in 3.1; ENOSYS there too'),
  43: implemented('statfs', sys_statfs),
  44: implemented('fstatfs', sys_fstatfs),
  45: implemented('truncate', sys_truncate),
  46: implemented('ftruncate', sys_ftruncate),
  47: implemented('fallocate', sys_fallocate),
  48: implemented('faccessat', sys_faccessat),
  49: implemented('chdir', sys_chdir),
  50: implemented('fchdir', sys_fchdir),
  51: implemented('chroot', sys_chroot),
  52: implemented('fchmod', sys_fchmod),
  53: implemented('fchmodat', sys_fchmodat),
  54: implemented('fchownat', sys_fchownat),
  55: implemented('fchown', sys_fchown),
  56: partial('openat', sys_openat, 'O_TMPFILE only on tmpfs (EOPNOTSUPP elsewhere)'),
  57: implemented('close', sys_close),
  58: implemented('vhangup', sys_vhangup),
  59: implemented('pipe2', sys_pipe2),
  60: enosys('quotactl', 'no disk quotas (no quota-capable filesystem yet)'),
  61: implemented('getdents64', sys_getdents64),
  62: implemented('lseek', sys_lseek),
  63: implemented('read', sys_read),
  64: implemented('write', sys_write),
  65: implemented('readv', sys_readv),
  66: implemented('writev', sys_writev),
  67: implemented('pread64', sys_pread64),
  68: implemented('pwrite64', sys_pwrite64),
  69: implemented('preadv', sys_preadv),
  70: implemented('pwritev', sys_pwritev),
  71: implemented('sendfile', sys_sendfile),
  72: implemented('pselect6', sys_pselect6),
  73: implemented('ppoll', sys_ppoll),
  74: implemented('signalfd4', sys_signalfd4),
  75: implemented('vmsplice', sys_vmsplice),
  76: implemented('splice', sys_splice),
  77: implemented('tee', sys_tee),
  78: implemented('readlinkat', sys_readlinkat),
  79: implemented('newfstatat', sys_newfstatat),
  80: implemented('fstat', sys_fstat),
  81: implemented('sync', sys_sync),
  82: implemented('fsync', sys_fsync),
  83: implemented('fdatasync', sys_fdatasync),
  84: implemented('sync_file_range', sys_sync_file_range),
  85: implemented('timerfd_create', sys_timerfd_create),
  86: implemented('timerfd_settime', sys_timerfd_settime),
  87: implemented('timerfd_gettime', sys_timerfd_gettime),
  88: implemented('utimensat', sys_utimensat),
  89: partial('acct', sys_acct, 'ASU is never set and accounting is not suspended when the file system runs low'),
  90: partial('capget', sys_capget, 'capabilities are not modelled: root reads the full set, anyone else an empty one'),
  91: partial('capset', sys_capset, 'capabilities are not modelled: root may call it and nothing changes; anyone else gets EPERM'),
  92: partial(
    'personality',
    sys_personality,
    'the persona is kept and read back as given; only STICKY_TIMEOUTS acts (other domains and flags such as ADDR_NO_RANDOMIZE change nothing)',
  ),
  93: implemented('exit', sys_exit),
  94: implemented('exit_group', sys_exit_group),
  95: implemented('waitid', sys_waitid),
  96: implemented('set_tid_address', sys_set_tid_address),
  97: enosys('unshare', 'no namespaces yet (mount, PID, network, UTS, IPC, user, cgroup, time)'),
  98: partial('futex', sys_futex, 'FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI answer ENOSYS'),
  99: implemented('set_robust_list', sys_set_robust_list),
  100: partial('get_robust_list', sys_get_robust_list, "reports the caller's own list whatever pid is asked for"),
  101: implemented('nanosleep', sys_nanosleep),
  102: implemented('getitimer', sys_getitimer),
  103: implemented('setitimer', sys_setitimer),
  104: enosys('kexec_load', 'no kexec: reboot(2) cannot load a new kernel'),
  105: enosys('init_module', 'no loadable modules: every driver is built in'),
  106: enosys('delete_module', 'no loadable modules: every driver is built in'),
  107: implemented('timer_create', sys_timer_create),
  108: implemented('timer_gettime', sys_timer_gettime),
  109: implemented('timer_getoverrun', sys_timer_getoverrun),
  110: implemented('timer_settime', sys_timer_settime),
  111: implemented('timer_delete', sys_timer_delete),
  112: implemented('clock_settime', sys_clock_settime),
  113: partial('clock_gettime', sys_clock_gettime, 'the CPU clocks of a given process or thread (clock_getcpuclockid, pthread_getcpuclockid) answer EINVAL'),
  114: partial('clock_getres', sys_clock_getres, 'as clock_gettime: per-process and per-thread CPU clock ids answer EINVAL'),
  115: partial('clock_nanosleep', sys_clock_nanosleep, 'CLOCK_PROCESS_CPUTIME_ID and the alarm clocks answer EOPNOTSUPP (Linux sleeps on them)'),
  116: implemented('syslog', sys_syslog),
  117: partial(
    'ptrace',
    sys_ptrace,
    'PTRACE_PEEKSIGINFO, PTRACE_GET_RSEQ_CONFIGURATION and the syscall-user-dispatch requests answer EIO; ' + 'no PTRACE_SECCOMP_GET_FILTER (no seccomp)',
  ),
  118: implemented('sched_setparam', sys_sched_setparam),
  119: implemented('sched_setscheduler', sys_sched_setscheduler),
  120: implemented('sched_getscheduler', sys_sched_getscheduler),
  121: implemented('sched_getparam', sys_sched_getparam),
  122: implemented('sched_setaffinity', sys_sched_setaffinity),
  123: implemented('sched_getaffinity', sys_sched_getaffinity),
  124: implemented('sched_yield', sys_sched_yield),
  125: implemented('sched_get_priority_max', sys_sched_get_priority_max),
  126: implemented('sched_get_priority_min', sys_sched_get_priority_min),
  127: implemented('sched_rr_get_interval', sys_sched_rr_get_interval),
  128: enosys(
    'restart_syscall',
    'interrupted sleeps restart by re-running the call with its typed restart state ' + '(restart.ts), never through restart_syscall',
  ),
  129: implemented('kill', sys_kill),
  130: implemented('tkill', sys_tkill),
  131: implemented('tgkill', sys_tgkill),
  132: implemented('sigaltstack', sys_sigaltstack),
  133: implemented('rt_sigsuspend', sys_rt_sigsuspend),
  134: implemented('rt_sigaction', sys_rt_sigaction),
  135: implemented('rt_sigprocmask', sys_rt_sigprocmask),
  136: implemented('rt_sigpending', sys_rt_sigpending),
  137: implemented('rt_sigtimedwait', sys_rt_sigtimedwait),
  138: implemented('rt_sigqueueinfo', sys_rt_sigqueueinfo),
  139: implemented('rt_sigreturn', sys_rt_sigreturn),
  140: implemented('setpriority', sys_setpriority),
  141: implemented('getpriority', sys_getpriority),
  142: implemented('reboot', sys_reboot),
  143: implemented('setregid', sys_setregid),
  144: implemented('setgid', sys_setgid),
  145: implemented('setreuid', sys_setreuid),
  146: implemented('setuid', sys_setuid),
  147: implemented('setresuid', sys_setresuid),
  148: implemented('getresuid', sys_getresuid),
  149: implemented('setresgid', sys_setresgid),
  150: implemented('getresgid', sys_getresgid),
  151: implemented('setfsuid', sys_setfsuid),
  152: implemented('setfsgid', sys_setfsgid),
  153: implemented('times', sys_times),
  154: implemented('setpgid', sys_setpgid),
  155: implemented('getpgid', sys_getpgid),
  156: implemented('getsid', sys_getsid),
  157: implemented('setsid', sys_setsid),
  158: implemented('getgroups', sys_getgroups),
  159: implemented('setgroups', sys_setgroups),
  160: implemented('uname', sys_uname),
  161: implemented('sethostname', sys_sethostname),
  162: implemented('setdomainname', sys_setdomainname),
  163: implemented('getrlimit', sys_getrlimit),
  164: partial(
    'setrlimit',
    sys_setrlimit,
    'limits are kept and reported; RLIMIT_NOFILE, NPROC, MEMLOCK, NICE, RTPRIO, SIGPENDING and CPU are ' +
      'enforced, FSIZE, DATA, STACK, AS, CORE, LOCKS, MSGQUEUE and RTTIME are not',
  ),
  165: implemented('getrusage', sys_getrusage),
  166: implemented('umask', sys_umask),
  167: partial(
    'prctl',
    sys_prctl,
    'PR_SET_VMA (anonymous VMA names) is accepted and ignored; PR_CAP_AMBIENT_RAISE is always EPERM (no ' +
      'inheritable capabilities); seccomp, PR_SET_MM, PR_CAPBSET_DROP, PR_SET_SECUREBITS, the speculation ' +
      'and memory-tagging controls and other options answer EINVAL',
  ),
  168: implemented('getcpu', sys_getcpu),
  169: implemented('gettimeofday', sys_gettimeofday),
  170: implemented('settimeofday', sys_settimeofday),
  171: partial(
    'adjtimex',
    sys_adjtimex,
    'the NTP state is kept and reported, leap seconds are made, but the clock is not slewed: offset, frequency, tick and adjtime() offsets do not change its rate',
  ),
  172: implemented('getpid', sys_getpid),
  173: implemented('getppid', sys_getppid),
  174: implemented('getuid', sys_getuid),
  175: implemented('geteuid', sys_geteuid),
  176: implemented('getgid', sys_getgid),
  177: implemented('getegid', sys_getegid),
  178: implemented('gettid', sys_gettid),
  179: partial('sysinfo', sys_sysinfo, 'sharedram, bufferram and the swap fields read 0; procs counts processes, Linux counts threads'),
  180: implemented('mq_open', sys_mq_open),
  181: implemented('mq_unlink', sys_mq_unlink),
  182: implemented('mq_timedsend', sys_mq_timedsend),
  183: implemented('mq_timedreceive', sys_mq_timedreceive),
  184: implemented('mq_notify', sys_mq_notify),
  185: implemented('mq_getsetattr', sys_mq_getsetattr),
  186: implemented('msgget', sys_msgget),
  187: implemented('msgctl', sys_msgctl),
  188: implemented('msgrcv', sys_msgrcv),
  189: implemented('msgsnd', sys_msgsnd),
  190: implemented('semget', sys_semget),
  191: implemented('semctl', sys_semctl),
  192: implemented('semtimedop', sys_semtimedop),
  193: implemented('semop', sys_semop),
  194: partial('shmget', sys_shmget, 'SHM_HUGETLB answers EINVAL (no hugetlbfs)'),
  195: implemented('shmctl', sys_shmctl),
  196: implemented('shmat', sys_shmat),
  197: implemented('shmdt', sys_shmdt),
  198: implemented('socket', sys_socket),
  199: implemented('socketpair', sys_socketpair),
  200: implemented('bind', sys_bind),
  201: implemented('listen', sys_listen),
  202: implemented('accept', sys_accept),
  203: implemented('connect', sys_connect),
  204: implemented('getsockname', sys_getsockname),
  205: implemented('getpeername', sys_getpeername),
  206: implemented('sendto', sys_sendto),
  207: implemented('recvfrom', sys_recvfrom),
  208: implemented('setsockopt', sys_setsockopt),
  209: implemented('getsockopt', sys_getsockopt),
  210: implemented('shutdown', sys_shutdown),
  211: implemented('sendmsg', sys_sendmsg),
  212: implemented('recvmsg', sys_recvmsg),
  213: implemented('readahead', sys_readahead),
  214: implemented('brk', sys_brk),
  215: implemented('munmap', sys_munmap),
  216: partial('mremap', sys_mremap, 'MREMAP_DONTUNMAP is accepted and ignored (the old range is unmapped)'),
  217: enosys('add_key', 'no kernel key retention service (keyrings)'),
  218: enosys('request_key', 'no kernel key retention service (see add_key)'),
  219: enosys('keyctl', 'no kernel key retention service (see add_key)'),
  220: partial('clone', sys_clone, 'namespace flags (CLONE_NEW*) are accepted and make no namespace; CLONE_SYSVSEM does not share ' + 'semaphore undo lists'),
  221: implemented('execve', sys_execve),
  222: partial(
    'mmap',
    sys_mmap,
    'only regular files can be mapped: device files (/dev/zero, /dev/mem, ...) answer ENODEV; MAP_HUGETLB ' + 'gets ordinary pages',
  ),
  223: implemented('fadvise64', sys_fadvise64),
  224: partial('swapon', sys_swapon, 'block devices only: a regular file (ext4) is refused with EINVAL'),
  225: implemented('swapoff', sys_swapoff),
  226: partial('mprotect', sys_mprotect, 'PROT_GROWSDOWN and PROT_GROWSUP are accepted and ignored'),
  227: implemented('msync', sys_msync),
  228: implemented('mlock', sys_mlock),
  229: implemented('munlock', sys_munlock),
  230: implemented('mlockall', sys_mlockall),
  231: implemented('munlockall', sys_munlockall),
  232: implemented('mincore', sys_mincore),
  233: partial(
    'madvise',
    sys_madvise,
    'MADV_DONTNEED and MADV_FREE drop private pages; every other advice (MADV_DONTFORK, MADV_WIPEONFORK, ' + 'MADV_HUGEPAGE, ...) is accepted and does nothing',
  ),
  234: enosys('remap_file_pages', 'deprecated since Linux 3.16 and not implemented'),
  235: enosys('mbind', 'no NUMA memory policies: the machine has one node'),
  236: enosys('get_mempolicy', 'no NUMA memory policies (see mbind)'),
  237: enosys('set_mempolicy', 'no NUMA memory policies (see mbind)'),
  238: enosys('migrate_pages', 'no NUMA: nothing to migrate between nodes'),
  239: enosys('move_pages', 'no NUMA: nothing to move between nodes'),
  240: implemented('rt_tgsigqueueinfo', sys_rt_tgsigqueueinfo),
  241: enosys('perf_event_open', 'no performance counters or perf events'),
  242: implemented('accept4', sys_accept4),
  243: partial('recvmmsg', sys_recvmmsg, 'only the first datagram is waited for, as with MSG_WAITFORONE'),
  258: implemented('riscv_hwprobe', sys_riscv_hwprobe),
  259: implemented('riscv_flush_icache', sys_riscv_flush_icache),
  260: implemented('wait4', sys_wait4),
  261: partial('prlimit64', sys_prlimit64, 'as setrlimit: only RLIMIT_NOFILE, NPROC, MEMLOCK, NICE, RTPRIO, SIGPENDING and CPU are enforced'),
  262: enosys('fanotify_init', 'no fanotify (inotify is implemented)'),
  263: enosys('fanotify_mark', 'no fanotify (see fanotify_init)'),
  264: partial(
    'name_to_handle_at',
    sys_name_to_handle_at,
    'decodable handles exist for tmpfs only (other filesystems give AT_HANDLE_FID handles, else EOPNOTSUPP); no AT_HANDLE_MNT_ID_UNIQUE',
  ),
  265: partial('open_by_handle_at', sys_open_by_handle_at, 'tmpfs handles of files that still have a name (an unlinked open file is ESTALE)'),
  266: partial('clock_adjtime', sys_clock_adjtime, 'CLOCK_REALTIME only, as adjtimex (no dynamic POSIX clocks)'),
  267: implemented('syncfs', sys_syncfs),
  268: enosys('setns', 'no namespaces yet (see unshare)'),
  269: implemented('sendmmsg', sys_sendmmsg),
  270: implemented('process_vm_readv', sys_process_vm_readv),
  271: implemented('process_vm_writev', sys_process_vm_writev),
  272: implemented('kcmp', sys_kcmp),
  273: enosys('finit_module', 'no loadable modules: every driver is built in'),
  274: implemented('sched_setattr', sys_sched_setattr),
  275: implemented('sched_getattr', sys_sched_getattr),
  276: partial('renameat2', sys_renameat2, 'RENAME_EXCHANGE answers EINVAL; RENAME_WHITEOUT is accepted and ignored'),
  277: enosys('seccomp', 'no seccomp filters (and no BPF to write them in)'),
  278: implemented('getrandom', sys_getrandom),
  279: partial('memfd_create', sys_memfd_create, 'MFD_HUGETLB answers EINVAL (no hugetlbfs)'),
  280: enosys('bpf', 'no BPF virtual machine'),
  281: enosys('execveat', 'not implemented yet: fexecve and execveat(AT_EMPTY_PATH) fail'),
  282: enosys('userfaultfd', 'no user-space page fault handling'),
  283: implemented('membarrier', sys_membarrier),
  284: implemented('mlock2', sys_mlock2),
  285: implemented('copy_file_range', sys_copy_file_range),
  286: implemented('preadv2', sys_preadv2),
  287: implemented('pwritev2', sys_pwritev2),
  288: enosys('pkey_mprotect', 'no memory protection keys (riscv64 has none)'),
  289: enosys('pkey_alloc', 'no memory protection keys (riscv64 has none)'),
  290: enosys('pkey_free', 'no memory protection keys (riscv64 has none)'),
  291: implemented('statx', sys_statx),
  292: enosys('io_pgetevents', 'no in-kernel asynchronous I/O (see io_setup)'),
  293: implemented('rseq', sys_rseq),
  294: enosys('kexec_file_load', 'no kexec (see kexec_load)'),
  424: partial('pidfd_send_signal', sys_pidfd_send_signal, 'the PIDFD_SIGNAL_* scope flags answer EINVAL'),
  425: enosys('io_uring_setup', 'no io_uring'),
  426: enosys('io_uring_enter', 'no io_uring'),
  427: enosys('io_uring_register', 'no io_uring'),
  428: enosys('open_tree', 'no new mount API yet (fsopen, fsmount, move_mount, open_tree...): mount(2) works'),
  429: enosys('move_mount', 'no new mount API yet (see open_tree)'),
  430: enosys('fsopen', 'no new mount API yet (see open_tree)'),
  431: enosys('fsconfig', 'no new mount API yet (see open_tree)'),
  432: enosys('fsmount', 'no new mount API yet (see open_tree)'),
  433: enosys('fspick', 'no new mount API yet (see open_tree)'),
  434: partial('pidfd_open', sys_pidfd_open, 'PIDFD_THREAD (a pidfd for a thread) answers EINVAL'),
  435: partial(
    'clone3',
    sys_clone3,
    'as clone; set_tid is checked but the child gets the next free pid; CLONE_INTO_CGROUP answers EINVAL ' +
      '(no cgroups); CLONE_CLEAR_SIGHAND is skipped with CLONE_VFORK',
  ),
  436: partial('close_range', sys_close_range, 'CLOSE_RANGE_UNSHARE does not unshare the table, and unknown flags are not refused'),
  437: enosys('openat2', 'not implemented yet: struct open_how and its RESOLVE_* flags'),
  438: implemented('pidfd_getfd', sys_pidfd_getfd),
  439: implemented('faccessat2', sys_faccessat2),
  440: enosys('process_madvise', 'not implemented yet'),
  441: implemented('epoll_pwait2', sys_epoll_pwait2),
  442: enosys('mount_setattr', 'no new mount API yet (see open_tree)'),
  443: enosys('quotactl_fd', 'no disk quotas (see quotactl)'),
  444: enosys('landlock_create_ruleset', 'no Landlock (no Linux security modules)'),
  445: enosys('landlock_add_rule', 'no Landlock (no Linux security modules)'),
  446: enosys('landlock_restrict_self', 'no Landlock (no Linux security modules)'),
  447: enosys('memfd_secret', 'no secret memory areas (memfd_create works)'),
  448: enosys('process_mrelease', 'not implemented yet'),
  449: implemented('futex_waitv', sys_futex_waitv),
  450: enosys('set_mempolicy_home_node', 'no NUMA memory policies (see mbind)'),
  451: enosys('cachestat', 'not implemented yet: no page-cache statistics per range'),
  452: implemented('fchmodat2', sys_fchmodat2),
  453: enosys('map_shadow_stack', 'no shadow stacks (an x86 feature; ENOSYS on riscv64 Linux too)'),
  454: enosys('futex_wake', 'not implemented yet: the futex2 calls (futex and futex_waitv work)'),
  455: enosys('futex_wait', 'not implemented yet: the futex2 calls (see futex_wake)'),
  456: enosys('futex_requeue', 'not implemented yet: the futex2 calls (see futex_wake)'),
  457: enosys('statmount', 'no new mount API yet (see open_tree)'),
  458: enosys('listmount', 'no new mount API yet (see open_tree)'),
  459: enosys('lsm_get_self_attr', 'no Linux security modules'),
  460: enosys('lsm_set_self_attr', 'no Linux security modules'),
  461: enosys('lsm_list_modules', 'no Linux security modules'),
  462: enosys('mseal', 'not implemented yet: no sealing of mappings'),
};

/** The table's numbers, in order. */
export const SYSCALL_NUMBERS: readonly number[] = Object.keys(SYSCALL_TABLE)
  .map(Number)
  .sort((x, y) => x - y);

/** The dispatcher's array: a handler per number, undefined where the answer is -ENOSYS. */
const syscallHandlers: readonly (SyscallFn | undefined)[] = (() => {
  const h: (SyscallFn | undefined)[] = new Array(SYSCALL_NUMBERS[SYSCALL_NUMBERS.length - 1] + 1).fill(undefined);
  for (const nr of SYSCALL_NUMBERS) {
    const e = SYSCALL_TABLE[nr];
    if (NR[e.name] !== nr) throw new Error(`syscall table: ${e.name} is ${NR[e.name]}, not ${nr}`);
    h[nr] = e.handler ?? undefined;
  }
  return h;
})();

/**
 * Run the handler of call a.nr, or answer -ENOSYS (counted, per number, for
 * --stats). The ecall path in kernel.ts calls this once the arguments are read.
 */
export function invokeSyscall(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fn = syscallHandlers[a.nr];
  if (fn !== undefined) return fn(k, t, a);
  k.stats.enosys++;
  k.stats.enosysByNr.set(a.nr, (k.stats.enosysByNr.get(a.nr) ?? 0) + 1);
  return -ENOSYS;
}
