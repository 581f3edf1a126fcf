// The ELF core file of a process (fs/binfmt_elf.c's elf_core_dump for
// riscv64): an ET_CORE header, a PT_NOTE segment, then one PT_LOAD per vma.
// The notes come in Linux's order: for the dumping thread NT_PRSTATUS,
// NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE, NT_PRFPREG; then NT_PRSTATUS and
// NT_PRFPREG of each other thread. A vma's contents are dumped as
// /proc/PID/coredump_filter's default (0x33) asks: anonymous memory, private
// file mappings that were writable (their pages may differ from the file),
// and the first page of a mapped ELF file (its header); a read-only file
// mapping is a PT_LOAD with no bytes in the file.
import type { Task } from '../sched/task.js';
import type { SigInfo } from '../signal/signals.js';
import { writeSigInfo } from '../signal/siginfo.js';
import type { Vma } from '../mm/vma.js';
import { PAGE_SIZE } from '../mm/layout.js';

const ET_CORE = 4,
  EM_RISCV = 243,
  PT_LOAD = 1,
  PT_NOTE = 4,
  PF_X = 1,
  PF_W = 2,
  PF_R = 4;
const NT_PRSTATUS = 1,
  NT_PRFPREG = 2,
  NT_PRPSINFO = 3,
  NT_AUXV = 6,
  NT_SIGINFO = 0x53494749,
  NT_FILE = 0x46494c45;
/** EF_RISCV_FLOAT_ABI_DOUBLE | EF_RISCV_RVC: the flags of the executables this kernel runs (lp64d, C). */
const ELF_FLAGS = 0x5;
const EHDR_SIZE = 64,
  PHDR_SIZE = 56;
/** sizeof(struct elf_prstatus), sizeof(struct elf_prpsinfo), of the F/D state (f[32], fcsr) on riscv64. */
const PRSTATUS_SIZE = 376,
  PRPSINFO_SIZE = 136,
  FPREGSET_SIZE = 264;

/** What the file holds: its bytes in order, a run of zeros as a length (a hole, dump_skip). */
export type CoreChunk = Uint8Array | number;

const align4 = (n: number) => (n + 3) & ~3;

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const nameLen = name.length + 1;
  const out = new Uint8Array(12 + align4(nameLen) + align4(desc.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, nameLen, true);
  dv.setUint32(4, desc.length, true);
  dv.setUint32(8, type, true);
  for (let i = 0; i < name.length; i++) out[12 + i] = name.charCodeAt(i);
  out.set(desc, 12 + align4(nameLen));
  return out;
}

const u64 = (dv: DataView, off: number, v: number | bigint) =>
  dv.setBigUint64(off, BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v))), true);

function timeval(dv: DataView, off: number, ns: number): void {
  u64(dv, off, Math.floor(ns / 1e9));
  u64(dv, off + 8, Math.floor((ns % 1e9) / 1000));
}

/** struct elf_prstatus: the signal, ids, times and general registers (pc, then x1..x31). */
function prstatus(t: Task, sig: number): Uint8Array {
  const b = new Uint8Array(PRSTATUS_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, sig, true);
  dv.setInt16(12, sig, true);
  u64(dv, 16, t.tg.pending | t.pending);
  u64(dv, 24, t.blocked);
  dv.setInt32(32, t.pid, true);
  dv.setInt32(36, t.tg.parent?.tgid ?? 0, true);
  dv.setInt32(40, t.tg.pgid, true);
  dv.setInt32(44, t.tg.sid, true);
  timeval(dv, 48, t.utime);
  timeval(dv, 64, t.stime);
  const c = t.ctx;
  u64(dv, 112, c.pc);
  for (let i = 1; i < 32; i++) {
    dv.setInt32(112 + i * 8, c.xl[i], true);
    dv.setInt32(112 + i * 8 + 4, c.xh[i], true);
  }
  dv.setInt32(368, 1, true); // pr_fpvalid: an NT_PRFPREG follows
  return b;
}

/** struct __riscv_d_ext_state: f0..f31, then fcsr (frm << 5 | fflags). */
function fpregset(t: Task): Uint8Array {
  const b = new Uint8Array(FPREGSET_SIZE);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 64; i++) dv.setInt32(i * 4, t.ctx.fbits[i], true);
  dv.setUint32(256, ((t.ctx.frm & 7) << 5) | (t.ctx.fflags & 0x1f), true);
  return b;
}

/** struct elf_prpsinfo: state, nice, ids, comm and the first 80 bytes of the command line. */
function prpsinfo(t: Task): Uint8Array {
  const b = new Uint8Array(PRPSINFO_SIZE);
  const dv = new DataView(b.buffer);
  // The dumping task is running: state 0, 'R'.
  b[1] = 'R'.charCodeAt(0);
  dv.setInt8(3, t.nice);
  u64(dv, 8, 0x40); // PF_DUMPCORE, as the task's flags read while it dumps
  dv.setUint32(16, t.cred.uid, true);
  dv.setUint32(20, t.cred.gid, true);
  dv.setInt32(24, t.tg.tgid, true);
  dv.setInt32(28, t.tg.parent?.tgid ?? 0, true);
  dv.setInt32(32, t.tg.pgid, true);
  dv.setInt32(36, t.tg.sid, true);
  for (let i = 0; i < Math.min(15, t.comm.length); i++) b[40 + i] = t.comm.charCodeAt(i) & 0xff;
  const mm = t.mm;
  const len = Math.min(79, Math.max(0, mm.argEnd - mm.argStart));
  const args = len ? mm.read(mm.argStart, len) : null;
  if (args) for (let i = 0; i < args.length; i++) b[56 + i] = args[i] === 0 ? 0x20 : args[i];
  // The last argument's NUL is not turned into a space.
  if (args && len === mm.argEnd - mm.argStart && len > 0) b[56 + len - 1] = 0;
  return b;
}

function siginfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(128);
  writeSigInfo(new DataView(b.buffer), 0, info);
  return b;
}

/** NT_FILE: the file mappings, as (start, end, offset in pages) and then their names. */
function fileNote(files: { v: Vma; name: string }[]): Uint8Array {
  const names = files.map((f) => new TextEncoder().encode(f.name + '\0'));
  const head = 16 + files.length * 24;
  const b = new Uint8Array(head + names.reduce((n, x) => n + x.length, 0));
  const dv = new DataView(b.buffer);
  u64(dv, 0, files.length);
  u64(dv, 8, PAGE_SIZE);
  files.forEach((f, i) => {
    u64(dv, 16 + i * 24, f.v.start);
    u64(dv, 24 + i * 24, f.v.end);
    u64(dv, 32 + i * 24, Math.floor(f.v.offset / PAGE_SIZE));
  });
  let o = head;
  for (const n of names) {
    b.set(n, o);
    o += n.length;
  }
  return b;
}

/** vma_dump_size under the default coredump_filter. */
function dumpSize(t: Task, v: Vma): number {
  if (!v.file) return v.end - v.start;
  if (v.shared) return 0;
  // A private file mapping that could be written may hold anonymous copies of its pages.
  if (v.mayWrite && v.prot & 2) return v.end - v.start;
  if (v.offset === 0 && v.prot & 1) {
    const magic = t.mm.read(v.start, 4);
    if (magic && magic[0] === 0x7f && magic[1] === 0x45 && magic[2] === 0x4c && magic[3] === 0x46) return PAGE_SIZE;
  }
  return 0;
}

/** The core file's contents, in order. */
export function elfCoreDump(t: Task, sig: number, info: SigInfo): CoreChunk[] {
  const vmas = t.mm.vmas.filter((v) => v.end > v.start);
  // Special mappings ([vdso]) name themselves and are no file's.
  const files = vmas.filter((v) => v.file && !v.name).map((v) => ({ v, name: v.file!.path }));
  const auxv = t.mm.savedAuxv;
  const notes: Uint8Array[] = [
    note('CORE', NT_PRSTATUS, prstatus(t, sig)),
    note('CORE', NT_PRPSINFO, prpsinfo(t)),
    note('CORE', NT_SIGINFO, siginfo(info)),
    note('CORE', NT_AUXV, auxv),
    note('CORE', NT_FILE, fileNote(files)),
    note('CORE', NT_PRFPREG, fpregset(t)),
  ];
  for (const o of t.tg.tasks) {
    if (o === t || o.state === 'Z' || o.state === 'X') continue;
    notes.push(note('CORE', NT_PRSTATUS, prstatus(o, 0)), note('CORE', NT_PRFPREG, fpregset(o)));
  }
  const notesSize = notes.reduce((n, x) => n + x.length, 0);
  const phnum = 1 + vmas.length;
  const hdrSize = EHDR_SIZE + phnum * PHDR_SIZE;
  // Segment data starts page-aligned after the headers and notes (ELF_EXEC_PAGESIZE).
  const dataOff = Math.ceil((hdrSize + notesSize) / PAGE_SIZE) * PAGE_SIZE;
  const head = new Uint8Array(hdrSize);
  const dv = new DataView(head.buffer);
  head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // ELFCLASS64, little-endian, EV_CURRENT, ELFOSABI_NONE
  dv.setUint16(16, ET_CORE, true);
  dv.setUint16(18, EM_RISCV, true);
  dv.setUint32(20, 1, true);
  u64(dv, 32, EHDR_SIZE);
  dv.setUint32(48, ELF_FLAGS, true);
  dv.setUint16(52, EHDR_SIZE, true);
  dv.setUint16(54, PHDR_SIZE, true);
  dv.setUint16(56, phnum, true);
  dv.setUint16(58, 64, true); // e_shentsize, with no section headers
  let ph = EHDR_SIZE;
  dv.setUint32(ph, PT_NOTE, true);
  u64(dv, ph + 8, hdrSize);
  u64(dv, ph + 32, notesSize);
  ph += PHDR_SIZE;
  let off = dataOff;
  const sizes = vmas.map((v) => dumpSize(t, v));
  vmas.forEach((v, i) => {
    dv.setUint32(ph, PT_LOAD, true);
    dv.setUint32(ph + 4, (v.prot & 1 ? PF_R : 0) | (v.prot & 2 ? PF_W : 0) | (v.prot & 4 ? PF_X : 0), true);
    u64(dv, ph + 8, off);
    u64(dv, ph + 16, v.start);
    u64(dv, ph + 32, sizes[i]);
    u64(dv, ph + 40, v.end - v.start);
    u64(dv, ph + 48, PAGE_SIZE);
    off += sizes[i];
    ph += PHDR_SIZE;
  });
  const out: CoreChunk[] = [head, ...notes, dataOff - hdrSize - notesSize];
  vmas.forEach((v, i) => {
    for (let a = v.start; a < v.start + sizes[i]; a += PAGE_SIZE) {
      // A page that cannot be read (PROT_NONE, beyond a file's end) is a hole, as get_dump_page leaves it.
      const page = v.prot & 1 ? t.mm.read(a, PAGE_SIZE) : null;
      out.push(page && page.some((x) => x !== 0) ? page : PAGE_SIZE);
    }
  });
  return out;
}
