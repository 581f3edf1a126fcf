// How procfs sees tasks: which are visible, who may look at them, and what a
// task still owns once it is a zombie (Linux clears mm, files and fs at exit).
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import type { ThreadGroup } from '../../sched/threadgroup.js';
import type { Mm } from '../../mm/mm.js';
import type { FdTable } from '../fdtable.js';
import type { FsStruct } from '../namei.js';
import type { Path } from '../mount.js';
import { CAP_SYS_PTRACE, capable } from '../../security/commoncap.js';

export const USER_HZ = 100;
/** ns to clock ticks (Linux's nsec_to_clock_t). */
export const ticks = (ns: number): number => Math.floor(ns / (1e9 / USER_HZ));

/** Exited tasks (zombie or reaped) have no address space, files or fs. */
export const isDead = (t: Task): boolean => t.state === 'Z' || t.state === 'X';
export const taskMm = (t: Task): Mm | null => (isDead(t) || t.kthread ? null : t.mm);
export const taskFiles = (t: Task): FdTable | null => (isDead(t) ? null : t.files);
export const taskFs = (t: Task): FsStruct | null => (isDead(t) ? null : t.fs);

/**
 * Threads /proc lists: exited threads other than the leader are released at
 * once in Linux, while a zombie leader stays until the group is reaped.
 */
export function visibleThreads(tg: ThreadGroup): Task[] {
  if (tg.reaped) return [];
  return tg.tasks.filter((t, i) => t.state !== 'X' && (i === 0 || t.state !== 'Z'));
}

/** Thread groups in PID order, as getdents on /proc lists them. */
export function liveGroups(k: Kernel): ThreadGroup[] {
  return [...k.pids.threadGroups()].filter((g) => !g.reaped && g.tasks.length > 0).sort((a, b) => a.tgid - b.tgid);
}

/** Any visible task by thread id (what /proc/TID resolves): zombie leaders too. */
export function findTask(k: Kernel, tid: number): Task | null {
  return k.pids.findTaskOrZombieLeader(tid) ?? null;
}

/** The task doing the current syscall; null outside one (tests, boot). */
export const reader = (k: Kernel): Task | null => k.current;

/** The root paths are printed relative to (d_path uses the reader's root). */
export function readerRoot(k: Kernel): Path {
  const r = reader(k);
  return r ? r.fs.root : k.vfs.root;
}

/**
 * ptrace_may_access(PTRACE_MODE_READ_FSCREDS), without LSMs: the same
 * process, a reader with CAP_SYS_PTRACE, or one whose fsuid/fsgid match
 * all the target's ids.
 */
export function mayPtrace(k: Kernel, t: Task): boolean {
  const r = reader(k);
  if (!r || r.tg === t.tg) return true;
  const c = r.cred,
    tc = t.cred;
  if (capable(c, CAP_SYS_PTRACE)) return true;
  return c.fsuid === tc.uid && c.fsuid === tc.euid && c.fsuid === tc.suid && c.fsgid === tc.gid && c.fsgid === tc.egid && c.fsgid === tc.sgid;
}

/** Owner of /proc/PID entries: the task's effective ids (task_dump_owner). */
export const ownerOf = (t: Task) => ({ uid: t.cred.euid, gid: t.cred.egid });

/**
 * Fields other subsystems may add later (terminal, tracer, nice); read
 * defensively so procfs shows them as soon as they exist.
 */
interface TaskExtras {
  nice?: number;
}
export const taskNice = (t: Task): number => (t as unknown as TaskExtras).nice ?? 0;
export const tracerPid = (t: Task): number => t.ptrace?.tracer.tid ?? 0;
export const groupTty = (tg: ThreadGroup) => tg.tty;

interface KernelExtras {
  /** Page-cache and swap counters in pages, once those subsystems exist. */
  pageCache?: { pages: number; buffers?: number; dirty?: number; writeback?: number; shmem?: number; mapped?: number };
  swap?: { totalPages: number; freePages: number; cachedPages?: number };
}
export const extras = (k: Kernel): KernelExtras => k as unknown as KernelExtras;

/** The most recently handed out PID (the last field of /proc/loadavg). */
export const lastPid = (k: Kernel): number => k.pids.last;
