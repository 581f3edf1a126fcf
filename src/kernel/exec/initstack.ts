// The initial user stack of a new program, laid out byte for byte as Linux's
// exec builds it on riscv64 (fs/exec.c copies the strings, binfmt_elf's
// create_elf_tables adds the rest). From the top of the stack down:
//
//   8 zero bytes                      bprm->p starts one pointer below the top
//   execfn string                     copy_string_kernel(bprm->filename)
//   envp strings, argv strings        copy_strings, last string first
//   (arch_align_stack: optional jitter, then 16-byte alignment)
//   platform string (if any)          riscv's ELF_PLATFORM is NULL: normally none
//   16 random bytes                   AT_RANDOM
//   (padding up to 15 bytes)
//   auxv pairs ... AT_NULL
//   NULL, envp[], NULL, argv[], argc  <- sp, 16-byte aligned

export const AT = {
  NULL: 0,
  IGNORE: 1,
  EXECFD: 2,
  PHDR: 3,
  PHENT: 4,
  PHNUM: 5,
  PAGESZ: 6,
  BASE: 7,
  FLAGS: 8,
  ENTRY: 9,
  NOTELF: 10,
  UID: 11,
  EUID: 12,
  GID: 13,
  EGID: 14,
  PLATFORM: 15,
  HWCAP: 16,
  CLKTCK: 17,
  SECURE: 23,
  BASE_PLATFORM: 24,
  RANDOM: 25,
  HWCAP2: 26,
  RSEQ_FEATURE_SIZE: 27,
  RSEQ_ALIGN: 28,
  HWCAP3: 29,
  HWCAP4: 30,
  EXECFN: 31,
  SYSINFO_EHDR: 33,
  // riscv's asm/auxvec.h: cache geometry, always present in ARCH_DLINFO (0 when unknown).
  L1I_CACHESIZE: 40,
  L1I_CACHEGEOMETRY: 41,
  L1D_CACHESIZE: 42,
  L1D_CACHEGEOMETRY: 43,
  L2_CACHESIZE: 44,
  L2_CACHEGEOMETRY: 45,
  L3_CACHESIZE: 46,
  L3_CACHEGEOMETRY: 47,
  MINSIGSTKSZ: 51,
} as const;

export interface AuxEntry {
  type: number;
  value: number;
}

export interface StackLayout {
  bytes: Uint8Array;
  base: number;
  sp: number;
  argvAddr: number;
  envpAddr: number;
  auxvAddr: number;
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
  /** Where the strings and random bytes landed (what AT_EXECFN, AT_RANDOM, AT_PLATFORM point at). */
  execfnAddr: number;
  randomAddr: number;
  platformAddr: number;
  /** The final auxiliary vector, AT_NULL included: mm->saved_auxv, what /proc/PID/auxv shows. */
  auxv: AuxEntry[];
}

export interface InitialStackOptions {
  stackTop: number;
  argv: Uint8Array[];
  envp: Uint8Array[];
  execfn: Uint8Array;
  /** AT_PLATFORM string; Linux on riscv has none (ELF_PLATFORM is NULL), so pass null to match it. */
  platform: string | null;
  random: Uint8Array /* 16 bytes */;
  auxv: AuxEntry[] /* without AT_EXECFN, AT_PLATFORM, AT_RANDOM, AT_NULL */;
  /** Bytes riscv's arch_align_stack subtracts before aligning (Linux: random below PAGE_SIZE, 0 with ADDR_NO_RANDOMIZE). */
  alignJitter?: number;
}

// Position of each entry type in create_elf_tables' sequence. ARCH_DLINFO
// (riscv: SYSINFO_EHDR, the cache entries, MINSIGSTKSZ or IGNORE) comes first.
const ORDER: number[] = [
  AT.SYSINFO_EHDR,
  AT.L1I_CACHESIZE,
  AT.L1I_CACHEGEOMETRY,
  AT.L1D_CACHESIZE,
  AT.L1D_CACHEGEOMETRY,
  AT.L2_CACHESIZE,
  AT.L2_CACHEGEOMETRY,
  AT.L3_CACHESIZE,
  AT.L3_CACHEGEOMETRY,
  AT.MINSIGSTKSZ,
  AT.HWCAP,
  AT.PAGESZ,
  AT.CLKTCK,
  AT.PHDR,
  AT.PHENT,
  AT.PHNUM,
  AT.BASE,
  AT.FLAGS,
  AT.ENTRY,
  AT.UID,
  AT.EUID,
  AT.GID,
  AT.EGID,
  AT.SECURE,
  AT.RANDOM,
  AT.HWCAP2,
  AT.HWCAP3,
  AT.HWCAP4,
  AT.EXECFN,
  AT.PLATFORM,
  AT.BASE_PLATFORM,
  AT.EXECFD,
  AT.RSEQ_FEATURE_SIZE,
  AT.RSEQ_ALIGN,
];
function rank(type: number): number {
  if (type === AT.IGNORE) return ORDER.indexOf(AT.MINSIGSTKSZ); // riscv's stand-in for MINSIGSTKSZ
  const i = ORDER.indexOf(type);
  return i < 0 ? ORDER.length : i;
}

/** Put the caller's entries and ours in Linux's order (stable for equal ranks). */
export function orderAuxv(entries: AuxEntry[]): AuxEntry[] {
  return entries
    .map((e, i) => ({ e, i, r: rank(e.type) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.e);
}

/** A C string's bytes: up to the first NUL, as strnlen_user would see it. */
function cstr(s: Uint8Array): Uint8Array {
  const z = s.indexOf(0);
  return z < 0 ? s : s.subarray(0, z);
}

export function buildInitialStack(opts: InitialStackOptions): StackLayout {
  const top = opts.stackTop;
  const argv = opts.argv.map(cstr),
    envp = opts.envp.map(cstr);
  const execfn = cstr(opts.execfn);
  // Strings, top down (the order copy_strings produces).
  let p = top - 8;
  const execfnAddr = (p -= execfn.length + 1);
  const envAddrs: number[] = new Array(envp.length);
  for (let i = envp.length - 1; i >= 0; i--) envAddrs[i] = p -= envp[i]!.length + 1;
  const argAddrs: number[] = new Array(argv.length);
  for (let i = argv.length - 1; i >= 0; i--) argAddrs[i] = p -= argv[i]!.length + 1;
  const argStart = p;
  const envStart = envp.length ? envAddrs[0]! : execfnAddr;

  // create_elf_tables.
  p -= Math.max(0, Math.floor(opts.alignJitter ?? 0));
  p -= p % 16;
  const platform = opts.platform ? new TextEncoder().encode(opts.platform) : null;
  const platformAddr = platform ? (p -= platform.length + 1) : 0;
  const randomAddr = (p -= 16);
  const ours: AuxEntry[] = [
    { type: AT.RANDOM, value: randomAddr },
    { type: AT.EXECFN, value: execfnAddr },
  ];
  if (platform) ours.push({ type: AT.PLATFORM, value: platformAddr });
  const mine = new Set<number>([AT.RANDOM, AT.EXECFN, AT.PLATFORM, AT.NULL]);
  const auxv = orderAuxv([...opts.auxv.filter((e) => !mine.has(e.type)), ...ours]);
  auxv.push({ type: AT.NULL, value: 0 });
  const auxWords = auxv.length * 2;
  const items = argv.length + 1 + envp.length + 1 + 1;
  // STACK_ROUND: room for the auxv and the pointer block, rounded down to 16.
  const below = p - auxWords * 8 - items * 8;
  const sp = below - (below % 16);

  const base = sp;
  const bytes = new Uint8Array(top - base);
  const dv = new DataView(bytes.buffer);
  const put = (addr: number, v: number) => {
    const o = addr - base;
    dv.setUint32(o, v % 0x1_0000_0000, true);
    dv.setUint32(o + 4, Math.floor(v / 0x1_0000_0000) % 0x1_0000_0000, true);
  };
  const str = (addr: number, s: Uint8Array) => bytes.set(s, addr - base); // the NUL is already zero
  str(execfnAddr, execfn);
  envp.forEach((s, i) => str(envAddrs[i]!, s));
  argv.forEach((s, i) => str(argAddrs[i]!, s));
  if (platform) str(platformAddr, platform);
  bytes.set(opts.random.subarray(0, 16), randomAddr - base);

  let w = sp;
  put(w, argv.length);
  w += 8;
  const argvAddr = w;
  for (const a of argAddrs) {
    put(w, a);
    w += 8;
  }
  w += 8;
  const envpAddr = w;
  for (const a of envAddrs) {
    put(w, a);
    w += 8;
  }
  w += 8;
  const auxvAddr = w;
  for (const e of auxv) {
    put(w, e.type);
    put(w + 8, e.value);
    w += 16;
  }

  return {
    bytes,
    base,
    sp,
    argvAddr,
    envpAddr,
    auxvAddr,
    argStart,
    argEnd: envStart,
    envStart,
    envEnd: execfnAddr,
    execfnAddr,
    randomAddr,
    platformAddr,
    auxv,
  };
}
