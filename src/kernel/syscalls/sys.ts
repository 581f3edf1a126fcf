// What Linux's kernel/sys.c holds: the process's ids (pid, tid, parent,
// process group, session), the user and group ids, uname and the host and
// domain names, resource limits and usage, umask, prctl, getcpu, sysinfo and
// times. Scheduling priorities (also in sys.c) live with the other scheduling
// attributes in sched.ts.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EACCES, EFAULT, EINVAL, EPERM, ESRCH } from '../errno.js';
import { StructWriter } from './uaccess.js';
import { RLIM_NLIMITS, RLIMIT_NOFILE, RLIM_INFINITY } from '../sched/threadgroup.js';
import { rusage } from '../sched/rusage.js';
import { UTS_RELEASE, UTS_VERSION, UTS_MACHINE } from '../version.js';
import { groupUsage } from '../sched/cputime.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

export function sys_getuid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.cred.uid;
}
export function sys_geteuid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.cred.euid;
}
export function sys_getgid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.cred.gid;
}
export function sys_getegid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.cred.egid;
}

export function sys_getresuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return (t.mm.writeU32(a.ulong(0), t.cred.uid) && t.mm.writeU32(a.ulong(1), t.cred.euid) && t.mm.writeU32(a.ulong(2), t.cred.suid)) ? 0 : -EFAULT;
}
export function sys_getresgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return (t.mm.writeU32(a.ulong(0), t.cred.gid) && t.mm.writeU32(a.ulong(1), t.cred.egid) && t.mm.writeU32(a.ulong(2), t.cred.sgid)) ? 0 : -EFAULT;
}

const NOCHG = 0xffffffff;
/** setresuid with Linux's rules: unprivileged tasks may only pick among their current ids. */
function setres(t: Task, which: 'u' | 'g', r: number, e: number, s: number): number {
  const c = t.cred;
  const cur = which === 'u' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid];
  const priv = c.euid === 0;
  for (const v of [r, e, s]) if (v !== NOCHG && !priv && !cur.includes(v)) return -EPERM;
  const nr = r === NOCHG ? cur[0] : r, ne = e === NOCHG ? cur[1] : e, ns = s === NOCHG ? cur[2] : s;
  if (which === 'u') { c.uid = nr; c.euid = ne; c.suid = ns; c.fsuid = ne; }
  else { c.gid = nr; c.egid = ne; c.sgid = ns; c.fsgid = ne; }
  return 0;
}
const u32 = (a: SyscallArgs, i: number) => a.ulong(i) >>> 0 === 0xffffffff ? NOCHG : a.int(i) >>> 0;
export function sys_setresuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setres(t, 'u', u32(a, 0), u32(a, 1), u32(a, 2));
}
export function sys_setresgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setres(t, 'g', u32(a, 0), u32(a, 1), u32(a, 2));
}
export function sys_setuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0) >>> 0;
  if (t.cred.euid === 0) return setres(t, 'u', id, id, id);
  if (id !== t.cred.uid && id !== t.cred.suid) return -EPERM;
  return setres(t, 'u', NOCHG, id, NOCHG);
}
export function sys_setgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const id = a.int(0) >>> 0;
  if (t.cred.euid === 0) return setres(t, 'g', id, id, id);
  if (id !== t.cred.gid && id !== t.cred.sgid) return -EPERM;
  return setres(t, 'g', NOCHG, id, NOCHG);
}
export function sys_setreuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const r = u32(a, 0), e = u32(a, 1), c = t.cred;
  if (c.euid !== 0) {
    if (r !== NOCHG && r !== c.uid && r !== c.euid) return -EPERM;
    if (e !== NOCHG && e !== c.uid && e !== c.euid && e !== c.suid) return -EPERM;
  }
  const ns = r !== NOCHG || (e !== NOCHG && e !== c.uid) ? (e !== NOCHG ? e : c.euid) : c.suid;
  const save = c.euid; c.euid = 0;
  const res = setres(t, 'u', r, e, ns);
  if (res < 0) c.euid = save;
  return res;
}
export function sys_setregid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const r = u32(a, 0), e = u32(a, 1), c = t.cred;
  if (c.euid !== 0) {
    if (r !== NOCHG && r !== c.gid && r !== c.egid) return -EPERM;
    if (e !== NOCHG && e !== c.gid && e !== c.egid && e !== c.sgid) return -EPERM;
  }
  const ns = r !== NOCHG || (e !== NOCHG && e !== c.gid) ? (e !== NOCHG ? e : c.egid) : c.sgid;
  if (r !== NOCHG) c.gid = r;
  if (e !== NOCHG) { c.egid = e; c.fsgid = e; }
  c.sgid = ns;
  return 0;
}
export function sys_setfsuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const old = t.cred.fsuid, id = a.int(0) >>> 0, c = t.cred;
  if (c.euid === 0 || [c.uid, c.euid, c.suid, c.fsuid].includes(id)) c.fsuid = id;
  return old;
}
export function sys_setfsgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const old = t.cred.fsgid, id = a.int(0) >>> 0, c = t.cred;
  if (c.euid === 0 || [c.gid, c.egid, c.sgid, c.fsgid].includes(id)) c.fsgid = id;
  return old;
}

export function sys_uname(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const w = new StructWriter(390);
  const f = [ 'Linux', k.hostname, UTS_RELEASE, UTS_VERSION, UTS_MACHINE, k.domainname ];
  f.forEach((s, i) => w.str(i * 65, s, 65));
  return t.mm.write(a.ulong(0), w.buf) ? 0 : -EFAULT;
}

function setName(k: Kernel, t: Task, a: SyscallArgs, which: 'hostname' | 'domainname'): number {
  if (t.cred.euid !== 0) return -EPERM;
  const len = a.int(1);
  if (len < 0 || len > 64) return -EINVAL;
  const b = t.mm.read(a.ulong(0), len);
  if (!b) return -EFAULT;
  k[which] = String.fromCharCode(...b);
  return 0;
}
export function sys_sethostname(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setName(k, t, a, 'hostname');
}
export function sys_setdomainname(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setName(k, t, a, 'domainname');
}

function rlimitBuf(l: [bigint, bigint]): Uint8Array { return new StructWriter(16).u64(0, l[0]).u64(8, l[1]).buf; }

export function sys_prlimit64(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0), res = a.int(1), newAddr = a.ulong(2), oldAddr = a.ulong(3);
  const tg = pid === 0 ? t.tg : k.groups.get(pid);
  if (!tg) return -ESRCH;
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  let next: [bigint, bigint] | null = null;
  if (newAddr) {
    const b = t.mm.read(newAddr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    next = [dv.getBigUint64(0, true), dv.getBigUint64(8, true)];
    if (next[0] > next[1]) return -EINVAL;
    if (next[1] > tg.rlimits[res][1] && t.cred.euid !== 0) return -EPERM;
    if (res === RLIMIT_NOFILE && next[1] > 1048576n && next[1] !== RLIM_INFINITY) return -EPERM;
  }
  if (oldAddr && !t.mm.write(oldAddr, rlimitBuf(tg.rlimits[res]))) return -EFAULT;
  if (next) tg.rlimits[res] = next;
  return 0;
}

export function sys_getrlimit(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const res = a.int(0);
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  return t.mm.write(a.ulong(1), rlimitBuf(t.tg.rlimits[res])) ? 0 : -EFAULT;
}
export function sys_setrlimit(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const res = a.int(0);
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  const b = t.mm.read(a.ulong(1), 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const next: [bigint, bigint] = [dv.getBigUint64(0, true), dv.getBigUint64(8, true)];
  if (next[0] > next[1]) return -EINVAL;
  if (next[1] > t.tg.rlimits[res][1] && t.cred.euid !== 0) return -EPERM;
  t.tg.rlimits[res] = next;
  return 0;
}

export function sys_getrusage(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const who = a.int(0);
  // RUSAGE_BOTH (-2) is the kernel's own (times, wait): getrusage(2) takes SELF, CHILDREN and THREAD only.
  if (who !== 0 && who !== -1 && who !== 1) return -EINVAL;
  const ru = rusage(t, who);
  if (!ru) return -EINVAL;
  return t.mm.write(a.ulong(1), ru) ? 0 : -EFAULT;
}

export function sys_sysinfo(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const w = new StructWriter(112);
  const total = k.pages.total * 4096, free = k.pages.free * 4096;
  w.i64(0, Math.floor(k.clock.monotonic() / 1e9));
  const [l1, l5, l15] = k.loadavg ?? [0, 0, 0];
  w.u64(8, Math.round(l1 * 65536)).u64(16, Math.round(l5 * 65536)).u64(24, Math.round(l15 * 65536));
  w.u64(32, total).u64(40, free).u64(48, 0).u64(56, 0).u64(64, 0).u64(72, 0);
  w.dv.setUint16(80, k.groups.size, true);
  w.u64(88, 0).u64(96, 0).u32(104, 1);
  return t.mm.write(a.ulong(0), w.buf) ? 0 : -EFAULT;
}

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_GET_KEEPCAPS = 7,
  PR_SET_KEEPCAPS = 8, PR_SET_NAME = 15, PR_GET_NAME = 16, PR_CAPBSET_READ = 23, PR_GET_SECUREBITS = 27,
  PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
  PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_GET_TID_ADDRESS = 40, PR_SET_THP_DISABLE = 41,
  PR_GET_THP_DISABLE = 42, PR_CAP_AMBIENT = 47, PR_SET_VMA = 0x53564d41, PR_SET_PTRACER = 0x59616d61;
const PR_CAP_AMBIENT_IS_SET = 1, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_LOWER = 3, PR_CAP_AMBIENT_CLEAR_ALL = 4;
/** CAP_LAST_CAP in 6.12 (CAP_CHECKPOINT_RESTORE). */
const CAP_LAST_CAP = 40;
const keepCaps = new WeakSet<Task>();

export function sys_prctl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const op = a.int(0), a2 = a.ulong(1), a3 = a.ulong(2), a4 = a.ulong(3), a5 = a.ulong(4);
  switch (op) {
    case PR_SET_NAME: {
      // strncpy_from_user of at most 15 bytes: no NUL is needed within them.
      const b: number[] = [];
      for (let i = 0; i < 15; i++) {
        const c = t.mm.read(a2 + i, 1);
        if (!c) return -EFAULT;
        if (c[0] === 0) break;
        b.push(c[0]);
      }
      t.comm = String.fromCharCode(...b);
      return 0;
    }
    case PR_GET_NAME: {
      const b = new Uint8Array(16);
      for (let i = 0; i < t.comm.length; i++) b[i] = t.comm.charCodeAt(i);
      return t.mm.write(a2, b) ? 0 : -EFAULT;
    }
    case PR_SET_PDEATHSIG: if (a2 > 64) return -EINVAL; t.pdeathSig = a2; return 0;
    case PR_SET_PTRACER: {
      // Yama: 0 clears, PR_SET_PTRACER_ANY (-1) lets anyone attach, else one existing process.
      const who = a.long(1);
      if (who !== 0 && who !== -1 && !k.groups.has(who)) return -EINVAL;
      t.tg.yamaPtracer = who;
      return 0;
    }
    case PR_GET_PDEATHSIG: return t.mm.writeU32(a2, t.pdeathSig) ? 0 : -EFAULT;
    case PR_GET_DUMPABLE: return t.mm.dumpable;
    case PR_SET_DUMPABLE: if (a2 !== 0 && a2 !== 1) return -EINVAL; t.mm.dumpable = a2; return 0;
    case PR_GET_KEEPCAPS: return keepCaps.has(t) ? 1 : 0;
    case PR_SET_KEEPCAPS: if (a2 > 1) return -EINVAL; if (a2) keepCaps.add(t); else keepCaps.delete(t); return 0;
    case PR_CAPBSET_READ: return a2 <= CAP_LAST_CAP ? 1 : -EINVAL;
    case PR_GET_SECUREBITS: return 0;
    case PR_SET_TIMERSLACK:
      // Real-time tasks keep a zero slack: the call is accepted and changes nothing.
      if (t.policy === 1 || t.policy === 2 || t.policy === 6) return 0;
      t.timerSlack = a2 === 0 ? t.defaultTimerSlack : a2;
      return 0;
    case PR_GET_TIMERSLACK: return t.timerSlack;
    case PR_SET_CHILD_SUBREAPER: t.tg.subreaper = a2 !== 0; return 0;
    case PR_GET_CHILD_SUBREAPER: return t.mm.writeU32(a2, t.tg.subreaper ? 1 : 0) ? 0 : -EFAULT;
    case PR_SET_NO_NEW_PRIVS:
      if (a2 !== 1 || a3 || a4 || a5) return -EINVAL;
      t.noNewPrivs = true;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (a2 || a3 || a4 || a5) return -EINVAL;
      return t.noNewPrivs ? 1 : 0;
    case PR_GET_TID_ADDRESS: return t.mm.writeU64(a2, t.clearChildTid) ? 0 : -EFAULT;
    case PR_SET_THP_DISABLE: if (a3 || a4 || a5) return -EINVAL; t.mm.thpDisable = a2 !== 0; return 0;
    case PR_GET_THP_DISABLE: if (a2 || a3 || a4 || a5) return -EINVAL; return t.mm.thpDisable ? 1 : 0;
    case PR_CAP_AMBIENT: {
      if (a2 === PR_CAP_AMBIENT_CLEAR_ALL) {
        if (a3 || a4 || a5) return -EINVAL;
        t.capAmbient = 0n;
        return 0;
      }
      if (a3 > CAP_LAST_CAP || a4 || a5) return -EINVAL;
      const bit = 1n << BigInt(a3);
      if (a2 === PR_CAP_AMBIENT_IS_SET) return (t.capAmbient & bit) ? 1 : 0;
      if (a2 === PR_CAP_AMBIENT_LOWER) { t.capAmbient &= ~bit; return 0; }
      // Raising needs the capability permitted and inheritable; nothing is inheritable here (CapInh 0).
      if (a2 === PR_CAP_AMBIENT_RAISE) return -EPERM;
      return -EINVAL;
    }
    case PR_SET_VMA: return 0;
    default: return -EINVAL;
  }
}

export function sys_getcpu(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (a.ulong(0) && !t.mm.writeU32(a.ulong(0), t.cpu)) return -EFAULT;
  if (a.ulong(1) && !t.mm.writeU32(a.ulong(1), 0)) return -EFAULT;
  return 0;
}

export function sys_umask(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const old = t.fs.umask;
  t.fs.umask = a.int(0) & 0o777;
  return old;
}

export function sys_times(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const tick = (ns: number) => Math.floor(ns / 1e7);
  const u = groupUsage(t.tg);
  if (a.ulong(0)) {
    const w = new StructWriter(32).i64(0, tick(u.utime)).i64(8, tick(u.stime)).i64(16, tick(t.tg.cutime)).i64(24, tick(t.tg.cstime));
    if (!t.mm.write(a.ulong(0), w.buf)) return -EFAULT;
  }
  return tick(k.clock.monotonic());
}

export function sys_getpid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.pid;
}

export function sys_gettid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.tid;
}

export function sys_getppid(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.tg.parent && !t.tg.parent.reaped ? t.tg.parent.tgid : 0;
}

export function sys_setpgid(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0) || t.pid;
  let pgid = a.int(1);
  if (pgid < 0) return -EINVAL;
  const target = k.groups.get(pid);
  if (!target || (target !== t.tg && target.parent !== t.tg)) return -ESRCH;
  // A child: in another session EPERM, and once it has exec'd EACCES (PF_FORKNOEXEC cleared).
  if (target !== t.tg) {
    if (target.sid !== t.tg.sid) return -EPERM;
    if (target.execed) return -EACCES;
  }
  if (target.sid === target.tgid) return -EPERM; // a session leader
  if (target.sid !== t.tg.sid) return -EPERM;
  if (pgid === 0) pgid = target.tgid;
  if (pgid !== target.tgid) {
    let ok = false;
    for (const g of k.groups.values()) if (g.pgid === pgid && g.sid === t.tg.sid) { ok = true; break; }
    if (!ok) return -EPERM;
  }
  target.pgid = pgid;
  return 0;
}

export function sys_getpgid(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0);
  const g = pid === 0 ? t.tg : k.groups.get(pid);
  return g ? g.pgid : -ESRCH;
}

export function sys_getsid(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0);
  const g = pid === 0 ? t.tg : k.groups.get(pid);
  return g ? g.sid : -ESRCH;
}

export function sys_setsid(k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  for (const g of k.groups.values()) if (g.pgid === t.pid) return -EPERM;
  t.tg.sid = t.pid;
  t.tg.pgid = t.pid;
  k.onSetsid?.(t);
  return t.pid;
}
