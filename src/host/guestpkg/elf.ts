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
