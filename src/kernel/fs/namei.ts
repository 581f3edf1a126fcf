// Path name resolution (Linux's namei): walk components from the root or a
// starting directory, crossing mounts, following symlinks (at most 40), and
// checking search permission on every directory passed through.
import { EEXIST, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from '../errno.js';
import { Dentry } from './dentry.js';
import { type FsCred, type Inode, isDir, isLnk } from './inode.js';
import type { Path } from './mount.js';

export const PATH_MAX = 4096,
  NAME_MAX = 255,
  MAXSYMLINKS = 40;

/** Per-task root, cwd and umask (Linux's fs_struct); shared by CLONE_FS. */
export class FsStruct {
  users = 1;
  constructor(
    public root: Path,
    public cwd: Path,
    public umask = 0o022,
  ) {}
  clone(): FsStruct {
    return new FsStruct(this.root, this.cwd, this.umask);
  }
}

/** Inodes whose link target is an object rather than a string (/proc/PID/exe, fd/N). */
export interface MagicLink {
  followLink(): Path | number;
}
export function isMagic(i: Inode): i is Inode & MagicLink {
  return typeof (i as unknown as MagicLink).followLink === 'function';
}

/** For the calls that create a name: -EEXIST if it is there, the lookup's -errno if the directory could not be searched, else 0. */
export function exists(dir: Dentry, name: string): number {
  const d = lookupChild(dir, name);
  return typeof d === 'number' ? d : d ? -EEXIST : 0;
}

/** The child dentry, null if the name does not exist, or -errno when the directory could not be searched. */
export function lookupChild(dir: Dentry, name: string): Dentry | null | number {
  const hit = dir.children.get(name);
  if (hit) return hit;
  const inode = dir.inode.lookup(dir, name);
  const cached = dir.children.get(name);
  if (cached) return cached;
  if (typeof inode === 'number') return inode;
  if (!inode) return null;
  const d = new Dentry(name, dir, inode);
  if (!dir.inode.sb.volatile) dir.children.set(name, d);
  return d;
}

/**
 * Step down through the mounts on p, as Linux's lookup of (vfsmount, dentry)
 * in the mount hash does: a mount covers a dentry only in its parent mount.
 * A directory bind-mounted on itself (systemd does this) has the same dentry
 * as mountpoint and root; without the parent check that is an endless loop.
 */
function crossMounts(p: Path): Path {
  for (;;) {
    let m = p.dentry.mounted;
    while (m && m.parent !== p.mnt) m = m.covered;
    if (!m) return p;
    p = { mnt: m, dentry: m.root };
  }
}

function parentOf(p: Path, root: Path): Path {
  if (p.dentry === root.dentry && p.mnt === root.mnt) return p;
  while (p.dentry === p.mnt.root && p.mnt.parent && p.mnt.mountpoint) {
    p = { mnt: p.mnt.parent, dentry: p.mnt.mountpoint };
    if (p.dentry === root.dentry && p.mnt === root.mnt) return p;
  }
  return { mnt: p.mnt, dentry: p.dentry.parent };
}

export interface WalkCtx {
  root: Path;
  cred: FsCred;
  depth: number;
}

const decoder = new TextDecoder('latin1');
export const pathString = (b: Uint8Array | string) => (typeof b === 'string' ? b : decoder.decode(b));

/**
 * Resolve `path` from `start`. `follow`: follow a symlink in the last
 * component. Returns the path or -errno.
 */
export function walk(ctx: WalkCtx, start: Path, path: string, follow: boolean): Path | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  let cur: Path = path[0] === '/' ? ctx.root : start;
  const trailingSlash = path.length > 1 && path.endsWith('/');
  const parts = path.split('/').filter((c) => c.length > 0);
  for (let i = 0; i < parts.length; i++) {
    const comp = parts[i];
    const last = i === parts.length - 1;
    if (!isDir(cur.dentry.inode.mode)) return -ENOTDIR;
    const perm = cur.dentry.inode.permission(1, ctx.cred);
    if (perm < 0) return perm;
    if (comp === '.') continue;
    if (comp === '..') {
      cur = parentOf(cur, ctx.root);
      continue;
    }
    if (comp.length > NAME_MAX) return -ENAMETOOLONG;
    const child = lookupChild(cur.dentry, comp);
    if (typeof child === 'number') return child;
    if (!child) return -ENOENT;
    let next = crossMounts({ mnt: cur.mnt, dentry: child });
    const inode = next.dentry.inode;
    if ((isLnk(inode.mode) || isMagic(inode)) && (!last || follow || trailingSlash)) {
      if (++ctx.depth > MAXSYMLINKS) return -ELOOP;
      if (isMagic(inode)) {
        const r = inode.followLink();
        if (typeof r === 'number') return r;
        next = r;
      } else {
        const target = inode.readlink();
        if (typeof target === 'number') return target;
        const r = walk(ctx, cur, pathString(target), true);
        if (typeof r === 'number') return r;
        next = r;
      }
    }
    cur = next;
  }
  if (trailingSlash && !isDir(cur.dentry.inode.mode)) return -ENOTDIR;
  return cur;
}

/** Resolve all but the last component: for create, unlink, rename, mkdir. */
export function walkParent(ctx: WalkCtx, start: Path, path: string): { dir: Path; name: string; trailingSlash: boolean } | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  const trailingSlash = /\/+$/.test(path) && path.replace(/\/+$/, '') !== '';
  const trimmed = path.replace(/\/+$/, '') || '/';
  const slash = trimmed.lastIndexOf('/');
  const dirPart = slash < 0 ? '.' : slash === 0 ? '/' : trimmed.slice(0, slash);
  const name = slash < 0 ? trimmed : trimmed.slice(slash + 1);
  const dir = walk(ctx, start, dirPart, true);
  if (typeof dir === 'number') return dir;
  if (!isDir(dir.dentry.inode.mode)) return -ENOTDIR;
  if (name.length > NAME_MAX) return -ENAMETOOLONG;
  return { dir, name: name === '' ? '/' : name, trailingSlash };
}

/** Absolute path of p as seen from root (d_path); unlinked entries get " (deleted)". */
export function dPath(p: Path, root: Path): string {
  const r = prependPath(p, root);
  return r.deleted ? r.path + ' (deleted)' : r.path;
}

/**
 * prepend_path: p's path up to root, whether a component was unlinked, and
 * whether the walk reached root at all (a cwd left outside a chroot does not).
 */
export function prependPath(p: Path, root: Path): { path: string; deleted: boolean; reachable: boolean } {
  const parts: string[] = [];
  let deleted = false;
  let reachable = false;
  let cur = p;
  for (let guard = 0; guard < 4096; guard++) {
    if (cur.dentry === root.dentry && cur.mnt === root.mnt) {
      reachable = true;
      break;
    }
    if (cur.dentry === cur.mnt.root) {
      if (!cur.mnt.parent || !cur.mnt.mountpoint) break;
      cur = { mnt: cur.mnt.parent, dentry: cur.mnt.mountpoint };
      continue;
    }
    const d = cur.dentry;
    if (d.parent.children.get(d.name) !== d && !d.parent.inode.sb.volatile) deleted = true;
    parts.push(d.name);
    cur = { mnt: cur.mnt, dentry: d.parent };
  }
  return { path: '/' + parts.reverse().join('/'), deleted, reachable };
}
