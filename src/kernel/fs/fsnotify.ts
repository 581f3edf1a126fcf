// fsnotify: the VFS reports what happened to an inode, and to its directory
// with the child's name; watchers (inotify) queue what they asked for. The
// calls sit where Linux's fsnotify_* helpers do (include/linux/fsnotify.h).
import type { Dentry } from './dentry.js';
import type { Inode } from './inode.js';
import { isDir } from './inode.js';
import { O_PATH, type File } from './file.js';

export const IN_ACCESS = 0x1,
  IN_MODIFY = 0x2,
  IN_ATTRIB = 0x4,
  IN_CLOSE_WRITE = 0x8,
  IN_CLOSE_NOWRITE = 0x10,
  IN_OPEN = 0x20,
  IN_MOVED_FROM = 0x40,
  IN_MOVED_TO = 0x80,
  IN_CREATE = 0x100,
  IN_DELETE = 0x200,
  IN_DELETE_SELF = 0x400,
  IN_MOVE_SELF = 0x800,
  IN_UNMOUNT = 0x2000,
  IN_Q_OVERFLOW = 0x4000,
  IN_IGNORED = 0x8000,
  IN_ONLYDIR = 0x1000000,
  IN_DONT_FOLLOW = 0x2000000,
  IN_EXCL_UNLINK = 0x4000000,
  IN_MASK_CREATE = 0x10000000,
  IN_MASK_ADD = 0x20000000,
  IN_ISDIR = 0x40000000,
  IN_ONESHOT = 0x80000000;
export const IN_ALL_EVENTS = 0xfff;
/** Events a directory hears about its children (FS_EVENTS_POSS_ON_CHILD). */
const ON_CHILD = IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN;

/** A mark on an inode: `handle` gets the event, with the child's name when it came through a directory. */
export interface FsnotifyMark {
  mask: number;
  /** unlinked: a file event (one with a path) on a file whose name is gone (d_unlinked), for IN_EXCL_UNLINK. */
  handle(mask: number, name: string | null, cookie: number, inode: Inode, unlinked?: boolean): void;
  /** dnotify's FS_DN_RENAME: a name moved within the marked directory (no inotify event stands for it). */
  dnRename?(): void;
}

export function addMark(inode: Inode, m: FsnotifyMark): void {
  (inode.fsnotifyMarks ??= new Set()).add(m);
}
export function removeMark(inode: Inode, m: FsnotifyMark): void {
  inode.fsnotifyMarks?.delete(m);
}

function send(inode: Inode, mask: number, name: string | null, cookie = 0, unlinked = false): void {
  const s = inode.fsnotifyMarks;
  if (!s || s.size === 0) return;
  for (const m of [...s]) if (m.mask & mask & IN_ALL_EVENTS) m.handle(mask, name, cookie, inode, unlinked);
}

/**
 * fsnotify_parent + the inode itself: the directory's watchers first, with the name.
 * unlinked: only file events carry a path, so only they can be excluded (fsnotify_handle_inode_event).
 */
function dentryEvent(d: Dentry, mask: number, unlinked = false): void {
  if (isDir(d.inode.mode)) mask |= IN_ISDIR;
  if (!d.isRoot && mask & ON_CHILD) send(d.parent.inode, mask, d.name, 0, unlinked);
  send(d.inode, mask, null, 0, unlinked);
}

function fileEvent(f: File, mask: number): void {
  if (f.flags & O_PATH) return;
  const d = f.path.dentry;
  // d_unlinked: the name is no longer in its directory (procfs dentries are never cached there).
  const unlinked = !d.isRoot && !d.parent.inode.sb.volatile && d.parent.children.get(d.name) !== d;
  dentryEvent(d, mask, unlinked);
}

export const fsnotifyOpen = (f: File) => fileEvent(f, IN_OPEN);
export const fsnotifyClose = (f: File) => fileEvent(f, f.writable ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
export const fsnotifyAccess = (f: File) => fileEvent(f, IN_ACCESS);
export const fsnotifyModify = (f: File) => fileEvent(f, IN_MODIFY);
/** notify_change: attributes (IN_ATTRIB) or size (IN_MODIFY) of a named file changed. */
export const fsnotifyChange = (d: Dentry, mask: number) => dentryEvent(d, mask);

/** A name appeared in dir (create, mkdir, mknod, symlink; link counts the target's new link first). */
export function fsnotifyCreate(dir: Dentry, name: string, inode: Inode | null, linked = false): void {
  if (linked && inode) send(inode, IN_ATTRIB, null);
  send(dir.inode, IN_CREATE | (inode && isDir(inode.mode) ? IN_ISDIR : 0), name);
}

/** unlink/rmdir: the link count drop, the inode's own death if that was the last link, then the name. */
export function fsnotifyDelete(dir: Dentry, name: string, inode: Inode): void {
  const d = isDir(inode.mode);
  if (!d) send(inode, IN_ATTRIB, null);
  // The last link: the inode's own watchers hear of its death, and their watches end, before the name goes.
  if (inode.nlink === 0 || d) lastLinkGone(inode);
  send(dir.inode, IN_DELETE | (d ? IN_ISDIR : 0), name);
}

/**
 * The inode lost its last name. A file still open lives on (d_delete only
 * unhashes a dentry others hold), and its watches with it, until the last
 * close evicts it; anything else goes now.
 */
function lastLinkGone(inode: Inode): void {
  if (!isDir(inode.mode) && inode.openFiles > 0) return;
  inodeRemoved(inode);
  dropMarks(inode);
}

/** __fput of an inode's last open file: an inode with no name left is evicted (DELETE_SELF, IN_IGNORED). */
export function fsnotifyLastClose(inode: Inode): void {
  if (inode.nlink === 0 && !isDir(inode.mode) && inode.fsnotifyMarks) {
    inodeRemoved(inode);
    dropMarks(inode);
  }
}

/** rename: MOVED_FROM and MOVED_TO share a cookie; an overwritten target loses a link; the inode moved. */
export function fsnotifyMove(oldDir: Dentry, oldName: string, newDir: Dentry, newName: string, moved: Inode, target: Inode | null): void {
  const cookie = oldDir.inode.sb.fs.fsnotifyCookie();
  const dirFlag = isDir(moved.mode) ? IN_ISDIR : 0;
  if (oldDir.inode === newDir.inode) for (const m of [...(oldDir.inode.fsnotifyMarks ?? [])]) m.dnRename?.();
  send(oldDir.inode, IN_MOVED_FROM | dirFlag, oldName, cookie);
  send(newDir.inode, IN_MOVED_TO | dirFlag, newName, cookie);
  if (target) {
    send(target, IN_ATTRIB, null);
    if (target.nlink === 0 || isDir(target.mode)) lastLinkGone(target);
  }
  send(moved, IN_MOVE_SELF, null);
}

function inodeRemoved(inode: Inode): void {
  send(inode, IN_DELETE_SELF, null);
}

/** The inode is gone: every mark on it ends (inotify queues IN_IGNORED). */
function dropMarks(inode: Inode): void {
  const s = inode.fsnotifyMarks;
  if (!s) return;
  inode.fsnotifyMarks = null;
  for (const m of s) m.handle(IN_IGNORED, null, 0, inode);
}
