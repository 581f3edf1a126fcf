// Pipes: a ring buffer of 16 pages between a read end and a write end.
// Writes of at most PIPE_BUF bytes are atomic; a write with no reader gets EPIPE
// (the syscall layer raises SIGPIPE); a read with no writer sees end of file.
import { EAGAIN, EPIPE, BLOCKED, ENXIO, ENOTTY, EFAULT } from '../errno.js';
import { WaitQueue } from '../sched/waitqueue.js';
import { File, type FileOps, O_NONBLOCK, O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR, POLLIN, POLLOUT, POLLHUP, POLLERR } from './file.js';
import { Inode, S_IFIFO } from './inode.js';
import { SuperBlock } from './superblock.js';
import { Dentry } from './dentry.js';
import type { Mount } from './mount.js';
import { registerFifo } from './special.js';

export const PIPE_BUF = 4096;
export const PIPE_DEF_SIZE = 16 * 4096;

export class Pipe {
  buf: Uint8Array;
  head = 0; // read position
  len = 0;
  readers = 0;
  writers = 0;
  readWait = new WaitQueue();
  writeWait = new WaitQueue();
  constructor(size = PIPE_DEF_SIZE) { this.buf = new Uint8Array(size); }

  get capacity(): number { return this.buf.length; }

  read(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.len);
    for (let i = 0; i < n;) {
      const at = (this.head + i) % this.capacity;
      const chunk = Math.min(n - i, this.capacity - at);
      dst.set(this.buf.subarray(at, at + chunk), i);
      i += chunk;
    }
    this.head = (this.head + n) % this.capacity;
    this.len -= n;
    if (n) this.writeWait.wakeAll();
    return n;
  }

  write(src: Uint8Array): number {
    const n = Math.min(src.length, this.capacity - this.len);
    for (let i = 0; i < n;) {
      const at = (this.head + this.len + i) % this.capacity;
      const chunk = Math.min(n - i, this.capacity - at);
      this.buf.set(src.subarray(i, i + chunk), at);
      i += chunk;
    }
    this.len += n;
    if (n) this.readWait.wakeAll();
    return n;
  }
}

const pipeSb = new SuperBlock('pipefs', 0x50495045);

export class PipeInode extends Inode {
  constructor(readonly pipe: Pipe) { super(pipeSb, S_IFIFO | 0o600); }
  /** Reopening through /proc/PID/fd/N attaches another reader or writer. */
  override open(f: File): FileOps {
    const acc = f.flags & O_ACCMODE;
    if (acc === O_RDONLY || acc === O_RDWR) this.pipe.readers++;
    if (acc === O_WRONLY || acc === O_RDWR) this.pipe.writers++;
    return pipeOps;
  }
}

export const pipeOps: FileOps = {
  stream: true,
  read(f, buf, _pos, w) {
    const p = pipeOf(f);
    if (buf.length === 0) return 0;
    if (p.len === 0) {
      if (p.writers === 0) return 0;
      if (f.flags & O_NONBLOCK) return -EAGAIN;
      w.sleepOn(p.readWait);
      return BLOCKED;
    }
    return p.read(buf);
  },
  write(f, data, _pos, w) {
    const p = pipeOf(f);
    if (p.readers === 0) return -EPIPE;
    if (data.length === 0) return 0;
    const free = p.capacity - p.len;
    // Atomic for small writes: all or nothing.
    if (free === 0 || (data.length <= PIPE_BUF && free < data.length)) {
      if (f.flags & O_NONBLOCK) return -EAGAIN;
      w.sleepOn(p.writeWait);
      return BLOCKED;
    }
    return p.write(data);
  },
  ioctl(f, cmd, arg, io) {
    if (cmd !== 0x541b /* FIONREAD */) return -ENOTTY;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, pipeOf(f).len, true);
    return io.write(arg, b) ? 0 : -EFAULT;
  },
  poll(f, wait) {
    const p = pipeOf(f);
    if (wait) { if (f.readable) wait(p.readWait); if (f.writable) wait(p.writeWait); }
    let m = 0;
    if (f.readable) { if (p.len > 0) m |= POLLIN; if (p.writers === 0) m |= POLLHUP; }
    if (f.writable) { if (p.capacity - p.len >= PIPE_BUF) m |= POLLOUT; if (p.readers === 0) m |= POLLERR; }
    return m;
  },
  release(f) {
    const p = pipeOf(f);
    if (f.readable) p.readers--;
    if (f.writable) p.writers--;
    p.readWait.wakeAll();
    p.writeWait.wakeAll();
  },
};

function pipeOf(f: File): Pipe {
  const i = f.inode as Inode & { pipe?: Pipe };
  return i.pipe ?? fifoPipe(f.inode);
}

/** pipe2(): two open files sharing one pipe. */
export function createPipe(mnt: Mount, flags: number): [File, File] {
  const pipe = new Pipe();
  const inode = new PipeInode(pipe);
  const dentry = new Dentry(`pipe:[${inode.ino}]`, null, inode);
  const path = { mnt, dentry };
  pipe.readers = 1; pipe.writers = 1;
  const extra = flags & O_NONBLOCK;
  return [new File(path, inode, O_RDONLY | extra, pipeOps), new File(path, inode, O_WRONLY | extra, pipeOps)];
}

// FIFOs: a named inode gets a pipe while anyone has it open.
const fifos = new WeakMap<Inode, Pipe>();
function fifoPipe(inode: Inode): Pipe {
  let p = fifos.get(inode);
  if (!p) { p = new Pipe(); fifos.set(inode, p); }
  return p;
}

registerFifo((inode, f) => {
  const p = fifoPipe(inode);
  const acc = f.flags & O_ACCMODE;
  // O_WRONLY|O_NONBLOCK with no reader: ENXIO, as Linux.
  if (acc === O_WRONLY && (f.flags & O_NONBLOCK) && p.readers === 0) return -ENXIO;
  if (acc === O_RDONLY || acc === O_RDWR) p.readers++;
  if (acc === O_WRONLY || acc === O_RDWR) p.writers++;
  p.readWait.wakeAll(); p.writeWait.wakeAll();
  return pipeOps;
});
