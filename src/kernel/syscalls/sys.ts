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
import {
  CAP_SETGID,
  CAP_SETPCAP,
  CAP_SETUID,
  SECBIT_KEEP_CAPS,
  CAP_SYS_ADMIN,
  CAP_SYS_RESOURCE,
  SECURE_ALL_BITS,
  SECURE_ALL_LOCKS,
  SECURE_KEEP_CAPS,
  SECURE_NO_CAP_AMBIENT_RAISE,
  capBit,
  issecure,
  capValid,
  capable,
  fixSetfsuid,
  fixSetuid,
} from '../security/commoncap.js';
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
  return t.mm.writeU32(a.ulong(0), t.cred.uid) && t.mm.writeU32(a.ulong(1), t.cred.euid) && t.mm.writeU32(a.ulong(2), t.cred.suid) ? 0 : -EFAULT;
}
export function sys_getresgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return t.mm.writeU32(a.ulong(0), t.cred.gid) && t.mm.writeU32(a.ulong(1), t.cred.egid) && t.mm.writeU32(a.ulong(2), t.cred.sgid) ? 0 : -EFAULT;
}

const NOCHG = 0xffffffff;
const capId = (t: Task, which: 'u' | 'g') => capable(t.cred, which === 'u' ? CAP_SETUID : CAP_SETGID);

/** Set the real, effective and saved ids (fsid follows the effective one), with the capability fix-ups of a uid change. */
function apply(t: Task, which: 'u' | 'g', r: number, e: number, s: number): void {
  const c = t.cred;
  if (which === 'u') {
    const old = { uid: c.uid, euid: c.euid, suid: c.suid, fsuid: c.fsuid };
    if (r !== NOCHG) c.uid = r;
    if (e !== NOCHG) c.euid = e;
    if (s !== NOCHG) c.suid = s;
    c.fsuid = c.euid;
    fixSetuid(c, old);
  } else {
    if (r !== NOCHG) c.gid = r;
    if (e !== NOCHG) c.egid = e;
    if (s !== NOCHG) c.sgid = s;
    c.fsgid = c.egid;
  }
}

/** setresuid with Linux's rules: without CAP_SETUID (CAP_SETGID) a task may only pick among its current ids. */
function setres(t: Task, which: 'u' | 'g', r: number, e: number, s: number): number {
  const c = t.cred;
  const cur = which === 'u' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid];
  if (!capId(t, which)) for (const v of [r, e, s]) if (v !== NOCHG && !cur.includes(v)) return -EPERM;
  apply(t, which, r, e, s);
  return 0;
}
const u32 = (a: SyscallArgs, i: number) => (a.ulong(i) >>> 0 === 0xffffffff ? NOCHG : a.int(i) >>> 0);
export function sys_setresuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setres(t, 'u', u32(a, 0), u32(a, 1), u32(a, 2));
}
export function sys_setresgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setres(t, 'g', u32(a, 0), u32(a, 1), u32(a, 2));
}
/** setuid/setgid: with the capability, all three ids; without, the effective one, to the real or saved id. */
function setOne(t: Task, which: 'u' | 'g', id: number): number {
  const c = t.cred;
  if (capId(t, which)) {
    apply(t, which, id, id, id);
    return 0;
  }
  if (id !== (which === 'u' ? c.uid : c.gid) && id !== (which === 'u' ? c.suid : c.sgid)) return -EPERM;
  apply(t, which, NOCHG, id, NOCHG);
  return 0;
}
export function sys_setuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setOne(t, 'u', a.int(0) >>> 0);
}
export function sys_setgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setOne(t, 'g', a.int(0) >>> 0);
}

/** setreuid/setregid: the saved id follows the new effective one when the real id is set or the effective one leaves it. */
function setre(t: Task, which: 'u' | 'g', r: number, e: number): number {
  const c = t.cred;
  const [ru, eu, su] = which === 'u' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid];
  if (!capId(t, which)) {
    if (r !== NOCHG && r !== ru && r !== eu) return -EPERM;
    if (e !== NOCHG && e !== ru && e !== eu && e !== su) return -EPERM;
  }
  const ns = r !== NOCHG || (e !== NOCHG && e !== ru) ? (e !== NOCHG ? e : eu) : NOCHG;
  apply(t, which, r, e, ns);
  return 0;
}
export function sys_setreuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setre(t, 'u', u32(a, 0), u32(a, 1));
}
export function sys_setregid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return setre(t, 'g', u32(a, 0), u32(a, 1));
}

export function sys_setfsuid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const c = t.cred,
    old = c.fsuid,
    id = a.int(0) >>> 0;
  if (id !== NOCHG && (capable(c, CAP_SETUID) || [c.uid, c.euid, c.suid, c.fsuid].includes(id))) {
    c.fsuid = id;
    fixSetfsuid(c, old);
  }
  return old;
}
export function sys_setfsgid(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const c = t.cred,
    old = c.fsgid,
    id = a.int(0) >>> 0;
  if (id !== NOCHG && (capable(c, CAP_SETGID) || [c.gid, c.egid, c.sgid, c.fsgid].includes(id))) c.fsgid = id;
  return old;
}

export function sys_uname(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const w = new StructWriter(390);
  const f = ['Linux', k.hostname, UTS_RELEASE, UTS_VERSION, UTS_MACHINE, k.domainname];
  f.forEach((s, i) => w.str(i * 65, s, 65));
  return t.mm.write(a.ulong(0), w.buf) ? 0 : -EFAULT;
}

function setName(k: Kernel, t: Task, a: SyscallArgs, which: 'hostname' | 'domainname'): number {
  if (!capable(t.cred, CAP_SYS_ADMIN)) return -EPERM;
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

function rlimitBuf(l: [bigint, bigint]): Uint8Array {
  return new StructWriter(16).u64(0, l[0]).u64(8, l[1]).buf;
}

export function sys_prlimit64(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0),
    res = a.int(1),
    newAddr = a.ulong(2),
    oldAddr = a.ulong(3);
  const tg = pid === 0 ? t.tg : k.pids.findThreadGroup(pid);
  if (!tg) return -ESRCH;
  if (res < 0 || res >= RLIM_NLIMITS) return -EINVAL;
  let next: [bigint, bigint] | null = null;
  if (newAddr) {
    const b = t.mm.read(newAddr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    next = [dv.getBigUint64(0, true), dv.getBigUint64(8, true)];
    if (next[0] > next[1]) return -EINVAL;
    if (next[1] > tg.rlimits[res][1] && !capable(t.cred, CAP_SYS_RESOURCE)) return -EPERM;
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
  if (next[1] > t.tg.rlimits[res][1] && !capable(t.cred, CAP_SYS_RESOURCE)) return -EPERM;
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
  const total = k.pages.total * 4096,
    free = k.pages.free * 4096;
  w.i64(0, Math.floor(k.clock.monotonic() / 1e9));
  const [l1, l5, l15] = k.loadavg ?? [0, 0, 0];
  w.u64(8, Math.round(l1 * 65536))
    .u64(16, Math.round(l5 * 65536))
    .u64(24, Math.round(l15 * 65536));
  w.u64(32, total).u64(40, free).u64(48, 0).u64(56, 0).u64(64, 0).u64(72, 0);
  w.dv.setUint16(80, k.pids.groupCount, true);
  w.u64(88, 0).u64(96, 0).u32(104, 1);
  return t.mm.write(a.ulong(0), w.buf) ? 0 : -EFAULT;
}

const PR_SET_PDEATHSIG = 1,
  PR_GET_PDEATHSIG = 2,
  PR_GET_DUMPABLE = 3,
  PR_SET_DUMPABLE = 4,
  PR_GET_KEEPCAPS = 7,
  PR_SET_KEEPCAPS = 8,
  PR_SET_NAME = 15,
  PR_GET_NAME = 16,
  PR_CAPBSET_READ = 23,
  PR_GET_SECUREBITS = 27,
  PR_SET_TIMERSLACK = 29,
  PR_GET_TIMERSLACK = 30,
  PR_SET_CHILD_SUBREAPER = 36,
  PR_GET_CHILD_SUBREAPER = 37,
  PR_SET_NO_NEW_PRIVS = 38,
  PR_GET_NO_NEW_PRIVS = 39,
  PR_GET_TID_ADDRESS = 40,
  PR_SET_THP_DISABLE = 41,
  PR_GET_THP_DISABLE = 42,
  PR_CAP_AMBIENT = 47,
  PR_SET_VMA = 0x53564d41,
  PR_SET_PTRACER = 0x59616d61;
const PR_CAP_AMBIENT_IS_SET = 1,
  PR_CAP_AMBIENT_RAISE = 2,
  PR_CAP_AMBIENT_LOWER = 3,
  PR_CAP_AMBIENT_CLEAR_ALL = 4;
const PR_CAPBSET_DROP = 24,
  PR_SET_SECUREBITS = 28;

export function sys_prctl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const op = a.int(0),
    a2 = a.ulong(1),
    a3 = a.ulong(2),
    a4 = a.ulong(3),
    a5 = a.ulong(4);
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
    case PR_SET_PDEATHSIG:
      if (a2 > 64) return -EINVAL;
      t.pdeathSig = a2;
      return 0;
    case PR_SET_PTRACER: {
      // Yama: 0 clears, PR_SET_PTRACER_ANY (-1) lets anyone attach, else one existing process.
      const who = a.long(1);
      if (who !== 0 && who !== -1 && !k.pids.findThreadGroup(who)) return -EINVAL;
      t.tg.yamaPtracer = who;
      return 0;
    }
    case PR_GET_PDEATHSIG:
      return t.mm.writeU32(a2, t.pdeathSig) ? 0 : -EFAULT;
    case PR_GET_DUMPABLE:
      return t.mm.dumpable;
    case PR_SET_DUMPABLE:
      if (a2 !== 0 && a2 !== 1) return -EINVAL;
      t.mm.dumpable = a2;
      return 0;
    case PR_GET_KEEPCAPS:
      return issecure(t.cred, SECURE_KEEP_CAPS) ? 1 : 0;
    case PR_SET_KEEPCAPS:
      if (a2 > 1) return -EINVAL;
      if (issecure(t.cred, SECURE_KEEP_CAPS + 1)) return -EPERM;
      t.cred.securebits = a2 ? t.cred.securebits | SECBIT_KEEP_CAPS : t.cred.securebits & ~SECBIT_KEEP_CAPS;
      return 0;
    case PR_CAPBSET_READ:
      return capValid(a2) ? (t.cred.capBnd & capBit(a2) ? 1 : 0) : -EINVAL;
    case PR_CAPBSET_DROP:
      if (!capable(t.cred, CAP_SETPCAP)) return -EPERM;
      if (!capValid(a2)) return -EINVAL;
      t.cred.capBnd &= ~capBit(a2);
      return 0;
    case PR_GET_SECUREBITS:
      return t.cred.securebits;
    case PR_SET_SECUREBITS: {
      const old = t.cred.securebits;
      // A locked bit may not change, a lock may not be released, unknown bits and the lack of CAP_SETPCAP are EPERM.
      if (
        ((old & SECURE_ALL_LOCKS) >> 1) & (old ^ a2) ||
        old & SECURE_ALL_LOCKS & ~a2 ||
        a2 > 0xffffffff ||
        a2 & ~(SECURE_ALL_LOCKS | SECURE_ALL_BITS) ||
        !capable(t.cred, CAP_SETPCAP)
      )
        return -EPERM;
      t.cred.securebits = a2;
      return 0;
    }
    case PR_SET_TIMERSLACK:
      // Real-time tasks keep a zero slack: the call is accepted and changes nothing.
      if (t.policy === 1 || t.policy === 2 || t.policy === 6) return 0;
      t.timerSlack = a2 === 0 ? t.defaultTimerSlack : a2;
      return 0;
    case PR_GET_TIMERSLACK:
      return t.timerSlack;
    case PR_SET_CHILD_SUBREAPER:
      t.tg.subreaper = a2 !== 0;
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      return t.mm.writeU32(a2, t.tg.subreaper ? 1 : 0) ? 0 : -EFAULT;
    case PR_SET_NO_NEW_PRIVS:
      if (a2 !== 1 || a3 || a4 || a5) return -EINVAL;
      t.noNewPrivs = true;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (a2 || a3 || a4 || a5) return -EINVAL;
      return t.noNewPrivs ? 1 : 0;
    case PR_GET_TID_ADDRESS:
      return t.mm.writeU64(a2, t.clearChildTid) ? 0 : -EFAULT;
    case PR_SET_THP_DISABLE:
      if (a3 || a4 || a5) return -EINVAL;
      t.mm.thpDisable = a2 !== 0;
      return 0;
    case PR_GET_THP_DISABLE:
      if (a2 || a3 || a4 || a5) return -EINVAL;
      return t.mm.thpDisable ? 1 : 0;
    case PR_CAP_AMBIENT: {
      const c = t.cred;
      if (a2 === PR_CAP_AMBIENT_CLEAR_ALL) {
        if (a3 || a4 || a5) return -EINVAL;
        c.capAmb = 0n;
        return 0;
      }
      if (!capValid(a3) || a4 || a5) return -EINVAL;
      const bit = capBit(a3);
      if (a2 === PR_CAP_AMBIENT_IS_SET) return c.capAmb & bit ? 1 : 0;
      if (a2 === PR_CAP_AMBIENT_LOWER) {
        c.capAmb &= ~bit;
        return 0;
      }
      if (a2 !== PR_CAP_AMBIENT_RAISE) return -EINVAL;
      // Only what is both permitted and inheritable may become ambient, and SECBIT_NO_CAP_AMBIENT_RAISE forbids it.
      if (!(c.capPrm & bit) || !(c.capInh & bit) || issecure(c, SECURE_NO_CAP_AMBIENT_RAISE)) return -EPERM;
      c.capAmb |= bit;
      return 0;
    }
    case PR_SET_VMA:
      return 0;
    default:
      return -EINVAL;
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
  const target = k.pids.findThreadGroup(pid);
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
    if (!k.pids.processGroup(pgid).some((g) => g.sid === t.tg.sid)) return -EPERM;
  }
  target.pgid = pgid;
  return 0;
}

export function sys_getpgid(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0);
  const g = pid === 0 ? t.tg : k.pids.findThreadGroup(pid);
  return g ? g.pgid : -ESRCH;
}

export function sys_getsid(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid = a.int(0);
  const g = pid === 0 ? t.tg : k.pids.findThreadGroup(pid);
  return g ? g.sid : -ESRCH;
}

export function sys_setsid(k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  if (k.pids.processGroup(t.pid).length) return -EPERM;
  t.tg.sid = t.pid;
  t.tg.pgid = t.pid;
  k.onSetsid?.(t);
  return t.pid;
}
