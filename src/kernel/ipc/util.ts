// System V IPC identifiers and permissions (Linux's ipc/util.c): each kind
// (messages, semaphores, shared memory) keeps its objects in an ipc_ids table.
// An id is seq * SEQ_MULTIPLIER + index: the index is allocated cyclically and
// the sequence number grows when the index wraps, so a stale id of a removed
// object does not reach its successor.
import { EACCES, EFAULT, EINVAL, ENOENT, ENOSPC, EPERM, EEXIST } from '../errno.js';
import { BLOCKED, type Blocked } from '../syscalls/result.js';
import type { Kernel } from '../kernel.js';
import type { Knob } from '../sysctl/ctl_table.js';
import type { Task } from '../sched/task.js';
import type { WaitQueue } from '../sched/waitqueue.js';
import type { IpcState } from '../syscalls/restart.js';
import type { IpcNamespace } from './namespace.js';
import { CAP_IPC_OWNER, CAP_SYS_ADMIN, capable as hasCap } from '../security/commoncap.js';

export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000,
  IPC_EXCL = 0o2000,
  IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0,
  IPC_SET = 1,
  IPC_STAT = 2,
  IPC_INFO = 3;
/** IPCMNI and the id layout (ipcmni_extend off). */
export const SEQ_MULTIPLIER = 32768,
  IPCMNI = 32768;
const IPCID_SEQ_MAX = Math.floor(0x7fffffff / SEQ_MULTIPLIER);
/** RADIX_TREE_MAP_SIZE: the smallest cycle of indexes before they are reused. */
const IPC_MIN_CYCLE = 64;
export const S_IRUGO = 0o444,
  S_IWUGO = 0o222,
  S_IXUGO = 0o111,
  S_IRWXUGO = 0o777;
/** sizeof(struct ipc64_perm) on riscv64. */
export const IPC64_PERM_SIZE = 48;

/** kern_ipc_perm: what every IPC object has. */
export class KernIpcPerm {
  id = -1;
  seq = 0;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  deleted = false;
  constructor(
    public key: number,
    public mode: number,
    t: Task,
  ) {
    this.uid = this.cuid = t.cred.euid;
    this.gid = this.cgid = t.cred.egid;
  }
}

export class IpcIds<T extends KernIpcPerm> {
  private readonly byIdx = new Map<number, T>();
  private seq = 0;
  private lastIdx = -1;
  /** idr_alloc_cyclic's cursor: the index after the last one handed out. */
  private next = 0;

  get inUse(): number {
    return this.byIdx.size;
  }

  /**
   * ipc_addid: an index and id for obj, or -ENOSPC past the limit. A
   * requested id (kernel.*_next_id) is used once.
   */
  add(obj: T, limit: number, nextId?: Knob<number>, k?: Kernel): number {
    if (this.byIdx.size >= Math.min(limit, IPCMNI)) return -ENOSPC;
    const want = nextId && k ? nextId.get(k) : -1;
    if (want >= 0) {
      nextId!.set(k!, -1);
      // The first free index from the requested one (idr_alloc), with the requested sequence number.
      let idx = want % SEQ_MULTIPLIER;
      while (idx < IPCMNI && this.byIdx.has(idx)) idx++;
      if (idx >= IPCMNI) return -ENOSPC;
      obj.seq = Math.floor(want / SEQ_MULTIPLIER);
      obj.id = obj.seq * SEQ_MULTIPLIER + idx;
      this.byIdx.set(idx, obj);
      return obj.id;
    }
    const maxIdx = Math.min(Math.max(Math.floor((this.byIdx.size * 3) / 2), IPC_MIN_CYCLE), IPCMNI);
    let idx = -1;
    for (let i = this.next; i < maxIdx; i++)
      if (!this.byIdx.has(i)) {
        idx = i;
        break;
      }
    if (idx < 0)
      for (let i = 0; i < maxIdx; i++)
        if (!this.byIdx.has(i)) {
          idx = i;
          break;
        }
    if (idx < 0) return -ENOSPC;
    this.next = idx + 1;
    if (idx <= this.lastIdx) {
      this.seq++;
      if (this.seq >= IPCID_SEQ_MAX) this.seq = 0;
    }
    this.lastIdx = idx;
    obj.seq = this.seq;
    obj.id = this.seq * SEQ_MULTIPLIER + idx;
    this.byIdx.set(idx, obj);
    return obj.id;
  }

  /** ipc_rmid: the object leaves the table; sleepers on it see it deleted. */
  remove(obj: T): void {
    if (this.byIdx.get(obj.id % SEQ_MULTIPLIER) === obj) this.byIdx.delete(obj.id % SEQ_MULTIPLIER);
    obj.deleted = true;
  }

  findKey(key: number): T | null {
    for (const o of this.byIdx.values()) if (o.key === key) return o;
    return null;
  }

  /** ipc_obtain_object_check: the object with exactly this id. */
  obtain(id: number): T | null {
    if (id < 0) return null;
    const o = this.byIdx.get(id % SEQ_MULTIPLIER);
    return o && o.id === id ? o : null;
  }

  /** By index alone, as the *_STAT commands look objects up. */
  atIndex(idx: number): T | null {
    return idx >= 0 ? (this.byIdx.get(idx) ?? null) : null;
  }

  /** ipc_get_maxidx: the highest index in use, or -1. */
  maxIdx(): number {
    let m = -1;
    for (const i of this.byIdx.keys()) if (i > m) m = i;
    return m;
  }

  /** Objects in index order (the order /proc/sysvipc lists them). */
  all(): T[] {
    return [...this.byIdx.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
}

/** ns_capable(cap) for the IPC checks: the task's effective set. */
export const capable = (t: Task, cap: number) => hasCap(t.cred, cap);

/** ipcperms: may t access obj for flag (S_IRUGO, S_IWUGO...)? */
export function ipcperms(t: Task, p: KernIpcPerm, flag: number): boolean {
  const requested = (flag >> 6) | (flag >> 3) | flag;
  let granted = p.mode;
  const c = t.cred;
  if (c.euid === p.cuid || c.euid === p.uid) granted >>= 6;
  else if ([c.egid, ...c.groups].some((g) => g === p.cgid || g === p.gid)) granted >>= 3;
  return !(requested & ~granted & 0o7) || capable(t, CAP_IPC_OWNER);
}

export interface IpcgetOps<T extends KernIpcPerm> {
  /** Create the object (it adds itself to ids); its id or -errno. */
  create(): number;
  /** Checks on an existing object before the permission check (sem: nsems, shm: size). */
  moreChecks?(obj: T): number;
}

/** ipcget: IPC_PRIVATE always creates; a key finds its object or creates it with IPC_CREAT. */
export function ipcget<T extends KernIpcPerm>(t: Task, ids: IpcIds<T>, key: number, flg: number, ops: IpcgetOps<T>): number {
  if (key === IPC_PRIVATE) return ops.create();
  const obj = ids.findKey(key);
  if (!obj) return flg & IPC_CREAT ? ops.create() : -ENOENT;
  if (flg & IPC_CREAT && flg & IPC_EXCL) return -EEXIST;
  const e = ops.moreChecks?.(obj) ?? 0;
  if (e) return e;
  return ipcperms(t, obj, flg) ? obj.id : -EACCES;
}

/** ipcctl_obtain_check for IPC_SET and IPC_RMID: the owner, the creator or CAP_SYS_ADMIN. */
export function ownerOrCapable(t: Task, p: KernIpcPerm): number {
  const e = t.cred.euid;
  return e === p.uid || e === p.cuid || capable(t, CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/** kernel_to_ipc64_perm at off of a user struct. */
export function putIpc64Perm(dv: DataView, off: number, p: KernIpcPerm, mode = p.mode): void {
  dv.setInt32(off, p.key, true);
  dv.setUint32(off + 4, p.uid, true);
  dv.setUint32(off + 8, p.gid, true);
  dv.setUint32(off + 12, p.cuid, true);
  dv.setUint32(off + 16, p.cgid, true);
  dv.setUint32(off + 20, mode, true);
  dv.setUint16(off + 24, p.seq & 0xffff, true);
}

/** IPC_SET's owner and mode from a user ipc64_perm (ipc_update_perm); -EINVAL for an invalid id. */
export function updatePerm(dv: DataView, off: number, p: KernIpcPerm): number {
  const uid = dv.getUint32(off + 4, true),
    gid = dv.getUint32(off + 8, true);
  if (uid === 0xffffffff || gid === 0xffffffff) return -EINVAL;
  p.uid = uid;
  p.gid = gid;
  p.mode = (p.mode & ~S_IRWXUGO) | (dv.getUint32(off + 20, true) & S_IRWXUGO);
  return 0;
}

/**
 * The commands every kind shares: IPC_STAT and its by-index forms (*_STAT,
 * and *_STAT_ANY without the read check) copy `put(obj)` out; IPC_SET takes
 * owner and mode from a user struct of `size` bytes; IPC_RMID calls `remove`.
 * Returns undefined for any other command.
 */
export function ipcctlCommon<T extends KernIpcPerm & { ctime: number }>(
  k: Kernel,
  t: Task,
  ids: IpcIds<T>,
  id: number,
  cmd: number,
  arg: number,
  c: { stat: number; statAny: number; size: number; put: (obj: T) => Uint8Array; remove: (obj: T) => void },
): number | undefined {
  switch (cmd) {
    case IPC_STAT:
    case c.stat:
    case c.statAny: {
      const s = cmd === IPC_STAT ? ids.obtain(id) : ids.atIndex(id);
      if (!s) return -EINVAL;
      if (cmd !== c.statAny && !ipcperms(t, s, S_IRUGO)) return -EACCES;
      return copyOut(t, arg, c.put(s)) || (cmd === IPC_STAT ? 0 : s.id);
    }
    case IPC_SET: {
      const b = t.mm.read(arg, c.size);
      if (!b) return -EFAULT;
      const s = ids.obtain(id);
      if (!s) return -EINVAL;
      const e = ownerOrCapable(t, s) || updatePerm(new DataView(b.buffer), 0, s);
      if (e) return e;
      s.ctime = nowSec(k);
      return 0;
    }
    case IPC_RMID: {
      const s = ids.obtain(id);
      if (!s) return -EINVAL;
      const e = ownerOrCapable(t, s);
      if (e) return e;
      c.remove(s);
      return 0;
    }
    default:
      return undefined;
  }
}

/** Kernel buffers a caller may ask for are bounded: beyond this an allocation fails (ENOMEM), as kvmalloc would. */
export const MAX_KERNEL_ALLOC = 64 << 20;

/** Copy a struct to user memory: 0 or -EFAULT. */
export function copyOut(t: Task, addr: number, b: Uint8Array): number {
  return t.mm.write(addr, b) ? 0 : -EFAULT;
}

/** Seconds of the real-time clock (ktime_get_real_seconds). */
export const nowSec = (k: Kernel) => Math.floor(k.clock.realtime() / 1e9);

/** The pid IPC objects record: the caller's process (task_tgid_vnr). */
export const tgidOf = (k: Kernel): number => k.current?.tg.tgid ?? 0;

/** Per-namespace state of one IPC kind, made on first use (one IPC namespace per machine: Kernel.ipcNs). */
export function nsState<K extends keyof IpcNamespace>(k: Kernel, kind: K, make: () => NonNullable<IpcNamespace[K]>): NonNullable<IpcNamespace[K]> {
  const ns = k.ipcNs;
  const have = ns[kind];
  if (have !== undefined) return have;
  const s = make();
  ns[kind] = s;
  return s;
}

/**
 * Sleep on q until woken, for the call to run again (our wait loop). The
 * object is kept so the re-run can tell EIDRM; IPC sleeps end in EINTR on a
 * handled signal, never restarted (as msgrcv, msgsnd, semop are in signal(7)).
 */
export function ipcSleep(k: Kernel, t: Task, nr: number, obj: KernIpcPerm, q: WaitQueue, deadline?: number): Blocked {
  const prev = t.sys?.kind === 'ipc' && t.sys.nr === nr ? t.sys.deadline : undefined;
  const st: IpcState = { kind: 'ipc', nr, restart: 'never', obj, deadline: deadline ?? prev };
  t.sys = st;
  if (deadline !== undefined && prev === undefined && deadline !== Infinity)
    k.timers.add(deadline, () => {
      if (t.sys?.kind === 'ipc' && t.sys.obj === obj) t.wake();
    });
  t.sleepOn(q);
  return BLOCKED;
}

/** The object a re-run call slept on, if this is a re-run. */
export function sleptOn<T extends KernIpcPerm>(t: Task, nr: number, kind: abstract new (...args: never[]) => T): T | null {
  if (t.sys?.kind !== 'ipc' || t.sys.nr !== nr) return null;
  const obj = t.sys.obj;
  return obj instanceof kind ? obj : null;
}
