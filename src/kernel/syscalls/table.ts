// The system call table, indexed by riscv64 syscall number. Handler modules
// register themselves with `define`; the kernel's ecall path looks them up.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';

/** A handler returns the value for a0 (or -errno), BLOCKED, or NORETURN. */
export type SyscallFn = (k: Kernel, t: Task) => number;

/** The handler set the registers itself (execve, rt_sigreturn, exit). */
export const NORETURN = -200000;

export const syscallTable: (SyscallFn | undefined)[] = [];

export function define(nr: number, fn: SyscallFn): void { syscallTable[nr] = fn; }
