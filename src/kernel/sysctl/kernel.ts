// /proc/sys/kernel (Linux's kern_table, utsname_sysctl, printk, ipc, random,
// yama and sched tables) with 6.12's defaults for Debian's riscv64 kernel.
import type { Kernel } from '../kernel.js';
import { EINVAL, EPERM } from '../errno.js';
import { UTS_MACHINE, UTS_RELEASE, UTS_SYSNAME, UTS_VERSION } from '../version.js';
import { Knob, computed, dir, dostring, entry, intEntry, intKnob, intvec, registerSysctl, stringKnob, type CtlHandler, type CtlTable } from './ctl_table.js';
import { capable, CAP_CHECKPOINT_RESTORE, CAP_SYS_ADMIN } from '../security/commoncap.js';

/** sizeof(utsname.nodename): 64 characters and a NUL. */
const UTS_MAXLEN = 65;
/** CAP_LAST_CAP in 6.12 (CAP_CHECKPOINT_RESTORE). */
export const CAP_LAST_CAP = 40;
/** PID_MAX_DEFAULT and PID_MAX_LIMIT on 64-bit. */
export const PID_MAX_DEFAULT = 32768,
  PID_MAX_LIMIT = 4194304;
/** FUTEX_TID_MASK: the largest threads-max. */
const MAX_THREADS = 0x3fffffff;
/** THREAD_SIZE on riscv64 (16 KiB kernel stacks). */
export const THREAD_SIZE = 16384;
const ULONG_MAX = (1n << 64n) - 1n;

export const pidMax = new Knob('kernel.pid_max', () => PID_MAX_DEFAULT);
/** set_max_threads: RAM shared out at one eighth per kernel stack. */
export const threadsMax = new Knob('kernel.threads-max', (k) => Math.min(MAX_THREADS, Math.max(20, Math.floor((k.pages.total * 4096) / (THREAD_SIZE * 8)))));
export const randomizeVaSpace = new Knob('kernel.randomize_va_space', () => 2);
export const corePattern = new Knob('kernel.core_pattern', () => 'core');
// Yama's default, YAMA_SCOPE_RELATIONAL: unprivileged tracers reach only their descendants.
export const ptraceScope = new Knob('kernel.yama.ptrace_scope', () => 1);
export const panicTimeout = new Knob('kernel.panic', () => 0);
/** The scheduler's tunables: RR timeslice and RT throttling (sched/rt.ts), deadline period bounds. */
export const schedRrTimesliceMs = new Knob('kernel.sched_rr_timeslice_ms', () => 100);
export const schedRtPeriodUs = new Knob('kernel.sched_rt_period_us', () => 1000000);
export const schedRtRuntimeUs = new Knob('kernel.sched_rt_runtime_us', () => 950000);
export const schedDlPeriodMaxUs = new Knob('kernel.sched_deadline_period_max_us', () => 4194304);
export const schedDlPeriodMinUs = new Knob('kernel.sched_deadline_period_min_us', () => 100);
const knob = (name: string, v: number) => new Knob(`kernel.${name}`, () => v);
const int = (name: string, v: number, range = {}, mode = 0o644) => intEntry(name, knob(name, v), range, mode);

/**
 * ns_last_pid: the last PID handed out; writing it (CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE, as checkpoint/restore tools need) makes the next
 * fork take the number after it, if free.
 */
const nsLastPidVec = intvec(
  (k) => [k.pids.last],
  (k, v) => {
    if (v[0] > BigInt(pidMax.get(k))) return -EINVAL;
    k.pids.setNext(Number(v[0]) + 1);
  },
  { min: 0 },
);
const nsLastPid: CtlHandler = {
  show: nsLastPidVec.show,
  store: (k, text, writer) => {
    if (!writer || !(capable(writer, CAP_SYS_ADMIN) || capable(writer, CAP_CHECKPOINT_RESTORE))) return -EPERM;
    return nsLastPidVec.store!(k, text, writer);
  },
};

/** A random RFC 4122 version-4 UUID, as generate_random_uuid makes. */
export function randomUuid(k: Kernel): string {
  const b = new Uint8Array(16);
  k.host.random(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
const bootId = new Knob('kernel.random.boot_id', randomUuid);

/** printk's four levels; the first is the console's, the one the log really uses. */
const printkLevels = new Knob('kernel.printk.rest', () => [4, 1, 7]);
const printk = intvec(
  (k) => [k.log.consoleLevel, ...printkLevels.get(k)],
  (k, v) => {
    k.log.consoleLevel = Number(v[0]);
    printkLevels.set(k, v.slice(1).map(Number));
  },
  { min: 0, max: 15 },
);

const random: CtlTable[] = [
  entry('boot_id', 0o444, { show: (k) => bootId.get(k) + '\n' }),
  // The input pool is credited in full once the CRNG is ready.
  entry(
    'entropy_avail',
    0o444,
    computed(() => 256),
  ),
  entry(
    'poolsize',
    0o444,
    computed(() => 256),
  ),
  int('urandom_min_reseed_secs', 60),
  entry('uuid', 0o444, { show: (k) => randomUuid(k) + '\n' }),
  int('write_wakeup_threshold', 256),
];

/** SEMMSL, SEMMNS, SEMOPM, SEMMNI (ipc/sem.c enforces them). */
export const knobSem = new Knob('kernel.sem', () => [32000, 1024000000, 500, 32000]);
/** System V IPC limits (ipc/msg.c, ipc/shm.c read them per namespace). */
export const msgMax = new Knob('kernel.msgmax', () => 8192);
export const msgMnb = new Knob('kernel.msgmnb', () => 16384);
export const msgMni = new Knob('kernel.msgmni', () => 32000);
export const shmMni = new Knob('kernel.shmmni', () => 4096);
export const shmRmidForced = new Knob('kernel.shm_rmid_forced', () => 0);
/** SHMMAX and SHMALL: ULONG_MAX - 2^24, i.e. no limit. */
export const shmMax = new Knob<bigint>('kernel.shmmax', () => ULONG_MAX - (1n << 24n));
export const shmAll = new Knob<bigint>('kernel.shmall', () => ULONG_MAX - (1n << 24n));
/** The id the next new object gets (checkpoint/restore), -1 for the usual allocation. */
export const msgNextId = new Knob('kernel.msg_next_id', () => -1);
export const semNextId = new Knob('kernel.sem_next_id', () => -1);
export const shmNextId = new Knob('kernel.shm_next_id', () => -1);
const panicPrint = knob('panic_print', 0);

const kernTable: CtlTable[] = [
  entry('arch', 0o444, { show: () => UTS_MACHINE + '\n' }),
  entry(
    'cap_last_cap',
    0o444,
    computed(() => CAP_LAST_CAP),
  ),
  int('core_pipe_limit', 0),
  entry('core_pattern', 0o644, stringKnob(corePattern, 128)),
  int('core_uses_pid', 0, { min: 0, max: 1 }),
  int('ctrl-alt-del', 0),
  int('dmesg_restrict', 0, { min: 0, max: 1 }),
  entry(
    'domainname',
    0o644,
    dostring(
      (k) => k.domainname,
      (k, s) => {
        k.domainname = s;
      },
      UTS_MAXLEN,
    ),
  ),
  entry(
    'hostname',
    0o644,
    dostring(
      (k) => k.hostname,
      (k, s) => {
        k.hostname = s;
      },
      UTS_MAXLEN,
    ),
  ),
  int('io_uring_disabled', 0, { min: 0, max: 2 }),
  int('kptr_restrict', 0, { min: 0, max: 2 }),
  int('max_lock_depth', 1024),
  entry('modprobe', 0o644, stringKnob(new Knob('kernel.modprobe', () => '/sbin/modprobe'), 256)),
  int('modules_disabled', 0, { min: 0, max: 1 }),
  intEntry('msg_next_id', msgNextId, { min: -1 }),
  intEntry('msgmax', msgMax, { min: 0 }),
  intEntry('msgmnb', msgMnb, { min: 0 }),
  intEntry('msgmni', msgMni, { min: 0, max: 32768 }),
  entry(
    'ngroups_max',
    0o444,
    computed(() => 65536),
  ),
  entry('osrelease', 0o444, { show: () => UTS_RELEASE + '\n' }),
  entry('ostype', 0o444, { show: () => UTS_SYSNAME + '\n' }),
  int('overflowgid', 65534, { min: 0, max: 65535 }),
  int('overflowuid', 65534, { min: 0, max: 65535 }),
  entry('panic', 0o644, intKnob(panicTimeout)),
  int('panic_on_oops', 0, { min: 0, max: 1 }),
  int('panic_on_rcu_stall', 0, { min: 0, max: 1 }),
  int('panic_on_warn', 0, { min: 0, max: 1 }),
  entry(
    'panic_print',
    0o644,
    intvec(
      (k) => [panicPrint.get(k)],
      (k, v) => panicPrint.set(k, Number(v[0])),
      {},
      64,
      true,
    ),
  ),
  int('perf_cpu_time_max_percent', 25, { min: 0, max: 100 }),
  int('perf_event_max_contexts_per_stack', 8, { min: 0, max: 0xffff }),
  int('perf_event_max_sample_rate', 100000, { min: 1 }),
  int('perf_event_max_stack', 127, { min: 0, max: 0xffff }),
  int('perf_event_mlock_kb', 516),
  // Debian's kernel (CONFIG_SECURITY_PERF_EVENTS_RESTRICT) starts at 3.
  int('perf_event_paranoid', 3),
  // Mode 0666: the handler checks the writer (pid_ns_ctl_handler).
  entry('ns_last_pid', 0o666, nsLastPid),
  entry('pid_max', 0o644, intKnob(pidMax, { min: 301, max: PID_MAX_LIMIT })),
  entry('poweroff_cmd', 0o644, stringKnob(new Knob('kernel.poweroff_cmd', () => '/sbin/poweroff'), 256)),
  int('print-fatal-signals', 0),
  entry('printk', 0o644, printk),
  int('printk_delay', 0, { min: 0, max: 10000 }),
  entry('printk_devkmsg', 0o644, stringKnob(new Knob('kernel.printk_devkmsg', () => 'on'), 10)),
  int('printk_ratelimit', 5),
  int('printk_ratelimit_burst', 10),
  dir('pty', [
    int('max', 4096, { min: 0, max: 1048576 }),
    // No devpts instances yet: no ptys allocated.
    entry(
      'nr',
      0o444,
      computed(() => 0),
    ),
    int('reserve', 1024, { min: 0, max: 4096 }),
  ]),
  dir('random', random),
  entry('randomize_va_space', 0o644, intKnob(randomizeVaSpace, { min: 0, max: 2 })),
  int('sched_autogroup_enabled', 1, { min: 0, max: 1 }),
  int('sched_cfs_bandwidth_slice_us', 5000, { min: 1 }),
  int('sched_child_runs_first', 0, { min: 0, max: 1 }),
  intEntry('sched_deadline_period_max_us', schedDlPeriodMaxUs),
  intEntry('sched_deadline_period_min_us', schedDlPeriodMinUs),
  // RR_TIMESLICE is 100 ms at any HZ.
  intEntry('sched_rr_timeslice_ms', schedRrTimesliceMs, { min: 1 }),
  intEntry('sched_rt_period_us', schedRtPeriodUs, { min: 1 }),
  intEntry('sched_rt_runtime_us', schedRtRuntimeUs, { min: -1 }),
  int('sched_schedstats', 0, { min: 0, max: 1 }),
  int('sched_util_clamp_max', 1024, { min: 0, max: 1024 }),
  int('sched_util_clamp_min', 1024, { min: 0, max: 1024 }),
  int('sched_util_clamp_min_rt_default', 1024, { min: 0, max: 1024 }),
  entry(
    'sem',
    0o644,
    intvec(
      (k) => knobSem.get(k),
      (k, v) => knobSem.set(k, v.map(Number)),
      { min: 0 },
    ),
  ),
  intEntry('sem_next_id', semNextId, { min: -1 }),
  intEntry('shm_next_id', shmNextId, { min: -1 }),
  intEntry('shm_rmid_forced', shmRmidForced, { min: 0, max: 1 }),
  entry('shmall', 0o644, ulong(shmAll)),
  entry('shmmax', 0o644, ulong(shmMax)),
  intEntry('shmmni', shmMni, { min: 0, max: 32768 }),
  // Debian's CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE=0x01b6.
  int('sysrq', 438),
  entry(
    'tainted',
    0o644,
    intvec(
      () => [0],
      () => 0,
      {},
      64,
      true,
    ),
  ),
  entry('threads-max', 0o644, intKnob(threadsMax, { min: 0, max: MAX_THREADS })),
  entry('version', 0o444, { show: () => UTS_VERSION + '\n' }),
  int('warn_limit', 0, { min: 0 }),
  dir('yama', [entry('ptrace_scope', 0o644, intKnob(ptraceScope, { min: 0, max: 3 }))]),
];

function ulong(kb: Knob<bigint>) {
  return intvec(
    (k) => [kb.get(k)],
    (k, v) => kb.set(k, v[0]),
    {},
    64,
    true,
  );
}

export function registerKernTable(): void {
  registerSysctl('kernel', kernTable);
}
