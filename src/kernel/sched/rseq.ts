// Restartable sequences (Linux's kernel/rseq.c). A thread registers a
// struct rseq; before it returns to user mode after being preempted or
// signalled, the kernel checks whether its pc is inside the critical section
// that rseq->rseq_cs describes and, if so, moves it to the abort handler.
// The cpu and node ids in the area are rewritten on every such return.
//
//   struct rseq     { u32 cpu_id_start; u32 cpu_id; u64 rseq_cs; u32 flags; u32 node_id; u32 mm_cid; }
//   struct rseq_cs  { u32 version; u32 flags; u64 start_ip; u64 post_commit_offset; u64 abort_ip; }
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import { TASK_SIZE } from '../mm/mm.js';
import { EFAULT, EINVAL } from '../errno.js';
import { forceSignal } from '../signal/deliver.js';
import { SIGSEGV, SI_KERNEL } from '../signal/signals.js';

/** The original struct size (and its alignment), and offsetof(struct rseq, end) in 6.12. */
export const ORIG_RSEQ_SIZE = 32,
  RSEQ_FEATURE_SIZE = 28,
  RSEQ_ALIGN = 32;
export const RSEQ_CPU_ID_UNINITIALIZED = 0xffffffff;
const OFF_CPU_ID_START = 0,
  OFF_RSEQ_CS = 8,
  OFF_FLAGS = 16,
  OFF_NODE_ID = 20,
  OFF_MM_CID = 24;

/** One NUMA node. */
const NODE = 0;

/** Write the ids (rseq_update_cpu_node_id / rseq_reset_rseq_cpu_node_id). */
export function writeIds(t: Task, reset: boolean): boolean {
  const r = t.rseq!;
  // mm_cid: a CPU runs one thread at a time, so its number is a compact id unique among an mm's running threads.
  const CPU = t.cpu,
    MM_CID = t.cpu;
  const b = new Uint8Array(r.len >= OFF_MM_CID + 4 ? 28 : 8);
  const dv = new DataView(b.buffer);
  dv.setUint32(OFF_CPU_ID_START, reset ? 0 : CPU, true);
  dv.setUint32(4, reset ? RSEQ_CPU_ID_UNINITIALIZED : CPU, true);
  if (!t.mm.write(r.addr, b.subarray(0, 8))) return false;
  if (b.length > 8) {
    const tail = new Uint8Array(8);
    new DataView(tail.buffer).setUint32(0, reset ? 0 : NODE, true);
    new DataView(tail.buffer).setUint32(4, reset ? 0 : MM_CID, true);
    if (!t.mm.write(r.addr + OFF_NODE_ID, tail)) return false;
  }
  return true;
}

const u64 = (dv: DataView, o: number) => Number(dv.getBigUint64(o, true));

/** rseq_ip_fixup: 0 (pc unchanged or moved to abort_ip) or -errno. */
function ipFixup(t: Task): number {
  const r = t.rseq!;
  const ptrB = t.mm.read(r.addr + OFF_RSEQ_CS, 8);
  if (!ptrB) return -EFAULT;
  const ptr = new DataView(ptrB.buffer).getBigUint64(0, true);
  if (ptr === 0n) return 0;
  if (ptr >= BigInt(TASK_SIZE)) return -EINVAL;
  const cs = t.mm.read(Number(ptr), 32);
  if (!cs) return -EFAULT;
  const dv = new DataView(cs.buffer);
  const version = dv.getUint32(0, true),
    csFlags = dv.getUint32(4, true);
  const startB = dv.getBigUint64(8, true),
    offB = dv.getBigUint64(16, true),
    abortB = dv.getBigUint64(24, true);
  const top = BigInt(TASK_SIZE),
    mask = (1n << 64n) - 1n;
  if (startB >= top || ((startB + offB) & mask) >= top || abortB >= top || version > 0) return -EINVAL;
  if (((startB + offB) & mask) < startB) return -EINVAL;
  // The abort handler must lie outside the critical section.
  if (((abortB - startB) & mask) < offB) return -EINVAL;
  const start = u64(dv, 8),
    len = u64(dv, 16),
    abort = u64(dv, 24);
  const sig = t.mm.readU32(abort - 4);
  if (sig === null) return -EFAULT;
  if (sig !== r.sig) return -EINVAL;
  const clear = () => (t.mm.write(r.addr + OFF_RSEQ_CS, new Uint8Array(8)) ? 0 : -EFAULT);
  const pc = t.ctx.pc;
  if (!(pc >= start && pc - start < len)) return clear();
  // rseq_need_restart: the deprecated no-restart flags are refused.
  const flags = t.mm.readU32(r.addr + OFF_FLAGS);
  if (flags === null) return -EFAULT;
  if (csFlags || flags) return -EINVAL;
  if (!t.rseqEvent) return 0;
  t.rseqEvent = false;
  const c = clear();
  if (c < 0) return c;
  t.ctx.pc = abort;
  return 0;
}

/**
 * __rseq_handle_notify_resume on t.ctx (the caller synced it and reloads
 * it): the critical-section fixup, then the ids. A bad area or descriptor
 * is fatal: SIGSEGV (force_sigsegv).
 */
export function rseqHandleResume(k: Kernel, t: Task): void {
  t.rseqPending = false;
  if (!t.rseq || t.state === 'Z' || t.state === 'X') return;
  const ok = ipFixup(t) === 0 && writeIds(t, false);
  t.rseqEvent = false;
  if (!ok) forceSignal(k, t, { signo: SIGSEGV, code: SI_KERNEL });
}

/** The run loop's return to user mode, for a task on the hart. */
export function rseqResume(k: Kernel, t: Task): void {
  k.syncRegs(t);
  rseqHandleResume(k, t);
  k.reloadRegs(t);
}

/** rseq_preempt: t leaves the cpu; its critical section, if any, restarts. */
export function rseqPreempt(t: Task): void {
  if (t.rseq) {
    t.rseqEvent = true;
    t.rseqPending = true;
  }
}
