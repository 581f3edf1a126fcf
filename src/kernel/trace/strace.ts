// The syscall tracer behind `--strace`: hooks the syscall trace points and
// prints each call in strace's format (as `strace -f` would).
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { traceEnter, traceExit, traceNoReturn, formatSignalDelivery, formatExit, type EnterRecord, type UserMemory } from './strace-format.js';
import { NR } from '../syscalls/nr.js';

function memOf(t: Task): UserMemory {
  return {
    read: (addr, len) => t.mm.read(addr, len),
    readCString: (addr, max) => t.mm.readCString(addr, max) ?? null,
  };
}

export function attachStrace(k: Kernel, out: (line: string) => void): void {
  const pending = new Map<Task, EnterRecord>();
  const seen = new Set<number>();
  const prefix = (t: Task) => (seen.size > 1 ? `[pid ${String(t.tid).padStart(5)}] ` : '');
  k.forkHooks.push((_p, c) => {
    seen.add(c.tid);
  });
  k.trace.sysEnter.push((t, nr, a) => {
    seen.add(t.tid);
    const args: bigint[] = [];
    for (let i = 0; i < 6; i++) args.push(a.big(i));
    const sp = BigInt.asUintN(64, (BigInt(k.hart.xh[2]) << 32n) | BigInt(k.hart.xl[2] >>> 0));
    const rec = traceEnter({ nr, args, sp }, memOf(t));
    if (nr === NR.exit || nr === NR.exit_group) {
      const p = prefix(t);
      out(p + traceNoReturn(rec, p.length));
      return;
    }
    pending.set(t, rec);
  });
  k.trace.sysExit.push((t, _nr, ret) => {
    const rec = pending.get(t);
    if (!rec) return;
    pending.delete(t);
    const p = prefix(t);
    out(p + traceExit(rec, BigInt(ret), memOf(t), p.length));
  });
  k.trace.signalDeliver.push((t, sig, info) => {
    out(prefix(t) + formatSignalDelivery(sig, info));
  });
  k.trace.processExit.push((t, st) => {
    out(prefix(t) + formatExit(st));
  });
}
