// dnotify (Linux's fs/notify/dnotify/dnotify.c): fcntl(fd, F_NOTIFY, DN_*)
// on a directory asks for a signal when something in it, or the directory
// itself, is accessed, modified, created, deleted, renamed within it or has
// its attributes changed. The signal goes to the file's owner, set to the
// caller's process as F_NOTIFY is made: the F_SETSIG signal with POLL_MSG and
// si_fd, or SIGIO. Without DN_MULTISHOT the request ends at its first signal.
import type { Kernel } from '../kernel.js';
import type { File } from './file.js';
import type { Inode } from './inode.js';
import { isDir } from './inode.js';
import {
  addMark,
  removeMark,
  IN_ACCESS,
  IN_ATTRIB,
  IN_CREATE,
  IN_DELETE,
  IN_IGNORED,
  IN_MODIFY,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  type FsnotifyMark,
} from './fsnotify.js';
import { POLL_MSG, sendSigio } from './fasync.js';
import { EINVAL, ENOTDIR } from '../errno.js';

export const DN_ACCESS = 0x1,
  DN_MODIFY = 0x2,
  DN_CREATE = 0x4,
  DN_DELETE = 0x8,
  DN_RENAME = 0x10,
  DN_ATTRIB = 0x20,
  DN_MULTISHOT = 0x80000000;

/** convert_arg: the fsnotify events each DN_ bit stands for (DN_RENAME is the rename-within-the-directory event, handled apart). */
const EVENTS: readonly [number, number][] = [
  [DN_ACCESS, IN_ACCESS],
  [DN_MODIFY, IN_MODIFY],
  [DN_CREATE, IN_CREATE | IN_MOVED_TO],
  [DN_DELETE, IN_DELETE | IN_MOVED_FROM],
  [DN_ATTRIB, IN_ATTRIB],
];

function eventsOf(arg: number): number {
  let m = 0;
  for (const [dn, ev] of EVENTS) if (arg & dn) m |= ev;
  return m;
}

/** One F_NOTIFY request (struct dnotify_struct): an open file of the directory and the descriptor it was made through. */
interface DnEntry {
  file: File;
  fd: number;
  arg: number;
}

/** The directory's dnotify mark: every request on it. */
class DnotifyMark implements FsnotifyMark {
  readonly entries: DnEntry[] = [];
  mask = 0;
  constructor(
    private readonly k: Kernel,
    readonly inode: Inode,
  ) {}

  recalc(): void {
    this.mask = 0;
    for (const e of this.entries) this.mask |= eventsOf(e.arg);
    if (!this.entries.length) removeMark(this.inode, this);
  }

  private fire(hit: (e: DnEntry) => boolean): void {
    let changed = false;
    for (const e of [...this.entries]) {
      if (!hit(e)) continue;
      sendSigio(this.k, e.file, e.fd, POLL_MSG);
      if (!(e.arg & DN_MULTISHOT)) {
        this.entries.splice(this.entries.indexOf(e), 1);
        changed = true;
      }
    }
    if (changed) this.recalc();
  }

  handle(mask: number): void {
    if (mask & IN_IGNORED) {
      this.entries.length = 0;
      return;
    }
    this.fire((e) => (eventsOf(e.arg) & mask) !== 0);
  }

  /** FS_DN_RENAME: a name moved within this directory. */
  dnRename(): void {
    this.fire((e) => (e.arg & DN_RENAME) !== 0);
  }

  /** dnotify_flush: the file's requests end with it. */
  drop(f: File): void {
    const n = this.entries.length;
    for (let i = n - 1; i >= 0; i--) if (this.entries[i].file === f) this.entries.splice(i, 1);
    if (this.entries.length !== n) this.recalc();
  }
}

function markOf(inode: Inode): DnotifyMark | null {
  for (const m of inode.fsnotifyMarks ?? []) if (m instanceof DnotifyMark) return m;
  return null;
}

/** fcntl_dirnotify: add (or, with no event bits, remove) this open file's request on its directory. */
export function fcntlDirnotify(k: Kernel, pid: number, f: File, fd: number, arg: number, enabled: boolean): number {
  if (!enabled) return -EINVAL;
  const inode = f.inode;
  if ((arg & ~DN_MULTISHOT) === 0) {
    markOf(inode)?.drop(f);
    return 0;
  }
  if (!isDir(inode.mode)) return -ENOTDIR;
  let m = markOf(inode);
  if (!m) {
    m = new DnotifyMark(k, inode);
    addMark(inode, m);
  }
  // attach_dn: a second request through the same file adds its events to the first.
  const old = m.entries.find((e) => e.file === f);
  if (old) {
    old.fd = fd;
    old.arg |= arg;
  } else m.entries.push({ file: f, fd, arg });
  m.recalc();
  const mark = m;
  f.dnotify = { remove: () => mark.drop(f) };
  // __f_setown(filp, task_pid(current), PIDTYPE_TGID, 0)
  f.fown = { ...(f.fown ?? { signum: 0 }), type: 1 /* F_OWNER_PID */, pid };
  return 0;
}
