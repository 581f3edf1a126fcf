// What a new task inherits from the one that cloned it, beyond memory,
// files and signals: scheduling attributes (sched_fork's reset-on-fork
// rule), the I/O priority, the rseq registration (only without CLONE_VM,
// rseq_fork), no_new_privs, the timer slack and ambient capabilities.
import type { Task } from './task.js';

const CLONE_VM = 0x100;
export const SCHED_NORMAL = 0,
  SCHED_FIFO = 1,
  SCHED_RR = 2,
  SCHED_BATCH = 3,
  SCHED_IDLE = 5,
  SCHED_DEADLINE = 6;

export function inheritTaskAttrs(parent: Task, child: Task, cloneFlags: number): void {
  child.policy = parent.policy;
  child.nice = parent.nice;
  child.rtPriority = parent.rtPriority;
  if (parent.resetOnFork) {
    if (parent.policy === SCHED_FIFO || parent.policy === SCHED_RR || parent.policy === SCHED_DEADLINE) {
      child.policy = SCHED_NORMAL;
      child.nice = 0;
      child.rtPriority = 0;
    } else if (child.nice < 0) child.nice = 0;
  }
  // task_fork_fair: the child starts from its parent's virtual time (placement then adds a slice).
  child.se.vruntime = parent.se.vruntime;
  child.ioprio = parent.ioprio;
  // The affinity mask is inherited (sched_setaffinity(2)); the CPU is chosen when the child is woken.
  child.cpusAllowed = parent.cpusAllowed;
  child.cpu = parent.cpu;
  if (!(cloneFlags & CLONE_VM) && parent.rseq) {
    child.rseq = { ...parent.rseq };
    // wake_up_new_task's rseq_migrate: the child refreshes its ids when it first runs.
    child.rseqPending = true;
    child.rseqEvent = true;
  }
  child.noNewPrivs = parent.noNewPrivs;
  child.personality = parent.personality;
  child.timerSlack = parent.timerSlack;
  child.defaultTimerSlack = parent.timerSlack;
}

/** task_prio, the priority field of /proc/PID/stat: 20 + nice, -1 - rt_priority, or -101 (deadline). */
export function taskPrio(t: Task): number {
  if (t.policy === SCHED_DEADLINE) return -101;
  if (t.policy === SCHED_FIFO || t.policy === SCHED_RR) return -1 - t.rtPriority;
  return 20 + t.nice;
}
