// Every other system call, printed from a one-letter-per-argument signature.
// The signature length is the call's real argument count, as strace uses it.
import type { Call, Decoder } from './call.js';
import type { SyscallName } from '../../syscalls/nr.js';
import { oct } from './fmt.js';
import { printBuffer, printCString } from './quote.js';
import { flags, xval } from './xlat.js';
import { signal } from './signals.js';
import { AT_FLAGS } from './tables-fs.js';
import { CLOCKS } from './tables-misc.js';

/**
 * d int, u unsigned int, U unsigned long, l signed long, x hex, p pointer,
 * f fd, D dirfd, s path, S string, b buffer (length in the next argument),
 * o octal mode, i uid/gid, g signal, A AT_* flags, c clock id.
 */
export const SIGNATURES: Partial<Record<SyscallName, string>> = {
  io_setup: 'up',
  io_destroy: 'x',
  io_submit: 'xlp',
  io_cancel: 'xpp',
  io_getevents: 'xllpp',
  setxattr: 'sSbUx',
  lsetxattr: 'sSbUx',
  fsetxattr: 'fSbUx',
  getxattr: 'sSpU',
  lgetxattr: 'sSpU',
  fgetxattr: 'fSpU',
  listxattr: 'spU',
  llistxattr: 'spU',
  flistxattr: 'fpU',
  removexattr: 'sS',
  lremovexattr: 'sS',
  fremovexattr: 'fS',
  lookup_dcookie: 'xpU',
  epoll_ctl: 'fdfp',
  epoll_pwait: 'fpddpU',
  inotify_init1: 'x',
  inotify_add_watch: 'fsx',
  inotify_rm_watch: 'fd',
  ioprio_set: 'ddd',
  ioprio_get: 'dd',
  umount2: 'sx',
  mount: 'ssSxp',
  pivot_root: 'ss',
  statfs: 'sp',
  fstatfs: 'fp',
  fallocate: 'fdll',
  quotactl: 'xsdp',
  vhangup: '',
  sync: '',
  fsync: 'f',
  fdatasync: 'f',
  sync_file_range: 'fllx',
  timerfd_create: 'cx',
  timerfd_settime: 'fxpp',
  timerfd_gettime: 'fp',
  acct: 's',
  capget: 'pp',
  capset: 'pp',
  unshare: 'x',
  kexec_load: 'xUpx',
  init_module: 'pUS',
  delete_module: 'Sx',
  timer_create: 'cpp',
  timer_gettime: 'dp',
  timer_getoverrun: 'd',
  timer_settime: 'dxpp',
  timer_delete: 'd',
  syslog: 'dpd',
  ptrace: 'xdxx',
  sched_yield: '',
  reboot: 'xxxp',
  setregid: 'ii',
  setgid: 'i',
  setreuid: 'ii',
  setuid: 'i',
  setresuid: 'iii',
  setresgid: 'iii',
  setfsuid: 'i',
  setfsgid: 'i',
  setpgid: 'dd',
  getpgid: 'd',
  getsid: 'd',
  setsid: '',
  sethostname: 'bU',
  setdomainname: 'bU',
  adjtimex: 'p',
  getpid: '',
  getppid: '',
  getuid: '',
  geteuid: '',
  getgid: '',
  getegid: '',
  gettid: '',
  mq_open: 'Sxop',
  mq_unlink: 'S',
  mq_timedsend: 'fbUup',
  mq_timedreceive: 'fpUpp',
  mq_notify: 'dp',
  mq_getsetattr: 'dpp',
  msgget: 'xx',
  msgctl: 'dxp',
  msgrcv: 'dpUlx',
  msgsnd: 'dpUx',
  semget: 'xdx',
  semctl: 'ddxx',
  semtimedop: 'dpUp',
  semop: 'dpU',
  shmget: 'xUx',
  shmctl: 'dxp',
  shmdt: 'p',
  bind: 'fpu',
  connect: 'fpu',
  accept: 'fpp',
  accept4: 'fppx',
  getsockname: 'fpp',
  getpeername: 'fpp',
  sendto: 'fbUxpu',
  recvfrom: 'fpUxpp',
  setsockopt: 'fddpu',
  getsockopt: 'fddpp',
  sendmsg: 'fpx',
  recvmsg: 'fpx',
  readahead: 'flU',
  add_key: 'SSpUd',
  request_key: 'SSSd',
  keyctl: 'dxxxx',
  fadvise64: 'fllx',
  swapon: 'sx',
  swapoff: 's',
  remap_file_pages: 'pUxUx',
  mbind: 'pUxpUx',
  get_mempolicy: 'ppUpx',
  set_mempolicy: 'xpU',
  migrate_pages: 'dUpp',
  move_pages: 'dUpppx',
  perf_event_open: 'pddfx',
  recvmmsg: 'fpuxp',
  riscv_hwprobe: 'pUUpx',
  riscv_flush_icache: 'ppx',
  fanotify_init: 'xx',
  fanotify_mark: 'fxxDs',
  name_to_handle_at: 'Dsppx',
  open_by_handle_at: 'fpx',
  clock_adjtime: 'cp',
  syncfs: 'f',
  setns: 'fx',
  sendmmsg: 'fpux',
  process_vm_readv: 'dpUpUx',
  process_vm_writev: 'dpUpUx',
  kcmp: 'ddxxx',
  finit_module: 'fSx',
  sched_setattr: 'dpx',
  sched_getattr: 'dpux',
  seccomp: 'xxp',
  bpf: 'xpu',
  userfaultfd: 'x',
  membarrier: 'xxd',
  copy_file_range: 'fpfpUx',
  preadv2: 'fpdlx',
  pwritev2: 'fpdlx',
  pkey_alloc: 'xx',
  pkey_free: 'd',
  io_pgetevents: 'xllppp',
  kexec_file_load: 'ffUSx',
  pidfd_send_signal: 'fgpx',
  io_uring_setup: 'up',
  io_uring_enter: 'fuuxpU',
  io_uring_register: 'fupu',
  open_tree: 'Dsx',
  move_mount: 'DsDsx',
  fsopen: 'Sx',
  fsconfig: 'fxSpd',
  fsmount: 'fxx',
  fspick: 'Dsx',
  pidfd_open: 'dx',
  openat2: 'DspU',
  pidfd_getfd: 'ffx',
  process_madvise: 'fpUxx',
  epoll_pwait2: 'fpdppU',
  mount_setattr: 'DsxpU',
  quotactl_fd: 'fxdp',
  landlock_create_ruleset: 'pUx',
  landlock_add_rule: 'fxpx',
  landlock_restrict_self: 'fx',
  memfd_secret: 'x',
  process_mrelease: 'fx',
  futex_waitv: 'puxpd',
  set_mempolicy_home_node: 'UUUx',
  cachestat: 'fppx',
  sendfile: 'ffpU',
  signalfd4: 'fpUx',
  vmsplice: 'fpUx',
  splice: 'fpfpUx',
  tee: 'ffUx',
  munlockall: '',
  nfsservctl: 'dpp',
  map_shadow_stack: 'xUx',
  futex_wake: 'pxdx',
  futex_wait: 'pxxxpc',
  futex_requeue: 'pxdd',
  statmount: 'ppUx',
  listmount: 'ppUx',
  lsm_get_self_attr: 'uppx',
  lsm_set_self_attr: 'upux',
  lsm_list_modules: 'ppx',
  mseal: 'xUx',
};

function printArg(c: Call, kind: string, i: number): void {
  switch (kind) {
    case 'd':
    case 'f':
      return c.pushInt(i);
    case 'u':
      return c.pushUint(i);
    case 'U':
      return c.pushUlong(i);
    case 'l':
      return c.pushLong(i);
    case 'p':
      return c.pushPtr(i);
    case 'D':
      return c.pushDirfd(i);
    case 's':
      return c.pushPath(i);
    case 'S':
      return c.push(c.a(i) === 0n ? 'NULL' : printCString(c.mem, c.a(i)));
    case 'b':
      return c.push(printBuffer(c.mem, c.a(i), c.a(i + 1)));
    case 'o':
      return c.push(oct(c.uint(i)));
    case 'i':
      return c.pushId(i);
    case 'g':
      return c.push(signal(c.int(i)));
    case 'A':
      return c.push(flags(AT_FLAGS, c.uint(i), 'AT_???'));
    case 'c':
      return c.push(xval(CLOCKS, c.uint(i), 'CLOCK_???'));
    default:
      return c.pushHex(i);
  }
}

/** A decoder printing every argument at entry from a signature. */
export function signatureDecoder(sig: string): Decoder {
  return {
    enter: (c) => {
      for (let i = 0; i < sig.length; i++) printArg(c, sig[i]!, i);
    },
  };
}

/** A number with no name: strace calls it syscall_0x1c2 and shows all six registers in hex. */
export const unknownDecoder: Decoder = signatureDecoder('xxxxxx');
