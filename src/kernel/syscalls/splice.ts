// splice, tee and vmsplice (fs/splice.c): data moved between a pipe and a
// file, between two pipes, or between a pipe and user memory, a pipe_buffer
// at a time. Spliced data keeps its page boundaries (a file's pages, the
// user's pages), so a spliced buffer never takes merged writes afterwards.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, EPIPE, ESPIPE } from '../errno.js';
import { BLOCKED, type Blocked, type SyscallResult } from './result.js';
import { O_APPEND, O_NONBLOCK, type File } from '../fs/file.js';
import { PAGE_SIZE, pipeOf, type Pipe } from '../fs/pipe.js';
import { sendSignal } from '../signal/deliver.js';
import { SIGPIPE, SI_USER } from '../signal/signals.js';
import { iovecs } from './fs-io.js';
import type { SyscallArgs } from './args.js';

const SPLICE_F_MOVE = 1,
  SPLICE_F_NONBLOCK = 2,
  SPLICE_F_MORE = 4,
  SPLICE_F_GIFT = 8;
const SPLICE_F_ALL = SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT;
const MAX_RW = 0x7ffff000;

function sigpipe(k: Kernel, t: Task): number {
  sendSignal(k, t.tg, { signo: SIGPIPE, code: SI_USER, pid: t.pid, uid: t.cred.uid }, t);
  return -EPIPE;
}

/** ipipe_prep / splice_from_pipe_next: data to take, 0 at end of file, or why not. */
function waitForData(t: Task, p: Pipe, nonblock: boolean): number | Blocked {
  if (!p.empty) return 1;
  if (!p.hasWriters()) return 0;
  if (nonblock) return -EAGAIN;
  t.sleepOn(p.readWait);
  return BLOCKED;
}

/** opipe_prep / wait_for_space: a free slot, or why not (no reader: SIGPIPE and EPIPE). */
function waitForSpace(k: Kernel, t: Task, p: Pipe, nonblock: boolean): number | Blocked {
  if (!p.hasReaders()) return sigpipe(k, t);
  if (!p.full) return 1;
  if (nonblock) return -EAGAIN;
  t.sleepOn(p.writeWait);
  return BLOCKED;
}

/** Add bytes as unmergeable buffers, cut where `boundary` (a file or user address) crosses a page. */
function pushPages(p: Pipe, data: Uint8Array, boundary: number): number {
  let n = 0;
  while (n < data.length && !p.full) {
    const room = PAGE_SIZE - ((boundary + n) % PAGE_SIZE);
    const take = Math.min(room, data.length - n);
    p.write(data.subarray(n, n + take), { merge: false });
    n += take;
  }
  return n;
}

/** An optional loff_t pointer: the offset, null for none, or -EFAULT/-EINVAL. */
function readOff(t: Task, addr: number): number | null {
  if (!addr) return null;
  const v = t.mm.readU64(addr);
  if (v === null) return -EFAULT;
  const o = Number(BigInt.asIntN(64, v));
  return o < 0 ? -EINVAL : o;
}

/** The file side's position: *offAddr when given (not for a stream), else the file's own. */
function filePos(t: Task, f: File, offAddr: number): number {
  if (!offAddr) return f.pos;
  if (f.ops.stream) return -EINVAL;
  const o = readOff(t, offAddr);
  return o ?? f.pos;
}

function spliceToFile(k: Kernel, t: Task, ip: Pipe, out: File, offAddr: number, len: number, nonblock: boolean): number | Blocked {
  const pos = filePos(t, out, offAddr);
  if (pos < 0) return pos;
  if (out.flags & O_APPEND) return -EINVAL;
  if (!out.ops.write) return -EINVAL;
  const r = waitForData(t, ip, nonblock);
  if (r === BLOCKED || r <= 0) return r;
  const buf = new Uint8Array(Math.min(len, ip.len));
  ip.peek(buf);
  const w = out.ops.write(out, buf, pos, t);
  if (w === BLOCKED) return BLOCKED;
  if (w === -EPIPE) return sigpipe(k, t);
  if (w < 0) return w;
  ip.read(new Uint8Array(w));
  if (offAddr) t.mm.writeU64(offAddr, pos + w);
  else if (!out.ops.stream) out.pos = pos + w;
  return w;
}

function spliceFromFile(k: Kernel, t: Task, inp: File, offAddr: number, op: Pipe, len: number, nonblock: boolean): number | Blocked {
  const pos = filePos(t, inp, offAddr);
  if (pos < 0) return pos;
  if (!inp.ops.read) return -EINVAL;
  const r = waitForSpace(k, t, op, nonblock);
  if (r === BLOCKED || r <= 0) return r;
  const free = op.maxUsage - op.bufs.length;
  const seekable = !inp.ops.stream;
  // A file's pages keep their alignment; other sources fill whole fresh pages.
  const room = seekable ? free * PAGE_SIZE - (pos % PAGE_SIZE) : free * PAGE_SIZE;
  const buf = new Uint8Array(Math.min(len, room));
  const n = inp.ops.read(inp, buf, pos, t);
  if (n === BLOCKED || n <= 0) return n;
  const w = pushPages(op, buf.subarray(0, n), seekable ? pos : 0);
  if (offAddr) t.mm.writeU64(offAddr, pos + w);
  else if (seekable) inp.pos = pos + w;
  return w;
}

/** splice_pipe_to_pipe: whole buffers move; the last one may be split. */
function pipeToPipe(k: Kernel, t: Task, ip: Pipe, op: Pipe, len: number, nonblock: boolean): number | Blocked {
  const r1 = waitForData(t, ip, nonblock);
  if (r1 === BLOCKED || r1 <= 0) return r1;
  const r2 = waitForSpace(k, t, op, nonblock);
  if (r2 === BLOCKED || r2 <= 0) return r2;
  let moved = 0;
  while (len > moved && !ip.empty && !op.full) {
    const b = ip.bufs[0];
    const take = Math.min(b.len, len - moved);
    op.bufs.push({ page: b.page.slice(b.offset, b.offset + take), offset: 0, len: take, canMerge: false, packet: b.packet });
    moved += take;
    if (take === b.len) ip.bufs.shift();
    else {
      b.offset += take;
      b.len -= take;
    }
  }
  if (moved) {
    ip.writeWait.wakeAll();
    op.readWait.wakeAll();
  }
  return moved;
}

export function sys_splice(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fin = t.files.get(a.int(0)),
    fout = t.files.get(a.int(2));
  const offIn = a.ulong(1),
    offOut = a.ulong(3),
    flags = a.int(5);
  const len = Math.min(a.ulong(4), MAX_RW);
  if (!fin || !fout) return -EBADF;
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  if (!fin.readable || !fout.writable) return -EBADF;
  const ip = pipeOf(fin),
    op = pipeOf(fout);
  let nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  if (ip && op) {
    if (offIn || offOut) return -ESPIPE;
    if (ip === op) return -EINVAL;
    if ((fin.flags | fout.flags) & O_NONBLOCK) nonblock = true;
    return len ? pipeToPipe(k, t, ip, op, len, nonblock) : 0;
  }
  if (ip) {
    if (offIn) return -ESPIPE;
    if (fin.flags & O_NONBLOCK) nonblock = true;
    return len ? spliceToFile(k, t, ip, fout, offOut, len, nonblock) : 0;
  }
  if (op) {
    if (offOut) return -ESPIPE;
    if (fout.flags & O_NONBLOCK) nonblock = true;
    return len ? spliceFromFile(k, t, fin, offIn, op, len, nonblock) : 0;
  }
  return -EINVAL;
}

// tee: the input's buffers are copied, not consumed.
export function sys_tee(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fin = t.files.get(a.int(0)),
    fout = t.files.get(a.int(1));
  const flags = a.int(3);
  const len = Math.min(a.ulong(2), MAX_RW);
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  if (!fin || !fout) return -EBADF;
  if (!fin.readable || !fout.writable) return -EBADF;
  const ip = pipeOf(fin),
    op = pipeOf(fout);
  if (!ip || !op || ip === op) return -EINVAL;
  if (len === 0) return 0;
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0 || ((fin.flags | fout.flags) & O_NONBLOCK) !== 0;
  const r1 = waitForData(t, ip, nonblock);
  if (r1 === BLOCKED || r1 <= 0) return r1;
  const r2 = waitForSpace(k, t, op, nonblock);
  if (r2 === BLOCKED || r2 <= 0) return r2;
  let n = 0;
  for (const b of ip.bufs) {
    if (n >= len || op.full) break;
    const take = Math.min(b.len, len - n);
    op.bufs.push({ page: b.page.slice(b.offset, b.offset + take), offset: 0, len: take, canMerge: false, packet: b.packet });
    n += take;
  }
  if (n) op.readWait.wakeAll();
  return n;
}

// vmsplice: a write end takes the user's pages; a read end gives its data to user memory.
export function sys_vmsplice(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const f = t.files.get(a.int(0));
  const flags = a.int(3);
  if (flags & ~SPLICE_F_ALL) return -EINVAL;
  if (!f) return -EBADF;
  const iov = iovecs(t, a.ulong(1), a.int(2));
  if (typeof iov === 'number') return iov;
  const p = pipeOf(f);
  const total = iov.reduce((n, [, l]) => n + l, 0);
  const nonblock = (flags & SPLICE_F_NONBLOCK) !== 0;
  if (f.writable) {
    if (!p) return -EBADF;
    if (total === 0) return 0;
    const r = waitForSpace(k, t, p, nonblock);
    if (r === BLOCKED || r <= 0) return r;
    let n = 0;
    for (const [base, l] of iov) {
      if (p.full) break;
      const data = t.mm.read(base, Math.min(l, (p.maxUsage - p.bufs.length + 1) * PAGE_SIZE));
      if (!data) return n || -EFAULT;
      const w = pushPages(p, data, base);
      n += w;
      if (w < l) break;
    }
    return n;
  }
  if (!f.readable) return -EBADF;
  if (!p) return -EBADF;
  if (total === 0) return 0;
  const r = waitForData(t, p, nonblock);
  if (r === BLOCKED || r <= 0) return r;
  let n = 0;
  for (const [base, l] of iov) {
    if (p.empty || !l) {
      if (p.empty) break;
      continue;
    }
    const want = Math.min(l, p.len);
    if (!t.mm.probeWritable(base, want)) return n || -EFAULT;
    const buf = new Uint8Array(want);
    const got = p.read(buf);
    t.mm.write(base, buf.subarray(0, got));
    n += got;
    if (got < l) break;
  }
  return n;
}
