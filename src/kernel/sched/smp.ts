// Tasks and CPUs (the SMP parts of kernel/sched/core.c and fair.c): which
// run queue a waking or new task joins (select_task_rq), moving a task to
// another CPU (move_queued_task), pulling work to an idle or lightly loaded
// CPU (sched_balance_rq, newidle balancing) and the affinity mask.
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import type { Runqueue } from './core.js';
import { DEQUEUE_SAVE, ENQUEUE_INITIAL, ENQUEUE_RESTORE } from './sched_class.js';
import { SCHED_DEADLINE, SCHED_FIFO, SCHED_RR } from './attrs.js';

export const allowedOn = (t: Task, cpu: number): boolean => ((t.cpusAllowed >>> cpu) & 1) === 1;

const isRt = (t: Task) => t.policy === SCHED_FIFO || t.policy === SCHED_RR;

/** How unwelcome a CPU is for t now: idle, busy with tasks t would preempt (rt over fair), or busy. */
function cost(rq: Runqueue, t: Task): number {
  if (rq.nrRunning === 0) return 0;
  if (isRt(t) && rq.curr && !isRt(rq.curr) && rq.curr.policy !== SCHED_DEADLINE) return 1;
  return 2 + rq.nrRunning;
}

/**
 * select_task_rq. A new task goes to the least loaded allowed CPU, the
 * forking one on a tie (sched_balance_fork); a waking one stays on its
 * previous CPU unless that is busy and another allowed CPU is idle
 * (select_idle_sibling), the waker's first (wake_affine). A real-time task
 * looks for a CPU it would not have to wait on (find_lowest_rq).
 */
export function selectTaskRq(k: Kernel, t: Task, flags: number): Runqueue {
  const rqs = k.runqueues,
    here = k.rq,
    prev = rqs[t.cpu] ?? here;
  const order = flags & ENQUEUE_INITIAL ? [here, ...rqs] : [prev, here, ...rqs];
  let best: Runqueue | null = null,
    bestCost = Infinity;
  for (const rq of order) {
    if (!allowedOn(t, rq.cpu)) continue;
    const c = flags & ENQUEUE_INITIAL ? rq.nrRunning : cost(rq, t);
    if (c < bestCost) {
      best = rq;
      bestCost = c;
    }
    if (c === 0) break;
  }
  // A wake-up that found no idle CPU stays where its cache is.
  if (!(flags & ENQUEUE_INITIAL) && bestCost > 1 && allowedOn(t, prev.cpu)) return prev;
  return best ?? prev;
}

/** The CFS (pre-6.6) virtual clock is per run queue: carry a task's vruntime over as an offset. */
function renormalize(t: Task, from: Runqueue, to: Runqueue): void {
  if (from !== to && !from.fair.eevdf) t.se.vruntime += to.fair.minVruntime - from.fair.minVruntime;
}

/** Where a task about to be enqueued should go; moves its vruntime across if the CPU changes. */
export function placeTask(k: Kernel, t: Task, flags: number): Runqueue {
  const from = k.runqueues[t.cpu] ?? k.runqueues[0];
  const to = k.runqueues.length === 1 ? from : selectTaskRq(k, t, flags);
  if (to !== from) {
    // A sleeping CFS task left with its absolute vruntime; one never queued has its parent's.
    renormalize(t, from, to);
    setTaskCpu(t, to);
  }
  return to;
}

function setTaskCpu(t: Task, to: Runqueue): void {
  if (t.cpu === to.cpu) return;
  t.cpu = to.cpu;
  t.nrMigrations++;
  // rseq_migrate: the cpu_id the task sees is refreshed on its return to user mode.
  if (t.rseq) t.rseqPending = true;
}

/**
 * move_queued_task: t leaves its run queue (as the running task, if it is)
 * and joins dst's. The fair class keeps its lag (EEVDF) or its offset from
 * min_vruntime (CFS) across the move, as dequeue/enqueue with SAVE/RESTORE do.
 */
export function migrateTask(k: Kernel, t: Task, dst: Runqueue): void {
  const src = k.runqueues[t.cpu];
  if (src === dst) return;
  const queued = t.se.onRq;
  if (queued) {
    if (src.curr === t) src.preemptCurrForMove(t);
    src.dequeue(t, DEQUEUE_SAVE);
  }
  setTaskCpu(t, dst);
  if (queued) {
    dst.enqueue(t, ENQUEUE_RESTORE);
    t.queuedAt = k.clock.monotonic();
  }
}

/** Tasks waiting on rq (queued, not running) that may move to cpu: fair and rt ones. */
function movable(k: Kernel, rq: Runqueue, cpu: number): Task | null {
  for (const t of k.pids.tasks()) {
    if (t.cpu !== rq.cpu || !t.se.onRq || t === rq.curr || t.policy === SCHED_DEADLINE) continue;
    if (allowedOn(t, cpu)) return t;
  }
  return null;
}

/**
 * sched_balance_rq for `here`: if the busiest other CPU has at least two
 * tasks more (or here is idle and it has any waiting), pull one waiting
 * task over. Returns whether a task moved.
 */
export function loadBalance(k: Kernel, here: Runqueue): boolean {
  let busiest: Runqueue | null = null;
  for (const rq of k.runqueues) if (rq !== here && (!busiest || rq.nrRunning > busiest.nrRunning)) busiest = rq;
  if (!busiest) return false;
  const gap = busiest.nrRunning - here.nrRunning;
  if (gap < 2 && !(here.nrRunning === 0 && busiest.nrRunning >= 2)) return false;
  const t = movable(k, busiest, here.cpu);
  if (!t) return false;
  migrateTask(k, t, here);
  return true;
}

/** sched_setaffinity's core (__set_cpus_allowed_ptr): a task off its allowed CPUs moves now. */
export function setAffinity(k: Kernel, t: Task, mask: number): void {
  t.cpusAllowed = mask >>> 0;
  if (allowedOn(t, t.cpu)) return;
  const dst = selectTaskRq(k, t, 0);
  if (t.se.onRq) migrateTask(k, t, dst);
  else setTaskCpu(t, dst);
}
