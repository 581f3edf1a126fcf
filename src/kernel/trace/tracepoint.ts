// Trace points: named places in the kernel where observers attach (the syscall
// tracer behind --strace first; later ftrace-like tools and ptrace).
import type { Task } from '../sched/task.js';

export type SysEnterHook = (t: Task, nr: number) => void;
export type SysExitHook = (t: Task, nr: number, ret: number) => void;
export type SignalHook = (t: Task, sig: number, info: { code: number; pid?: number; uid?: number; addr?: number; status?: number }) => void;
export type ExitHook = (t: Task, status: { code?: number; signal?: number; core?: boolean }) => void;

export class Tracepoints {
  sysEnter: SysEnterHook[] = [];
  sysExit: SysExitHook[] = [];
  signalDeliver: SignalHook[] = [];
  processExit: ExitHook[] = [];
  fireEnter(t: Task, nr: number): void { for (const h of this.sysEnter) h(t, nr); }
  fireExit(t: Task, nr: number, ret: number): void { for (const h of this.sysExit) h(t, nr, ret); }
}
