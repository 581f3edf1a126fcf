// ELF64 executable parsing and validation, with Linux's binfmt_elf rules.
// Linux checks a program in two phases: before the point of no return
// (header, program headers, PT_INTERP: execve returns the error) and while
// mapping PT_LOAD segments after the old image is gone (the task is then
// killed with SIGSEGV). Failures say which phase with `late`.
export { parseShebang, BINPRM_BUF_SIZE } from './shebang.js';

export const EM_RISCV = 243;
export const ET_EXEC = 2,
  ET_DYN = 3;
export const PT_NULL = 0,
  PT_LOAD = 1,
  PT_DYNAMIC = 2,
  PT_INTERP = 3,
  PT_NOTE = 4,
  PT_PHDR = 6,
  PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1,
  PF_W = 2,
  PF_R = 4;
/** sizeof(Elf64_Phdr): Linux refuses any other e_phentsize. */
export const ELF64_PHENT = 56;

const ENOEXEC = 8,
  EIO = 5,
  ENOMEM = 12,
  EINVAL = 22,
  ELIBBAD = 80;
const PAGE = 4096n;
/** sv39 TASK_SIZE; kept local so this file stands alone. */
const TASK_SIZE = 0x40_0000_0000n;
const PATH_MAX = 4096;
const U64 = (1n << 64n) - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface ElfSegment {
  type: number;
  flags: number /* PF_R=4 PF_W=2 PF_X=1 */;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}
export interface ElfImage {
  type: number; // ET_EXEC=2 or ET_DYN=3
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  flags: number; // e_flags
  segments: ElfSegment[]; // all program headers
  loads: ElfSegment[]; // PT_LOAD ones in file order
  interp: string | null; // PT_INTERP path if present
  /** The PT_INTERP path's raw bytes (up to its first NUL), as open_exec sees them. */
  interpBytes: Uint8Array | null;
  gnuStack: { flags: number } | null;
  tls: ElfSegment | null;
  minVaddr: number;
  maxVaddr: number; // page-rounded extent of the PT_LOAD segments
  /** Linux's maximum_alignment(): largest power-of-two PT_LOAD p_align, at least a page. ET_DYN bases are aligned to it. */
  loadAlign: number;
}
export type ElfResult = { ok: true; image: ElfImage } | { ok: false; errno: number; reason: string; late?: boolean };

export interface ParseOptions {
  /** Parse as the PT_INTERP program: Linux answers ELIBBAD for a bad header and ignores the interpreter's own PT_INTERP. */
  interpreter?: boolean;
}

const fail = (errno: number, reason: string, late = false): ElfResult => ({ ok: false, errno, reason, ...(late ? { late } : {}) });
const pageStart = (v: bigint) => v & ~(PAGE - 1n);
const pageOff = (v: bigint) => v & (PAGE - 1n);
const pageAlign = (v: bigint) => (v + PAGE - 1n) & ~(PAGE - 1n) & U64;
const isPow2 = (v: bigint) => v > 0n && (v & (v - 1n)) === 0n;

interface RawPhdr {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

function toSegment(p: RawPhdr): ElfSegment {
  // Fields of segments Linux ignores may exceed 2^53; they are kept approximately.
  return {
    type: p.type,
    flags: p.flags,
    offset: Number(p.offset),
    vaddr: Number(p.vaddr),
    filesz: Number(p.filesz),
    memsz: Number(p.memsz),
    align: Number(p.align),
  };
}

export function parseElf(file: Uint8Array, fileSize: number, opts: ParseOptions = {}): ElfResult {
  const size = Number.isFinite(fileSize) ? Math.max(0, Math.min(Math.floor(fileSize), file.length)) : file.length;
  const interpreter = opts.interpreter === true;
  const badHeader = interpreter ? ELIBBAD : ENOEXEC;
  // Linux reads the first 256 bytes zero-padded (bprm->buf); the interpreter's
  // header is read with elf_read, which fails with EIO on a short file.
  if (interpreter && size < 64) return fail(EIO, 'interpreter shorter than an ELF header');
  const hdr = new Uint8Array(64);
  hdr.set(file.subarray(0, Math.min(64, size)));
  const h = new DataView(hdr.buffer);
  if (hdr[0] !== 0x7f || hdr[1] !== 0x45 || hdr[2] !== 0x4c || hdr[3] !== 0x46) return fail(badHeader, 'bad ELF magic');
  // riscv's elf_check_arch tests e_machine and EI_CLASS only; Linux does not
  // look at EI_DATA, EI_VERSION or e_version, so neither do we.
  const type = h.getUint16(16, true);
  if (!interpreter && type !== ET_EXEC && type !== ET_DYN) return fail(ENOEXEC, `e_type ${type} is not ET_EXEC or ET_DYN`);
  if (h.getUint16(18, true) !== EM_RISCV || hdr[4] !== 2) return fail(badHeader, 'not an ELF64 riscv file');
  const entry = h.getBigUint64(24, true);
  const phoff = h.getBigUint64(32, true);
  const eflags = h.getUint32(48, true);
  const phentsize = h.getUint16(54, true);
  const phnum = h.getUint16(56, true);
  // load_elf_phdrs: the table must be exactly Elf64_Phdr-sized and fit one page.
  if (phentsize !== ELF64_PHENT) return fail(badHeader, `e_phentsize ${phentsize} != 56`);
  const phsize = phnum * ELF64_PHENT;
  if (phsize === 0 || phsize > 4096) return fail(badHeader, `bad e_phnum ${phnum}`);
  if (phoff + BigInt(phsize) > BigInt(size)) return fail(badHeader, 'program headers beyond end of file');
  const ph = new DataView(file.buffer, file.byteOffset + Number(phoff), phsize);
  const raw: RawPhdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * ELF64_PHENT;
    raw.push({
      type: ph.getUint32(o, true),
      flags: ph.getUint32(o + 4, true),
      offset: ph.getBigUint64(o + 8, true),
      vaddr: ph.getBigUint64(o + 16, true),
      filesz: ph.getBigUint64(o + 32, true),
      memsz: ph.getBigUint64(o + 40, true),
      align: ph.getBigUint64(o + 48, true),
    });
  }

  // PT_INTERP: only the first one counts, as in load_elf_binary.
  let interp: string | null = null;
  let interpBytes: Uint8Array | null = null;
  const pi = interpreter ? undefined : raw.find((p) => p.type === PT_INTERP);
  if (pi) {
    if (pi.filesz > BigInt(PATH_MAX) || pi.filesz < 2n) return fail(ENOEXEC, 'PT_INTERP size out of range');
    // elf_read of a short range fails with EIO.
    if (pi.offset + pi.filesz > BigInt(size)) return fail(EIO, 'PT_INTERP beyond end of file');
    const s = file.subarray(Number(pi.offset), Number(pi.offset + pi.filesz));
    if (s[s.length - 1] !== 0) return fail(ENOEXEC, 'PT_INTERP not NUL-terminated');
    interpBytes = s.slice(0, s.indexOf(0));
    interp = new TextDecoder().decode(interpBytes);
  }
  // The last PT_GNU_STACK wins: Linux's loop does not stop at the first.
  let gnuStack: { flags: number } | null = null;
  for (const p of raw) if (p.type === PT_GNU_STACK) gnuStack = { flags: p.flags };

  // From here on Linux is past the point of no return (it maps as it checks).
  const late = true;
  const mainLoadErr = interpreter ? ENOMEM : EINVAL; // load_elf_interp says ENOMEM where load_elf_binary says EINVAL
  if (interpreter && type !== ET_EXEC && type !== ET_DYN) return fail(EINVAL, `interpreter e_type ${type}`, late);
  const loadsRaw = raw.filter((p) => p.type === PT_LOAD);
  for (const p of loadsRaw) {
    if (p.filesz > 0n) {
      // elf_map -> vm_mmap(off = p_offset - PAGEOFFSET(p_vaddr)): a file offset
      // that is not page aligned, or overflows, is EINVAL.
      const off = (p.offset - pageOff(p.vaddr)) & U64;
      const len = pageAlign(p.filesz + pageOff(p.vaddr));
      if (pageOff(off) !== 0n) return fail(EINVAL, 'p_offset and p_vaddr not congruent modulo the page size', late);
      if (off + len > U64) return fail(EINVAL, 'segment file range overflows', late);
      // A file range past EOF is mapped anyway (mmap does not check the file
      // size); touching whole pages past EOF later raises SIGBUS.
      if (len === 0n || len > TASK_SIZE) return fail(ENOMEM, 'segment larger than the address space', late);
      if (type === ET_EXEC && pageStart(p.vaddr) > TASK_SIZE - len) return fail(ENOMEM, 'segment beyond TASK_SIZE', late);
    }
    if (p.memsz > p.filesz && type === ET_EXEC) {
      // The bss part is vm_brk()ed: beyond TASK_SIZE is ENOMEM.
      const zeroStart = pageAlign(p.vaddr + p.filesz);
      const zeroEnd = pageAlign(p.vaddr + p.memsz);
      if (zeroEnd < zeroStart || p.vaddr + p.memsz > U64 || zeroEnd > TASK_SIZE) return fail(ENOMEM, 'bss beyond TASK_SIZE', late);
    }
    if (p.filesz > p.memsz) return fail(mainLoadErr, 'p_filesz > p_memsz', late);
    if (p.memsz > TASK_SIZE) return fail(mainLoadErr, 'p_memsz larger than TASK_SIZE', late);
    if (type === ET_EXEC && (p.vaddr >= TASK_SIZE || TASK_SIZE - p.memsz < p.vaddr)) return fail(mainLoadErr, 'segment beyond TASK_SIZE', late);
  }
  let minV = 0n,
    maxV = 0n;
  if (interpreter && loadsRaw.length === 0) return fail(EINVAL, 'interpreter has no PT_LOAD', late);
  if (loadsRaw.length > 0) {
    minV = loadsRaw.reduce((m, p) => (p.vaddr < m ? p.vaddr : m), U64);
    maxV = loadsRaw.reduce((m, p) => (p.vaddr + p.memsz > m ? p.vaddr + p.memsz : m), 0n);
    // JS numbers: an image whose addresses only fit by wrapping modulo 2^64 is refused.
    if (maxV > SAFE - PAGE) return fail(ENOMEM, 'segment addresses beyond 2^53', late);
    minV = pageStart(minV);
    maxV = pageAlign(maxV);
    // total_mapping_size() of an ET_DYN must be non-zero and fit the address space.
    const first = loadsRaw[0]!,
      last = loadsRaw[loadsRaw.length - 1]!;
    const total = (last.vaddr + last.memsz - pageStart(first.vaddr)) & U64;
    if ((type === ET_DYN || interpreter) && total === 0n) return fail(EINVAL, 'PT_LOAD segments have no size', late);
    if (type === ET_DYN && (total > TASK_SIZE || maxV - minV > TASK_SIZE)) return fail(ENOMEM, 'image larger than the address space', late);
  }
  // Without an interpreter, the entry must be a user address (BAD_ADDR).
  if (!interpreter && !pi && type === ET_EXEC && entry >= TASK_SIZE) return fail(EINVAL, 'entry point beyond TASK_SIZE', late);
  if (entry > SAFE) return fail(EINVAL, 'entry point beyond 2^53', late);

  let loadAlign = 0n;
  for (const p of loadsRaw) if (isPow2(p.align) && p.align > loadAlign) loadAlign = p.align;
  loadAlign = pageAlign(loadAlign);
  if (loadAlign > TASK_SIZE) loadAlign = PAGE; // an absurd alignment cannot be honoured; Linux's mmap would fail

  const segments = raw.map(toSegment);
  const tlsIdx = raw.findIndex((p) => p.type === PT_TLS);
  return {
    ok: true,
    image: {
      type,
      entry: Number(entry),
      phoff: Number(phoff),
      phentsize,
      phnum,
      flags: eflags,
      segments,
      loads: segments.filter((s) => s.type === PT_LOAD),
      interp,
      interpBytes,
      gnuStack,
      tls: tlsIdx >= 0 ? segments[tlsIdx]! : null,
      minVaddr: Number(minV),
      maxVaddr: Number(maxV),
      loadAlign: Number(loadAlign),
    },
  };
}

/** True when the file starts with "#!" (binfmt_script's test). */
export function isScript(file: Uint8Array): boolean {
  return file.length >= 2 && file[0] === 0x23 && file[1] === 0x21;
}
