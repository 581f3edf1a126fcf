// riscv_hwprobe(2) (arch/riscv/kernel/sys_hwprobe.c, 6.12): what the hart
// offers user space, as keys and values, for a set of cpus. Our hart is
// RV64IMAFDC (C as Zca/Zcd) with B (Zba, Zbb, Zbs), Zicond, Zcb and the
// Zihintntl/Zihintpause hints, as /proc/cpuinfo's isa line says; no V, no
// Zicboz. It does misaligned loads and stores itself, more slowly than
// aligned ones (the hart's slow path).
import { EFAULT, EINVAL } from '../errno.js';
import { TASK_SIZE } from '../mm/mm.js';
import { TIMEBASE_HZ } from '../time/clock.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';

export const RISCV_HWPROBE_KEY_MVENDORID = 0,
  RISCV_HWPROBE_KEY_MARCHID = 1,
  RISCV_HWPROBE_KEY_MIMPID = 2,
  RISCV_HWPROBE_KEY_BASE_BEHAVIOR = 3,
  RISCV_HWPROBE_KEY_IMA_EXT_0 = 4,
  RISCV_HWPROBE_KEY_CPUPERF_0 = 5,
  RISCV_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE = 6,
  RISCV_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS = 7,
  RISCV_HWPROBE_KEY_TIME_CSR_FREQ = 8,
  RISCV_HWPROBE_KEY_MISALIGNED_SCALAR_PERF = 9;
/** The highest key this kernel knows (6.12); the vDSO answers keys 0..MAX from its data page. */
export const RISCV_HWPROBE_MAX_KEY = 9;
const BASE_BEHAVIOR_IMA = 1n;
const IMA_FD = 1n << 0n,
  IMA_C = 1n << 1n,
  EXT_ZBA = 1n << 3n,
  EXT_ZBB = 1n << 4n,
  EXT_ZBS = 1n << 5n,
  EXT_ZIHINTNTL = 1n << 29n,
  EXT_ZICOND = 1n << 35n,
  EXT_ZIHINTPAUSE = 1n << 36n,
  EXT_ZCA = 1n << 43n,
  EXT_ZCB = 1n << 44n,
  EXT_ZCD = 1n << 45n;
/** RISCV_HWPROBE_KEY_IMA_EXT_0: the extensions of the isa line Linux 6.12 has bits for. */
const IMA_EXT_0 = IMA_FD | IMA_C | EXT_ZBA | EXT_ZBB | EXT_ZBS | EXT_ZIHINTNTL | EXT_ZICOND | EXT_ZIHINTPAUSE | EXT_ZCA | EXT_ZCB | EXT_ZCD;
const MISALIGNED_SCALAR_SLOW = 2n;
const RISCV_HWPROBE_WHICH_CPUS = 1;
/** Online cpus: only cpu 0; a cpumask is NR_CPUS bits (Debian: 512), 64 bytes. */
const ONLINE = 1n,
  CPUMASK_SIZE = 64;

/** hwprobe_one_pair for the hart (every cpu is the same one); null = unknown key. */
export function hwprobeValue(key: bigint): bigint | null {
  switch (key) {
    case 0n:
    case 1n:
    case 2n:
      return 0n; // mvendorid, marchid, mimpid: what /proc/cpuinfo shows
    case 3n:
      return BASE_BEHAVIOR_IMA;
    case 4n:
      return IMA_EXT_0;
    case 5n:
    case 9n:
      return MISALIGNED_SCALAR_SLOW;
    case 6n:
      return 0n; // no Zicboz
    case 7n:
      return BigInt(TASK_SIZE);
    case 8n:
      return BigInt(TIMEBASE_HZ);
    default:
      return null;
  }
}

/** Value-like keys match exactly; the ISA bitmask keys match when the CPU has every asked-for bit. */
function matches(key: bigint, want: bigint, have: bigint): boolean {
  return key === 3n || key === 4n ? (want & have) === want : want === have;
}

export function sys_riscv_hwprobe(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const pairs = a.ulong(0),
    count = a.ulong(1),
    flags = a.int(4) >>> 0;
  let setsize = a.ulong(2);
  const cpusAddr = a.ulong(3);
  const readMask = (): bigint | null => {
    const b = t.mm.read(cpusAddr, setsize);
    if (!b) return null;
    let m = 0n;
    for (let i = Math.min(b.length, 8) - 1; i >= 0; i--) m = (m << 8n) | BigInt(b[i]);
    return m;
  };
  if (flags & RISCV_HWPROBE_WHICH_CPUS) {
    if (flags !== RISCV_HWPROBE_WHICH_CPUS) return -EINVAL;
    if (!setsize || !cpusAddr) return -EINVAL;
    setsize = Math.min(setsize, CPUMASK_SIZE);
    let cpus = readMask();
    if (cpus === null) return -EFAULT;
    if (cpus === 0n) cpus = ONLINE;
    cpus &= ONLINE;
    let clearAll = false;
    for (let i = 0; i < count; i++) {
      const b = t.mm.read(pairs + i * 16, 16);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      const key = dv.getBigInt64(0, true),
        want = dv.getBigUint64(8, true);
      const have = hwprobeValue(key);
      if (have === null) {
        clearAll = true;
        const out = new Uint8Array(16);
        new DataView(out.buffer).setBigInt64(0, -1n, true);
        if (!t.mm.write(pairs + i * 16, out)) return -EFAULT;
      }
      if (clearAll) continue;
      if (!matches(key, want, have!)) cpus &= ~1n;
    }
    if (clearAll) cpus = 0n;
    const out = new Uint8Array(setsize);
    out[0] = Number(cpus & 0xffn);
    return t.mm.write(cpusAddr, out) ? 0 : -EFAULT;
  }
  if (flags !== 0) return -EINVAL;
  if (setsize || cpusAddr) {
    setsize = Math.min(setsize, CPUMASK_SIZE);
    const cpus = readMask();
    if (cpus === null) return -EFAULT;
    if ((cpus & ONLINE) === 0n) return -EINVAL;
  }
  for (let i = 0; i < count; i++) {
    const kb = t.mm.read(pairs + i * 16, 8);
    if (!kb) return -EFAULT;
    const key = new DataView(kb.buffer).getBigInt64(0, true);
    const v = hwprobeValue(key);
    const out = new Uint8Array(16);
    const dv = new DataView(out.buffer);
    dv.setBigInt64(0, v === null ? -1n : key, true);
    dv.setBigUint64(8, v ?? 0n, true);
    if (!t.mm.write(pairs + i * 16, out)) return -EFAULT;
  }
  return 0;
}
