// signalfd: signals of a mask read as struct signalfd_siginfo records from a
// file instead of running a handler. The reader dequeues from its own pending
// sets; poll reports POLLIN while one is pending. signalfd4(2) is here too, as
// in Linux's fs/signalfd.c.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { File, type FileOps, O_CLOEXEC, O_NONBLOCK, POLLIN } from '../fs/file.js';
import { anonInodeFile } from '../fs/anon_inodes.js';
import { EAGAIN, EBADF, EFAULT, EINVAL } from '../errno.js';
import { BLOCKED, type SyscallResult } from '../syscalls/result.js';
import type { SyscallArgs } from '../syscalls/args.js';
import { installFile } from '../syscalls/fs-io.js';
import { dequeue } from './deliver.js';
import { SIGCHLD, UNBLOCKABLE, type SigInfo } from './signals.js';

export const SIGNALFD_SIGINFO_SIZE = 128;

export class SignalFdCtx {
  constructor(public mask: bigint) {}
}

export function signalfdCtx(f: File): SignalFdCtx | null {
  return f.privateData instanceof SignalFdCtx ? f.privateData : null;
}

function encode(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGNALFD_SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, info.signo, true);
  dv.setInt32(4, info.errno ?? 0, true);
  dv.setInt32(8, info.code, true);
  dv.setUint32(12, info.pid ?? 0, true);
  dv.setUint32(16, info.uid ?? 0, true);
  if (info.signo === SIGCHLD) {
    dv.setInt32(40, info.status ?? 0, true);
    dv.setBigUint64(56, BigInt(info.utime ?? 0), true);
    dv.setBigUint64(64, BigInt(info.stime ?? 0), true);
  } else if (info.value !== undefined) {
    dv.setInt32(44, Number(BigInt.asIntN(32, info.value)), true);
    dv.setBigUint64(48, info.value, true);
  }
  if (info.addr !== undefined) dv.setBigUint64(72, BigInt(info.addr), true);
  return b;
}

export function createSignalfd(k: Kernel, mask: bigint, flags: number): File {
  const ctx = new SignalFdCtx(mask & ~UNBLOCKABLE);
  const reader = (): Task | null => k.current;
  const ops: FileOps = {
    stream: true,
    read(f, buf, _pos, w) {
      if (buf.length < SIGNALFD_SIGINFO_SIZE) return -EINVAL;
      const t = reader();
      if (!t) return -EAGAIN;
      let n = 0;
      while (n + SIGNALFD_SIGINFO_SIZE <= buf.length) {
        const info = dequeue(t, ctx.mask);
        if (!info) break;
        buf.set(encode(info), n);
        n += SIGNALFD_SIGINFO_SIZE;
      }
      if (n) return n;
      if (f.flags & O_NONBLOCK) return -EAGAIN;
      w.sleepOn(t.tg.signalfdWait);
      return BLOCKED;
    },
    poll(_f, wait) {
      const t = reader();
      if (t) wait?.(t.tg.signalfdWait);
      return t && (t.pending | t.tg.pending) & ctx.mask ? POLLIN : 0;
    },
  };
  const f = anonInodeFile(k.vfs.rootMnt, 'signalfd', 2 /* O_RDWR */ | (flags & O_NONBLOCK), ops);
  f.privateData = ctx;
  return f;
}

const SFD_CLOEXEC = O_CLOEXEC,
  SFD_NONBLOCK = O_NONBLOCK;

export function sys_signalfd4(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const fd = a.int(0),
    maskAddr = a.ulong(1),
    size = a.ulong(2),
    flags = a.int(3);
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  if (size !== 8) return -EINVAL;
  const mask = t.mm.readU64(maskAddr);
  if (mask === null) return -EFAULT;
  if (fd === -1) return installFile(t, createSignalfd(k, mask, flags), (flags & SFD_CLOEXEC) !== 0);
  const f = t.files.get(fd);
  if (!f) return -EBADF;
  const ctx = signalfdCtx(f);
  if (!ctx) return -EINVAL;
  ctx.mask = mask & ~UNBLOCKABLE;
  t.tg.signalfdWait.wakeAll();
  return fd;
}
