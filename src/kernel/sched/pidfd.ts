// pidfd: a file that refers to a process. It stays valid after the process
// dies; poll reports POLLIN once the process has exited, POLLHUP once reaped.
import type { Kernel } from '../kernel.js';
import type { ThreadGroup } from './threadgroup.js';
import { File, type FileOps, O_NONBLOCK, O_RDWR, POLLIN, POLLRDNORM, POLLHUP } from '../fs/file.js';
import { anonInodeFile } from '../fs/anon_inodes.js';

const targets = new WeakMap<File, ThreadGroup>();

/** The process a pidfd refers to, or null if f is not a pidfd. */
export function pidfdTarget(f: File): ThreadGroup | null { return targets.get(f) ?? null; }

const pidfdOps: FileOps = {
  poll(f, wait) {
    const tg = targets.get(f);
    if (!tg) return 0;
    wait?.(tg.exitWait);
    if (tg.reaped) return POLLIN | POLLRDNORM | POLLHUP;
    return tg.zombie ? POLLIN | POLLRDNORM : 0;
  },
};

export function createPidfd(k: Kernel, tg: ThreadGroup, flags: number): File {
  const f = anonInodeFile(k.vfs.rootMnt, 'pidfd', O_RDWR | (flags & O_NONBLOCK), pidfdOps);
  targets.set(f, tg);
  return f;
}
