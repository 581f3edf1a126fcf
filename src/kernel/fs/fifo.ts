// FIFOs (fifo_open in fs/pipe.c): a named inode gets a pipe while anyone has
// it open. Opening for reading waits for a writer and opening for writing
// waits for a reader, unless O_NONBLOCK (a writer then fails with ENXIO, a
// reader succeeds at once); O_RDWR never waits. A waiting opener already
// counts as a reader or writer, so its partner does not wait for it; it
// wakes when the partner's open counter moves, even if that partner has
// closed again meanwhile.
import { ENXIO } from '../errno.js';
import { BLOCKED, type Blocked } from '../syscalls/result.js';
import { O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY } from './file.js';
import type { Inode } from './inode.js';
import { Pipe, pipeOps } from './pipe.js';
import type { DeviceOpen } from './special.js';
import type { Task } from '../sched/task.js';
import type { FifoOpenState } from '../syscalls/restart.js';

/** The inode's pipe (i_pipe), while anyone has the FIFO open. */
const fifoPipe = (inode: Inode) => inode.iPipe as Pipe | null;

/** A sleeping open, kept in the opener's syscall state (FifoOpenState) across restarts. */
export interface FifoWait {
  inode: Inode;
  pipe: Pipe;
  reader: boolean;
  /** The partner's open counter when the wait began. */
  partner: number;
  entry: { reader: boolean; writer: boolean; live(): boolean };
}

function waitFor(t: Task, open: FifoOpenState, inode: Inode, p: Pipe, reader: boolean): Blocked {
  const st: FifoWait = {
    inode,
    pipe: p,
    reader,
    partner: reader ? p.wCounter : p.rCounter,
    // Live while this very open is still asleep: a signal or exit ends t.sys.
    entry: { reader, writer: !reader, live: () => t.sys === open && open.wait === st && t.state !== 'Z' && t.state !== 'X' },
  };
  p.pending.add(st.entry);
  open.wait = st;
  t.sleepOn(p.openWait);
  return BLOCKED;
}

function finish(p: Pipe, reader: boolean): typeof pipeOps {
  if (reader) p.readers++;
  else p.writers++;
  return pipeOps;
}

/** fifo_open: what openSpecial calls for a FIFO inode. */
export const fifoOpen: DeviceOpen = (inode, f, t) => {
  const acc = f.flags & O_ACCMODE;
  const nonblock = (f.flags & O_NONBLOCK) !== 0;
  // Only openat can wait: it keeps the open's state in the task's syscall state.
  const open = t?.sys?.kind === 'fifo_open' ? t.sys : null;
  // Woken in a sleeping open: done once the partner's counter has moved.
  const st = open?.wait;
  if (t && open && st && st.inode === inode) {
    const p = st.pipe;
    if (!fifoPipe(inode)) inode.iPipe = p;
    const moved = (st.reader ? p.wCounter : p.rCounter) !== st.partner;
    if (!moved) {
      t.sleepOn(p.openWait);
      return BLOCKED;
    }
    p.pending.delete(st.entry);
    open.wait = null;
    return finish(p, st.reader);
  }
  let p = fifoPipe(inode);
  if (!p) {
    p = new Pipe();
    inode.iPipe = p;
  }
  if (acc === O_RDONLY) {
    p.rCounter++;
    p.openWait.wakeAll();
    if (!p.hasWriters()) {
      // Suppress POLLHUP until a writer has come (f_pipe).
      if (nonblock || !t || !open) {
        f.fifoSeenWriters = p.wCounter;
        return finish(p, true);
      }
      return waitFor(t, open, inode, p, true);
    }
    return finish(p, true);
  }
  if (acc === O_WRONLY) {
    if (nonblock && !p.hasReaders()) {
      if (!p.hasWriters() && !p.readers && inode.iPipe === p) inode.iPipe = null;
      return -ENXIO;
    }
    p.wCounter++;
    p.openWait.wakeAll();
    p.readWait.wakeAll();
    if (!p.hasReaders() && t && open) return waitFor(t, open, inode, p, false);
    return finish(p, false);
  }
  if (acc === O_RDWR) {
    p.rCounter++;
    p.wCounter++;
    p.readers++;
    p.writers++;
    p.openWait.wakeAll();
    return pipeOps;
  }
  return pipeOps;
};
