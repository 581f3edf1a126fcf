// /proc/sys/fs (file_table, inode, dcache, pipe, aio, locks, namespace,
// exec tables): limits with 6.12 defaults, and the counters of open files,
// inodes and dentries counted from the kernel's own objects.
import type { Kernel } from '../kernel.js';
import type { Dentry } from '../fs/dentry.js';
import type { File } from '../fs/file.js';
import { Knob, computed, dir, entry, intEntry, intKnob, registerSysctl, type CtlTable } from './ctl_table.js';

/** NR_FILE: the least file-max. */
const NR_FILE = 8192;
export const NR_OPEN_DEFAULT = 1024 * 1024;
export const nrOpen = new Knob('fs.nr_open', () => NR_OPEN_DEFAULT);
/** files_maxfiles_init: about 10% of RAM's kB, at least NR_FILE. */
export const fileMax = new Knob('fs.file-max', (k) => Math.max(NR_FILE, Math.floor((k.pages.total * 4) / 10)));
export const pipeMaxSize = new Knob('fs.pipe-max-size', () => 1048576);
/** fs.dir-notify-enable: 0 makes fcntl(F_NOTIFY) EINVAL. */
export const dirNotifyEnable = new Knob('fs.dir-notify-enable', () => 1);
export const inotifyMaxQueuedEvents = new Knob('fs.inotify.max_queued_events', () => 16384);
export const inotifyMaxUserInstances = new Knob('fs.inotify.max_user_instances', () => 128);
export const inotifyMaxUserWatches = new Knob('fs.inotify.max_user_watches', () => 8192 * 4);
export const pipeUserPagesHard = new Knob('fs.pipe-user-pages-hard', () => 0);
export const pipeUserPagesSoft = new Knob('fs.pipe-user-pages-soft', () => 16384);
/** POSIX message queue limits (ipc/mqueue.c): defaults for new queues and ceilings for mq_open. */
export const mqMsgDefault = new Knob('fs.mqueue.msg_default', () => 10);
export const mqMsgMax = new Knob('fs.mqueue.msg_max', () => 10);
export const mqMsgsizeDefault = new Knob('fs.mqueue.msgsize_default', () => 8192);
export const mqMsgsizeMax = new Knob('fs.mqueue.msgsize_max', () => 8192);
export const mqQueuesMax = new Knob('fs.mqueue.queues_max', () => 256);

/** Open file descriptions now held by any task (nr_files). */
export function openFiles(k: Kernel): number {
  const seen = new Set<File>();
  const tables = new Set<unknown>();
  for (const t of k.pids.tasks()) {
    if (t.state === 'Z' || t.state === 'X' || tables.has(t.files)) continue;
    tables.add(t.files);
    for (const f of t.files.files) if (f) seen.add(f);
  }
  return seen.size;
}

/** Dentries and inodes held in the dentry cache of every mounted tree. */
export function dcacheCounts(k: Kernel): { dentries: number; inodes: number } {
  const inodes = new Set<unknown>();
  let dentries = 0;
  const stack: Dentry[] = [];
  for (const m of k.vfs.mounts) if (!m.sb.volatile) stack.push(m.root);
  while (stack.length && dentries < 1_000_000) {
    const d = stack.pop()!;
    dentries++;
    inodes.add(d.inode);
    for (const c of d.children.values()) stack.push(c);
  }
  return { dentries, inodes: inodes.size };
}

const knob = (name: string, v: number) => new Knob(`fs.${name}`, () => v);
const int = (name: string, v: number, range = {}, mode = 0o644) => intEntry(name, knob(name, v), range, mode);

const fsTable: CtlTable[] = [
  int('aio-max-nr', 65536, { min: 0 }),
  entry(
    'aio-nr',
    0o444,
    computed(() => 0),
  ),
  // nr_dentry, nr_unused, age_limit, want_pages, nr_negative, dummy.
  entry(
    'dentry-state',
    0o444,
    computed((k) => [dcacheCounts(k).dentries, 0, 45, 0, 0, 0]),
  ),
  intEntry('dir-notify-enable', dirNotifyEnable),
  entry('file-max', 0o644, intKnob(fileMax, { min: 0 }, 64, true)),
  // Allocated, free (always 0 since 2.6), maximum.
  entry(
    'file-nr',
    0o444,
    computed((k) => [openFiles(k), 0, fileMax.get(k)]),
  ),
  dir('inotify', [
    intEntry('max_queued_events', inotifyMaxQueuedEvents, { min: 0 }),
    intEntry('max_user_instances', inotifyMaxUserInstances, { min: 0 }),
    intEntry('max_user_watches', inotifyMaxUserWatches, { min: 0 }),
  ]),
  entry(
    'inode-nr',
    0o444,
    computed((k) => [dcacheCounts(k).inodes, 0]),
  ),
  entry(
    'inode-state',
    0o444,
    computed((k) => [dcacheCounts(k).inodes, 0, 0, 0, 0, 0, 0]),
  ),
  int('lease-break-time', 45),
  int('leases-enable', 1),
  int('mount-max', 100000, { min: 1 }),
  dir('mqueue', [
    intEntry('msg_default', mqMsgDefault, { min: 1, max: 65536 }),
    intEntry('msg_max', mqMsgMax, { min: 1, max: 65536 }),
    intEntry('msgsize_default', mqMsgsizeDefault, { min: 128, max: 16777216 }),
    intEntry('msgsize_max', mqMsgsizeMax, { min: 128, max: 16777216 }),
    intEntry('queues_max', mqQueuesMax, { min: 0 }),
  ]),
  entry('nr_open', 0o644, intKnob(nrOpen, { min: 64, max: 2147483584 })),
  int('overflowgid', 65534, { min: 0, max: 65535 }),
  int('overflowuid', 65534, { min: 0, max: 65535 }),
  entry('pipe-max-size', 0o644, intKnob(pipeMaxSize, { min: 4096 }, 32, true)),
  entry('pipe-user-pages-hard', 0o644, intKnob(pipeUserPagesHard, {}, 64, true)),
  entry('pipe-user-pages-soft', 0o644, intKnob(pipeUserPagesSoft, {}, 64, true)),
  int('protected_fifos', 0, { min: 0, max: 2 }),
  int('protected_hardlinks', 0, { min: 0, max: 1 }),
  int('protected_regular', 0, { min: 0, max: 2 }),
  int('protected_symlinks', 0, { min: 0, max: 1 }),
  int('suid_dumpable', 0, { min: 0, max: 2 }),
];

export function registerFsTable(): void {
  registerSysctl('fs', fsTable);
}
