// Just enough ELF header reading to check that a fetched binary is for the
// guest architecture. Pure.

export const EM_RISCV = 243;

export interface ElfIdent {
  class64: boolean;
  littleEndian: boolean;
  machine: number;
}

/** Header facts of an ELF file, or undefined if `buf` does not start with an ELF header. */
export function readElfIdent(buf: Uint8Array): ElfIdent | undefined {
  if (buf.length < 20 || buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) return undefined;
  const littleEndian = buf[5] === 1;
  const lo = buf[18] as number;
  const hi = buf[19] as number;
  return { class64: buf[4] === 2, littleEndian, machine: littleEndian ? lo | (hi << 8) : (lo << 8) | hi };
}

export function isRiscv64Elf(buf: Uint8Array): boolean {
  const id = readElfIdent(buf);
  return id !== undefined && id.class64 && id.littleEndian && id.machine === EM_RISCV;
}

export interface ElfDynamic {
  /** DT_NEEDED entries, in order. */
  needed: string[];
  /** DT_RUNPATH (or the older DT_RPATH) directories, $ORIGIN unexpanded. */
  runpath: string[];
  soname?: string;
}

const PT_LOAD = 1,
  PT_DYNAMIC = 2;
const DT_NULL = 0,
  DT_NEEDED = 1,
  DT_STRTAB = 5,
  DT_SONAME = 14,
  DT_RPATH = 15,
  DT_RUNPATH = 29;

/**
 * The dynamic-linking facts of a riscv64 ELF (what the loader reads), or
 * undefined for a static binary or anything that is not one. Never throws on
 * truncated or odd input: out-of-range offsets just end the walk.
 */
export function readElfDynamic(buf: Uint8Array): ElfDynamic | undefined {
  if (!isRiscv64Elf(buf) || buf.length < 64) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u64 = (o: number): number => (o + 8 <= buf.length ? Number(dv.getBigUint64(o, true)) : -1);
  const phoff = u64(32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const loads: Array<{ vaddr: number; off: number; filesz: number }> = [];
  let dynOff = -1,
    dynSize = 0;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (p < 0 || p + 56 > buf.length) return undefined;
    const type = dv.getUint32(p, true);
    if (type === PT_LOAD) loads.push({ off: u64(p + 8), vaddr: u64(p + 16), filesz: u64(p + 32) });
    if (type === PT_DYNAMIC) {
      dynOff = u64(p + 8);
      dynSize = u64(p + 32);
    }
  }
  if (dynOff < 0) return undefined;
  const entries: Array<[number, number]> = [];
  for (let o = dynOff; o + 16 <= Math.min(buf.length, dynOff + dynSize); o += 16) {
    const tag = u64(o);
    if (tag === DT_NULL) break;
    entries.push([tag, u64(o + 8)]);
  }
  const strtabVaddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
  const seg = strtabVaddr === undefined ? undefined : loads.find((l) => strtabVaddr >= l.vaddr && strtabVaddr < l.vaddr + l.filesz);
  if (seg === undefined || strtabVaddr === undefined) return { needed: [], runpath: [] };
  const strtab = seg.off + (strtabVaddr - seg.vaddr);
  const str = (idx: number): string => {
    let end = strtab + idx;
    while (end < buf.length && buf[end] !== 0) end++;
    return new TextDecoder().decode(buf.subarray(strtab + idx, end));
  };
  const out: ElfDynamic = { needed: [], runpath: [] };
  for (const [tag, val] of entries) {
    if (tag === DT_NEEDED) out.needed.push(str(val));
    else if (tag === DT_SONAME) out.soname = str(val);
    else if (tag === DT_RUNPATH || tag === DT_RPATH)
      out.runpath.push(
        ...str(val)
          .split(':')
          .filter((s) => s !== ''),
      );
  }
  return out;
}
