// CPU-time accounting (kernel/sched/cputime.c): where virtual time went.
// User time is the task's retired instructions (1 instruction = 1 ns). Kernel
// work runs as TypeScript, outside the emulated CPU, so it is charged by a
// fixed cost model and the virtual clock moves on by the same amount; it is a
// task's stime, the system column of /proc/stat, and counts toward its
// sum_exec_runtime and vruntime like any other run time. Time with nothing to
// run is idle. The costs are round figures of the order a small RISC-V core
// spends on these paths in Linux:
/** Trap entry, dispatch and return of one system call. */
export const SYSCALL_NS = 200;
/** copy_to_user/copy_from_user by read/write-like calls (the bytes in /proc/PID/io rchar+wchar). */
export const COPY_NS_PER_BYTE = 0.25;
/** A minor page fault (allocate or map a page, no I/O)... */
export const FAULT_NS = 500;
/** ...and a major one (the page came from a file or swap). */
export const MAJOR_FAULT_NS = 5000;

/** What a task accumulates while it runs, in ns and counts (task_struct's utime, stime, nvcsw, nivcsw, min_flt, maj_flt). */
export interface Usage {
  utime: number;
  stime: number;
  nvcsw: number;
  nivcsw: number;
  minFlt: number;
  majFlt: number;
}

export function emptyUsage(): Usage {
  return { utime: 0, stime: 0, nvcsw: 0, nivcsw: 0, minFlt: 0, majFlt: 0 };
}

export function addUsage(acc: Usage, x: Usage): Usage {
  acc.utime += x.utime;
  acc.stime += x.stime;
  acc.nvcsw += x.nvcsw;
  acc.nivcsw += x.nivcsw;
  acc.minFlt += x.minFlt;
  acc.majFlt += x.majFlt;
  return acc;
}

/**
 * thread_group_cputime and getrusage(RUSAGE_SELF): the threads still in the
 * group and those already gone, whose counters the group keeps (signal_struct).
 */
export function groupUsage(tg: { tasks: Usage[]; exited: Usage }): Usage {
  const u = addUsage(emptyUsage(), tg.exited);
  for (const x of tg.tasks) addUsage(u, x);
  return u;
}
