// Workqueues (kernel/workqueue.c): deferred kernel work run by kernel
// threads named kworker. A worker with nothing queued sleeps in TASK_IDLE,
// which /proc shows as I; queuing work wakes it, and it runs the items in
// order, each charged to it as the system time it reports.
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import { WaitQueue } from './waitqueue.js';
import { kthreadCreate } from './kthread.js';

/** One work item: does its job and returns the ns of kernel work it was. */
export type Work = () => number;

export class Workqueue {
  readonly pending: Work[] = [];
  readonly idle = new WaitQueue();
  worker: Task | null = null;
  constructor(readonly name: string) {}
}

/** Start the worker pool of an unbound workqueue: one kworker, "kworker/uN:0" as Linux names them. */
export function startWorker(k: Kernel, wq: Workqueue, kthreadd: Task): Task {
  const w = kthreadCreate(
    k,
    `kworker/u${2 * k.runqueues.length}:0`,
    () => {
      let ns = 0;
      for (let item = wq.pending.shift(); item; item = wq.pending.shift()) ns += item();
      w.sleepOn(wq.idle, 'I');
      return ns;
    },
    kthreadd.tg,
    wq.idle,
    'I',
  );
  w.wqWorker = true;
  wq.worker = w;
  return w;
}

/** queue_work: the item runs in the worker's context, soon. */
export function queueWork(wq: Workqueue, work: Work): void {
  wq.pending.push(work);
  wq.idle.wakeAll();
}
