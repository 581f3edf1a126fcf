// System V shared memory (Linux's ipc/shm.c): a segment is an internal shmem
// file; shmat maps it MAP_SHARED, so every attached process reaches the same
// page-cache pages. Attachments are counted per VMA (the vm_ops open/close of
// Linux's shm_vm_ops), so fork adds them and exit, exec and shmdt drop them.
// A removed segment lives on, keyed IPC_PRIVATE and marked SHM_DEST, until
// the last detach.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { ThreadGroup } from '../sched/threadgroup.js';
import type { TmpfsFile } from '../fs/tmpfs.js';
import { EACCES, EIDRM, EINVAL, ENOSPC, EPERM } from '../errno.js';
import { shmAll, shmMax, shmMni, shmNextId, shmRmidForced } from '../sysctl/kernel.js';
import { RLIMIT_MEMLOCK } from '../sched/threadgroup.js';
import { PAGE_SIZE, pageUp } from '../mm/mm.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE, type MapSource } from '../mm/vma.js';
import { SHM_DEV, shmemKernelFile } from '../mm/shmem.js';
import {
  IPC_INFO,
  IPC_PRIVATE,
  IPC64_PERM_SIZE,
  IpcIds,
  KernIpcPerm,
  S_IRUGO,
  S_IRWXUGO,
  S_IWUGO,
  S_IXUGO,
  capable,
  copyOut,
  ipcctlCommon,
  ipcget,
  ipcperms,
  nowSec,
  nsState,
  putIpc64Perm,
  tgidOf,
} from './util.js';
import type { SyscallArgs } from '../syscalls/args.js';
import type { SyscallResult } from '../syscalls/result.js';
import { CAP_IPC_LOCK } from '../security/commoncap.js';
import { mmapRegion, munmap } from '../mm/mmap.js';

export const SHM_RDONLY = 0o10000,
  SHM_RND = 0o20000,
  SHM_REMAP = 0o40000,
  SHM_EXEC = 0o100000;
/** Mode bits: removed while attached, locked in memory. */
export const SHM_DEST = 0o1000,
  SHM_LOCKED = 0o2000;
const SHM_HUGETLB = 0o4000;
const SHM_LOCK = 11,
  SHM_UNLOCK = 12,
  SHM_STAT = 13,
  SHM_INFO = 14,
  SHM_STAT_ANY = 15;
/** SHMMIN; SHMLBA is a page on riscv64. */
const SHMMIN = 1,
  SHMLBA = PAGE_SIZE;
const SHMID_DS_SIZE = 112,
  SHMINFO_SIZE = 72,
  SHM_INFO_SIZE = 48;

export class ShmSegment extends KernIpcPerm {
  atime = 0;
  dtime = 0;
  ctime: number;
  cpid: number;
  lpid = 0;
  nattch = 0;
  readonly file: TmpfsFile;
  readonly source: MapSource;
  /** The creating process, for shm_rmid_forced at its exit (null once orphaned). */
  creator: ThreadGroup | null;
  constructor(
    k: Kernel,
    t: Task,
    key: number,
    flg: number,
    readonly segsz: number,
  ) {
    super(key, flg & S_IRWXUGO, t);
    this.ctime = nowSec(k);
    this.cpid = t.tg.tgid;
    this.creator = t.tg;
    const f = shmemKernelFile(k.vfs.shmSuper, segsz, flg & S_IRWXUGO);
    this.file = f;
    const name = `/SYSV${(key >>> 0).toString(16).padStart(8, '0')} (deleted)`;
    this.source = {
      mapping: f.mapping,
      readAt: (off, dst) => f.readAt(off, dst),
      size: () => f.size,
      dev: SHM_DEV,
      ino: f.ino,
      path: name,
      open: () => {
        this.nattch++;
        this.atime = nowSec(k);
        this.lpid = tgidOf(k);
      },
      close: () => {
        this.nattch--;
        this.dtime = nowSec(k);
        this.lpid = tgidOf(k);
        if (this.nattch === 0 && mayDestroy(k, this)) destroy(k, this);
      },
    };
  }
  get pages(): number {
    return pageUp(this.segsz) / PAGE_SIZE;
  }
  /** Resident pages (in the page cache). */
  get rss(): number {
    return this.file.mapping?.pages.size ?? 0;
  }
}

export interface ShmNs {
  ids: IpcIds<ShmSegment>;
  totPages: number;
  bySource: WeakMap<MapSource, ShmSegment>;
}
export const shmNs = (k: Kernel): ShmNs =>
  nsState(k, 'shm', () => {
    k.exitHooks.push((tg) => exitShm(k, tg));
    return { ids: new IpcIds<ShmSegment>(), totPages: 0, bySource: new WeakMap() };
  });

/** shm_may_destroy: unattached and removed, or any unattached segment with shm_rmid_forced. */
const mayDestroy = (k: Kernel, s: ShmSegment) => s.nattch === 0 && ((s.mode & SHM_DEST) !== 0 || shmRmidForced.get(k) !== 0);

function destroy(k: Kernel, s: ShmSegment): void {
  const ns = shmNs(k);
  if (s.deleted) return;
  ns.ids.remove(s);
  ns.totPages -= s.pages;
  s.file.nlink = 0;
  s.file.maybeFree();
}

/** do_shm_rmid: gone now if unattached, else hidden (IPC_PRIVATE, SHM_DEST) until the last detach. */
function rmid(k: Kernel, s: ShmSegment): void {
  if (s.nattch > 0) {
    s.mode |= SHM_DEST;
    s.key = IPC_PRIVATE;
  } else destroy(k, s);
}

/** exit_shm: with shm_rmid_forced the process's unattached segments go; the rest are orphaned. */
function exitShm(k: Kernel, tg: ThreadGroup): void {
  for (const s of shmNs(k).ids.all()) {
    if (s.creator !== tg) continue;
    s.creator = null;
    if (shmRmidForced.get(k) && s.nattch === 0) destroy(k, s);
  }
}

export function sys_shmget(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const key = a.int(0),
    size = a.ulong(1),
    flg = a.int(2);
  const ns = shmNs(k);
  return ipcget(t, ns.ids, key, flg, {
    create: () => {
      if (size < SHMMIN || BigInt(size) > shmMax.get(k)) return -EINVAL;
      // No hugetlbfs here: huge page segments are refused.
      if (flg & SHM_HUGETLB) return -EINVAL;
      const pages = pageUp(size) / PAGE_SIZE;
      if (BigInt(ns.totPages + pages) > shmAll.get(k)) return -ENOSPC;
      const s = new ShmSegment(k, t, key, flg, size);
      const id = ns.ids.add(s, shmMni.get(k), shmNextId, k);
      if (id < 0) {
        s.file.nlink = 0;
        s.file.maybeFree();
        return id;
      }
      ns.bySource.set(s.source, s);
      ns.totPages += pages;
      return id;
    },
    moreChecks: (s) => (s.segsz < size ? -EINVAL : 0),
  });
}

export function sys_shmat(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const shmid = a.int(0),
    flg = a.int(2);
  let addr = a.ulong(1);
  if (shmid < 0) return -EINVAL;
  let fixed = false;
  if (addr) {
    if (addr % SHMLBA) {
      if (!(flg & SHM_RND)) return -EINVAL;
      addr -= addr % SHMLBA;
      if (!addr && flg & SHM_REMAP) return -EINVAL;
    }
    fixed = true;
  } else if (flg & SHM_REMAP) return -EINVAL;
  let prot = PROT_READ,
    acc = S_IRUGO;
  if (!(flg & SHM_RDONLY)) {
    prot |= PROT_WRITE;
    acc |= S_IWUGO;
  }
  if (flg & SHM_EXEC) {
    prot |= PROT_EXEC;
    acc |= S_IXUGO;
  }
  const s = shmNs(k).ids.obtain(shmid);
  if (!s) return -EINVAL;
  if (!ipcperms(t, s, acc)) return -EACCES;
  if (s.deleted) return -EIDRM;
  const len = pageUp(s.segsz);
  // Without SHM_REMAP an attach never replaces what is mapped there.
  if (fixed && !(flg & SHM_REMAP) && t.mm.overlaps(addr, addr + len)) return -EINVAL;
  return mmapRegion(t.mm, addr, len, { prot, shared: true, file: s.source, offset: 0, mayWrite: !(flg & SHM_RDONLY) }, fixed ? 'fixed' : 'hint');
}

export function sys_shmdt(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const addr = a.ulong(0);
  if (addr % PAGE_SIZE) return -EINVAL;
  const ns = shmNs(k);
  // The first shm VMA at or after addr whose offset puts the segment's start at addr.
  let seg: ShmSegment | null = null;
  for (const v of t.mm.vmas) {
    if (v.start < addr || !v.file) continue;
    const s = ns.bySource.get(v.file);
    if (s && v.start - addr === v.offset) {
      seg = s;
      break;
    }
  }
  if (!seg) return -EINVAL;
  const end = addr + pageUp(seg.segsz);
  for (const v of [...t.mm.vmas]) {
    if (v.file === seg.source && v.start >= addr && v.end <= end) munmap(t.mm, v.start, v.end - v.start);
  }
  return 0;
}

function putShmid(s: ShmSegment): Uint8Array {
  const b = new Uint8Array(SHMID_DS_SIZE);
  const dv = new DataView(b.buffer);
  putIpc64Perm(dv, 0, s);
  const o = IPC64_PERM_SIZE;
  dv.setBigUint64(o, BigInt(s.segsz), true);
  dv.setBigInt64(o + 8, BigInt(s.atime), true);
  dv.setBigInt64(o + 16, BigInt(s.dtime), true);
  dv.setBigInt64(o + 24, BigInt(s.ctime), true);
  dv.setInt32(o + 32, s.cpid, true);
  dv.setInt32(o + 36, s.lpid, true);
  dv.setBigUint64(o + 40, BigInt(s.nattch), true);
  return b;
}

export function sys_shmctl(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const shmid = a.int(0),
    cmd = a.int(1),
    buf = a.ulong(2);
  const ns = shmNs(k);
  if (cmd < 0 || shmid < 0) return -EINVAL;
  const common = ipcctlCommon(k, t, ns.ids, shmid, cmd, buf, {
    stat: SHM_STAT,
    statAny: SHM_STAT_ANY,
    size: SHMID_DS_SIZE,
    put: putShmid,
    remove: (s) => rmid(k, s),
  });
  if (common !== undefined) return common;
  switch (cmd) {
    case IPC_INFO: {
      const b = new Uint8Array(SHMINFO_SIZE);
      const dv = new DataView(b.buffer);
      // shmmax, shmmin, shmmni, shmseg, shmall
      dv.setBigUint64(0, shmMax.get(k), true);
      dv.setBigUint64(8, BigInt(SHMMIN), true);
      dv.setBigUint64(16, BigInt(shmMni.get(k)), true);
      dv.setBigUint64(24, BigInt(shmMni.get(k)), true);
      dv.setBigUint64(32, shmAll.get(k), true);
      const e = copyOut(t, buf, b);
      return e || Math.max(ns.ids.maxIdx(), 0);
    }
    case SHM_INFO: {
      const b = new Uint8Array(SHM_INFO_SIZE);
      const dv = new DataView(b.buffer);
      let rss = 0;
      for (const s of ns.ids.all()) rss += s.rss;
      dv.setInt32(0, ns.ids.inUse, true);
      dv.setBigUint64(8, BigInt(ns.totPages), true);
      dv.setBigUint64(16, BigInt(rss), true);
      const e = copyOut(t, buf, b);
      return e || Math.max(ns.ids.maxIdx(), 0);
    }
    case SHM_LOCK:
    case SHM_UNLOCK: {
      const s = ns.ids.obtain(shmid);
      if (!s) return -EINVAL;
      // CAP_IPC_LOCK, or the owner with a nonzero RLIMIT_MEMLOCK.
      if (!capable(t, CAP_IPC_LOCK)) {
        const e = t.cred.euid;
        if (e !== s.uid && e !== s.cuid) return -EPERM;
        if (cmd === SHM_LOCK && t.tg.rlimits[RLIMIT_MEMLOCK][0] === 0n) return -EPERM;
      }
      if (cmd === SHM_LOCK) s.mode |= SHM_LOCKED;
      else s.mode &= ~SHM_LOCKED;
      return 0;
    }
    default:
      return -EINVAL;
  }
}
