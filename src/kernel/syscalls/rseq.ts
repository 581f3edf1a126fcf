// rseq(2): register or unregister a thread's restartable-sequences area,
// with Linux's checks (kernel/rseq.c). The mechanism is in sched/rseq.ts.
import { EBUSY, EFAULT, EINVAL, EPERM } from '../errno.js';
import { TASK_SIZE } from '../mm/mm.js';
import { ORIG_RSEQ_SIZE, RSEQ_ALIGN, RSEQ_FEATURE_SIZE, writeIds } from '../sched/rseq.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';

const RSEQ_FLAG_UNREGISTER = 1;

export function sys_rseq(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0),
    len = a.int(1) >>> 0,
    flags = a.int(2),
    sig = a.int(3) >>> 0;
  const cur = t.rseq;
  if (flags & RSEQ_FLAG_UNREGISTER) {
    if (flags & ~RSEQ_FLAG_UNREGISTER) return -EINVAL;
    if (!cur || cur.addr !== addr) return -EINVAL;
    if (len !== cur.len) return -EINVAL;
    if (sig !== cur.sig) return -EPERM;
    if (!writeIds(t, true)) return -EFAULT;
    t.rseq = null;
    t.rseqPending = false;
    t.rseqEvent = false;
    return 0;
  }
  if (flags) return -EINVAL;
  if (cur) {
    if (cur.addr !== addr || cur.len !== len) return -EINVAL;
    if (cur.sig !== sig) return -EPERM;
    return -EBUSY;
  }
  // The original 32-byte layout must be 32-aligned; a longer one must hold every supported field.
  if (len < ORIG_RSEQ_SIZE || (len === ORIG_RSEQ_SIZE && addr % ORIG_RSEQ_SIZE) || (len !== ORIG_RSEQ_SIZE && (addr % RSEQ_ALIGN || len < RSEQ_FEATURE_SIZE)))
    return -EINVAL;
  if (addr + len > TASK_SIZE) return -EFAULT;
  t.rseq = { addr, len, sig };
  // The ids are written on the way back to user mode.
  t.rseqPending = true;
  return 0;
}
