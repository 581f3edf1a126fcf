// A minimal test-only machine (NOT the kernel): RAM, one hart and a simple
// Sv39 page table filled up front, with every user page present, accessed
// and dirty. It loads static non-PIE ELF files and answers the three system
// calls the tests' -nostdlib guest programs use.
import { PhysMem, RAM_BASE } from '../../../src/cpu/physmem.js';
import { Hart, Cause } from '../../../src/cpu/hart.js';
import { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D } from '../../../src/cpu/mmu.js';
import { current, setTier } from './tiers.js';

export { PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D };
export const PTE_RWX = PTE_R | PTE_W | PTE_X;
/** Flags of an ordinary user page that never faults for A/D reasons. */
export const USER = PTE_V | PTE_U | PTE_A | PTE_D;

export const STACK_TOP = 0x3f_ffff_f000;
const STACK_SIZE = 256 * 1024;

export interface RunResult {
  stdout: string;
  /** exit status, or -1 when the run stopped on an unexpected trap or the instruction limit */
  exitCode: number;
  /** cause of an unexpected trap, -1 if none */
  cause: number;
  pc: number;
  tval: number;
  instret: number;
}

export class TestMachine {
  readonly mem: PhysMem;
  readonly hart: Hart;
  readonly root: number;
  private nextPage = 0;
  /** VA page number -> RAM page index, for the harness's own copies */
  private readonly pageOf = new Map<number, number>();

  constructor(ramBytes = 32 << 20) {
    this.mem = new PhysMem(ramBytes);
    this.hart = new Hart(this.mem, 0);
    if (current.tier) setTier(this.hart, current.tier);
    this.root = this.allocPage();
    this.hart.setPageTable(this.root);
  }

  allocPage(): number {
    if (this.nextPage >= this.mem.pages) throw new Error('test machine out of RAM');
    return this.nextPage++;
  }

  /** Write a PTE (lo/hi halves) for RAM page `page` (or any PPN via ppn). */
  static pte(page: number, flags: number, ppn = page + RAM_BASE / 4096): [number, number] {
    return [((ppn % 4194304) * 1024 + flags) | 0, Math.floor(ppn / 4194304) | 0];
  }

  /** i32 index of the PTE for `va` at `level` (2 = root), creating tables above it. */
  pteIndex(va: number, level = 0): number {
    const i32 = this.mem.i32;
    const vpn = Math.floor(va / 4096);
    let table = this.root;
    for (let l = 2; l > level; l--) {
      const e = table * 1024 + (Math.floor(vpn / 2 ** (9 * l)) % 512) * 2;
      if (!(i32[e] & PTE_V)) {
        const t = this.allocPage();
        [i32[e], i32[e + 1]] = TestMachine.pte(t, PTE_V);
      }
      table = (i32[e] >>> 10) + i32[e + 1] * 4194304 - RAM_BASE / 4096;
    }
    return table * 1024 + (Math.floor(vpn / 2 ** (9 * level)) % 512) * 2;
  }

  setPte(va: number, lo: number, hi: number, level = 0): void {
    const e = this.pteIndex(va, level);
    this.mem.i32[e] = lo;
    this.mem.i32[e + 1] = hi;
    this.hart.flushTlb();
  }

  /** Map the 4 KiB page at va to a fresh (or given) RAM page; returns the RAM page. */
  map(va: number, flags: number, page = -1): number {
    const old = this.pageOf.get(Math.floor(va / 4096));
    if (old !== undefined && page < 0) page = old;
    if (page < 0) page = this.allocPage();
    const [lo, hi] = TestMachine.pte(page, flags | PTE_V);
    this.setPte(va, lo, hi);
    this.pageOf.set(Math.floor(va / 4096), page);
    return page;
  }

  /** RAM byte offset of a mapped VA (harness view, ignores permissions). */
  ramOffset(va: number): number {
    const page = this.pageOf.get(Math.floor(va / 4096));
    if (page === undefined) throw new Error(`unmapped ${va.toString(16)}`);
    return page * 4096 + (va % 4096);
  }

  writeVirt(va: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.mem.u8[this.ramOffset(va + i)] = bytes[i];
    this.mem.invalidateAllCode();
  }

  readVirt(va: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.mem.u8[this.ramOffset(va + i)];
    return out;
  }

  /** Place 32-bit instruction words at va (mapped RWX user) and point pc there. */
  loadWords(va: number, words: number[], flags = PTE_RWX | USER): void {
    const bytes = new Uint8Array(words.length * 4);
    const dv = new DataView(bytes.buffer);
    words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
    for (let a = Math.floor(va / 4096) * 4096; a < va + bytes.length; a += 4096) this.map(a, flags);
    this.writeVirt(va, bytes);
    this.hart.pc = va;
  }

  /** Map a static ELF's PT_LOAD segments; returns the entry point. */
  loadElf(file: Uint8Array): number {
    const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
    if (dv.getUint32(0, false) !== 0x7f454c46 || file[4] !== 2 || dv.getUint16(18, true) !== 243) {
      throw new Error('not an ELF64 RISC-V file');
    }
    const phoff = Number(dv.getBigUint64(0x20, true));
    const phentsize = dv.getUint16(0x36, true),
      phnum = dv.getUint16(0x38, true);
    for (let i = 0; i < phnum; i++) {
      const ph = phoff + i * phentsize;
      if (dv.getUint32(ph, true) !== 1) continue; // PT_LOAD
      const pf = dv.getUint32(ph + 4, true);
      const off = Number(dv.getBigUint64(ph + 8, true));
      const vaddr = Number(dv.getBigUint64(ph + 0x10, true));
      const filesz = Number(dv.getBigUint64(ph + 0x20, true));
      const memsz = Number(dv.getBigUint64(ph + 0x28, true));
      const flags = (pf & 4 ? PTE_R : 0) | (pf & 2 ? PTE_W | PTE_R : 0) | (pf & 1 ? PTE_X : 0);
      for (let a = Math.floor(vaddr / 4096) * 4096; a < vaddr + memsz; a += 4096) {
        const e = this.pageOf.has(a / 4096) ? this.pteIndex(a) : -1;
        const prev = e >= 0 ? this.mem.i32[e] & PTE_RWX : 0; // pages shared by two segments get both
        this.map(a, USER | flags | prev);
      }
      this.writeVirt(vaddr, file.subarray(off, off + filesz));
    }
    return Number(dv.getBigUint64(0x18, true));
  }

  /** Map the stack and leave argc = 0, argv = envp = auxv = empty at sp. */
  setupStack(): void {
    for (let a = STACK_TOP - STACK_SIZE; a < STACK_TOP; a += 4096) this.map(a, USER | PTE_R | PTE_W);
    this.setReg(2, STACK_TOP - 64);
  }

  setReg(i: number, v: number): void {
    this.hart.xl[i] = v | 0;
    this.hart.xh[i] = Math.floor(v / 4294967296) | 0;
  }

  reg(i: number): number {
    return this.hart.xh[i] * 4294967296 + (this.hart.xl[i] >>> 0);
  }

  regBig(i: number): bigint {
    return BigInt.asIntN(64, (BigInt(this.hart.xh[i]) << 32n) | BigInt(this.hart.xl[i] >>> 0));
  }

  /** Run a loaded program until exit, handling write/exit/exit_group. */
  runProgram(maxInstructions = 2e9, slice = 1 << 20): RunResult {
    const h = this.hart;
    let stdout = '';
    const decoder = new TextDecoder();
    while (h.instret < maxInstructions) {
      const cause = h.run(slice);
      if (cause < 0) continue;
      if (cause !== Cause.EcallU) return this.result(stdout, -1, cause);
      const nr = h.xl[17];
      if (nr === 64) {
        // write(fd, buf, len)
        const fd = h.xl[10],
          buf = this.reg(11),
          len = this.reg(12);
        if (fd === 1 || fd === 2) stdout += decoder.decode(this.readVirt(buf, len), { stream: true });
        this.setReg(10, len);
      } else if (nr === 93 || nr === 94) {
        return this.result(stdout, h.xl[10] & 255, -1);
      } else {
        this.setReg(10, -38); // ENOSYS
      }
      h.pc += 4;
    }
    return this.result(stdout, -1, -1);
  }

  private result(stdout: string, exitCode: number, cause: number): RunResult {
    const h = this.hart;
    return { stdout, exitCode, cause, pc: h.pc, tval: h.tval, instret: h.instret };
  }
}
