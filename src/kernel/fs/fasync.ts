// O_ASYNC: signal-driven I/O (Linux's fasync_helper, kill_fasync and
// send_sigio in fs/fcntl.c). A file with O_ASYNC set through F_SETFL or
// FIOASYNC hooks an entry on the wait queues its poll names, as epoll does;
// when one of them is woken and the file is ready, the file's owner
// (F_SETOWN/F_SETOWN_EX) is sent the F_SETSIG signal with si_code POLL_IN,
// POLL_OUT... and si_fd, or plain SIGIO (SI_KERNEL) when no signal was set or
// the chosen one cannot be queued. Leases reuse sendSigio with POLL_MSG.
import type { Kernel } from '../kernel.js';
import type { WaitEntry, WaitQueue } from '../sched/waitqueue.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import { sendSignal } from '../signal/deliver.js';
import { SI_KERNEL, type SigInfo } from '../signal/signals.js';
import { findTask } from './proc/pid.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLPRI, type File } from './file.js';

const SIGIO = 29;

/** The si_code of a SIGIO-style signal: what happened. */
export const POLL_IN = 1,
  POLL_OUT = 2,
  POLL_MSG = 3,
  POLL_ERR = 4,
  POLL_PRI = 5,
  POLL_HUP = 6;

/** si_band per reason (fs/fcntl.c band_table): the poll bits the reason stands for. */
const BAND: Record<number, number> = {
  [POLL_IN]: 0x41, // EPOLLIN | EPOLLRDNORM
  [POLL_OUT]: 0x304, // EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND
  [POLL_MSG]: 0x441, // EPOLLIN | EPOLLRDNORM | EPOLLMSG
  [POLL_ERR]: 0x8, // EPOLLERR
  [POLL_PRI]: 0x82, // EPOLLPRI | EPOLLRDBAND
  [POLL_HUP]: 0x18, // EPOLLHUP | EPOLLERR
};

const F_OWNER_TID = 0,
  F_OWNER_PGRP = 2;

/** send_sigio: signal the file's owner (a thread, a process or a process group); fd is the descriptor O_ASYNC was set through. */
export function sendSigio(k: Kernel, f: File, fd: number, reason: number): void {
  const own = f.fown;
  if (!own || own.pid === 0) return;
  const send = (tg: ThreadGroup, thread: Task | null): void => {
    if (own.signum) {
      const info: SigInfo = { signo: own.signum, code: reason, band: BAND[reason] ?? -1, fd };
      if (sendSignal(k, tg, info, thread) === 0) return;
    }
    sendSignal(k, tg, { signo: SIGIO, code: SI_KERNEL }, thread);
  };
  if (own.type === F_OWNER_PGRP) {
    for (const g of k.pids.processGroup(own.pid)) if (!g.zombie) send(g, null);
    return;
  }
  const t = findTask(k, own.pid);
  if (t && !t.tg.zombie) send(t.tg, own.type === F_OWNER_TID ? t : null);
}

/** The reason a ready mask reports, in send_sigio's order of interest. */
function reasonOf(m: number): number {
  if (m & POLLIN) return POLL_IN;
  if (m & POLLOUT) return POLL_OUT;
  if (m & POLLPRI) return POLL_PRI;
  if (m & POLLHUP) return POLL_HUP;
  if (m & POLLERR) return POLL_ERR;
  return 0;
}

/** One file's O_ASYNC hook (a fasync_struct): on the file's wait queues until O_ASYNC is cleared or the file is released. */
export class Fasync implements WaitEntry {
  readonly exclusive = false;
  private readonly queues: WaitQueue[] = [];
  constructor(
    private readonly k: Kernel,
    private readonly f: File,
    /** fa_fd: the descriptor named in si_fd. */
    public fd: number,
  ) {
    f.ops.poll?.(f, (q) => {
      q.addEntry(this);
      this.queues.push(q);
    });
  }

  func(): boolean {
    const m = this.f.ops.poll?.(this.f) ?? 0;
    const reason = reasonOf(m);
    if (reason) sendSigio(this.k, this.f, this.fd, reason);
    return false;
  }

  remove(): void {
    for (const q of this.queues) q.removeEntry(this);
    this.queues.length = 0;
  }
}

/** setfl/FIOASYNC's f_op->fasync: hook or unhook the file as its O_ASYNC bit changes. */
export function fasyncSet(k: Kernel, f: File, fd: number, on: boolean): void {
  if (on) {
    if (f.fasync) f.fasync.fd = fd;
    else f.fasync = new Fasync(k, f, fd);
  } else if (f.fasync) {
    f.fasync.remove();
    f.fasync = null;
  }
}
