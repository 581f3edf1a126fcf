// The kernel's build configuration, as IKCONFIG_PROC shows it in
// /proc/config.gz (Linux's kernel/configs.c). Linux embeds the .config it was
// built from; this kernel has no build-time switches, so the text is derived
// from what the running kernel really has: an option that stands for system
// calls is set exactly when the syscall table serves them, a file system
// option exactly when mount(2) knows the type. The rest are facts of the
// code, each with its reason where it is not obvious. Tools (LTP's
// tst_kconfig, scripts/extract-ikconfig, Docker's check-config) read it to
// decide what to test, so an option is set only when its feature works.
import type { Kernel } from './kernel.js';
import { NR, type SyscallName } from './syscalls/nr.js';
import { SYSCALL_TABLE } from './syscalls/table.js';
import { HZ } from './time/clock.js';
import { UTS_RELEASE } from './version.js';
import { gzipStored } from './lib/gzip.js';

/** y: built in; n: printed as "# CONFIG_X is not set"; a number or a string: a value. */
type Value = 'y' | 'n' | number | { text: string };
type Rule = Value | ((k: Kernel) => boolean);

interface Menu {
  title: string;
  options: [name: string, rule: Rule][];
}

/** Set when every one of these syscalls has a handler (even a partial one). */
const syscalls =
  (...names: SyscallName[]) =>
  (): boolean =>
    names.every((n) => SYSCALL_TABLE[NR[n]]?.status !== 'enosys');

/** Set when mount(2) can make a file system of this type. */
const fs =
  (type: string) =>
  (k: Kernel): boolean =>
    k.vfs.fsTypes.get(type) !== undefined;

const RELEASE = UTS_RELEASE.replace(/-.*/, '');
const LOCALVERSION = UTS_RELEASE.slice(RELEASE.length);

const MENUS: Menu[] = [
  {
    title: 'General setup',
    options: [
      ['CONFIG_LOCALVERSION', { text: LOCALVERSION }],
      ['CONFIG_SYSVIPC', syscalls('msgget', 'semget', 'shmget')],
      ['CONFIG_SYSVIPC_SYSCTL', syscalls('msgget', 'semget', 'shmget')],
      ['CONFIG_POSIX_MQUEUE', syscalls('mq_open')],
      ['CONFIG_CROSS_MEMORY_ATTACH', syscalls('process_vm_readv', 'process_vm_writev')],
      ['CONFIG_BSD_PROCESS_ACCT', syscalls('acct')],
      // acct.ts writes struct acct_v3 records.
      ['CONFIG_BSD_PROCESS_ACCT_V3', syscalls('acct')],
      ['CONFIG_IKCONFIG', 'y'],
      ['CONFIG_IKCONFIG_PROC', 'y'],
      ['CONFIG_LOG_BUF_SHIFT', 17],
      // No control groups yet: /sys/fs/cgroup is not there.
      ['CONFIG_CGROUPS', 'n'],
      ['CONFIG_NAMESPACES', syscalls('unshare', 'setns')],
      ['CONFIG_UTS_NS', syscalls('unshare', 'setns')],
      ['CONFIG_TIME_NS', syscalls('unshare', 'setns')],
      ['CONFIG_IPC_NS', syscalls('unshare', 'setns')],
      ['CONFIG_USER_NS', syscalls('unshare', 'setns')],
      ['CONFIG_PID_NS', syscalls('unshare', 'setns')],
      ['CONFIG_NET_NS', syscalls('unshare', 'setns')],
      // What it switches on that exists here: kernel.{msg,sem,shm}_next_id and
      // clone3's set_tid. kcmp (also behind it) answers ENOSYS: see `tuxglass syscalls`.
      ['CONFIG_CHECKPOINT_RESTORE', 'y'],
      ['CONFIG_BLK_DEV_INITRD', 'y'],
      ['CONFIG_MULTIUSER', 'y'],
      ['CONFIG_FHANDLE', syscalls('name_to_handle_at', 'open_by_handle_at')],
      ['CONFIG_POSIX_TIMERS', syscalls('timer_create', 'timer_settime', 'timer_gettime', 'timer_delete')],
      ['CONFIG_PRINTK', 'y'],
      ['CONFIG_FUTEX', syscalls('futex')],
      ['CONFIG_EPOLL', syscalls('epoll_create1', 'epoll_ctl', 'epoll_pwait')],
      ['CONFIG_SIGNALFD', syscalls('signalfd4')],
      ['CONFIG_TIMERFD', syscalls('timerfd_create', 'timerfd_settime', 'timerfd_gettime')],
      ['CONFIG_EVENTFD', syscalls('eventfd2')],
      ['CONFIG_SHMEM', 'y'],
      ['CONFIG_AIO', syscalls('io_setup', 'io_submit', 'io_getevents')],
      ['CONFIG_IO_URING', syscalls('io_uring_setup')],
      ['CONFIG_ADVISE_SYSCALLS', syscalls('madvise', 'fadvise64')],
      ['CONFIG_MEMBARRIER', syscalls('membarrier')],
      ['CONFIG_KCMP', syscalls('kcmp')],
      ['CONFIG_RSEQ', syscalls('rseq')],
      ['CONFIG_CACHESTAT_SYSCALL', syscalls('cachestat')],
      ['CONFIG_KALLSYMS', 'n'],
      ['CONFIG_PERF_EVENTS', syscalls('perf_event_open')],
      ['CONFIG_BPF_SYSCALL', syscalls('bpf')],
      ['CONFIG_USERFAULTFD', syscalls('userfaultfd')],
    ],
  },
  {
    title: 'Platform type',
    options: [
      ['CONFIG_64BIT', 'y'],
      ['CONFIG_RISCV', 'y'],
      ['CONFIG_MMU', 'y'],
      ['CONFIG_ARCH_RV64I', 'y'],
      ['CONFIG_SMP', 'y'],
      // The cpumask width riscv_hwprobe and sched_getaffinity use, as Debian's.
      ['CONFIG_NR_CPUS', 512],
      ['CONFIG_FPU', 'y'],
      ['CONFIG_RISCV_ISA_C', 'y'],
      ['CONFIG_RISCV_ISA_ZBA', 'y'],
      ['CONFIG_RISCV_ISA_ZBB', 'y'],
      ['CONFIG_RISCV_ISA_ZBS', 'y'],
      ['CONFIG_RISCV_ISA_ZICBOZ', 'n'],
      ['CONFIG_RISCV_ISA_V', 'n'],
      ['CONFIG_HZ', HZ],
      ['CONFIG_HZ_250', HZ === 250 ? 'y' : 'n'],
      ['CONFIG_SECCOMP', syscalls('seccomp')],
    ],
  },
  {
    title: 'Kernel features',
    options: [
      ['CONFIG_MODULES', syscalls('init_module', 'finit_module', 'delete_module')],
      ['CONFIG_BLOCK', 'y'],
      // The I/O schedulers are built in (block/blk_mq.ts ELEVATORS), where Debian builds kyber and bfq as modules.
      ['CONFIG_MQ_IOSCHED_DEADLINE', 'y'],
      ['CONFIG_MQ_IOSCHED_KYBER', 'y'],
      ['CONFIG_IOSCHED_BFQ', 'y'],
      ['CONFIG_SWAP', syscalls('swapon', 'swapoff')],
      ['CONFIG_HUGETLBFS', fs('hugetlbfs')],
      ['CONFIG_KEYS', syscalls('add_key', 'keyctl')],
      ['CONFIG_SECRETMEM', syscalls('memfd_secret')],
    ],
  },
  {
    title: 'Networking options',
    options: [
      ['CONFIG_NET', 'y'],
      ['CONFIG_UNIX', 'y'],
      ['CONFIG_INET', 'y'],
      ['CONFIG_IPV6', 'y'],
      // No AF_PACKET sockets yet.
      ['CONFIG_PACKET', 'n'],
    ],
  },
  {
    title: 'Device Drivers',
    options: [
      ['CONFIG_DEVTMPFS', fs('devtmpfs')],
      ['CONFIG_DEVTMPFS_MOUNT', fs('devtmpfs')],
      ['CONFIG_TTY', 'y'],
      ['CONFIG_UNIX98_PTYS', fs('devpts')],
      // The loop driver registers /dev/loop-control (misc 10:237) at boot.
      ['CONFIG_BLK_DEV_LOOP', (k: Kernel) => k.block.loop !== null],
      ['CONFIG_BLK_DEV_LOOP_MIN_COUNT', 0],
    ],
  },
  {
    title: 'File systems',
    options: [
      // ext2 is served by the ext4 driver (fs/ext4/fs_type.ts), as on Debian: no separate ext2 driver.
      ['CONFIG_EXT2_FS', 'n'],
      ['CONFIG_EXT3_FS', fs('ext3')],
      ['CONFIG_EXT4_FS', fs('ext4')],
      ['CONFIG_EXT4_USE_FOR_EXT2', fs('ext2')],
      ['CONFIG_EXT4_FS_POSIX_ACL', fs('ext4')],
      ['CONFIG_JBD2', fs('ext4')],
      ['CONFIG_FILE_LOCKING', syscalls('flock')],
      ['CONFIG_FSNOTIFY', 'y'],
      // fcntl(F_NOTIFY): fs/dnotify.ts.
      ['CONFIG_DNOTIFY', 'y'],
      ['CONFIG_INOTIFY_USER', syscalls('inotify_init1', 'inotify_add_watch', 'inotify_rm_watch')],
      ['CONFIG_FANOTIFY', syscalls('fanotify_init', 'fanotify_mark')],
      ['CONFIG_QUOTA', syscalls('quotactl')],
      ['CONFIG_PROC_FS', fs('proc')],
      ['CONFIG_PROC_SYSCTL', fs('proc')],
      ['CONFIG_SYSFS', fs('sysfs')],
      ['CONFIG_TMPFS', fs('tmpfs')],
      ['CONFIG_TMPFS_XATTR', fs('tmpfs')],
      ['CONFIG_TMPFS_POSIX_ACL', fs('tmpfs')],
      ['CONFIG_MEMFD_CREATE', syscalls('memfd_create')],
    ],
  },
];

function line(name: string, v: Value): string {
  if (v === 'n') return `# ${name} is not set`;
  if (typeof v === 'object') return `${name}=${JSON.stringify(v.text)}`;
  return `${name}=${v}`;
}

/** The .config text, in Linux's layout: a banner, then one commented heading per menu. */
export function kernelConfig(k: Kernel): string {
  const out = ['#', '# Automatically generated file; DO NOT EDIT.', `# Linux/riscv ${RELEASE} Kernel Configuration`, '#'];
  for (const m of MENUS) {
    out.push('', '#', `# ${m.title}`, '#');
    for (const [name, rule] of m.options) {
      const v: Value = typeof rule === 'function' ? (rule(k) ? 'y' : 'n') : rule;
      out.push(line(name, v));
    }
  }
  return out.join('\n') + '\n';
}

/** /proc/config.gz: the text above as one gzip member. */
export const configGz = (k: Kernel): Uint8Array => gzipStored(new TextEncoder().encode(kernelConfig(k)));
