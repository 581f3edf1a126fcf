// The /proc directory itself (Linux's fs/proc/root.c) and its small
// global files: uptime, loadavg, version, cmdline, filesystems, swaps, vmstat...
import { ENOENT } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import { LINUX_VERSION } from '../../version.js';
import { pidEntry, pidLookup, pidScopeAlive } from './base.js';
import { cpuinfo } from './cpuinfo.js';
import { configGz } from '../../configs.js';
import { fileEntry, opsEntry, symlinkEntry, type ProcEntry, type ProcSuper } from './generic.js';
import { procKmsgOps } from '../../drivers/kmsg.js';
import { meminfo } from './meminfo.js';
import { procSwaps } from '../../mm/swapfile.js';
import { lastPid, liveGroups, reader } from './pid.js';
import { stat } from './stat.js';
import { vmstat } from './vmstat.js';
import { interrupts, softirqs } from './interrupts.js';
import { schedDebug } from './sched_debug.js';
import { loadText } from '../../sched/loadavg.js';
import { sysEntry } from './sysctl.js';
import { dirEntry } from './generic.js';
import { procDiskstats, procPartitions } from '../../block/proc.js';
import { procTtyDrivers } from '../../drivers/tty/console.js';
import { procLocks } from '../locks.js';
import { major, minor } from '../special.js';
import { sysvipcMsg, sysvipcSem, sysvipcShm } from '../../ipc/procfs.js';

/** "%lu.%02lu": seconds with hundredths, truncated as Linux does. */
const secs = (ns: number) => {
  const cs = Math.floor(ns / 1e7);
  return `${Math.floor(cs / 100)}.${String(cs % 100).padStart(2, '0')}`;
};

export function uptime(k: Kernel): string {
  return `${secs(k.clock.monotonic())} ${secs(Math.min(k.clock.idleNs, k.clock.monotonic()))}\n`;
}

/** "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d": averages, running/threads, last PID. */
export function loadavg(k: Kernel): string {
  const a = k.load?.avenrun ?? [0, 0, 0];
  let running = 0;
  for (const t of k.pids.tasks()) if (t.state === 'R') running++;
  const threads = k.pids.taskCount + k.pids.zombieCount;
  return `${loadText(a[0])} ${loadText(a[1])} ${loadText(a[2])} ${running}/${threads} ${lastPid(k)}\n`;
}

/** /proc/swaps: swap_show over the active areas (mm/swapfile.ts). */
export const swaps = (k: Kernel) => procSwaps(k.swap);

/** Types with no backing device ("nodev"); the rest need a block device. */
const BASE_FILESYSTEMS: [string, boolean][] = [
  ['sysfs', true],
  ['tmpfs', true],
  ['proc', true],
  ['devtmpfs', true],
  ['pipefs', true],
  ['ramfs', true],
  ['devpts', true],
  // ext4 registers the ext3 and ext2 names first (ext4_init_fs: register_as_ext3, register_as_ext2).
  ['ext3', false],
  ['ext2', false],
  ['ext4', false],
];

/** The types that need a block device, in registration order: what mount_root tries without rootfstype=. */
export const BDEV_FILESYSTEMS: readonly string[] = BASE_FILESYSTEMS.filter(([, nodev]) => !nodev).map(([n]) => n);

export function filesystems(k: Kernel): string {
  const list = [...BASE_FILESYSTEMS];
  for (const m of k.vfs.mounts) {
    const t = m.sb.fsType;
    if (t !== 'rootfs' && !list.some(([n]) => n === t)) list.push([t, true]);
  }
  return list.map(([name, nodev]) => `${nodev ? 'nodev' : ''}\t${name}\n`).join('');
}

function globalEntries(k: Kernel, sb: ProcSuper): ProcEntry[] {
  const f = (name: string, show: () => string) => fileEntry(sb, '', name, 0o444, show);
  return [
    f('cmdline', () => k.cmdline + '\n'),
    fileEntry(sb, '', 'config.gz', 0o444, () => configGz(k), { size: () => configGz(k).length }),
    f('cpuinfo', () => cpuinfo(k)),
    // Without block devices Linux prints neither rows nor (for partitions) the header.
    f('diskstats', () => procDiskstats(k)),
    f('filesystems', () => filesystems(k)),
    f('interrupts', () => interrupts(k)),
    f('iomem', () => k.iomem.show(reader(k)?.cred ?? null)),
    f('ioports', () => k.ioports.show(reader(k)?.cred ?? null)),
    opsEntry(sb, '', 'kmsg', 0o400, () => procKmsgOps(k)),
    f('loadavg', () => loadavg(k)),
    f('locks', () => procLocks(k.fileLocks, (i) => [major(i.sb.dev), minor(i.sb.dev)])),
    f('meminfo', () => meminfo(k)),
    symlinkEntry(sb, '', 'mounts', () => 'self/mounts'),
    symlinkEntry(sb, '', 'net', () => 'self/net'),
    f('partitions', () => procPartitions(k)),
    f('sched_debug', () => schedDebug(k)),
    f('stat', () => stat(k)),
    f('swaps', () => swaps(k)),
    f('softirqs', () => softirqs(k)),
    sysEntry(k, sb),
    dirEntry(sb, '', 'sysvipc', 0o555, () => [
      fileEntry(sb, '', 'sysvipc/msg', 0o444, () => sysvipcMsg(k)),
      fileEntry(sb, '', 'sysvipc/sem', 0o444, () => sysvipcSem(k)),
      fileEntry(sb, '', 'sysvipc/shm', 0o444, () => sysvipcShm(k)),
    ]),
    dirEntry(sb, '', 'tty', 0o555, () => [fileEntry(sb, '', 'tty/drivers', 0o444, procTtyDrivers)]),
    f('uptime', () => uptime(k)),
    f('version', () => LINUX_VERSION + '\n'),
    f('vmstat', () => vmstat(k)),
  ];
}

/** Everything /proc lists: fixed entries, self, thread-self, then PIDs. */
export function rootEntries(k: Kernel, sb: ProcSuper): ProcEntry[] {
  const list = globalEntries(k, sb);
  list.push(
    symlinkEntry(sb, '', 'self', () => {
      const r = reader(k);
      return r ? String(r.pid) : -ENOENT;
    }),
    symlinkEntry(sb, '', 'thread-self', () => {
      const r = reader(k);
      return r ? `${r.pid}/task/${r.tid}` : -ENOENT;
    }),
  );
  for (const g of liveGroups(k)) list.push(pidEntry(k, sb, g.tasks[0]));
  return list;
}

/** Listing /proc is the moment to forget inode numbers of tasks that are gone. */
export function pruneDead(k: Kernel, sb: ProcSuper): void {
  sb.prune((scope) => pidScopeAlive(k, scope));
}

export { pidLookup };
