// Synchronous exception causes (scause values of the RISC-V privileged spec)
// that a user-mode hart can raise. Interrupts never reach the hart: the kernel
// handles timers and devices between run() slices.

export const enum Cause {
  InsnMisaligned = 0,
  InsnAccess = 1,
  Illegal = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccess = 5,
  StoreMisaligned = 6,
  StoreAccess = 7,
  EcallU = 8,
  InsnPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

/** A 64-bit value held as two int32 halves, as an unsigned JS number (exact below 2^53). */
export function u64ToNumber(lo: number, hi: number): number {
  return (hi >>> 0) * 4294967296 + (lo >>> 0);
}
