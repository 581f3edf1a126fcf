// The riscv64 register sets PTRACE_GETREGSET/SETREGSET move (arch/riscv/kernel/ptrace.c):
// NT_PRSTATUS is struct user_regs_struct (pc, then x1..x31), NT_PRFPREG is
// struct __riscv_d_ext_state (f0..f31, fcsr), padded to 33 eight-byte slots.
import type { CpuContext } from '../sched/context.js';

export const NT_PRSTATUS = 1,
  NT_PRFPREG = 2;
const SIZES: Record<number, number> = { [NT_PRSTATUS]: 32 * 8, [NT_PRFPREG]: 33 * 8 };

/** The regset's size in bytes, or 0 for a type riscv64 does not have. */
export const regsetSize = (type: number): number => SIZES[type] ?? 0;

export function regsetGet(c: CpuContext, type: number): Uint8Array {
  const b = new Uint8Array(regsetSize(type));
  const dv = new DataView(b.buffer);
  if (type === NT_PRSTATUS) {
    dv.setBigUint64(0, BigInt.asUintN(64, BigInt(c.pc)), true);
    for (let i = 1; i < 32; i++) {
      dv.setInt32(i * 8, c.xl[i], true);
      dv.setInt32(i * 8 + 4, c.xh[i], true);
    }
  } else {
    for (let i = 0; i < 64; i++) dv.setInt32(i * 4, c.fbits[i], true);
    dv.setUint32(256, (c.frm << 5) | c.fflags, true);
  }
  return b;
}

/** Write the first b.length bytes of a regset (whole registers only). */
export function regsetSet(c: CpuContext, type: number, b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const words = Math.floor(b.length / 8);
  if (type === NT_PRSTATUS) {
    if (words > 0) c.pc = Number(dv.getBigUint64(0, true));
    for (let i = 1; i < Math.min(32, words); i++) {
      c.xl[i] = dv.getInt32(i * 8, true);
      c.xh[i] = dv.getInt32(i * 8 + 4, true);
    }
  } else {
    for (let i = 0; i < Math.min(32, words); i++) {
      c.fbits[2 * i] = dv.getInt32(i * 8, true);
      c.fbits[2 * i + 1] = dv.getInt32(i * 8 + 4, true);
    }
    if (words > 32) {
      const fcsr = dv.getUint32(256, true);
      c.fflags = fcsr & 31;
      c.frm = (fcsr >> 5) & 7;
    }
  }
}
