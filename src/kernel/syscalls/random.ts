// getrandom(2) (drivers/char/random.c): bytes from the host's entropy source.
import { EFAULT, EINVAL } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

export function sys_getrandom(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const len = Math.min(a.ulong(1), 33554431),
    flags = a.int(2);
  if (flags & ~7) return -EINVAL;
  const b = new Uint8Array(len);
  k.host.random(b);
  return t.mm.write(a.ulong(0), b) ? len : -EFAULT;
}
