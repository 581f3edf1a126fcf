// Trace points: named places in the kernel where observers attach (the syscall
// tracer behind --strace first; later ftrace-like tools and ptrace).
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from '../syscalls/args.js';

/** At syscall entry: the arguments as the dispatcher read them (valid during the hook only). */
export type SysEnterHook = (t: Task, nr: number, args: SyscallArgs) => void;
export type SysExitHook = (t: Task, nr: number, ret: number) => void;
export type SignalHook = (t: Task, sig: number, info: { code: number; pid?: number; uid?: number; addr?: number; status?: number }) => void;
export type ExitHook = (t: Task, status: { code?: number; signal?: number; core?: boolean }) => void;

export class Tracepoints {
  sysEnter: SysEnterHook[] = [];
  sysExit: SysExitHook[] = [];
  signalDeliver: SignalHook[] = [];
  processExit: ExitHook[] = [];
  fireEnter(t: Task, nr: number, args: SyscallArgs): void {
    for (const h of this.sysEnter) h(t, nr, args);
  }
  fireExit(t: Task, nr: number, ret: number): void {
    for (const h of this.sysExit) h(t, nr, ret);
  }
}
