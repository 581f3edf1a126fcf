// ptrace(2) and process_vm_readv/writev(2).
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EFAULT, EINVAL, EIO, EPERM, ESRCH } from '../errno.js';
import { sendSignal } from '../signal/deliver.js';
import { writeSigInfo } from '../signal/siginfo.js';
import { SIGKILL, SIGSTOP, SIGTRAP, SI_USER, UNBLOCKABLE, type SigInfo } from '../signal/signals.js';
import { PTRACE_EVENT_STOP, PTRACE_O_MASK, ptraceGroupStop, ptraceLink, ptraceResume, ptraceStop, ptraceUnlink } from '../ptrace/ptrace.js';
import { ptraceMayAccess, ptraceMayTraceme } from '../ptrace/access.js';
import { regsetGet, regsetSet, regsetSize } from '../ptrace/regset.js';
import { syscallInfo } from '../ptrace/syscall_info.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

const PTRACE_TRACEME = 0,
  PTRACE_PEEKTEXT = 1,
  PTRACE_PEEKDATA = 2,
  PTRACE_POKETEXT = 4,
  PTRACE_POKEDATA = 5,
  PTRACE_CONT = 7,
  PTRACE_KILL = 8,
  PTRACE_ATTACH = 16,
  PTRACE_DETACH = 17,
  PTRACE_SYSCALL = 24,
  PTRACE_SETOPTIONS = 0x4200,
  PTRACE_GETEVENTMSG = 0x4201,
  PTRACE_GETSIGINFO = 0x4202,
  PTRACE_SETSIGINFO = 0x4203,
  PTRACE_GETREGSET = 0x4204,
  PTRACE_SETREGSET = 0x4205,
  PTRACE_SEIZE = 0x4206,
  PTRACE_INTERRUPT = 0x4207,
  PTRACE_LISTEN = 0x4208,
  PTRACE_GETSIGMASK = 0x420a,
  PTRACE_SETSIGMASK = 0x420b,
  PTRACE_GET_SYSCALL_INFO = 0x420e;

const alive = (x: Task) => x.state !== 'Z' && x.state !== 'X';

/** ptrace_attach: PTRACE_ATTACH sends SIGSTOP; PTRACE_SEIZE stops nothing. */
function attach(k: Kernel, t: Task, target: Task, seize: boolean, addr: number, options: number): number {
  if (seize && (addr !== 0 || options & ~PTRACE_O_MASK)) return -EIO;
  // Kernel threads cannot be traced (PF_KTHREAD).
  if (target.kthread || target.tg === t.tg || target.ptrace || target.tg.groupExiting || !alive(target)) return -EPERM;
  if (!ptraceMayAccess(k, t, target)) return -EPERM;
  ptraceLink(target, t, seize, seize ? options : 0);
  // A task already in a group stop is re-trapped into a ptrace-stop for its new tracer.
  if (target.state === 'T') ptraceGroupStop(k, target, target.tg.stopReport ?? SIGSTOP);
  if (!seize) sendSignal(k, target.tg, { signo: SIGSTOP, code: SI_USER, pid: t.pid, uid: t.cred.uid }, target);
  return 0;
}

function readSigInfo(b: Uint8Array): SigInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    signo: dv.getInt32(0, true),
    errno: dv.getInt32(4, true),
    code: dv.getInt32(8, true),
    pid: dv.getInt32(16, true),
    uid: dv.getInt32(20, true),
    status: dv.getInt32(24, true),
  };
}

function sigInfoBytes(info: SigInfo, t: Task): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  writeSigInfo(dv, 0, info);
  // Trap notifications carry the tracee's pid and uid (ptrace_do_notify), not a fault address.
  if (info.signo === SIGTRAP && (info.code & 0x7f) === SIGTRAP) {
    dv.setInt32(16, info.pid ?? t.tid, true);
    dv.setInt32(20, info.uid ?? 0, true);
  }
  return b;
}

export function sys_ptrace(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const req = a.long(0),
    pid = a.int(1),
    addr = a.ulong(2),
    data = a.ulong(3);
  if (req === PTRACE_TRACEME) {
    const parent = t.tg.parent?.leader;
    if (t.ptrace || !parent || !alive(parent) || !ptraceMayTraceme(k, parent)) return -EPERM;
    ptraceLink(t, parent, false, 0);
    return 0;
  }
  // A zombie is still found by its pid (find_get_task_by_vpid): attaching to it is EPERM.
  const target = k.pids.findTask(pid) ?? k.pids.findThreadGroup(pid)?.leader;
  if (!target) return -ESRCH;
  if (req === PTRACE_ATTACH || req === PTRACE_SEIZE) return attach(k, t, target, req === PTRACE_SEIZE, addr, data);
  const p = target.ptrace;
  if (!p || p.tracer.tg !== t.tg) return -ESRCH;
  if (req === PTRACE_KILL) {
    sendSignal(k, target.tg, { signo: SIGKILL, code: SI_USER, pid: t.pid, uid: t.cred.uid });
    return 0;
  }
  if (req === PTRACE_INTERRUPT) {
    if (!p.seized || addr !== 0 || data !== 0) return -EIO;
    // A running or sleeping tracee traps at once; a sleeping syscall restarts after the tracer resumes it.
    if (target.state !== 't' && alive(target)) {
      if (target.state === 'T') ptraceGroupStop(k, target, target.tg.stopReport ?? SIGSTOP);
      else
        ptraceStop(k, target, 'event', SIGTRAP | (PTRACE_EVENT_STOP << 8), {
          signo: SIGTRAP,
          code: SIGTRAP | (PTRACE_EVENT_STOP << 8),
          pid: target.tid,
          uid: target.cred.uid,
        });
    } else if (p.listening) {
      p.listening = false;
      p.reported = false;
      p.tracer.tg.childWait.wakeAll();
    }
    return 0;
  }
  // Every other request needs the tracee stopped for this tracer (ptrace_check_attach).
  if (target.state !== 't' || p.stopCode === null) return -ESRCH;
  k.syncRegs(target);
  const c = target.ctx;
  switch (req) {
    case PTRACE_PEEKTEXT:
    case PTRACE_PEEKDATA: {
      const v = target.mm.read(addr, 8);
      if (!v) return -EIO;
      return t.mm.write(data, v) ? 0 : -EFAULT;
    }
    case PTRACE_POKETEXT:
    case PTRACE_POKEDATA: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, a.big(3), true);
      return target.mm.write(addr, b) ? 0 : -EIO;
    }
    case PTRACE_CONT:
    case PTRACE_SYSCALL:
    case PTRACE_DETACH: {
      if (data > 64) return -EIO;
      if (req === PTRACE_DETACH) {
        if (p.kind === 'sysenter') {
          c.xl[10] = p.origA0[0];
          c.xh[10] = p.origA0[1];
          c.pc -= 4;
        }
        ptraceUnlink(k, target, data);
      } else ptraceResume(k, target, req === PTRACE_SYSCALL, data);
      return 0;
    }
    case PTRACE_LISTEN:
      if (!p.seized || !p.siginfo || p.siginfo.code >> 8 !== PTRACE_EVENT_STOP) return -EIO;
      p.listening = true;
      return 0;
    case PTRACE_SETOPTIONS:
      if (data & ~PTRACE_O_MASK) return -EINVAL;
      p.options = data;
      return 0;
    case PTRACE_GETEVENTMSG: {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(p.message), true);
      return t.mm.write(data, b) ? 0 : -EFAULT;
    }
    case PTRACE_GETSIGINFO:
      if (!p.siginfo) return -EINVAL;
      return t.mm.write(data, sigInfoBytes(p.siginfo, target)) ? 0 : -EFAULT;
    case PTRACE_SETSIGINFO: {
      const b = t.mm.read(data, 128);
      if (!b) return -EFAULT;
      if (!p.siginfo) return -EINVAL;
      p.siginfo = readSigInfo(b);
      return 0;
    }
    case PTRACE_GETSIGMASK:
    case PTRACE_SETSIGMASK: {
      if (addr !== 8) return -EINVAL;
      if (req === PTRACE_GETSIGMASK) {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigUint64(0, target.blocked, true);
        return t.mm.write(data, b) ? 0 : -EFAULT;
      }
      const m = t.mm.readU64(data);
      if (m === null) return -EFAULT;
      target.blocked = m & ~UNBLOCKABLE;
      return 0;
    }
    case PTRACE_GETREGSET:
    case PTRACE_SETREGSET: {
      const size = regsetSize(addr);
      const iov = t.mm.read(data, 16);
      if (!iov) return -EFAULT;
      const dv = new DataView(iov.buffer);
      const base = Number(dv.getBigUint64(0, true));
      let len = Number(dv.getBigUint64(8, true));
      if (!size || len % 8 !== 0) return -EINVAL;
      len = Math.min(len, size);
      if (req === PTRACE_GETREGSET) {
        if (!t.mm.write(base, regsetGet(c, addr).subarray(0, len))) return -EFAULT;
      } else {
        const b = t.mm.read(base, len);
        if (!b) return -EFAULT;
        regsetSet(c, addr, b);
      }
      dv.setBigUint64(8, BigInt(len), true);
      return t.mm.write(data + 8, iov.subarray(8)) ? 0 : -EFAULT;
    }
    case PTRACE_GET_SYSCALL_INFO: {
      const { buf, size } = syscallInfo(target);
      const n = Math.min(addr, size);
      if (n > 0 && !t.mm.write(data, buf.subarray(0, n))) return -EFAULT;
      return size;
    }
    default:
      // PEEKUSR, POKEUSR, SINGLESTEP and GETREGS do not exist on riscv64: ptrace_request's EIO.
      return -EIO;
  }
}

/** process_vm_readv/writev: copy between local and remote iovecs of another process. */
function processVm(k: Kernel, t: Task, a: SyscallArgs, write: boolean): number {
  const pid = a.int(0),
    lvec = a.ulong(1),
    liovcnt = a.ulong(2),
    rvec = a.ulong(3),
    riovcnt = a.ulong(4),
    flags = a.ulong(5);
  if (flags !== 0) return -EINVAL;
  if (liovcnt > 1024 || riovcnt > 1024) return -EINVAL;
  const readIov = (addr: number, n: number): [number, number][] | null => {
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const b = t.mm.read(addr + i * 16, 16);
      if (!b) return null;
      const dv = new DataView(b.buffer);
      out.push([Number(dv.getBigUint64(0, true)), Number(dv.getBigUint64(8, true))]);
    }
    return out;
  };
  const local = readIov(lvec, liovcnt),
    remote = readIov(rvec, riovcnt);
  if (!local || !remote) return -EFAULT;
  let total = 0;
  for (const [, len] of [...local, ...remote]) {
    if (len < 0 || len > 0x7fffffff) return -EINVAL;
    total += len;
  }
  if (total > 0x7ffff000 * 2) return -EINVAL;
  const target = k.pids.findTask(pid);
  if (!target || !alive(target)) return -ESRCH;
  if (!ptraceMayAccess(k, t, target)) return -EPERM;
  if (liovcnt === 0 || riovcnt === 0) return 0;
  let done = 0,
    li = 0,
    loff = 0;
  for (const [raddr, rlen] of remote) {
    let roff = 0;
    while (roff < rlen && li < local.length) {
      const [laddr, llen] = local[li];
      if (loff >= llen) {
        li++;
        loff = 0;
        continue;
      }
      // Page by page, so a fault ends the copy with what was done.
      const ra = raddr + roff,
        la = laddr + loff;
      const n = Math.min(rlen - roff, llen - loff, 4096 - (ra % 4096), 4096 - (la % 4096));
      const src = write ? t.mm.read(la, n) : target.mm.read(ra, n);
      if (!src) return done || -EFAULT;
      const ok = write ? target.mm.write(ra, src) : t.mm.write(la, src);
      if (!ok) return done || -EFAULT;
      done += n;
      roff += n;
      loff += n;
    }
    if (li >= local.length) break;
  }
  return done;
}

export function sys_process_vm_readv(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return processVm(k, t, a, false);
}
export function sys_process_vm_writev(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  return processVm(k, t, a, true);
}
