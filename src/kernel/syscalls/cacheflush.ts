// riscv_flush_icache(2) (arch/riscv/mm/cacheflush.c, 6.12): what a JIT calls
// (glibc's __riscv_flush_icache) after writing code, so that every hart
// running the mm fetches the new instructions. Here the harts share one
// decode cache and one set of compiled code per RAM page, so this is what
// fence.i does: all decoded and compiled code is dropped. (Stores to RAM
// already drop the code of the page they hit; this keeps the call's promise
// without relying on that.)
import { EINVAL } from '../errno.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';

/** SYS_RISCV_FLUSH_ICACHE_LOCAL: only the calling thread needs the flush; the one flag there is. */
const SYS_RISCV_FLUSH_ICACHE_ALL = 1;

export function sys_riscv_flush_icache(k: Kernel, _t: Task, a: SyscallArgs): SyscallResult {
  // start and end are not checked: Linux flushes the whole icache whatever the range
  if (a.ulong(2) & ~SYS_RISCV_FLUSH_ICACHE_ALL) return -EINVAL;
  k.mem.invalidateAllCode();
  return 0;
}
