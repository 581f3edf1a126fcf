// epoll_create1, epoll_ctl, epoll_pwait and epoll_pwait2 (fs/eventpoll.c).
// struct epoll_event is 16 bytes on riscv64 (not packed): events, pad, data.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EBADF, EEXIST, EFAULT, EINVAL, ELOOP, ENOENT, EPERM } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import type { EpollState } from './restart.js';
import { O_CLOEXEC } from '../fs/file.js';
import { installFile } from './fs-io.js';
import {
  createEventPoll,
  eventPollOf,
  loopCheck,
  EPOLLERR,
  EPOLLHUP,
  EPOLLEXCLUSIVE,
  EPOLLEXCLUSIVE_OK_BITS,
  EPOLLWAKEUP,
  EP_MAX_EVENTS,
} from '../fs/eventpoll.js';
import { restoreSigmask, setUserSigmask, timeoutArg } from './poll.js';
import type { SyscallArgs } from './args.js';
import { CAP_BLOCK_SUSPEND, capable } from '../security/commoncap.js';

const EPOLL_CTL_ADD = 1,
  EPOLL_CTL_DEL = 2,
  EPOLL_CTL_MOD = 3;

export function sys_epoll_create1(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const flags = a.int(0);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  return installFile(t, createEventPoll(k.vfs.rootMnt), (flags & O_CLOEXEC) !== 0);
}

export function sys_epoll_ctl(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const epfd = a.int(0),
    op = a.int(1),
    fd = a.int(2),
    evAddr = a.ulong(3);
  let events = 0,
    data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const b = t.mm.read(evAddr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    events = dv.getUint32(0, true);
    data = dv.getBigUint64(8, true);
  }
  const f = t.files.getUsable(epfd),
    tf = t.files.getUsable(fd);
  if (!f || !tf) return -EBADF;
  // Only files with a poll method can be watched: regular files and directories cannot.
  if (!tf.ops.poll) return -EPERM;
  // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND; without it the flag is dropped silently.
  // ep_take_care_of_epollwakeup: EPOLLWAKEUP is dropped without CAP_BLOCK_SUSPEND.
  if (op !== EPOLL_CTL_DEL && !capable(t.cred, CAP_BLOCK_SUSPEND)) events &= ~EPOLLWAKEUP;
  const ep = eventPollOf(f);
  if (f === tf || !ep) return -EINVAL;
  const inner = eventPollOf(tf);
  if (op !== EPOLL_CTL_DEL && events & EPOLLEXCLUSIVE) {
    if (op === EPOLL_CTL_MOD) return -EINVAL;
    if (op === EPOLL_CTL_ADD && (inner || events & ~EPOLLEXCLUSIVE_OK_BITS)) return -EINVAL;
  }
  if (op === EPOLL_CTL_ADD && inner && !loopCheck(ep, inner)) return -ELOOP;
  const epi = ep.find(tf, fd);
  switch (op) {
    case EPOLL_CTL_ADD:
      if (epi) return -EEXIST;
      ep.insert(tf, fd, (events | EPOLLERR | EPOLLHUP) >>> 0, data);
      return 0;
    case EPOLL_CTL_DEL:
      if (!epi) return -ENOENT;
      epi.unlink();
      return 0;
    case EPOLL_CTL_MOD:
      if (!epi) return -ENOENT;
      if (epi.exclusive) return -EINVAL;
      ep.modify(epi, (events | EPOLLERR | EPOLLHUP) >>> 0, data);
      return 0;
  }
  return -EINVAL;
}

/**
 * ep_poll with the mask swap of epoll_pwait: timeoutNs -1 waits for ever.
 * The sleeping state keeps the deadline; the mask is swapped at the first entry.
 */
function epollWait(k: Kernel, t: Task, a: SyscallArgs, timeout: () => number, sigAddr: number, sigSize: number): number | Blocked {
  const epfd = a.int(0),
    evAddr = a.ulong(1),
    maxevents = a.int(2);
  let st = t.sys?.kind === 'epoll' && t.sys.nr === a.nr ? t.sys : null;
  if (!st) {
    const ns = timeout();
    if (ns < -1) return ns;
    const e = setUserSigmask(t, sigAddr, sigSize);
    if (e < 0) return e;
    st = { kind: 'epoll', nr: a.nr, restart: 'never', deadline: ns < 0 ? Infinity : k.clock.monotonic() + ns, armed: false };
    t.sys = st;
  }
  const r = doWait(k, t, st, epfd, evAddr, maxevents);
  if (r !== BLOCKED) restoreSigmask(t);
  return r;
}

function doWait(k: Kernel, t: Task, st: EpollState, epfd: number, evAddr: number, maxevents: number): number | Blocked {
  const deadline = st.deadline;
  if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) return -EINVAL;
  const f = t.files.get(epfd);
  if (!f) return -EBADF;
  const ep = eventPollOf(f);
  if (!ep) return -EINVAL;
  if (ep.rdllist.length) {
    if (!t.mm.probeWritable(evAddr, Math.min(ep.rdllist.length, maxevents) * 16)) return -EFAULT;
    const evs = ep.sendEvents(maxevents);
    if (evs.length) {
      const b = new Uint8Array(evs.length * 16);
      const dv = new DataView(b.buffer);
      evs.forEach((e, i) => {
        dv.setUint32(i * 16, e.events, true);
        dv.setBigUint64(i * 16 + 8, e.data, true);
      });
      return t.mm.write(evAddr, b) ? evs.length : -EFAULT;
    }
  }
  if (k.clock.monotonic() >= deadline) return 0;
  if (deadline !== Infinity && !st.armed) {
    st.armed = true;
    k.timers.add(deadline, () => {
      if (t.sys === st) t.wake();
    });
  }
  t.sleepOn(ep.wq);
  return BLOCKED;
}

export function sys_epoll_pwait(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const ms = a.int(3);
  return epollWait(k, t, a, () => (ms < 0 ? -1 : ms * 1e6), a.ulong(4), a.ulong(5));
}

export function sys_epoll_pwait2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const tsAddr = a.ulong(3);
  return epollWait(k, t, a, () => timeoutArg(t, tsAddr), a.ulong(4), a.ulong(5));
}
