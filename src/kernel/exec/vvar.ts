// The [vvar] pages: read-only kernel data mapped just below [vdso], read by
// the vDSO's code (Linux: VVAR_NR_PAGES = 2, the vdso_data page and the time
// namespace page). The first page holds the riscv arch data the vDSO's
// riscv_hwprobe answers from (arch/riscv/include/asm/vdso/data.h): the
// all-cpu value of every key, and whether all cpus are the same.
import { hwprobeValue, RISCV_HWPROBE_MAX_KEY } from '../syscalls/hwprobe.js';

const PAGE = 4096;
export const VVAR_PAGES = 2;
export const VVAR_SIZE = VVAR_PAGES * PAGE;
/** Offsets in the first page: u64 values[RISCV_HWPROBE_MAX_KEY + 1], then u8 homogeneous_cpus. */
export const VVAR_HWPROBE_VALUES = 0;
export const VVAR_HWPROBE_HOMOGENEOUS = (RISCV_HWPROBE_MAX_KEY + 1) * 8;

let cached: Uint8Array | null = null;
/** The vvar pages' contents, filled from the same answers the riscv_hwprobe syscall gives. */
export function vvarImage(): Uint8Array {
  if (cached) return cached;
  const img = new Uint8Array(VVAR_SIZE);
  const dv = new DataView(img.buffer);
  for (let key = 0; key <= RISCV_HWPROBE_MAX_KEY; key++) dv.setBigUint64(VVAR_HWPROBE_VALUES + key * 8, hwprobeValue(BigInt(key)) ?? 0n, true);
  img[VVAR_HWPROBE_HOMOGENEOUS] = 1; // every cpu is the same hart
  return (cached = img);
}
