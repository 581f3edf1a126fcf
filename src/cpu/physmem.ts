// Physical RAM of the machine and the decode cache that shadows it.
//
// Decoded instructions are cached per physical page (see decode.ts), so any
// write to a page must drop its decoded copy. Harts never hold a store
// mapping (write-TLB entry) for a page that has decoded code: creating a
// decoded page tells every hart to drop such mappings, so a store that hits
// the write TLB needs no code check at all.
import { newCodePage } from './decode.js';

export const RAM_BASE = 0x8000_0000;
export const PAGE_SIZE = 4096;

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

  constructor(sizeBytes: number) {
    if (sizeBytes <= 0 || sizeBytes % PAGE_SIZE !== 0 || sizeBytes > 0x7fff_f000) {
      throw new RangeError(`RAM size must be a positive multiple of 4096 below 2 GiB: ${sizeBytes}`);
    }
    const buf = new ArrayBuffer(sizeBytes);
    this.size = sizeBytes;
    this.pages = sizeBytes / PAGE_SIZE;
    this.u8 = new Uint8Array(buf);
    this.i8 = new Int8Array(buf);
    this.u16 = new Uint16Array(buf);
    this.i16 = new Int16Array(buf);
    this.i32 = new Int32Array(buf);
    this.dv = new DataView(buf);
    this.code = new Array<Int32Array | null>(this.pages).fill(null);
    this.compiled = new Array<unknown[] | null>(this.pages).fill(null);
    this.codeListed = new Uint8Array(this.pages);
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
    if (!this.codeListed[page]) { this.codeListed[page] = 1; this.codeList.push(page); }
    for (const w of this.codeWatchers) w(page);
    return c;
  }

  invalidateCode(pageIndex: number): void {
    this.code[pageIndex] = null;
    this.compiled[pageIndex] = null;
  }

  invalidateAllCode(): void {
    for (const p of this.codeList) { this.code[p] = null; this.compiled[p] = null; this.codeListed[p] = 0; }
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
