// procfs building blocks (Linux's fs/proc/generic.c + seq_file): a
// superblock whose dentries are never cached, directories whose children are
// computed on every lookup, and files whose text is produced when opened.
import { Inode, S_IFDIR, S_IFLNK, S_IFREG, dtype, type DirEntry } from '../inode.js';
import { SuperBlock } from '../superblock.js';
import type { Dentry } from '../dentry.js';
import type { File, FileOps, IoWaiter } from '../file.js';
import type { Path } from '../mount.js';
import type { Timespec, FsState } from '../fs_state.js';
import type { Task } from '../../sched/task.js';

export const PROC_SUPER_MAGIC = 0x9fa0;

interface Identity {
  ino: number;
  time: Timespec;
}

export class ProcSuper extends SuperBlock {
  /** Inode numbers per (scope, name): a scope is one task's subtree, '' the rest. */
  private scopes = new Map<string, Map<string, Identity>>();

  constructor(fs: FsState, fsType = 'proc', magic = PROC_SUPER_MAGIC) {
    super(fs, fsType, magic);
    // PIDs come and go: every walk asks the directory again.
    this.volatile = true;
    this.identity('', '/'); // the root is inode 1, as PROC_ROOT_INO
  }

  /**
   * Inodes are rebuilt on each lookup; the same object must still show the
   * same st_ino (find and fts compare them), so numbers are remembered here.
   */
  identity(scope: string, name: string): Identity {
    let s = this.scopes.get(scope);
    if (!s) {
      s = new Map();
      this.scopes.set(scope, s);
    }
    let id = s.get(name);
    if (!id) {
      id = { ino: this.nextIno(), time: this.fs.now() };
      s.set(name, id);
    }
    return id;
  }

  /** Forget the numbers of tasks that are gone. */
  prune(alive: (scope: string) => boolean): void {
    for (const scope of this.scopes.keys()) if (scope !== '' && !alive(scope)) this.scopes.delete(scope);
  }
}

/** Where an entry lives: its scope and name within it, for a stable inode number. */
export interface ProcKey {
  scope: string;
  name: string;
}

abstract class ProcInode extends Inode {
  constructor(sb: ProcSuper, key: ProcKey, mode: number, owner?: { uid: number; gid: number }) {
    const id = sb.identity(key.scope, key.name);
    super(sb, mode, id.ino);
    this.atime = id.time;
    this.mtime = id.time;
    this.ctime = id.time;
    if (owner) {
      this.uid = owner.uid;
      this.gid = owner.gid;
    }
  }
  override get blocks(): number {
    return 0;
  }
}

/** One child of a directory: listed without being built, built on lookup. */
export interface ProcEntry {
  name: string;
  key: ProcKey;
  mode: number;
  make(): Inode | null;
}

export class ProcDir extends ProcInode {
  /** /proc/N's task (proc_pid(inode) of a tgid directory): what pidfd_send_signal takes it for. */
  pidTask: Task | null = null;
  constructor(
    sb: ProcSuper,
    key: ProcKey,
    mode: number,
    /** Children now, or -errno when the directory's object is gone. */
    private readonly list: () => ProcEntry[] | number,
    owner?: { uid: number; gid: number },
  ) {
    super(sb, key, S_IFDIR | (mode & 0o7777), owner);
    const l = list();
    this.refreshNlink(l);
  }

  /** Linux counts subdirectories in nlink; tools such as find rely on it. */
  private refreshNlink(l: ProcEntry[] | number): void {
    if (typeof l === 'number') return;
    let dirs = 0;
    for (const e of l) if ((e.mode & 0o170000) === S_IFDIR) dirs++;
    this.nlink = 2 + dirs;
  }

  override lookup(_dir: Dentry, name: string): Inode | null {
    const l = this.list();
    if (typeof l === 'number') return null;
    const e = l.find((x) => x.name === name);
    return e ? e.make() : null;
  }

  override readdir(_dir: Dentry): DirEntry[] | number {
    const l = this.list();
    if (typeof l === 'number') return l;
    this.refreshNlink(l);
    const sb = this.sb as ProcSuper;
    return l.map((e) => ({ name: e.name, ino: sb.identity(e.key.scope, e.key.name).ino, type: dtype(e.mode) }));
  }
}

/** Text (or bytes) of a proc file, or -errno (e.g. ESRCH once the task is gone). */
export type ProcContent = string | Uint8Array | number;
/** A write to a proc file: bytes and offset in, count or -errno out. */
export type ProcStore = (data: Uint8Array, pos: number, writer?: IoWaiter) => number;

const enc = new TextEncoder();
const bytes = (c: string | Uint8Array): Uint8Array => (typeof c === 'string' ? enc.encode(c) : c);

/**
 * seq_file semantics: the text is made once per open and served at any
 * offset; reading from offset 0 again (lseek back, as top and free do on
 * their long-lived descriptors) makes it afresh.
 */
export function seqOps(show: () => ProcContent, store?: ProcStore, readable = true): FileOps | number {
  let data: Uint8Array | null = null;
  let served = false;
  if (readable) {
    const c = show();
    if (typeof c === 'number') return c;
    data = bytes(c);
  }
  return {
    read(_f, buf, pos) {
      if (data === null || (pos === 0 && served)) {
        const c = show();
        if (typeof c === 'number') return c;
        data = bytes(c);
      }
      served = true;
      if (pos >= data.length) return 0;
      const n = Math.min(buf.length, data.length - pos);
      buf.set(data.subarray(pos, pos + n));
      return n;
    },
    write: store ? (_f, src, pos, w) => store(src, pos, w) : undefined,
  };
}

export class ProcFile extends ProcInode {
  constructor(
    sb: ProcSuper,
    key: ProcKey,
    mode: number,
    private readonly show: () => ProcContent,
    private readonly store?: ProcStore,
    owner?: { uid: number; gid: number },
    /** Checked at open, like Linux's ptrace_may_access in proc_mem_open. */
    private readonly openCheck?: () => number,
  ) {
    super(sb, key, S_IFREG | (mode & 0o7777), owner);
  }

  /** O_TRUNC on a proc file is accepted and changes nothing (proc_setattr). */
  override truncate(_size: number): number {
    return 0;
  }

  /** Makes the poll of one open file, when the file has one (fileEntry's opts.poll). */
  pollFor: (() => NonNullable<FileOps['poll']>) | null = null;

  override open(f: File): FileOps | number {
    const r = this.openCheck?.() ?? 0;
    if (r < 0) return r;
    const ops = seqOps(this.show, this.store, f.readable);
    if (typeof ops === 'number' || !this.pollFor) return ops;
    return { ...ops, poll: this.pollFor() };
  }
}

/** A proc file with file operations of its own rather than a seq_file (/proc/kmsg). */
export class ProcOpsFile extends ProcInode {
  constructor(
    sb: ProcSuper,
    key: ProcKey,
    mode: number,
    private readonly openOps: (f: File) => FileOps | number,
  ) {
    super(sb, key, S_IFREG | (mode & 0o7777));
  }
  override open(f: File): FileOps | number {
    return this.openOps(f);
  }
}

export function opsEntry(sb: ProcSuper, scope: string, path: string, mode: number, open: (f: File) => FileOps | number): ProcEntry {
  const key = { scope, name: path };
  return { name: path.slice(path.lastIndexOf('/') + 1), key, mode: S_IFREG | mode, make: () => new ProcOpsFile(sb, key, mode, open) };
}

/** An ordinary symlink whose target is computed (self, thread-self, mounts). */
export class ProcSymlink extends ProcInode {
  constructor(
    sb: ProcSuper,
    key: ProcKey,
    private readonly target: () => string | number,
  ) {
    super(sb, key, S_IFLNK | 0o777);
  }
  override readlink(): Uint8Array | number {
    const t = this.target();
    return typeof t === 'number' ? t : enc.encode(t);
  }
}

/**
 * A magic link (exe, cwd, root, fd/N): path walk jumps straight to the
 * object, readlink shows its name. Both are refused without ptrace access.
 */
export class ProcMagicLink extends ProcInode {
  constructor(
    sb: ProcSuper,
    key: ProcKey,
    mode: number,
    private readonly resolve: () => Path | number,
    private readonly text: () => string | number,
    owner?: { uid: number; gid: number },
  ) {
    super(sb, key, S_IFLNK | (mode & 0o777), owner);
  }
  followLink(): Path | number {
    return this.resolve();
  }
  override readlink(): Uint8Array | number {
    const t = this.text();
    return typeof t === 'number' ? t : enc.encode(t);
  }
}

/** Entry helpers; `path` names the entry within its scope (e.g. "fd/3"). */
export function fileEntry(
  sb: ProcSuper,
  scope: string,
  path: string,
  mode: number,
  show: () => ProcContent,
  opts: {
    store?: ProcStore;
    owner?: { uid: number; gid: number };
    openCheck?: () => number;
    /** st_size, for the few proc files Linux gives one (proc_set_size: config.gz, kcore). */
    size?: () => number;
    /** A poll of its own for each open (mounts_poll), instead of always readable. */
    poll?: () => NonNullable<FileOps['poll']>;
  } = {},
): ProcEntry {
  const key = { scope, name: path };
  return {
    name: path.slice(path.lastIndexOf('/') + 1),
    key,
    mode: S_IFREG | mode,
    make: () => {
      const i = new ProcFile(sb, key, mode, show, opts.store, opts.owner, opts.openCheck);
      if (opts.size) i.size = opts.size();
      i.pollFor = opts.poll ?? null;
      return i;
    },
  };
}

export function dirEntry(
  sb: ProcSuper,
  scope: string,
  path: string,
  mode: number,
  list: () => ProcEntry[] | number,
  owner?: { uid: number; gid: number },
): ProcEntry {
  const key = { scope, name: path };
  return { name: path.slice(path.lastIndexOf('/') + 1), key, mode: S_IFDIR | mode, make: () => new ProcDir(sb, key, mode, list, owner) };
}

export function symlinkEntry(sb: ProcSuper, scope: string, path: string, target: () => string | number): ProcEntry {
  const key = { scope, name: path };
  return { name: path.slice(path.lastIndexOf('/') + 1), key, mode: S_IFLNK | 0o777, make: () => new ProcSymlink(sb, key, target) };
}

export function magicEntry(
  sb: ProcSuper,
  scope: string,
  path: string,
  mode: number,
  resolve: () => Path | number,
  text: () => string | number,
  owner?: { uid: number; gid: number },
): ProcEntry {
  const key = { scope, name: path };
  return { name: path.slice(path.lastIndexOf('/') + 1), key, mode: S_IFLNK | mode, make: () => new ProcMagicLink(sb, key, mode, resolve, text, owner) };
}
