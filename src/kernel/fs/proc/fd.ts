// /proc/PID/fd and /proc/PID/fdinfo (Linux's fs/proc/fd.c): one magic link
// per open descriptor, and the position/flags/mount/inode of each.
import { EACCES, ENOENT, ESRCH } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import type { Task } from '../../sched/task.js';
import { O_CLOEXEC, O_WRONLY, O_RDWR, O_ACCMODE, O_PATH, type File } from '../file.js';
import { dPath } from '../namei.js';
import { isDead, mayPtrace, ownerOf, readerRoot, taskFiles } from './pid.js';
import { dirEntry, fileEntry, magicEntry, type ProcEntry, type ProcSuper } from './generic.js';

/**
 * The name readlink shows for an open file: its path, or for objects
 * outside the tree (pipes, sockets, anon inodes) the dentry's own name,
 * such as "pipe:[1234]".
 */
export function fileLinkText(k: Kernel, f: File): string {
  const d = f.path.dentry;
  if (d.isRoot && d !== f.path.mnt.root) return d.name;
  return dPath(f.path, readerRoot(k));
}

/** lrwx------ / lr-x------ / l-wx------ by how the file was opened. */
function linkMode(f: File): number {
  if (f.flags & O_PATH) return 0;
  const acc = f.flags & O_ACCMODE;
  let m = 0;
  if (acc !== O_WRONLY) m |= 0o500;
  if (acc === O_WRONLY || acc === O_RDWR) m |= 0o300;
  return m;
}

function openFds(t: Task): [number, File][] {
  const files = taskFiles(t);
  if (!files) return [];
  const out: [number, File][] = [];
  files.files.forEach((f, fd) => {
    if (f) out.push([fd, f]);
  });
  return out;
}

function fdList(k: Kernel, sb: ProcSuper, t: Task, scope: string, base: string): ProcEntry[] | number {
  if (t.state === 'X') return -ESRCH;
  const owner = ownerOf(t);
  return openFds(t).map(([fd, f]) => {
    const still = (): File | number => {
      if (!mayPtrace(k, t)) return -EACCES;
      const cur = taskFiles(t)?.get(fd);
      return cur ?? -ENOENT;
    };
    return magicEntry(
      sb,
      scope,
      `${base}fd/${fd}`,
      linkMode(f),
      () => {
        const r = still();
        return typeof r === 'number' ? r : r.path;
      },
      () => {
        const r = still();
        return typeof r === 'number' ? r : fileLinkText(k, r);
      },
      owner,
    );
  });
}

/** seq_show of fs/proc/fd.c: pos, flags (octal, with O_CLOEXEC), mnt_id, ino. */
export function fdinfo(t: Task, fd: number): string | number {
  const files = taskFiles(t);
  const f = files?.get(fd);
  if (!files || !f) return -ENOENT;
  let flags = f.flags;
  if (files.cloexec[fd]) flags |= O_CLOEXEC;
  return `pos:\t${f.pos}\nflags:\t0${flags.toString(8)}\nmnt_id:\t${f.path.mnt.id}\nino:\t${f.inode.ino}\n${f.ops.showFdinfo?.(f) ?? ''}`;
}

function fdinfoList(sb: ProcSuper, t: Task, scope: string, base: string): ProcEntry[] | number {
  if (t.state === 'X') return -ESRCH;
  const owner = ownerOf(t);
  return openFds(t).map(([fd]) => fileEntry(sb, scope, `${base}fdinfo/${fd}`, 0o444, () => fdinfo(t, fd), { owner }));
}

/** The fd and fdinfo entries of a task directory; `base` is '' or "task/TID/". */
export function fdDirs(k: Kernel, sb: ProcSuper, t: Task, scope: string, base: string): ProcEntry[] {
  const owner = ownerOf(t);
  const fd = dirEntry(sb, scope, `${base}fd`, 0o500, () => fdList(k, sb, t, scope, base), owner);
  const make = fd.make;
  // st_size of an fd directory is the number of open descriptors (Linux 6.2+).
  fd.make = () => {
    const i = make();
    if (i && !isDead(t)) i.size = openFds(t).length;
    return i;
  };
  const info = dirEntry(sb, scope, `${base}fdinfo`, 0o555, () => fdinfoList(sb, t, scope, base), owner);
  return [fd, info];
}
