// BSD process accounting (Linux's kernel/acct.c with
// CONFIG_BSD_PROCESS_ACCT_V3): acct(2) names a regular file, and each process
// that ends appends one 64-byte struct acct_v3 to it. Times are in AHZ
// (100 Hz) ticks packed as comp_t (13-bit mantissa, base-8 exponent), the
// elapsed time as an IEEE float. Not done here: ASU (Linux marks a process
// that used a capability; nothing records that) and the suspension of
// accounting when the file system runs low on space.
import type { Kernel } from './kernel.js';
import type { Task } from './sched/task.js';
import type { SyscallArgs } from './syscalls/args.js';
import type { SyscallResult } from './syscalls/result.js';
import type { File } from './fs/file.js';
import { O_APPEND, O_LARGEFILE, O_WRONLY } from './fs/file.js';
import { isReg } from './fs/inode.js';
import { userPath } from './syscalls/uaccess.js';
import { capable, CAP_SYS_PACCT } from './security/commoncap.js';
import { groupUsage } from './sched/cputime.js';
import { EACCES, EIO, EPERM } from './errno.js';
import { major, minor } from './fs/special.js';

const AHZ = 100;
const NS_PER_AHZ = 1e9 / AHZ;
const ACCT_SIZE = 64;
const ACCT_VERSION = 3; // | ACCT_BYTEORDER, 0 on a little-endian machine
const AFORK = 0x01,
  ACORE = 0x08,
  AXSIG = 0x10;

/** The accounting file, while accounting is on (one per kernel; Linux keeps one per PID namespace). */
export interface AcctState {
  file: File | null;
}

/** encode_comp_t: 13-bit mantissa, 3-bit base-8 exponent, rounded. */
export function encodeCompT(value: number): number {
  let v = Math.max(0, Math.floor(value));
  let exp = 0,
    rnd = 0;
  while (v > 0x1fff) {
    rnd = v & 4;
    v = Math.floor(v / 8);
    exp++;
  }
  if (rnd && ++v > 0x1fff) {
    v = Math.floor(v / 8);
    exp++;
  }
  if (exp > 7) return 0xffff;
  return (exp << 13) + v;
}

/** encode_float: the value as the bits of an IEEE single (truncated, not rounded). */
export function encodeFloat(value: number): number {
  let v = BigInt(Math.max(0, Math.floor(value)));
  if (v === 0n) return 0;
  let exp = 190;
  const top = 1n << 63n;
  while (!(v & top)) {
    v <<= 1n;
    exp--;
  }
  const u = Number((v >> 40n) & 0x7fffffn);
  return (u | (exp << 23)) >>> 0;
}

/** acct(2): CAP_SYS_PACCT; a path turns accounting on into that regular file, NULL turns it off. */
export function sys_acct(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  if (!capable(t.cred, CAP_SYS_PACCT)) return -EPERM;
  const addr = a.ulong(0);
  if (addr === 0) {
    k.acct.file?.put();
    k.acct.file = null;
    return 0;
  }
  const path = userPath(t, addr);
  if (typeof path === 'number') return path;
  const f = k.vfs.open(t, -100, path, O_WRONLY | O_APPEND | O_LARGEFILE, 0);
  if (typeof f !== 'object') return typeof f === 'number' ? f : -EIO;
  if (!isReg(f.inode.mode)) {
    f.put();
    return -EACCES;
  }
  if (!f.ops.write) {
    f.put();
    return -EIO;
  }
  k.acct.file?.put();
  k.acct.file = f;
  return 0;
}

/** acct_collect + acct_process: the record of a process whose last thread, t, is exiting with wait status `status`. */
export function acctProcess(k: Kernel, t: Task, status: number): void {
  const f = k.acct.file;
  if (!f?.ops.write) return;
  const tg = t.tg;
  const b = new Uint8Array(ACCT_SIZE);
  const v = new DataView(b.buffer);
  let flag = 0;
  if (!tg.execed) flag |= AFORK;
  if (status & 0x7f) flag |= AXSIG;
  if (status & 0x80) flag |= ACORE;
  const leader = tg.leader ?? t;
  const runNs = Math.max(0, k.clock.monotonic() - leader.startTime);
  const elapsed = Math.floor(runNs / NS_PER_AHZ);
  const btime = Math.floor(k.clock.realtime() / 1e9) - Math.floor(elapsed / AHZ);
  const use = groupUsage(tg);
  const tty = tg.tty ? tg.tty.rdev : 0;
  b[0] = flag;
  b[1] = ACCT_VERSION;
  v.setUint16(2, ((major(tty) & 0xff) << 8) | (minor(tty) & 0xff), true); // old_encode_dev
  v.setUint32(4, status >>> 0, true);
  v.setUint32(8, t.cred.uid >>> 0, true);
  v.setUint32(12, t.cred.gid >>> 0, true);
  v.setUint32(16, tg.tgid, true);
  v.setUint32(20, tg.parent?.tgid ?? 0, true);
  v.setUint32(24, Math.max(0, Math.min(0xffffffff, btime)), true);
  v.setUint32(28, encodeFloat(elapsed), true);
  v.setUint16(32, encodeCompT(use.utime / NS_PER_AHZ), true);
  v.setUint16(34, encodeCompT(use.stime / NS_PER_AHZ), true);
  v.setUint16(36, encodeCompT(t.mm.totalVm * 4), true); // vsize / 1024
  v.setUint16(42, encodeCompT(use.minFlt), true);
  v.setUint16(44, encodeCompT(use.majFlt), true);
  b.set(new TextEncoder().encode(t.comm).subarray(0, 15), 48);
  f.ops.write(f, b, f.inode.size, t);
}
