// capget(2), capset(2) (kernel/capability.c). Capabilities are not modelled
// yet: root has them all, anyone else none.
import { EFAULT, EPERM } from '../errno.js';
import { StructWriter } from './uaccess.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';

export function sys_capget(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const data = a.ulong(1);
  if (!data) return 0;
  const full = t.cred.euid === 0 ? 0xffffffff : 0;
  const w = new StructWriter(24).u32(0, full).u32(4, full).u32(8, 0).u32(12, full ? 0x1ff : 0).u32(16, full ? 0x1ff : 0).u32(20, 0);
  return t.mm.write(data, w.buf) ? 0 : -EFAULT;
}

export function sys_capset(_k: Kernel, t: Task, _a: SyscallArgs): SyscallResult {
  return t.cred.euid === 0 ? 0 : -EPERM;
}
