// kcmp(2) (kernel/kcmp.c): do two tasks share a kernel object? Linux compares
// the objects' addresses, obfuscated per type so that user space learns an
// order but not the addresses. Here each object gets a number the first time
// kcmp sees it (per kernel, in insertion order), and the numbers are compared:
// 0 the same object, 1 the first is "less", 2 "greater", as kcmp_ptr answers.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { EBADF, EFAULT, EINVAL, EPERM, ESRCH, ENOENT } from '../errno.js';
import { ptraceMayRead } from '../ptrace/access.js';
import { eventPollOf } from '../fs/eventpoll.js';

export const KCMP_FILE = 0,
  KCMP_VM = 1,
  KCMP_FILES = 2,
  KCMP_FS = 3,
  KCMP_SIGHAND = 4,
  KCMP_IO = 5,
  KCMP_SYSVSEM = 6,
  KCMP_EPOLL_TFD = 7;

/** The numbers kcmp orders objects by: held weakly, so nothing outlives its object. */
export class KcmpIds {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;
  of(o: object | null): number {
    if (o === null) return 0;
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(o, id);
    }
    return id;
  }
}

function order(a: number, b: number): number {
  return a === b ? 0 : a < b ? 1 : 2;
}

/** The target of KCMP_EPOLL_TFD: struct kcmp_epoll_slot { efd, tfd, toff } names one watched file. */
function epollTarget(k: Kernel, t: Task, owner: Task, addr: number): object | number {
  const b = t.mm.read(addr, 12);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const efd = dv.getUint32(0, true),
    tfd = dv.getUint32(4, true),
    toff = dv.getUint32(8, true);
  const ef = owner.files.get(efd);
  if (!ef) return -EBADF;
  const ep = eventPollOf(ef);
  if (!ep) return -EINVAL;
  // get_epoll_tfile_raw_ptr: the toff-th item watching descriptor tfd.
  let n = 0;
  for (const item of ep.items) {
    if (item.fd !== tfd) continue;
    if (n++ === toff) return item.file;
  }
  void k;
  return -ENOENT;
}

export function sys_kcmp(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pid1 = a.int(0),
    pid2 = a.int(1),
    type = a.int(2),
    idx1 = a.ulong(3),
    idx2 = a.ulong(4);
  const t1 = k.pids.findTask(pid1),
    t2 = k.pids.findTask(pid2);
  if (!t1 || !t2 || t1.state === 'X' || t2.state === 'X') return -ESRCH;
  // PTRACE_MODE_READ_REALCREDS on both.
  if (!ptraceMayRead(t, t1) || !ptraceMayRead(t, t2)) return -EPERM;
  const ids = k.kcmpIds;
  switch (type) {
    case KCMP_FILE: {
      const f1 = t1.files.get(idx1),
        f2 = t2.files.get(idx2);
      if (!f1 || !f2) return -EBADF;
      return order(ids.of(f1), ids.of(f2));
    }
    case KCMP_VM:
      return order(ids.of(t1.mm), ids.of(t2.mm));
    case KCMP_FILES:
      return order(ids.of(t1.files), ids.of(t2.files));
    case KCMP_FS:
      return order(ids.of(t1.fs), ids.of(t2.fs));
    case KCMP_SIGHAND:
      return order(ids.of(t1.sighand), ids.of(t2.sighand));
    // No io_context and no shared semaphore undo lists (CLONE_IO, CLONE_SYSVSEM):
    // both are NULL for every task, and NULL equals NULL, as on Linux for tasks without them.
    case KCMP_IO:
    case KCMP_SYSVSEM:
      return 0;
    case KCMP_EPOLL_TFD: {
      const f1 = t1.files.get(idx1);
      if (!f1) return -EBADF;
      const f2 = epollTarget(k, t, t2, idx2);
      if (typeof f2 === 'number') return f2;
      return order(ids.of(f1), ids.of(f2));
    }
    default:
      return -EINVAL;
  }
}
