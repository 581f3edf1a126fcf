// The scheduling class interface (Linux's struct sched_class): the core
// scheduler calls these hooks and never looks into a class's queues. Classes
// are asked in order stop > deadline > rt > fair > idle for the next task;
// this kernel has no stop tasks, and "idle" is the run loop with nothing to run.
import type { Task } from './task.js';
import type { Runqueue } from './core.js';

/** enqueue flags */
export const ENQUEUE_WAKEUP = 1,
  ENQUEUE_INITIAL = 2,
  ENQUEUE_RESTORE = 4,
  ENQUEUE_HEAD = 8;
/** dequeue flags */
export const DEQUEUE_SLEEP = 1,
  DEQUEUE_SAVE = 2;

export interface SchedClass {
  readonly name: string;
  /** Tasks of this class on the run queue, the running one included. */
  readonly nrRunning: number;
  enqueue(rq: Runqueue, t: Task, flags: number): void;
  dequeue(rq: Runqueue, t: Task, flags: number): void;
  /** The task this class would run next, or null (it stays queued). */
  pick(rq: Runqueue): Task | null;
  /** t becomes the running task (set_next_task). */
  setNext(rq: Runqueue, t: Task): void;
  /** t stops running (put_prev_task); it may still be queued. */
  putPrev(rq: Runqueue, t: Task): void;
  /** Charge delta ns of CPU time to the running task (update_curr). */
  updateCurr(rq: Runqueue, t: Task, delta: number): void;
  /** The periodic timer interrupt while t runs (task_tick). */
  tick(rq: Runqueue, t: Task): void;
  /** p of this class woke while curr of this class runs: preempt? (wakeup_preempt) */
  checkPreempt(rq: Runqueue, curr: Task, p: Task): void;
  yieldTask(rq: Runqueue, t: Task): void;
}
