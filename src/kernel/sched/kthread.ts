// Kernel threads (kernel/kthread.c): tasks that run only kernel code. They
// have no user address space (the hart keeps whatever was loaded, as Linux
// borrows the previous task's mm), take no signals and cannot be traced.
// kthreadd, PID 2, is the parent of every other one, as in Linux; a kernel
// thread sleeps until woken, then its body runs on a CPU like any task and
// what it did is charged to it as system time.
import type { Kernel } from '../kernel.js';
import { Task, Cred } from './task.js';
import { ThreadGroup } from './threadgroup.js';
import { SigHand } from '../signal/signals.js';
import { Mm } from '../mm/mm.js';
import { WaitQueue } from './waitqueue.js';

/**
 * Make a kernel thread named `comm`, asleep on `wait` in `state` (as it is
 * once its setup has run); each wake-up runs `body`, which goes back to sleep.
 */
export function kthreadCreate(k: Kernel, comm: string, body: (t: Task) => number, parent: ThreadGroup | null, wait: WaitQueue, state: 'S' | 'I'): Task {
  const pid = k.allocPid();
  const tg = new ThreadGroup(pid);
  tg.parent = parent;
  tg.exitSignal = 0;
  // Session and process group 0, init_task's: kernel threads belong to no user session.
  tg.pgid = 0;
  tg.sid = 0;
  // A page table with nothing mapped: it is never installed (see Kernel.step).
  const mm = Mm.create(k.pages, k.tlb)!;
  const t = new Task(pid, tg, mm, k.vfs.newFdTable(), k.vfs.newFsStruct(), new SigHand(), new Cred());
  t.comm = comm;
  t.kthread = body;
  t.startTime = k.clock.monotonic();
  tg.tasks.push(t);
  k.pids.attachTask(t);
  k.pids.attachGroup(tg);
  k.makeSleeping(t, wait, state);
  return t;
}

/** kthreadd (PID 2, made right after init): it sleeps waiting for creation requests. */
export function startKthreadd(k: Kernel): Task {
  // kthread_create_list's wait: kthreadd has nothing to do but wait for creation requests.
  const requests = new WaitQueue();
  return kthreadCreate(
    k,
    'kthreadd',
    (t) => {
      t.sleepOn(requests);
      return 0;
    },
    null,
    requests,
    'S',
  );
}
