// ppoll and pselect6: wait for readiness on several descriptors.
import { define } from './table.js';
import { NR } from './nr.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { BLOCKED, EFAULT, EINVAL, EBADF } from '../errno.js';
import { POLLIN, POLLOUT, POLLNVAL, POLLERR, POLLHUP } from '../fs/file.js';

import type { WaitQueue } from '../sched/waitqueue.js';

/** Readiness of an open file (files without a poll method are always ready). */
function pollFile(t: Task, fd: number, queues: WaitQueue[]): number {
  const f = t.files.get(fd);
  if (!f) return POLLNVAL;
  return f.ops.poll ? f.ops.poll(f, (q) => queues.push(q)) : POLLIN | POLLOUT;
}

/** Sleep with an optional timeout (ns, -1 = forever) and wake on any change (re-polled). */
function waitOrTimeout(k: Kernel, t: Task, nr: number, timeoutNs: number, queues: WaitQueue[]): number {
  if (timeoutNs === 0) return 0;
  if (t.sys?.deadline !== undefined) {
    if (k.clock.monotonic() >= t.sys.deadline) return 0;
  } else {
    const deadline = timeoutNs < 0 ? Infinity : k.clock.monotonic() + timeoutNs;
    t.sys = { nr, deadline };
    if (deadline !== Infinity) k.timers.add(deadline, () => t.wake());
  }
  // Woken by the timer or by a queue of a polled file: poll again.
  for (const q of queues) t.sleepOn(q);
  t.state = 'S';
  return BLOCKED;
}

/** A struct timespec timeout argument in ns; -1 for none (NULL); -EFAULT/-EINVAL when bad. */
function timeoutArg(t: Task, addr: number): number {
  if (!addr) return -1;
  const b = t.mm.read(addr, 16);
  if (!b) return -EFAULT;
  const tv = new DataView(b.buffer);
  const sec = Number(tv.getBigInt64(0, true)), nsec = Number(tv.getBigInt64(8, true));
  if (sec < 0 || nsec < 0 || nsec > 999999999) return -EINVAL;
  return sec * 1e9 + nsec;
}

define(NR.ppoll, (k, t) => {
  const fdsAddr = k.arg(0), nfds = k.arg(1), tsAddr = k.arg(2);
  if (nfds > 1024) return -EINVAL;
  const raw = nfds ? t.mm.read(fdsAddr, nfds * 8) : new Uint8Array(0);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  let ready = 0;
  const queues: WaitQueue[] = [];
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * 8, true), events = dv.getInt16(i * 8 + 4, true);
    let rev = 0;
    if (fd >= 0) {
      const m = pollFile(t, fd, queues);
      rev = m & (events | POLLERR | POLLHUP | POLLNVAL);
    }
    dv.setInt16(i * 8 + 6, rev, true);
    if (rev) ready++;
  }
  if (ready) return t.mm.write(fdsAddr, raw) ? ready : -EFAULT;
  const timeout = timeoutArg(t, tsAddr);
  if (timeout === -EFAULT || timeout === -EINVAL) return timeout;
  const r = waitOrTimeout(k, t, NR.ppoll, timeout, queues);
  if (r === 0) t.mm.write(fdsAddr, raw);
  return r;
});

define(NR.pselect6, (k, t) => {
  const n = k.argInt(0), rAddr = k.arg(1), wAddr = k.arg(2), eAddr = k.arg(3), tsAddr = k.arg(4);
  if (n < 0 || n > 1024) return -EINVAL;
  const bytes = Math.ceil(n / 64) * 8;
  const read = (a: number) => (a ? t.mm.read(a, bytes) : new Uint8Array(bytes));
  const rs = read(rAddr), ws = read(wAddr), es = read(eAddr);
  if (!rs || !ws || !es) return -EFAULT;
  const ro = new Uint8Array(bytes), wo = new Uint8Array(bytes), eo = new Uint8Array(bytes);
  let ready = 0;
  const queues: WaitQueue[] = [];
  for (let fd = 0; fd < n; fd++) {
    const bit = 1 << (fd & 7), byte = fd >> 3;
    const want = (rs[byte] & bit) || (ws[byte] & bit) || (es[byte] & bit);
    if (!want) continue;
    const m = pollFile(t, fd, queues);
    if (m & POLLNVAL) return -EBADF;
    if ((rs[byte] & bit) && (m & (POLLIN | POLLHUP | POLLERR))) { ro[byte] |= bit; ready++; }
    if ((ws[byte] & bit) && (m & (POLLOUT | POLLERR))) { wo[byte] |= bit; ready++; }
  }
  const out = () => (rAddr ? t.mm.write(rAddr, ro) : true) && (wAddr ? t.mm.write(wAddr, wo) : true) && (eAddr ? t.mm.write(eAddr, eo) : true);
  if (ready) return out() ? ready : -EFAULT;
  const timeout = timeoutArg(t, tsAddr);
  if (timeout === -EFAULT || timeout === -EINVAL) return timeout;
  const r = waitOrTimeout(k, t, NR.pselect6, timeout, queues);
  if (r === 0) out();
  return r;
});
