// Hand-made ELF64 little-endian executables, valid or broken on purpose, for
// testing what execve does with them.

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const PT_LOAD = 1;
export const PT_INTERP = 3;

export interface Segment {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface ElfSpec {
  machine: number;
  entry: bigint;
  segments: Segment[];
  /** Bytes placed after the program headers (segment contents, interpreter path). */
  payload?: Uint8Array;
  /** Header overrides, for breaking it. */
  cls?: number;
  data?: number;
  phoff?: bigint;
  phnum?: number;
  phentsize?: number;
}

// e_ident[9..15] is padding that ELF loaders ignore. When execve rejects a
// file with ENOEXEC, the shell runs it as a script instead; these bytes end
// line 1 and exit, so that script's output does not depend on the header bytes
// that follow (e_machine differs between the two sides of a test).
const EI_PAD_SCRIPT = new TextEncoder().encode('\nexit\n\n');

export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;

export function buildElf(s: ElfSpec): Uint8Array {
  const phnum = s.phnum ?? s.segments.length;
  const payload = s.payload ?? new Uint8Array(0);
  const buf = new Uint8Array(EHDR_SIZE + PHDR_SIZE * s.segments.length + payload.length);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, s.cls ?? 2, s.data ?? 1, 1, 0]);
  buf.set(EI_PAD_SCRIPT, 9);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, s.machine, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, s.entry, true);
  v.setBigUint64(32, s.phoff ?? BigInt(EHDR_SIZE), true);
  v.setUint32(48, s.machine === EM_RISCV ? 0x5 : 0, true); // RVC, double-float ABI
  v.setUint16(52, EHDR_SIZE, true);
  v.setUint16(54, s.phentsize ?? PHDR_SIZE, true);
  v.setUint16(56, phnum, true);
  v.setUint16(58, 64, true);
  s.segments.forEach((p, i) => {
    const o = EHDR_SIZE + i * PHDR_SIZE;
    v.setUint32(o, p.type, true);
    v.setUint32(o + 4, p.flags, true);
    v.setBigUint64(o + 8, p.offset, true);
    v.setBigUint64(o + 16, p.vaddr, true);
    v.setBigUint64(o + 24, p.vaddr, true);
    v.setBigUint64(o + 32, p.filesz, true);
    v.setBigUint64(o + 40, p.memsz, true);
    v.setBigUint64(o + 48, p.align, true);
  });
  buf.set(payload, EHDR_SIZE + PHDR_SIZE * s.segments.length);
  return buf;
}

/** A loadable segment covering the whole file at `base`, read+execute. */
export function textSegment(base: bigint, fileSize: bigint): Segment {
  return { type: PT_LOAD, flags: 5, offset: 0n, vaddr: base, filesz: fileSize, memsz: fileSize, align: 0x1000n };
}

/** Deterministic pseudo-random bytes (mulberry32). */
export function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}
