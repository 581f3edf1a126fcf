// Where things live in the machine's linear memory.
//
// Guest RAM, every hart's register file and TLB, and the compiled-code entry
// table share one WebAssembly.Memory, so the interpreter (through typed-array
// views) and compiled WebAssembly (through loads with constant offsets) read
// and write the very same bytes: nothing is copied at a hand-off between
// them. Without WebAssembly the same layout lives in ordinary ArrayBuffers.
//
//   0            hart state slots (HART_SLOTS of HART_SLOT_BYTES)
//   ENTRY_OFF    compiled-code entry table (see wasm/entries.ts)
//   COUNTER_OFF  a hotness counter per compiled function (see wasm/tiers.ts)
//   RAM_OFF      guest RAM, RAM byte offset 0 = physical address RAM_BASE
//
// The interpreter's RAM views start at RAM_OFF, so a RAM byte offset (what
// the TLB holds and what mmu.translate returns) indexes them directly; wasm
// adds RAM_OFF as the constant offset of its load and store instructions.
//
// Seam for sparse RAM (--mem 8G): nothing outside PhysMem and Mmu.translate
// assumes RAM page i is at RAM_OFF + i*4096. A TLB entry holds the offset of
// the frame backing a virtual page; a sparse RAM would hand out frames from a
// pool inside this memory and put the frame's offset in the TLB, with the
// decode cache indexed by frame. Compiled code and the interpreter would not
// change.

/** Bytes of one hart's state: registers, TLB, exit words. */
export const HART_SLOT_BYTES = 0x10000;
/** Harts per memory that can run compiled WebAssembly (more fall back to JS state). */
export const HART_SLOTS = 16;

/** Offsets inside a hart slot. */
export const X_OFF = 0; // 128 int32: x[i] low half, x[i + 64] high half
export const F_OFF = 512; // 32 doubles (fbits: 64 int32)
export const W_OFF = 768; // int32 words, indexed by Word
export const XW_OFF = 1024; // 32 i64: compiled code's own copy of x[], synced at hand-offs (wasm/support.ts)
export const TLB_OFF = 4096; // TLB_SIZE * 8 int32 (see mmu.ts)

/** Int32 words of a hart slot, from W_OFF (see hart.ts and wasm/). */
export const enum Word {
  Fflags = 0,
  Frm = 1,
  /** exit of compiled code: instructions retired, pc (low, high) */
  ExitN = 2,
  ExitPcLo = 3,
  ExitPcHi = 4,
  /** value of a load done by the JS slow path for compiled code (low, high) */
  LdLo = 5,
  LdHi = 6,
  /** counters for --stats: transfers between compiled pages, and those that found no compiled code */
  Chains = 7,
  ChainMisses = 8,
  Count = 64,
}

export const ENTRY_OFF = HART_SLOTS * HART_SLOT_BYTES;
/** Entries of the compiled-code entry table (power of two), 8 bytes each. */
export const ENTRY_SLOTS = 1 << 18;
/** One int32 per function-table index: the back-edge countdown that promotes a page to the optimised tier. */
export const COUNTER_OFF = ENTRY_OFF + ENTRY_SLOTS * 8;
export const COUNTER_SLOTS = 1 << 18;
export const RAM_OFF = 4 << 20;
