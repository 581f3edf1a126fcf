// The memory character devices (major 1): null, zero, full, random, urandom.
import { ENOSPC } from '../errno.js';
import { registerChrdev } from '../fs/special.js';
import type { FileOps } from '../fs/file.js';
import type { Task } from '../sched/task.js';
import type { FsState } from '../fs/fs_state.js';
import { randomIoctl } from './random.js';

export function registerMemDevices(fs: FsState, random: (b: Uint8Array) => void, current: () => Task | null): void {
  const nullOps: FileOps = { read: () => 0, write: (_f, d) => d.length };
  const zeroOps: FileOps = {
    read: (_f, b) => {
      b.fill(0);
      return b.length;
    },
    write: (_f, d) => d.length,
    mapsZero: true,
  };
  const fullOps: FileOps = {
    read: (_f, b) => {
      b.fill(0);
      return b.length;
    },
    write: () => -ENOSPC,
  };
  const randOps: FileOps = {
    read: (_f, b) => {
      random(b);
      return b.length;
    },
    write: (_f, d) => d.length,
    ioctl: (_f, cmd, arg, io) => randomIoctl(current(), cmd, arg, io),
  };
  registerChrdev(fs, 1, 3, () => nullOps);
  registerChrdev(fs, 1, 5, () => zeroOps);
  registerChrdev(fs, 1, 7, () => fullOps);
  registerChrdev(fs, 1, 8, () => randOps);
  registerChrdev(fs, 1, 9, () => randOps);
}

/** Nodes devtmpfs creates for them: name, major, minor, mode. */
export const MEM_NODES: [string, number, number, number][] = [
  ['null', 1, 3, 0o666],
  ['zero', 1, 5, 0o666],
  ['full', 1, 7, 0o666],
  ['random', 1, 8, 0o666],
  ['urandom', 1, 9, 0o666],
  ['kmsg', 1, 11, 0o644],
];
