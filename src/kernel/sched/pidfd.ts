// pidfd: a file that refers to a process. It stays valid after the process
// dies; poll reports POLLIN once the process has exited, POLLHUP once reaped.
import type { Kernel } from '../kernel.js';
import type { ThreadGroup } from './threadgroup.js';
import { File, type FileOps, O_NONBLOCK, O_RDWR, POLLIN, POLLRDNORM, POLLHUP } from '../fs/file.js';
import { anonInodeFile } from '../fs/anon_inodes.js';

/** The process a pidfd refers to (its private_data), or null if f is not a pidfd. */
export function pidfdTarget(f: File): ThreadGroup | null {
  return f.ops === pidfdOps ? (f.privateData as ThreadGroup) : null;
}

const pidfdOps: FileOps = {
  poll(f, wait) {
    const tg = pidfdTarget(f);
    if (!tg) return 0;
    wait?.(tg.exitWait);
    if (tg.reaped) return POLLIN | POLLRDNORM | POLLHUP;
    return tg.zombie ? POLLIN | POLLRDNORM : 0;
  },
};

export function createPidfd(k: Kernel, tg: ThreadGroup, flags: number): File {
  const f = anonInodeFile(k.vfs.rootMnt, 'pidfd', O_RDWR | (flags & O_NONBLOCK), pidfdOps);
  f.privateData = tg;
  return f;
}
