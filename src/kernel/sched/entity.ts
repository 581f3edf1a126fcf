// A task's scheduling entity (Linux's sched_entity, sched_rt_entity and
// sched_dl_entity folded into one object): what each scheduling class keeps
// per task while it is queued and running.
import type { RbNode } from './rbtree.js';
import type { Task } from './task.js';
import type { Timer } from '../time/timers.js';

export class SchedEntity {
  /** On its class's run queue (task_on_rq_queued), running or waiting. */
  onRq = false;
  /** Node in the fair or deadline tree while queued and not the fair class's curr. */
  node: RbNode<Task> | null = null;
  /** Load weight (sched_prio_to_weight, 3 for SCHED_IDLE). */
  weight = 1024;
  // ---- fair ----
  vruntime = 0;
  /** EEVDF's virtual deadline, and the lag it left the run queue with (read when it comes back). */
  deadline = 0;
  vlag = 0;
  /**
   * EEVDF's RUN_TO_PARITY: the vruntime up to which the running task is not
   * preempted by another pick (vprot; Linux shares the field with vlag).
   */
  vprot = 0;
  /** The deadline is kept relative to vruntime while off the queue for a move (PLACE_REL_DEADLINE). */
  relDeadline = false;
  /** The request size in ns (sysctl_sched_base_slice). */
  slice = 750_000;
  /** sum_exec_runtime when it was last put on the CPU. */
  prevSumExec = 0;
  sumExec = 0;
  // ---- rt ----
  /** What is left of an RR timeslice, ns. */
  timeSlice = 0;
  // ---- deadline: the parameters, then the CBS state ----
  dlRuntime = 0;
  dlDeadline = 0;
  dlPeriod = 0;
  /** runtime/period as a 2^20 fixed-point fraction (to_ratio). */
  dlBw = 0;
  /** Runtime left in this period and the absolute deadline (ns of virtual time). */
  runtime = 0;
  absDeadline = 0;
  dlThrottled = false;
  dlTimer: Timer | null = null;
}
