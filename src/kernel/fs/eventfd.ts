// eventfd (fs/eventfd.c): a 64-bit counter as a file. write(2) adds 8 bytes'
// worth, read(2) takes the whole count (or 1 with EFD_SEMAPHORE); a read of
// zero and a write that would pass 0xfffffffffffffffe sleep, or EAGAIN.
import { installFile } from '../syscalls/fs-io.js';
import { EAGAIN, EINVAL } from '../errno.js';
import { BLOCKED, type SyscallResult } from '../syscalls/result.js';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR, POLLERR, POLLIN, POLLOUT, type FileOps } from './file.js';
import { anonInodeFile } from './anon_inodes.js';
import { WaitQueue } from '../sched/waitqueue.js';
import type { SyscallArgs } from '../syscalls/args.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';

export const EFD_SEMAPHORE = 1,
  EFD_NONBLOCK = O_NONBLOCK,
  EFD_CLOEXEC = O_CLOEXEC;
const ULLONG_MAX = (1n << 64n) - 1n;

export class EventFd {
  count: bigint;
  readonly wait = new WaitQueue();
  constructor(
    init: bigint,
    readonly semaphore: boolean,
  ) {
    this.count = init;
  }
}

function eventfdOps(ctx: EventFd): FileOps {
  return {
    stream: true,
    oneShotWrite: true,
    read(f, buf, _pos, w) {
      if (buf.length < 8) return -EINVAL;
      if (ctx.count === 0n) {
        if (f.flags & O_NONBLOCK) return -EAGAIN;
        w.sleepOn(ctx.wait);
        return BLOCKED;
      }
      const v = ctx.semaphore ? 1n : ctx.count;
      ctx.count -= v;
      new DataView(buf.buffer, buf.byteOffset).setBigUint64(0, v, true);
      ctx.wait.wakeAll();
      return 8;
    },
    write(f, data, _pos, w) {
      if (data.length < 8) return -EINVAL;
      const v = new DataView(data.buffer, data.byteOffset).getBigUint64(0, true);
      if (v === ULLONG_MAX) return -EINVAL;
      if (ULLONG_MAX - ctx.count <= v) {
        if (f.flags & O_NONBLOCK) return -EAGAIN;
        w.sleepOn(ctx.wait);
        return BLOCKED;
      }
      ctx.count += v;
      if (v) ctx.wait.wakeAll();
      return 8;
    },
    poll(_f, wait) {
      wait?.(ctx.wait);
      let m = 0;
      if (ctx.count > 0n) m |= POLLIN;
      if (ctx.count === ULLONG_MAX) m |= POLLERR;
      if (ULLONG_MAX - 1n > ctx.count) m |= POLLOUT;
      return m;
    },
  };
}

export function sys_eventfd2(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const init = BigInt(a.int(0) >>> 0),
    flags = a.int(1);
  if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)) return -EINVAL;
  const ctx = new EventFd(init, (flags & EFD_SEMAPHORE) !== 0);
  const f = anonInodeFile(k.vfs.rootMnt, 'eventfd', O_RDWR | (flags & O_NONBLOCK), eventfdOps(ctx));
  return installFile(t, f, (flags & EFD_CLOEXEC) !== 0);
}
