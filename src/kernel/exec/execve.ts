// execve: replace a task's program. Scripts go through their #! interpreter;
// ELF images are mapped the way Linux's binfmt_elf maps them (segments from
// the file, bss as anonymous memory, the interpreter for dynamic programs),
// then the stack gets argv, envp and the auxiliary vector.
import { bprmCaps, parseFileCaps, XATTR_NAME_CAPS } from '../security/commoncap.js';
import type { Cred } from '../sched/task.js';
import { exitItimers } from '../time/posix-timers.js';
import { ptraceExec } from '../ptrace/ptrace.js';
import { RSEQ_FEATURE_SIZE, RSEQ_ALIGN } from '../sched/rseq.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import { deThread } from '../sched/exit.js';
import { mmRelease } from '../futex/robust.js';
import { Mm, pageDown, pageUp, PAGE_SIZE, STACK_TOP, TASK_SIZE } from '../mm/mm.js';
import { PROT_READ, PROT_WRITE, PROT_EXEC, type MapSource } from '../mm/vma.js';
import { EACCES, ENOMEM, ELOOP, E2BIG, ENOENT, ETXTBSY } from '../errno.js';
import { isDir, isReg, type Inode } from '../fs/inode.js';
import type { Path } from '../fs/mount.js';
import { File } from '../fs/file.js';
import { parseElf, isScript, parseShebang, type ElfImage } from './elf.js';
import { buildInitialStack, AT, type AuxEntry } from './initstack.js';
import { vdsoImage } from './vdso-map.js';
import { vvarImage, VVAR_SIZE } from './vvar.js';
import { dPath } from '../fs/namei.js';
import { TmpfsFile } from '../fs/tmpfs.js';
import { mmapRegion, unmappedArea } from '../mm/mmap.js';

/** Linux's ELF_ET_DYN_BASE for sv39: two thirds of the address space. */
export const ELF_ET_DYN_BASE = pageDown(Math.floor((TASK_SIZE / 3) * 2));
/** rv64imafdc in AT_HWCAP: one bit per extension letter. */
export const HWCAP_RV64GC = [...'IMAFDC'].reduce((a, c) => a | (1 << (c.charCodeAt(0) - 65)), 0);
const STACK_INITIAL = 128 * 1024;
const enc = new TextEncoder();
const dec = new TextDecoder('latin1');

interface Loaded {
  path: Path;
  inode: Inode;
  data: Uint8Array;
}

/**
 * The most of a disk file read for the ELF and #! parsers. i_size comes from
 * the disk, so a damaged inode could claim any size: the read is bounded
 * (the segments themselves are mapped through readAt, page by page).
 */
const EXEC_READ_MAX = 64 << 20;

function fileBytes(inode: Inode): Uint8Array {
  if (inode instanceof TmpfsFile) return inode.contents();
  const out = new Uint8Array(Math.max(0, Math.min(inode.size, EXEC_READ_MAX)));
  inode.readAt(0, out);
  return out;
}

function openExec(k: Kernel, t: Task, path: Uint8Array | string): Loaded | number {
  const p = k.vfs.resolve(t, -100, path, true);
  if (typeof p === 'number') return p;
  const inode = p.dentry.inode;
  if (isDir(inode.mode)) return -EACCES;
  if (!isReg(inode.mode)) return -EACCES;
  if (p.mnt.flags.includes('noexec')) return -EACCES;
  const perm = inode.permission(1, { fsuid: t.cred.fsuid, fsgid: t.cred.fsgid, groups: t.cred.groups, capEff: t.cred.capEff });
  if (perm < 0) return perm;
  // do_open_execat's deny_write_access: a file someone has open for writing does not run.
  if (inode.writecount > 0) return -ETXTBSY;
  return { path: p, inode, data: fileBytes(inode) };
}

/**
 * The credential after exec (bprm_fill_uid, then cap_bprm_creds_from_file): a
 * set-user-ID or set-group-ID file takes its owner's ids unless no_new_privs,
 * a nosuid mount or a tracer forbids it; the capability sets follow capabilities(7).
 */
const S_ISUID = 0o4000,
  S_ISGID = 0o2000;

function execCred(t: Task, file: Loaded): { cred: Cred; secure: boolean } {
  const c = t.cred.clone();
  const inode = file.inode;
  if (!t.noNewPrivs && !t.ptrace && !file.path.mnt.flags.includes('nosuid')) {
    if (inode.mode & S_ISUID) c.euid = inode.uid;
    // Set-group-ID without group execute marks mandatory locking, never a group change.
    if (inode.mode & S_ISGID && inode.mode & 0o010) c.egid = inode.gid;
  }
  const fcaps = t.noNewPrivs ? null : parseFileCaps(inode.xattrs?.get(XATTR_NAME_CAPS));
  const secure = bprmCaps(c, fcaps);
  return { cred: c, secure };
}

function mapSource(inode: Inode, path: string): MapSource {
  return { mapping: inode.mapping, readAt: (off, dst) => inode.readAt(off, dst), size: () => inode.size, dev: inode.sb.dev, ino: inode.ino, path };
}

/** Map the PT_LOAD segments of img at bias; returns the end of the highest segment. */
function mapSegments(mm: Mm, img: ElfImage, src: MapSource, bias: number): number | string {
  let end = 0;
  for (const s of img.loads) {
    if (s.memsz === 0) continue;
    const prot = (s.flags & 4 ? PROT_READ : 0) | (s.flags & 2 ? PROT_WRITE : 0) | (s.flags & 1 ? PROT_EXEC : 0);
    const va = s.vaddr + bias;
    const start = pageDown(va);
    const fileEnd = va + s.filesz;
    const mapEnd = pageUp(fileEnd);
    if (s.filesz > 0) {
      const r = mmapRegion(
        mm,
        start,
        mapEnd - start,
        {
          prot,
          shared: false,
          file: src,
          offset: s.offset - (va - start),
          // Only a segment with bss zeroes the rest of its last file page (binfmt_elf's padzero).
          zeroFrom: s.memsz > s.filesz ? fileEnd : Infinity,
        },
        'fixed',
      );
      if (r < 0) return 'map';
    }
    const memEnd = pageUp(va + s.memsz);
    const anonStart = s.filesz > 0 ? mapEnd : start;
    if (memEnd > anonStart) {
      const r = mmapRegion(mm, anonStart, memEnd - anonStart, { prot, shared: false }, 'fixed');
      if (r < 0) return 'map';
    }
    end = Math.max(end, va + s.memsz);
  }
  return end;
}

function totalSpan(img: ElfImage): number {
  return img.maxVaddr - img.minVaddr;
}

/** Count nested interpreters (#! of #!) as Linux does: at most 4 levels more. */
export function execve(k: Kernel, t: Task, path: Uint8Array, argv: Uint8Array[], envp: Uint8Array[], depth = 0): number {
  // exec_binprm: at most five interpreter rewrites (#! chains of five scripts end in their ELF; six are ELOOP).
  if (depth > 5) return -ELOOP;
  const file = openExec(k, t, path);
  if (typeof file === 'number') return file;
  const data = file.data;
  if (isScript(data)) {
    const sb = parseShebang(data);
    if ('errno' in sb) return -sb.errno;
    const nargv: Uint8Array[] = [enc.encode(sb.interp)];
    if (sb.arg !== null) nargv.push(enc.encode(sb.arg));
    nargv.push(path, ...argv.slice(1));
    const r = execve(k, t, enc.encode(sb.interp), nargv, envp, depth + 1);
    return r === -ENOENT && depth === 0 ? -ENOENT : r;
  }
  const parsed = parseElf(data, data.length);
  if (!parsed.ok) return parsed.late ? EXEC_KILLED : -parsed.errno;
  const img = parsed.image;
  let interp: Loaded | null = null;
  let interpImg: ElfImage | null = null;
  if (img.interp) {
    const li = openExec(k, t, img.interp);
    if (typeof li === 'number') return li === -EACCES ? -EACCES : li;
    const pi = parseElf(li.data, li.data.length, { interpreter: true });
    if (!pi.ok) return pi.late ? EXEC_KILLED : -pi.errno;
    interp = li;
    interpImg = pi.image;
  }
  // Linux gives a program started with an empty argv an argv[0] of "".
  if (argv.length === 0) argv = [new Uint8Array(0)];
  const argBytes = [...argv, ...envp].reduce((n, a) => n + a.length + 1, 0);
  if (argBytes > 2 * 1024 * 1024) return -E2BIG;

  // Build the new address space before the point of no return.
  const mm = Mm.create(k.pages, k.tlb);
  if (!mm) return -ENOMEM;
  const exePath = dPath(file.path, k.vfs.root);
  const src = mapSource(file.inode, exePath);
  const bias = img.type === 3 ? ELF_ET_DYN_BASE - pageDown(img.minVaddr) : 0;
  const end = mapSegments(mm, img, src, bias);
  if (typeof end === 'string') {
    mm.release();
    return EXEC_KILLED;
  }
  mm.brkStart = mm.brk = pageUp(end);
  let interpBase = 0;
  let entry = img.entry + bias;
  if (interp && interpImg) {
    const span = pageUp(totalSpan(interpImg));
    const base = unmappedArea(mm, span);
    if (base < 0) {
      mm.release();
      return -ENOMEM;
    }
    interpBase = base - pageDown(interpImg.minVaddr);
    const r = mapSegments(mm, interpImg, mapSource(interp.inode, dPath(interp.path, k.vfs.root)), interpBase);
    if (typeof r === 'string') {
      mm.release();
      return EXEC_KILLED;
    }
    entry = interpImg.entry + interpBase;
  }
  // The stack, then the vDSO just below the mmap base.
  const stackVma = mmapRegion(
    mm,
    STACK_TOP - STACK_INITIAL,
    STACK_INITIAL,
    { prot: PROT_READ | PROT_WRITE | (img.gnuStack && img.gnuStack.flags & 1 ? PROT_EXEC : 0), shared: false, name: '[stack]', growsDown: true },
    'fixed',
  );
  if (stackVma < 0) {
    mm.release();
    return -ENOMEM;
  }
  // [vvar] then [vdso] right above it: the vDSO's code finds its data at a fixed distance.
  const vdso = vdsoImage();
  const special = (name: string, bytes: Uint8Array) => ({
    readAt: (off: number, dst: Uint8Array) => {
      dst.fill(0);
      dst.set(bytes.subarray(off, off + dst.length));
    },
    dev: 0,
    ino: 0,
    path: name,
  });
  const vvarBase = unmappedArea(mm, VVAR_SIZE + vdso.image.length);
  if (vvarBase < 0) {
    mm.release();
    return -ENOMEM;
  }
  const vvar = mmapRegion(
    mm,
    vvarBase,
    VVAR_SIZE,
    { prot: PROT_READ, shared: false, name: '[vvar]', mayWrite: false, file: special('[vvar]', vvarImage()), offset: 0 },
    'fixed',
  );
  const vdsoBase = mmapRegion(
    mm,
    vvarBase + VVAR_SIZE,
    vdso.image.length,
    { prot: PROT_READ | PROT_EXEC, shared: false, name: '[vdso]', file: special('[vdso]', vdso.image), offset: 0 },
    'fixed',
  );
  if (vvar < 0 || vdsoBase < 0) {
    mm.release();
    return -ENOMEM;
  }
  mm.vdso = vdsoBase;

  const phdr = phdrAddr(img) + bias;
  const random = new Uint8Array(16);
  k.host.random(random);
  const { cred: nc, secure } = execCred(t, file);
  const cred = { cred: nc, secure, uid: nc.uid, euid: nc.euid, gid: nc.gid, egid: nc.egid };
  const auxv: AuxEntry[] = [
    { type: AT.SYSINFO_EHDR, value: vdsoBase },
    { type: AT.MINSIGSTKSZ, value: 2048 },
    { type: AT.HWCAP, value: HWCAP_RV64GC },
    { type: AT.PAGESZ, value: PAGE_SIZE },
    { type: AT.CLKTCK, value: 100 },
    { type: AT.PHDR, value: phdr },
    { type: AT.PHENT, value: 56 },
    { type: AT.PHNUM, value: img.phnum },
    { type: AT.BASE, value: interp ? interpBase + pageDown(interpImg!.minVaddr) : 0 },
    { type: AT.FLAGS, value: 0 },
    { type: AT.ENTRY, value: img.entry + bias },
    { type: AT.UID, value: cred.uid },
    { type: AT.EUID, value: cred.euid },
    { type: AT.GID, value: cred.gid },
    { type: AT.EGID, value: cred.egid },
    { type: AT.SECURE, value: cred.secure ? 1 : 0 },
    { type: AT.RSEQ_FEATURE_SIZE, value: RSEQ_FEATURE_SIZE },
    { type: AT.RSEQ_ALIGN, value: RSEQ_ALIGN },
  ];
  const layout = buildInitialStack({ stackTop: STACK_TOP, argv, envp, execfn: path, platform: null, random, auxv });
  if (layout.base < STACK_TOP - STACK_INITIAL) {
    mm.release();
    return -E2BIG;
  }
  if (!mm.write(layout.base, layout.bytes)) {
    mm.release();
    return -ENOMEM;
  }
  mm.startStack = layout.sp;
  mm.argStart = layout.argStart;
  mm.savedAuxv = savedAuxv(layout.bytes, layout.auxvAddr - layout.base);
  mm.argEnd = layout.argEnd;
  mm.envStart = layout.envStart;
  mm.envEnd = layout.envEnd;

  // Point of no return: the other threads die, the old image goes away.
  t.cred = cred.cred;
  deThread(k, t);
  mmRelease(k, t);
  const old = t.mm;
  mm.thpDisable = old.thpDisable; // PR_SET_THP_DISABLE survives execve
  t.mm = mm;
  k.switchMm(t);
  if (--old.users === 0) {
    k.dropMm(old);
    old.release();
  }
  if (t.vforkDone) {
    t.vforkDone.wakeAll();
    t.vforkDone = null;
  }
  if (t.files.users > 1) {
    t.files.users--;
    t.files = t.files.clone();
  }
  t.files.closeOnExec();
  if (t.sighand.users > 1) {
    t.sighand.users--;
    t.sighand = t.sighand.clone();
  }
  t.sighand.resetForExec();
  // exit_itimers: POSIX timers do not survive exec (interval timers do).
  exitItimers(t.tg);
  t.tg.execed = true;
  t.altStack = { sp: 0, flags: 2, size: 0 };
  t.clearChildTid = 0;
  t.robustList = 0;
  t.rseq = null;
  t.rseqPending = false;
  t.rseqEvent = false;
  const base = dec.decode(path).split('/').pop() ?? '';
  t.comm = base.slice(0, 15);
  // SET_PERSONALITY: the new image runs in PER_LINUX, keeping the persona's flags.
  t.personality = (t.personality & ~0xff) >>> 0;
  t.exe?.put();
  t.exe = new File(file.path, file.inode, 0, {});
  // The running program keeps writers out for as long as its exe file lives (exe_file_deny_write_access).
  file.inode.writecount--;
  t.exe.writeAccess = -1;
  const c = t.ctx;
  c.xl.fill(0);
  c.xh.fill(0);
  c.fbits.fill(0);
  c.fflags = 0;
  c.frm = 0;
  c.set(2, layout.sp);
  c.pc = entry;
  k.reloadRegs(t);
  for (const h of k.execHooks) h(t);
  ptraceExec(k, t, t.tid);
  return 0;
}

/**
 * The image turned out unloadable after the point of no return: Linux kills
 * the task with SIGSEGV instead of failing execve.
 */
export const EXEC_KILLED = -1_000_001;

function phdrAddr(img: ElfImage): number {
  const ph = img.segments.find((s) => s.type === 6 /* PT_PHDR */);
  if (ph) return ph.vaddr;
  for (const s of img.loads) if (img.phoff >= s.offset && img.phoff < s.offset + s.filesz) return s.vaddr + (img.phoff - s.offset);
  return 0;
}

/** The auxv pairs at `off` in the initial stack, up to and including AT_NULL. */
function savedAuxv(stack: Uint8Array, off: number): Uint8Array {
  const dv = new DataView(stack.buffer, stack.byteOffset, stack.byteLength);
  let end = off;
  while (end + 16 <= stack.length) {
    end += 16;
    if (dv.getBigUint64(end - 16, true) === 0n) break;
  }
  return stack.slice(off, end);
}
