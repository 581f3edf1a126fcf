// The vDSO: a tiny ELF shared object mapped into every process (AT_SYSINFO_EHDR).
// It exports what riscv64 Linux's vDSO exports, with version LINUX_4.15, so
// glibc's vDSO setup (dynamic section, hash tables, version check) accepts it.
// Most functions are the fallback Linux's own vDSO uses: make the system call
// and return. __vdso_riscv_hwprobe answers from the [vvar] data page like
// arch/riscv/kernel/vdso/hwprobe.c, so glibc's start-up probe never enters
// the kernel; it falls back to the system call for requests with flags or,
// were the cpus not all the same, for a cpu set. __vdso_rt_sigreturn is the signal return trampoline, "li a7, 139;
// ecall" at the symbol exactly, which unwinders recognise by its bytes.
import { NR } from '../syscalls/nr.js';
import { UTS_RELEASE } from '../version.js';
import { elfHash, gnuHash } from './elfhash.js';
import { Asm, REG } from './rvasm.js';
import { VVAR_SIZE, VVAR_HWPROBE_VALUES, VVAR_HWPROBE_HOMOGENEOUS } from './vvar.js';
import { RISCV_HWPROBE_MAX_KEY } from '../syscalls/hwprobe.js';

export interface Vdso {
  image: Uint8Array /* whole pages */;
  symbols: Record<string, number> /* offsets */;
}

export const VDSO_SONAME = 'linux-vdso.so.1';
export const VDSO_VERSION = 'LINUX_4.15';

const PAGE = 4096;
const A7 = 17,
  RA = 1;
const addi = (rd: number, rs1: number, imm: number) => (((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13) >>> 0;
const li = (rd: number, imm: number) => addi(rd, 0, imm);
const ECALL = 0x00000073;
const RET = ((0 << 20) | (RA << 15) | (0 << 12) | (0 << 7) | 0x67) >>> 0; // jalr x0, 0(ra)

/**
 * riscv_hwprobe(pairs a0, count a1, cpusetsize a2, cpus a3, flags a4) at image
 * offset `at`; the [vvar] pages sit VVAR_SIZE below the image.
 */
function hwprobeCode(at: number): number[] {
  const { zero, a0, a1, a2, a3, a4, a7, t0, t1, t2, t3, t4, t5 } = REG;
  const a = new Asm(at);
  a.branch('bne', a4, zero, 'syscall')
    .la(t0, -VVAR_SIZE)
    .or(t1, a2, a3)
    .branch('beq', t1, zero, 'fill') // all cpus
    .lbu(t2, t0, VVAR_HWPROBE_HOMOGENEOUS)
    .branch('beq', t2, zero, 'syscall')
    .label('fill')
    .addi(t0, t0, VVAR_HWPROBE_VALUES)
    .slli(t3, a1, 4)
    .add(t3, a0, t3)
    .li(t5, RISCV_HWPROBE_MAX_KEY)
    .label('loop')
    .branch('bgeu', a0, t3, 'done')
    .ld(t4, a0, 0)
    .branch('bltu', t5, t4, 'unknown') // unsigned: negative keys too
    .slli(t4, t4, 3)
    .add(t4, t0, t4)
    .ld(t4, t4, 0)
    .sd(t4, a0, 8)
    .addi(a0, a0, 16)
    .j('loop')
    .label('unknown')
    .li(t4, -1)
    .sd(t4, a0, 0)
    .sd(zero, a0, 8)
    .addi(a0, a0, 16)
    .j('loop')
    .label('done')
    .li(a0, 0)
    .ret()
    .label('syscall')
    .li(a7, NR.riscv_hwprobe)
    .ecall()
    .ret();
  return a.done();
}

const sys = (nr: number) => () => [li(A7, nr), ECALL, RET];
/** Exported functions in the order they sit in .text; each gets its image offset. */
const FUNCS: [string, (at: number) => number[]][] = [
  ['__vdso_rt_sigreturn', () => [li(A7, NR.rt_sigreturn), ECALL]],
  ['__vdso_gettimeofday', sys(NR.gettimeofday)],
  ['__vdso_clock_gettime', sys(NR.clock_gettime)],
  ['__vdso_clock_getres', sys(NR.clock_getres)],
  ['__vdso_getcpu', sys(NR.getcpu)],
  ['__vdso_flush_icache', sys(NR.riscv_flush_icache)],
  ['__vdso_riscv_hwprobe', hwprobeCode],
];

/** LINUX_VERSION_CODE of our release string ("6.12.0-..." -> 0x060c00). */
export function linuxVersionCode(release = UTS_RELEASE): number {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  if (!m) return 0;
  return (Number(m[1]) << 16) + (Number(m[2]) << 8) + Math.min(255, Number(m[3] ?? 0));
}

// ELF constants used below.
const SHT_PROGBITS = 1,
  SHT_STRTAB = 3,
  SHT_HASH = 5,
  SHT_DYNAMIC = 6,
  SHT_NOTE = 7,
  SHT_DYNSYM = 11;
const SHT_GNU_HASH = 0x6ffffff6,
  SHT_GNU_VERDEF = 0x6ffffffd,
  SHT_GNU_VERSYM = 0x6fffffff;
const SHF_ALLOC = 2,
  SHF_EXECINSTR = 4;
const DT_NULL = 0,
  DT_HASH = 4,
  DT_STRTAB = 5,
  DT_SYMTAB = 6,
  DT_STRSZ = 10,
  DT_SYMENT = 11,
  DT_SONAME = 14;
const DT_GNU_HASH = 0x6ffffef5,
  DT_VERSYM = 0x6ffffff0,
  DT_VERDEF = 0x6ffffffc,
  DT_VERDEFNUM = 0x6ffffffd;
const STB_GLOBAL = 1,
  STT_OBJECT = 1,
  STT_FUNC = 2,
  SHN_ABS = 0xfff1;
const PT_LOAD = 1,
  PT_DYNAMIC = 2,
  PT_NOTE = 4;
const EF_RISCV_FLOAT_ABI_DOUBLE = 4;

/** A growing little-endian byte image. */
class Image {
  buf = new Uint8Array(2 * PAGE);
  dv = new DataView(this.buf.buffer);
  len = 0;
  align(a: number): number {
    this.len = Math.ceil(this.len / a) * a;
    return this.len;
  }
  ensure(n: number) {
    if (this.len + n <= this.buf.length) return;
    const nb = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    nb.set(this.buf);
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }
  u8(v: number) {
    this.ensure(1);
    this.buf[this.len++] = v;
  }
  u16(v: number) {
    this.ensure(2);
    this.dv.setUint16(this.len, v, true);
    this.len += 2;
  }
  u32(v: number) {
    this.ensure(4);
    this.dv.setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }
  u64(v: number) {
    this.u32(v % 0x1_0000_0000);
    this.u32(Math.floor(v / 0x1_0000_0000));
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  set32(at: number, v: number) {
    this.dv.setUint32(at, v >>> 0, true);
  }
  set64(at: number, v: number) {
    this.set32(at, v % 0x1_0000_0000);
    this.set32(at + 4, Math.floor(v / 0x1_0000_0000));
  }
  set16(at: number, v: number) {
    this.dv.setUint16(at, v, true);
  }
}

/** A string table: offsets of NUL-terminated names, offset 0 is the empty string. */
class StrTab {
  parts: number[] = [0];
  offsets = new Map<string, number>([['', 0]]);
  add(s: string): number {
    let o = this.offsets.get(s);
    if (o === undefined) {
      o = this.parts.length;
      for (const c of new TextEncoder().encode(s)) this.parts.push(c);
      this.parts.push(0);
      this.offsets.set(s, o);
    }
    return o;
  }
  get bytes() {
    return Uint8Array.from(this.parts);
  }
}

interface Sym {
  name: string;
  value: number;
  size: number;
  info: number;
  shndx: number;
}

export function buildVdso(): Vdso {
  const TEXT_SHNDX = 9;
  const dynstr = new StrTab();
  const sonameOff = dynstr.add(VDSO_SONAME);
  const versionOff = dynstr.add(VDSO_VERSION);

  // Text layout first (it fixes symbol values); the code is placed after the
  // tables and encoded there, once its image offset is known.
  const textCode = (textOff: number) => {
    const code: number[] = [];
    const rel: { name: string; at: number; size: number }[] = [];
    for (const [name, gen] of FUNCS) {
      while (code.length % 4) code.push(0); // 16-byte aligned entry points
      const insns = gen(textOff + code.length * 4);
      rel.push({ name, at: code.length * 4, size: insns.length * 4 });
      code.push(...insns);
    }
    return { code, rel };
  };
  const textRel = textCode(0).rel;
  const nSyms = 1 + 1 + FUNCS.length; // null, the version symbol, functions

  // GNU hash: symbols after symoffset must be grouped by bucket.
  const NBUCKET = 3,
    SYMOFFSET = 1,
    BLOOM_WORDS = 1,
    BLOOM_SHIFT = 6;
  const pending: Sym[] = [
    { name: VDSO_VERSION, value: 0, size: 0, info: (STB_GLOBAL << 4) | STT_OBJECT, shndx: SHN_ABS },
    ...textRel.map((t) => ({ name: t.name, value: t.at /* fixed up below */, size: t.size, info: (STB_GLOBAL << 4) | STT_FUNC, shndx: TEXT_SHNDX })),
  ];
  pending.sort((a, b) => (gnuHash(a.name) % NBUCKET) - (gnuHash(b.name) % NBUCKET));
  const syms: Sym[] = [{ name: '', value: 0, size: 0, info: 0, shndx: 0 }, ...pending];
  for (const s of syms) dynstr.add(s.name);
  const strBytes = dynstr.bytes;

  const img = new Image();
  const PHNUM = 3;
  img.len = 64 + PHNUM * 56; // headers written last

  const sec: Record<string, { off: number; size: number }> = {};
  const begin = (name: string, align: number) => {
    sec[name] = { off: img.align(align), size: 0 };
  };
  const end = (name: string) => {
    sec[name]!.size = img.len - sec[name]!.off;
  };

  // .hash (SysV): nbucket, nchain, buckets, chains.
  begin('.hash', 8);
  {
    const buckets = new Array<number>(NBUCKET).fill(0),
      chain = new Array<number>(nSyms).fill(0);
    for (let i = 1; i < nSyms; i++) {
      const b = elfHash(syms[i]!.name) % NBUCKET;
      chain[i] = buckets[b]!;
      buckets[b] = i;
    }
    img.u32(NBUCKET);
    img.u32(nSyms);
    buckets.forEach((v) => img.u32(v));
    chain.forEach((v) => img.u32(v));
  }
  end('.hash');

  // .gnu.hash: header, bloom filter, buckets, hash chain with end-of-chain bit.
  begin('.gnu.hash', 8);
  {
    img.u32(NBUCKET);
    img.u32(SYMOFFSET);
    img.u32(BLOOM_WORDS);
    img.u32(BLOOM_SHIFT);
    const bloom = new Array<bigint>(BLOOM_WORDS).fill(0n);
    const buckets = new Array<number>(NBUCKET).fill(0);
    const chain: number[] = [];
    for (let i = SYMOFFSET; i < nSyms; i++) {
      const h = gnuHash(syms[i]!.name);
      const w = Math.floor(h / 64) % BLOOM_WORDS;
      bloom[w] = bloom[w]! | (1n << BigInt(h % 64)) | (1n << BigInt((h >>> BLOOM_SHIFT) % 64));
      const b = h % NBUCKET;
      if (buckets[b] === 0) buckets[b] = i;
      const last = i === nSyms - 1 || gnuHash(syms[i + 1]!.name) % NBUCKET !== b;
      chain.push(((h & ~1) | (last ? 1 : 0)) >>> 0);
    }
    for (const w of bloom) {
      img.u32(Number(w & 0xffffffffn));
      img.u32(Number(w >> 32n));
    }
    buckets.forEach((v) => img.u32(v));
    chain.forEach((v) => img.u32(v));
  }
  end('.gnu.hash');

  // .dynsym: values are patched once .text has its address.
  begin('.dynsym', 8);
  const symAt: number[] = [];
  for (const s of syms) {
    symAt.push(img.len);
    img.u32(dynstr.add(s.name));
    img.u8(s.info);
    img.u8(0);
    img.u16(s.shndx);
    img.u64(0);
    img.u64(s.size);
  }
  end('.dynsym');

  begin('.dynstr', 1);
  img.bytes(strBytes);
  end('.dynstr');

  // .gnu.version: every exported symbol is LINUX_4.15 (index 2).
  begin('.gnu.version', 2);
  syms.forEach((_, i) => img.u16(i === 0 ? 0 : 2));
  end('.gnu.version');

  // .gnu.version_d: the base definition (the soname) then LINUX_4.15.
  begin('.gnu.version_d', 8);
  {
    const VER_FLG_BASE = 1;
    const defs: [number, number, string, number][] = [
      [VER_FLG_BASE, 1, VDSO_SONAME, sonameOff],
      [0, 2, VDSO_VERSION, versionOff],
    ];
    defs.forEach(([flags, ndx, name, nameOff], i) => {
      img.u16(1);
      img.u16(flags);
      img.u16(ndx);
      img.u16(1);
      img.u32(elfHash(name));
      img.u32(20);
      img.u32(i === defs.length - 1 ? 0 : 28); // vd_aux, vd_next
      img.u32(nameOff);
      img.u32(0); // vda_name, vda_next
    });
  }
  end('.gnu.version_d');

  begin('.dynamic', 8);
  const dyn: [number, number][] = [
    [DT_SONAME, sonameOff],
    [DT_HASH, sec['.hash']!.off],
    [DT_GNU_HASH, sec['.gnu.hash']!.off],
    [DT_STRTAB, sec['.dynstr']!.off],
    [DT_SYMTAB, sec['.dynsym']!.off],
    [DT_STRSZ, strBytes.length],
    [DT_SYMENT, 24],
    [DT_VERDEF, sec['.gnu.version_d']!.off],
    [DT_VERDEFNUM, 2],
    [DT_VERSYM, sec['.gnu.version']!.off],
    [DT_NULL, 0],
  ];
  for (const [t, v] of dyn) {
    img.u64(t);
    img.u64(v);
  }
  end('.dynamic');

  // .note: the "Linux" note carrying LINUX_VERSION_CODE (type 0), as Linux's vDSO has.
  begin('.note', 4);
  img.u32(6);
  img.u32(4);
  img.u32(0);
  img.bytes(new TextEncoder().encode('Linux\0\0\0'));
  img.u32(linuxVersionCode());
  end('.note');

  begin('.text', 16);
  for (const w of textCode(sec['.text']!.off).code) img.u32(w);
  end('.text');
  const textOff = sec['.text']!.off;
  const symbols: Record<string, number> = {};
  syms.forEach((s, i) => {
    if (s.shndx !== TEXT_SHNDX) return;
    img.set64(symAt[i]! + 8, textOff + s.value);
    symbols[s.name] = textOff + s.value;
  });

  // Section headers, for readelf and objdump; not needed at run time.
  const shstr = new StrTab();
  const order = ['.hash', '.gnu.hash', '.dynsym', '.dynstr', '.gnu.version', '.gnu.version_d', '.dynamic', '.note', '.text'];
  order.forEach((n) => shstr.add(n));
  shstr.add('.shstrtab');
  begin('.shstrtab', 1);
  img.bytes(shstr.bytes);
  end('.shstrtab');
  const shoff = img.align(8);
  const DYNSYM = 3,
    DYNSTR = 4;
  const shdr = (name: string, type: number, flags: number, link: number, info: number, align: number, entsize: number, alloc = true) => {
    const s = sec[name]!;
    img.u32(shstr.add(name));
    img.u32(type);
    img.u64(flags);
    img.u64(alloc ? s.off : 0);
    img.u64(s.off);
    img.u64(s.size);
    img.u32(link);
    img.u32(info);
    img.u64(align);
    img.u64(entsize);
  };
  for (let i = 0; i < 64; i++) img.u8(0); // SHN_UNDEF
  shdr('.hash', SHT_HASH, SHF_ALLOC, DYNSYM, 0, 8, 4);
  shdr('.gnu.hash', SHT_GNU_HASH, SHF_ALLOC, DYNSYM, 0, 8, 0);
  shdr('.dynsym', SHT_DYNSYM, SHF_ALLOC, DYNSTR, 1, 8, 24);
  shdr('.dynstr', SHT_STRTAB, SHF_ALLOC, 0, 0, 1, 0);
  shdr('.gnu.version', SHT_GNU_VERSYM, SHF_ALLOC, DYNSYM, 0, 2, 2);
  shdr('.gnu.version_d', SHT_GNU_VERDEF, SHF_ALLOC, DYNSTR, 2, 8, 0);
  shdr('.dynamic', SHT_DYNAMIC, SHF_ALLOC, DYNSTR, 0, 8, 16);
  shdr('.note', SHT_NOTE, SHF_ALLOC, 0, 0, 4, 0);
  shdr('.text', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, 0, 16, 0);
  shdr('.shstrtab', SHT_STRTAB, 0, 0, 0, 1, 0, false);
  const shnum = 11;
  const total = Math.ceil(img.len / PAGE) * PAGE;
  img.ensure(total - img.len);

  // ELF header.
  const e = img;
  e.buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  e.set16(16, 3);
  e.set16(18, 243);
  e.set32(20, 1);
  e.set64(24, textOff);
  e.set64(32, 64);
  e.set64(40, shoff);
  e.set32(48, EF_RISCV_FLOAT_ABI_DOUBLE);
  e.set16(52, 64);
  e.set16(54, 56);
  e.set16(56, PHNUM);
  e.set16(58, 64);
  e.set16(60, shnum);
  e.set16(62, shnum - 1);
  // Program headers: one R+X PT_LOAD over the whole image, PT_DYNAMIC and PT_NOTE read-only.
  const phdr = (i: number, type: number, flags: number, off: number, size: number, align: number) => {
    const o = 64 + i * 56;
    e.set32(o, type);
    e.set32(o + 4, flags);
    e.set64(o + 8, off);
    e.set64(o + 16, off);
    e.set64(o + 24, off);
    e.set64(o + 32, size);
    e.set64(o + 40, size);
    e.set64(o + 48, align);
  };
  phdr(0, PT_LOAD, 5, 0, total, PAGE);
  phdr(1, PT_DYNAMIC, 4, sec['.dynamic']!.off, sec['.dynamic']!.size, 8);
  phdr(2, PT_NOTE, 4, sec['.note']!.off, sec['.note']!.size, 4);

  return { image: e.buf.slice(0, total), symbols };
}
