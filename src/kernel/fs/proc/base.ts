// Per-process directories (Linux's fs/proc/base.c): /proc/PID, its
// task/TID subdirectories, and the files that read a task's state, memory
// and links. A task's files are built on every lookup, so a directory of an
// exited process simply stops answering.
import { EACCES, EINVAL, ENOENT, EPERM, ESRCH } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import { RLIM_INFINITY } from '../../sched/threadgroup.js';
import { S_IFDIR } from '../inode.js';
import { POLLERR, POLLIN, POLLPRI, POLLRDNORM, type FileOps } from '../file.js';
import { dPath } from '../namei.js';
import type { Path } from '../mount.js';
import { taskStat, taskStatus } from './array.js';
import { NAMESPACES, nsPath } from '../nsfs.js';
import { oomAdjShow, oomAdjStore, oomScore, oomScoreAdjStore } from './oom.js';
import { procSched, schedstat, wchan } from './sched.js';
import { fdDirs } from './fd.js';
import { mounts, mountinfo } from './namespace.js';
import { maps, statm } from './task_mmu.js';
import { netDir } from './net.js';
import { smaps, smapsRollup } from './smaps.js';
import { pagemapOps } from './pagemap.js';
import { capable, CAP_SYS_ADMIN } from '../../security/commoncap.js';
import { ProcDir, dirEntry, fileEntry, magicEntry, opsEntry, type ProcContent, type ProcEntry, type ProcSuper } from './generic.js';
import { findTask, mayPtrace, ownerOf, readerRoot, reader, taskFs, taskMm, visibleThreads } from './pid.js';

const EMPTY = new Uint8Array(0);

/**
 * get_mm_cmdline: the argv strings; if the last one lost its NUL
 * (setproctitle), the title runs on into the environment, up to a page.
 */
export function cmdline(t: Task): Uint8Array {
  const mm = taskMm(t);
  if (!mm || !mm.argEnd || mm.argEnd <= mm.argStart) return EMPTY;
  // Linux reads on into the environment only when it follows the arguments.
  const envEnd = mm.envStart !== mm.argEnd || mm.envEnd < mm.envStart ? mm.argEnd : mm.envEnd;
  const last = mm.read(mm.argEnd - 1, 1);
  if (!last) return EMPTY;
  if (last[0] !== 0) {
    const page = mm.read(mm.argStart, Math.min(4096, envEnd - mm.argStart));
    if (!page) return EMPTY;
    const nul = page.indexOf(0);
    return nul >= 0 ? page.subarray(0, nul + 1) : page;
  }
  return mm.read(mm.argStart, mm.argEnd - mm.argStart) ?? EMPTY;
}

export function environ(t: Task): Uint8Array {
  const mm = taskMm(t);
  if (!mm || mm.envEnd <= mm.envStart) return EMPTY;
  return mm.read(mm.envStart, mm.envEnd - mm.envStart) ?? EMPTY;
}

/** Names and units of /proc/PID/limits, in RLIMIT_* order. */
const LIMITS: [string, string | null][] = [
  ['Max cpu time', 'seconds'],
  ['Max file size', 'bytes'],
  ['Max data size', 'bytes'],
  ['Max stack size', 'bytes'],
  ['Max core file size', 'bytes'],
  ['Max resident set', 'bytes'],
  ['Max processes', 'processes'],
  ['Max open files', 'files'],
  ['Max locked memory', 'bytes'],
  ['Max address space', 'bytes'],
  ['Max file locks', 'locks'],
  ['Max pending signals', 'signals'],
  ['Max msgqueue size', 'bytes'],
  ['Max nice priority', null],
  ['Max realtime priority', null],
  ['Max realtime timeout', 'us'],
];

/** proc_pid_limits: "%-25s %-20s %-20s %-10s" columns. */
export function limits(t: Task): string {
  const v = (x: bigint) => (x === RLIM_INFINITY ? 'unlimited' : x.toString()).padEnd(20);
  let s = `${'Limit'.padEnd(25)} ${'Soft Limit'.padEnd(20)} ${'Hard Limit'.padEnd(20)} ${'Units'.padEnd(10)}\n`;
  LIMITS.forEach(([name, unit], i) => {
    const [cur, max] = t.tg.rlimits[i] ?? [RLIM_INFINITY, RLIM_INFINITY];
    s += `${name.padEnd(25)} ${v(cur)} ${v(max)} ${unit ? unit.padEnd(10) + '\n' : '\n'}`;
  });
  return s;
}

const AUDIT_SID_UNSET = 0xffffffff;

/** proc_loginuid_write: a number (or -1 to unset), by a privileged writer. */
function loginuidStore(k: Kernel, t: Task) {
  return (data: Uint8Array): number => {
    if ((reader(k)?.cred.euid ?? 0) !== 0) return -EPERM;
    const s = String.fromCharCode(...data.subarray(0, 23)).trim();
    if (!/^-?[0-9]+$/.test(s)) return -EINVAL;
    const v = Number(s);
    if (v < -1 || v > 0xffffffff) return -EINVAL;
    t.tg.loginuid = v === -1 ? 0xffffffff : v;
    return data.length;
  };
}

/** do_io_accounting: one thread's counters, or the whole group's (exited threads included). */
export function ioAccounting(t: Task, whole: boolean): string {
  const a = { rchar: 0, wchar: 0, syscr: 0, syscw: 0, readBytes: 0, writeBytes: 0, cancelledWriteBytes: 0 };
  for (const i of whole ? [t.tg.exitedIo, ...t.tg.tasks.map((x) => x.ioac)] : [t.ioac]) {
    a.rchar += i.rchar;
    a.wchar += i.wchar;
    a.syscr += i.syscr;
    a.syscw += i.syscw;
    a.readBytes += i.readBytes;
    a.writeBytes += i.writeBytes;
    a.cancelledWriteBytes += i.cancelledWriteBytes;
  }
  return (
    `rchar: ${a.rchar}\nwchar: ${a.wchar}\nsyscr: ${a.syscr}\nsyscw: ${a.syscw}\n` +
    `read_bytes: ${a.readBytes}\nwrite_bytes: ${a.writeBytes}\ncancelled_write_bytes: ${a.cancelledWriteBytes}\n`
  );
}

/** /proc/PID/ns: one magic link per namespace, to its nsfs inode. */
function nsEntries(k: Kernel, sb: ProcSuper, t: Task, scope: string, base: string): ProcEntry[] {
  return NAMESPACES.map(([name, type, ino]) => {
    const resolve = (): Path | number => {
      if (t.state === 'X') return -ENOENT;
      return mayPtrace(k, t) ? nsPath(k.vfs, type, ino) : -EACCES;
    };
    return magicEntry(
      sb,
      scope,
      base + name,
      0o777,
      resolve,
      () => {
        const p = resolve();
        return typeof p === 'number' ? p : `${type}:[${ino}]`;
      },
      ownerOf(t),
    );
  });
}

/** comm_write: only a thread of the same process may rename (else EINVAL). */
function commStore(k: Kernel, t: Task) {
  return (data: Uint8Array): number => {
    const r = reader(k);
    if (r && r.tg !== t.tg) return -EINVAL;
    const n = Math.min(data.length, 15);
    let s = '';
    for (let i = 0; i < n && data[i] !== 0; i++) s += String.fromCharCode(data[i]);
    t.comm = s;
    return data.length;
  };
}

/** The entries of /proc/PID (whole process) or /proc/PID/task/TID. */
export function taskEntries(k: Kernel, sb: ProcSuper, t: Task, whole: boolean, scope: string, base: string): ProcEntry[] {
  const owner = ownerOf(t);
  const alive = (fn: () => ProcContent) => (): ProcContent => (t.state === 'X' ? -ESRCH : fn());
  const ptrace = () => (mayPtrace(k, t) ? 0 : -EACCES);
  const file = (name: string, mode: number, fn: () => ProcContent, opts: Parameters<typeof fileEntry>[5] = {}) =>
    fileEntry(sb, scope, base + name, mode, alive(fn), { owner, ...opts });
  const link = (name: string, target: () => Path | null | undefined) => {
    const resolve = (): Path | number => {
      if (t.state === 'X') return -ENOENT;
      if (!mayPtrace(k, t)) return -EACCES;
      return target() ?? -ENOENT;
    };
    return magicEntry(
      sb,
      scope,
      base + name,
      0o777,
      resolve,
      () => {
        const p = resolve();
        return typeof p === 'number' ? p : dPath(p, readerRoot(k));
      },
      owner,
    );
  };
  const list: ProcEntry[] = [];
  if (whole) {
    list.push(
      dirEntry(
        sb,
        scope,
        base + 'task',
        0o555,
        () => (t.tg.reaped ? -ESRCH : visibleThreads(t.tg).map((x) => threadEntry(k, sb, x, scope, `${base}task/${x.tid}`))),
        owner,
      ),
    );
  }
  list.push(...fdDirs(k, sb, t, scope, base));
  list.push(
    dirEntry(sb, scope, base + 'ns', 0o511, () => nsEntries(k, sb, t, scope, base + 'ns/'), owner),
    file('environ', 0o400, () => environ(t), { openCheck: ptrace }),
    file('status', 0o444, () => taskStatus(t, k.runqueues.length)),
    file('limits', 0o444, () => limits(t)),
    file('sched', 0o644, () => procSched(k, t), { store: (d) => d.length }),
    file('comm', 0o644, () => `${t.comm}\n`, { store: commStore(k, t) }),
    file('cmdline', 0o444, () => cmdline(t)),
    file('stat', 0o444, () => taskStat(k, t, whole)),
    file('statm', 0o444, () => statm(t, taskMm(t))),
    file('maps', 0o444, () => maps(k, taskMm(t)), { openCheck: ptrace }),
    file('smaps', 0o444, () => smaps(taskMm(t)), { openCheck: ptrace }),
    // pagemap_open: ptrace read access; the PFNs are for an opener with CAP_SYS_ADMIN.
    opsEntry(sb, scope, base + 'pagemap', 0o400, () => {
      if (t.state === 'X') return -ESRCH;
      const r = ptrace();
      if (r < 0) return r;
      const who = reader(k);
      return pagemapOps(t, who !== null && capable(who.cred, CAP_SYS_ADMIN));
    }),
    file('smaps_rollup', 0o444, () => smapsRollup(taskMm(t)), { openCheck: ptrace }),
    link('cwd', () => taskFs(t)?.cwd),
    link('root', () => taskFs(t)?.root),
    link('exe', () => t.exe?.path),
    file(
      'mounts',
      0o444,
      () => {
        const fs = taskFs(t);
        return fs ? mounts(k, fs.root) : -ENOENT;
      },
      { poll: () => mountsPoll(k) },
    ),
    file('mountinfo', 0o444, () => {
      const fs = taskFs(t);
      return fs ? mountinfo(k, fs.root) : -ENOENT;
    }),
    file('wchan', 0o444, () => wchan(k, t)),
    netDir(k, sb, scope, base, owner),
    file('schedstat', 0o444, () => schedstat(t)),
    // Only the unified hierarchy, and every process in its root.
    file('cgroup', 0o444, () => '0::/\n'),
    file('oom_score', 0o444, () => oomScore(k, t)),
    file('oom_adj', 0o644, () => oomAdjShow(t), { store: oomAdjStore(k, t) }),
    file('oom_score_adj', 0o644, () => `${t.tg.oomScoreAdj}\n`, { store: oomScoreAdjStore(k, t) }),
    // "%u" with no newline; (uid_t)-1 until a login sets it.
    file('loginuid', 0o644, () => String(t.tg.loginuid >>> 0), { store: loginuidStore(k, t) }),
    file('sessionid', 0o444, () => String(AUDIT_SID_UNSET)),
    file('io', 0o400, () => (mayPtrace(k, t) ? ioAccounting(t, whole) : -EACCES)),
  );
  return list;
}

function threadEntry(k: Kernel, sb: ProcSuper, x: Task, scope: string, path: string): ProcEntry {
  return dirEntry(sb, scope, path, 0o555, () => (x.state === 'X' ? -ESRCH : taskEntries(k, sb, x, false, scope, path + '/')), ownerOf(x));
}

/**
 * Scope of the subtree /proc/N: its inode numbers live and die with it. A
 * process that later gets the same PID is another scope (its start time
 * differs): Linux gives each task's /proc inodes fresh numbers, and
 * pidfd_send_signal03 tells a reused PID by the directory's st_ino.
 */
export const pidScope = (t: Task) => `p${t.tid}:${t.startTime}`;

/** Whether a scope made by pidScope still names a live task (the same one, not a PID reuse). */
export function pidScopeAlive(k: Kernel, scope: string): boolean {
  const m = /^p(\d+):/.exec(scope);
  const t = m ? findTask(k, Number(m[1])) : null;
  return t !== null && pidScope(t) === scope;
}

/**
 * mounts_poll: always readable; EPOLLERR | EPOLLPRI once after each change of
 * the mount table since the open (or since the last poll that reported one).
 */
function mountsPoll(k: Kernel): NonNullable<FileOps['poll']> {
  let seen = k.vfs.mntEvent;
  return (_f, wait) => {
    wait?.(k.vfs.mntPoll);
    let m = POLLIN | POLLRDNORM;
    if (seen !== k.vfs.mntEvent) {
      seen = k.vfs.mntEvent;
      m |= POLLERR | POLLPRI;
    }
    return m;
  };
}

/** /proc/N for a process, or (looked up, never listed) for one of its threads. */
export function pidEntry(k: Kernel, sb: ProcSuper, t: Task): ProcEntry {
  const scope = pidScope(t);
  const key = { scope, name: '' };
  const list = () => (t.state === 'X' ? -ESRCH : taskEntries(k, sb, t, true, scope, ''));
  const make = () => {
    const d = new ProcDir(sb, key, 0o555, list, ownerOf(t));
    d.pidTask = t;
    return d;
  };
  return { name: String(t.tid), key, mode: S_IFDIR | 0o555, make };
}

/** /proc/N by number: a process, or a thread (found though never listed). */
export function pidLookup(k: Kernel, sb: ProcSuper, name: string): ProcEntry | null {
  if (!/^[1-9][0-9]*$/.test(name)) return null;
  const t = findTask(k, Number(name));
  return t ? pidEntry(k, sb, t) : null;
}
