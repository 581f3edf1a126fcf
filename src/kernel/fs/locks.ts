// File locks (Linux's fs/locks.c): BSD flock locks, POSIX record locks, open
// file description (OFD) locks and leases, kept per inode in a lock context
// (file_lock_context). Locks are advisory only: mandatory locking left Linux
// in 5.15, and a file's mode never makes a lock enforced here either.
//
// Owners, as Linux has them:
// - flock, OFD locks and leases belong to the open file description (File):
//   dup'd and inherited descriptors share them, and they go when its last
//   reference is dropped (locks_remove_file);
// - POSIX locks belong to the descriptor table (files_struct) of the process:
//   fork does not pass them on, and any close of the file by the process drops
//   them all (locks_remove_posix).
import { WaitQueue } from '../sched/waitqueue.js';
import type { File } from './file.js';
import type { Inode } from './inode.js';
import type { Task } from '../sched/task.js';

export const F_RDLCK = 0,
  F_WRLCK = 1,
  F_UNLCK = 2;
export type LockType = typeof F_RDLCK | typeof F_WRLCK | typeof F_UNLCK;

/** The lock's personality (FL_POSIX, FL_POSIX|FL_OFDLCK, FL_FLOCK, FL_LEASE). */
export type LockKind = 'posix' | 'ofd' | 'flock' | 'lease';

/** A POSIX lock to end of file (OFFSET_MAX): any byte that may ever exist. */
export const OFFSET_MAX = Infinity;

/** Who holds a lock: a descriptor table for POSIX locks, an open file otherwise. */
export type LockOwner = object;

export class FileLock {
  /** Cleared when the lock leaves its context: a waiter's record of it is then stale. */
  live = true;
  /** Leases being broken: the type they will be downgraded to, and when the breaker stops waiting. */
  breakTo: LockType | null = null;
  breakDeadline = 0;
  /** A lease's descriptor (its fasync entry's fa_fd): si_fd of the break signal. */
  fd = -1;
  constructor(
    readonly kind: LockKind,
    public type: LockType,
    readonly owner: LockOwner,
    /** The thread-group id that took it (F_GETLK's l_pid, /proc/locks). */
    public pid: number,
    public start: number,
    public end: number,
    /** The open file it was taken through (leases signal its owner). */
    readonly file: File | null,
  ) {}
}

/** Every inode with locks, for /proc/locks (Linux's file_lock_list), per kernel. */
export class FileLockRegistry {
  readonly contexts = new Set<FileLockContext>();
  /** POSIX owners sleeping in F_SETLKW, and the lock each waits behind (blocked_hash). */
  readonly blocked = new Map<LockOwner, { sleeper: Task; blocker: FileLock }>();
  /** /proc/sys/fs/lease-break-time, in seconds. */
  leaseBreakTime = 45;
  /** /proc/sys/fs/leases-enable. */
  leasesEnable = 1;
}

/** An inode's locks (struct file_lock_context): one list per personality, one queue for all waiters. */
export class FileLockContext {
  readonly flock: FileLock[] = [];
  readonly posix: FileLock[] = [];
  readonly lease: FileLock[] = [];
  readonly wq = new WaitQueue();
  constructor(
    readonly inode: Inode,
    readonly registry: FileLockRegistry,
  ) {}

  get empty(): boolean {
    return !this.flock.length && !this.posix.length && !this.lease.length;
  }

  /** Keep the registry's view in step, and wake every waiter to re-check. */
  changed(): void {
    if (this.empty) this.registry.contexts.delete(this);
    else this.registry.contexts.add(this);
    this.wq.wakeAll();
  }
}

/** The inode's lock context, made on first use (locks_get_lock_context). */
export function lockContext(inode: Inode, registry: FileLockRegistry): FileLockContext {
  return (inode.flctx ??= new FileLockContext(inode, registry));
}

function drop(list: FileLock[], keep: (l: FileLock) => boolean): boolean {
  let gone = false;
  for (let i = list.length - 1; i >= 0; i--) {
    if (keep(list[i])) continue;
    list[i].live = false;
    list.splice(i, 1);
    gone = true;
  }
  return gone;
}

// ---- flock(2): whole-file locks of an open file description ----

const flockConflict = (a: FileLock, b: FileLock) => a.owner !== b.owner && (a.type === F_WRLCK || b.type === F_WRLCK);

/**
 * flock_lock_inode: 0, the conflicting lock, or null when there was nothing to do.
 * A conversion first drops the lock held, as Linux does: it is not atomic.
 */
export function flockLock(ctx: FileLockContext, f: File, type: LockType, pid: number): FileLock | 0 {
  const mine = ctx.flock.find((l) => l.owner === f);
  if (mine && mine.type === type) return 0;
  if (mine) {
    drop(ctx.flock, (l) => l !== mine);
    ctx.changed();
  }
  if (type === F_UNLCK) return 0;
  const req = new FileLock('flock', type, f, pid, 0, OFFSET_MAX, f);
  const c = ctx.flock.find((l) => flockConflict(l, req));
  if (c) return c;
  ctx.flock.push(req);
  ctx.changed();
  return 0;
}

// ---- POSIX and OFD record locks ----

const overlap = (a: FileLock, start: number, end: number) => a.start <= end && start <= a.end;

function posixConflict(held: FileLock, req: FileLock): boolean {
  if (held.owner === req.owner) return false;
  if (held.type !== F_WRLCK && req.type !== F_WRLCK) return false;
  return overlap(held, req.start, req.end);
}

/** posix_test_lock (F_GETLK): the first lock that would block req, or null. */
export function posixTest(ctx: FileLockContext | null, req: FileLock): FileLock | null {
  if (!ctx) return null;
  return ctx.posix.find((l) => posixConflict(l, req)) ?? null;
}

/**
 * posix_lock_inode: apply req for its owner (F_UNLCK releases), splitting and
 * merging the owner's ranges. Returns the conflicting lock instead when one blocks.
 */
export function posixLock(ctx: FileLockContext, req: FileLock): FileLock | null {
  if (req.type !== F_UNLCK) {
    const c = ctx.posix.find((l) => posixConflict(l, req));
    if (c) return c;
  }
  const { start, end } = req;
  let lo = start,
    hi = end;
  const pieces: FileLock[] = [];
  let touched = false;
  for (const l of ctx.posix) {
    if (l.owner !== req.owner) continue;
    const adjacent = (l.end !== OFFSET_MAX && l.end + 1 === start) || (end !== OFFSET_MAX && end + 1 === l.start);
    if (req.type !== F_UNLCK && l.type === req.type && (overlap(l, start, end) || adjacent)) {
      // Same type, touching: absorbed into one lock.
      lo = Math.min(lo, l.start);
      hi = Math.max(hi, l.end);
      l.live = false;
      touched = true;
      continue;
    }
    if (!overlap(l, start, end)) continue;
    // Another type (or an unlock) over part of it: keep what lies outside the range.
    l.live = false;
    touched = true;
    if (l.start < start) pieces.push(new FileLock(l.kind, l.type, l.owner, l.pid, l.start, start - 1, l.file));
    if (l.end > end) pieces.push(new FileLock(l.kind, l.type, l.owner, l.pid, end + 1, l.end, l.file));
  }
  if (touched) drop(ctx.posix, (l) => l.live);
  ctx.posix.push(...pieces);
  if (req.type !== F_UNLCK) {
    req.start = lo;
    req.end = hi;
    ctx.posix.push(req);
  }
  ctx.posix.sort((a, b) => a.start - b.start);
  if (touched || req.type !== F_UNLCK) ctx.changed();
  return null;
}

/** How far a wait-for chain is followed before giving up (MAX_DEADLK_ITERATIONS). */
const MAX_DEADLK_ITERATIONS = 10;

/**
 * posix_locks_deadlock: would the owner of req, by waiting behind blocker, close
 * a cycle of POSIX owners each waiting for the next? OFD locks are not checked.
 */
export function posixDeadlock(reg: FileLockRegistry, req: FileLock, blocker: FileLock): boolean {
  if (req.kind !== 'posix') return false;
  let b: FileLock | null = blocker;
  for (let i = 0; b && i <= MAX_DEADLK_ITERATIONS; i++) {
    if (b.kind !== 'posix') return false;
    const w = reg.blocked.get(b.owner);
    // The owner still sleeps in that very lock call (its restart state names the blocker).
    const sleeping = w?.sleeper.sys;
    if (!w || !w.blocker.live || sleeping?.kind !== 'filelock' || sleeping.blocker !== w.blocker) return false;
    b = w.blocker;
    if (b.owner === req.owner) return true;
  }
  return false;
}

// ---- leases ----

/** Leases held through other open files that an open (or truncate) for `write` must break. */
export function leasesToBreak(ctx: FileLockContext | null, f: File | null, write: boolean): FileLock[] {
  if (!ctx) return [];
  return ctx.lease.filter((l) => l.owner !== f && (write || l.type === F_WRLCK) && (l.breakTo === null || (write && l.breakTo !== F_UNLCK)));
}

// ---- release on close ----

/** locks_remove_posix: a close by `owner` (a descriptor table) drops its POSIX locks on the file. */
export function locksRemovePosix(f: File, owner: LockOwner): void {
  const ctx = f.inode.flctx;
  if (!ctx || !ctx.posix.length) return;
  if (drop(ctx.posix, (l) => l.owner !== owner)) ctx.changed();
}

/** locks_remove_file: the last reference to an open file drops its flock, OFD locks and leases. */
export function locksRemoveFile(f: File): void {
  const ctx = f.inode.flctx;
  if (!ctx || ctx.empty) return;
  const a = drop(ctx.flock, (l) => l.owner !== f);
  const b = drop(ctx.posix, (l) => l.owner !== f);
  const c = drop(ctx.lease, (l) => l.owner !== f);
  if (a || b || c) ctx.changed();
}

// ---- /proc/locks ----

function procLine(l: FileLock, id: number, inode: Inode, major: number, minor: number): string {
  let head: string;
  let type = l.type;
  if (l.kind === 'posix') head = 'POSIX  ADVISORY  ';
  else if (l.kind === 'ofd') head = 'OFDLCK ADVISORY  ';
  else if (l.kind === 'flock') head = 'FLOCK  ADVISORY  ';
  else {
    head = l.breakTo !== null ? 'LEASE  BREAKING  ' : 'LEASE  ACTIVE    ';
    if (l.breakTo !== null) type = l.breakTo;
  }
  const t = type === F_WRLCK ? 'WRITE' : type === F_RDLCK ? 'READ ' : 'UNLCK';
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const range = l.kind === 'posix' || l.kind === 'ofd' ? (l.end === OFFSET_MAX ? `${l.start} EOF` : `${l.start} ${l.end}`) : '0 EOF';
  return `${id}: ${head}${t} ${l.pid} ${hex(major)}:${hex(minor)}:${inode.ino} ${range}\n`;
}

/** /proc/locks (locks_show): one line per lock, in Linux's exact format, which lslocks parses. */
export function procLocks(reg: FileLockRegistry, devOf: (i: Inode) => [number, number]): string {
  let s = '';
  let id = 0;
  for (const ctx of reg.contexts) {
    const [ma, mi] = devOf(ctx.inode);
    for (const list of [ctx.posix, ctx.flock, ctx.lease]) {
      for (const l of list) s += procLine(l, ++id, ctx.inode, ma, mi);
    }
  }
  return s;
}
