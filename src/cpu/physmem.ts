// Physical RAM of the machine and the decode cache that shadows it.
//
// Decoded instructions are cached per physical page (see decode.ts), so any
// write to a page must drop its decoded copy. Harts never hold a store
// mapping (write-TLB entry) for a page that has decoded code: creating a
// decoded page tells every hart to drop such mappings, so a store that hits
// the write TLB needs no code check at all.
import { newCodePage } from './decode.js';
import { HART_SLOTS, HART_SLOT_BYTES, RAM_OFF } from './layout.js';
import type { WasmJit } from './wasm/runtime.js';

export const RAM_BASE = 0x8000_0000;
export const PAGE_SIZE = 4096;
/**
 * The most RAM one PhysMem backs. A TLB entry holds a RAM byte offset in an
 * int32 (mmu.ts), so offsets stay below 2 GiB. A machine may have more RAM
 * than this (the kernel's page allocator counts the rest, see pagealloc.ts);
 * the buffer is committed by the host only as it is touched either way.
 */
export const MAX_BACKED_BYTES = 0x7fff_f000;

export class PhysMem {
  readonly size: number;
  readonly pages: number;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly dv: DataView;
  // signed views for sign-extending loads
  readonly i8: Int8Array;
  readonly i16: Int16Array;
  /** Decoded instructions per RAM page, null when not decoded. */
  readonly code: (Int32Array | null)[];
  /** Compiled regions of each decoded page (see jit.ts); dropped with it. */
  readonly compiled: (unknown[] | null)[];
  /** Pages that may have an entry in `code` (for a cheap flush of all of them). */
  private readonly codeListed: Uint8Array;
  private codeList: number[] = [];
  private readonly codeWatchers: ((page: number) => void)[] = [];
  /**
   * The linear memory holding RAM and hart state (see layout.ts), or null
   * where WebAssembly is missing: then RAM and each hart's state are plain
   * ArrayBuffers and only the interpreter and the JS compiler run.
   */
  readonly wasm: WebAssembly.Memory | null;
  /** The buffer RAM lives in (at RAM_OFF when `wasm` is set, else at 0). */
  readonly buffer: ArrayBuffer;
  private hartSlots = 0;
  /** The WebAssembly tier of this memory's harts (created by the first hart that uses it). */
  wasmJit: WasmJit | null = null;

  constructor(sizeBytes: number) {
    if (sizeBytes <= 0 || sizeBytes % PAGE_SIZE !== 0 || sizeBytes > MAX_BACKED_BYTES) {
      throw new RangeError(`RAM size must be a positive multiple of 4096 below 2 GiB: ${sizeBytes}`);
    }
    this.wasm = linearMemory(RAM_OFF + sizeBytes);
    const buf = this.wasm ? this.wasm.buffer : new ArrayBuffer(sizeBytes);
    const at = this.wasm ? RAM_OFF : 0;
    this.buffer = buf;
    this.size = sizeBytes;
    this.pages = sizeBytes / PAGE_SIZE;
    this.u8 = new Uint8Array(buf, at, sizeBytes);
    this.i8 = new Int8Array(buf, at, sizeBytes);
    this.u16 = new Uint16Array(buf, at, sizeBytes / 2);
    this.i16 = new Int16Array(buf, at, sizeBytes / 2);
    this.i32 = new Int32Array(buf, at, sizeBytes / 4);
    this.dv = new DataView(buf, at, sizeBytes);
    this.code = new Array<Int32Array | null>(this.pages).fill(null);
    this.compiled = new Array<unknown[] | null>(this.pages).fill(null);
    this.codeListed = new Uint8Array(this.pages);
  }

  /**
   * State for a new hart: a slot of the linear memory (wasm: true), so
   * compiled code can reach it, or a private buffer once the slots are used
   * up or without WebAssembly.
   */
  allocHartState(): { buffer: ArrayBuffer; offset: number; wasm: boolean } {
    if (this.wasm && this.hartSlots < HART_SLOTS) {
      return { buffer: this.buffer, offset: this.hartSlots++ * HART_SLOT_BYTES, wasm: true };
    }
    return { buffer: new ArrayBuffer(HART_SLOT_BYTES), offset: 0, wasm: false };
  }

  /** A hart registers to hear when a page starts holding decoded code. */
  watchCode(fn: (page: number) => void): void {
    this.codeWatchers.push(fn);
  }

  /** The decoded page for RAM page `page`, created empty if needed. */
  codePage(page: number): Int32Array {
    let c = this.code[page];
    if (c) return c;
    c = newCodePage();
    this.code[page] = c;
    this.compiled[page] = [];
    if (!this.codeListed[page]) {
      this.codeListed[page] = 1;
      this.codeList.push(page);
    }
    for (const w of this.codeWatchers) w(page);
    this.wasmJit?.adopt(c, page);
    return c;
  }

  invalidateCode(pageIndex: number): void {
    if (this.code[pageIndex] === null) return;
    this.code[pageIndex] = null;
    this.compiled[pageIndex] = null;
    this.wasmJit?.drop(pageIndex);
  }

  invalidateAllCode(): void {
    for (const p of this.codeList) {
      if (this.code[p]) this.wasmJit?.drop(p);
      this.code[p] = null;
      this.compiled[p] = null;
      this.codeListed[p] = 0;
    }
    this.codeList = [];
  }

  /** Drop decoded code of every page overlapping [offset, offset+len). */
  private invalidateRange(offset: number, len: number): void {
    if (len <= 0) return;
    const last = (offset + len - 1) >>> 12;
    for (let p = offset >>> 12; p <= last; p++) this.invalidateCode(p);
  }

  write(offset: number, src: Uint8Array): void {
    this.u8.set(src, offset);
    this.invalidateRange(offset, src.length);
  }

  fill(offset: number, len: number, byte: number): void {
    this.u8.fill(byte, offset, offset + len);
    this.invalidateRange(offset, len);
  }

  copyPage(dstPage: number, srcPage: number): void {
    this.u8.copyWithin(dstPage * PAGE_SIZE, srcPage * PAGE_SIZE, (srcPage + 1) * PAGE_SIZE);
    this.invalidateCode(dstPage);
  }

  zeroPage(page: number): void {
    this.i32.fill(0, page * 1024, (page + 1) * 1024);
    this.invalidateCode(page);
  }
}

/**
 * A fixed-size WebAssembly.Memory of `bytes` (never grown: growing would
 * detach every view of it), or null when the host has no WebAssembly. The
 * host commits pages only as they are touched, as for an ArrayBuffer.
 */
function linearMemory(bytes: number): WebAssembly.Memory | null {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Memory !== 'function') return null;
  const pages = Math.ceil(bytes / 65536);
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // no room for it (32-bit host, address-space limits): plain buffers
  }
}
