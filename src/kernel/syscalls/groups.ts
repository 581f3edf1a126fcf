// Supplementary group IDs: getgroups(2), setgroups(2) (kernel/groups.c).
import { EFAULT, EINVAL, EPERM } from '../errno.js';
import { StructWriter } from './uaccess.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

export function sys_getgroups(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const n = a.int(0);
  if (n < 0) return -EINVAL;
  const g = t.cred.groups;
  if (n === 0) return g.length;
  if (n < g.length) return -EINVAL;
  const w = new StructWriter(g.length * 4);
  g.forEach((x, i) => w.u32(i * 4, x));
  return t.mm.write(a.ulong(1), w.buf) ? g.length : -EFAULT;
}

export function sys_setgroups(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (t.cred.euid !== 0) return -EPERM;
  const n = a.int(0);
  if (n < 0 || n > 65536) return -EINVAL;
  const b = n ? t.mm.read(a.ulong(1), n * 4) : new Uint8Array(0);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  t.cred.groups = Array.from({ length: n }, (_, i) => dv.getUint32(i * 4, true));
  return 0;
}
