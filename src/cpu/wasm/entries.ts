// The compiled-code entry table: from the RAM byte offset of an instruction
// to the compiled function that starts a block there, in linear memory so
// compiled code looks it up itself when it leaves a page or jumps through a
// register (see dispatch in runtime.ts). JS keeps the authoritative map and
// writes the table; wasm only reads it.
//
// Open addressing with linear probing over ENTRY_SLOTS slots of two int32:
// [key + 1, value]. Keys are RAM offsets (>= 0), stored plus one so that
// EMPTY is 0: the table starts as the zeroed memory of a new
// WebAssembly.Memory, and the host never touches (nor backs) its 2 MiB of
// pages until entries land there. EMPTY ends a probe, DELETED does not.
// value = table index << 12 | block number in that function.
import { ENTRY_OFF, ENTRY_SLOTS } from '../layout.js';

export const EMPTY = 0;
export const DELETED = -1;
/** Fibonacci hashing: the multiplier, and the shift that keeps log2(ENTRY_SLOTS) bits. */
export const HASH_MUL = 0x9e3779b1 | 0;
export const HASH_SHIFT = 32 - Math.log2(ENTRY_SLOTS);

export const entrySlot = (key: number): number => Math.imul(key, HASH_MUL) >>> HASH_SHIFT;

export class EntryTable {
  private readonly t: Int32Array;
  /** key -> value, the truth the table is rebuilt from */
  private readonly map = new Map<number, number>();
  private deleted = 0;

  /** `buffer`: a new WebAssembly.Memory's, so the table is all EMPTY already. */
  constructor(buffer: ArrayBuffer) {
    this.t = new Int32Array(buffer, ENTRY_OFF, ENTRY_SLOTS * 2);
  }

  get size(): number {
    return this.map.size;
  }

  /** False when the table is full (the caller then compiles nothing more). */
  set(key: number, value: number): boolean {
    if (this.map.has(key)) this.delete(key);
    if ((this.map.size + this.deleted + 1) * 4 > ENTRY_SLOTS * 3) {
      if (this.map.size * 2 > ENTRY_SLOTS) return false;
      this.rebuild();
    }
    this.map.set(key, value);
    this.put(key, value);
    return true;
  }

  delete(key: number): void {
    if (!this.map.delete(key)) return;
    const t = this.t,
      mask = ENTRY_SLOTS - 1;
    for (let s = entrySlot(key); ; s = (s + 1) & mask) {
      const k = t[s * 2];
      if (k === key + 1) {
        t[s * 2] = DELETED;
        this.deleted++;
        return;
      }
      if (k === EMPTY) return;
    }
  }

  get(key: number): number | undefined {
    return this.map.get(key);
  }

  private put(key: number, value: number): void {
    const t = this.t,
      mask = ENTRY_SLOTS - 1;
    let s = entrySlot(key);
    while (t[s * 2] > 0) s = (s + 1) & mask;
    if (t[s * 2] === DELETED) this.deleted--;
    t[s * 2] = key + 1;
    t[s * 2 + 1] = value;
  }

  private rebuild(): void {
    this.t.fill(EMPTY);
    this.deleted = 0;
    for (const [k, v] of this.map) this.put(k, v);
  }
}
