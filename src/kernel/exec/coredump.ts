// Core dumps (fs/coredump.c's vfs_coredump): a process killed by a signal
// whose default action is to dump core writes its ELF core file
// (binfmt_elf_core.ts) under the name /proc/sys/kernel/core_pattern gives,
// relative to its working directory, if RLIMIT_CORE allows at least a page
// and the mm is dumpable. Only a written core sets the core-dump bit (0x80)
// of the wait status, and CLD_DUMPED. A pipe pattern ("|program") would need
// a user-mode helper, which this kernel does not start: it is reported as a
// failed pipe, as Linux reports one whose helper cannot run.
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SigInfo } from '../signal/signals.js';
import { RLIMIT_CORE } from '../sched/threadgroup.js';
import { corePattern } from '../sysctl/kernel.js';
import { Knob } from '../sysctl/ctl_table.js';
import { AT_FDCWD } from '../fs/vfs.js';
import { dPath } from '../fs/namei.js';
import { O_CREAT, O_LARGEFILE, O_NOFOLLOW, O_NONBLOCK, O_TRUNC, O_WRONLY, type File } from '../fs/file.js';
import { S_IFMT, S_IFREG } from '../fs/inode.js';
import { PAGE_SIZE } from '../mm/layout.js';
import { KERN_NOTICE } from '../printk.js';
import { elfCoreDump } from './binfmt_elf_core.js';
import { BLOCKED } from '../syscalls/result.js';

const coreUsesPid = new Knob('kernel.core_uses_pid', () => 0);

/** The executable's path as /proc/PID/exe reads it. */
function exePath(t: Task): string {
  const p = t.exe?.path;
  return p ? dPath(p, t.fs.root) : '(path unknown)';
}

/** format_corename: expand the pattern's %-specifiers for the dumping task. */
export function formatCorename(k: Kernel, t: Task, pattern: string, sig: number): string {
  let out = '';
  let hasPid = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c !== '%' || i + 1 >= pattern.length) {
      out += c;
      continue;
    }
    const spec = pattern[++i];
    switch (spec) {
      case '%':
        out += '%';
        break;
      case 'p':
      case 'P':
        hasPid = true;
        out += t.tg.tgid;
        break;
      case 'i':
      case 'I':
        out += t.pid;
        break;
      case 'u':
        out += t.cred.uid;
        break;
      case 'g':
        out += t.cred.gid;
        break;
      case 'd':
        out += t.mm.dumpable;
        break;
      case 's':
        out += sig;
        break;
      case 't':
        out += Math.floor(k.clock.realtime() / 1e9);
        break;
      case 'h':
        out += k.hostname.replace(/\//g, '!');
        break;
      case 'e':
        out += t.comm.replace(/\//g, '!');
        break;
      case 'E':
        out += exePath(t).replace(/\//g, '!');
        break;
      case 'c': {
        const lim = t.tg.rlimits[RLIMIT_CORE][0];
        out += lim >= 0xffffffffffffffffn ? '18446744073709551615' : lim.toString();
        break;
      }
      case 'C':
        out += t.cpu;
        break;
      case 'f':
        out += exePath(t).split('/').pop() ?? '';
        break;
      default:
        // An unknown specifier is dropped, with its %.
        break;
    }
  }
  if (!hasPid && coreUsesPid.get(k) && !pattern.startsWith('|')) out += `.${t.tg.tgid}`;
  return out;
}

/**
 * Write t's core for a fatal `sig`; true when a core file was started. As in
 * elf_core_dump, a core cut short (by RLIMIT_CORE, a full disk) still counts
 * as dumped: the bit says a core was attempted in a file, not that it is whole.
 */
export function doCoredump(k: Kernel, t: Task, sig: number, info: SigInfo): boolean {
  if (!t.mm.dumpable) return false;
  const pattern = corePattern.get(k);
  if (pattern.startsWith('|')) {
    const name = formatCorename(k, t, pattern.slice(1), sig);
    k.log.printk(KERN_NOTICE, `coredump: ${t.tg.tgid}(${t.comm}): Core dump to |${name} pipe failed`);
    return false;
  }
  const limit = t.tg.rlimits[RLIMIT_CORE][0];
  // binfmt->min_coredump: less than a page of core is not worth starting.
  if (limit < BigInt(PAGE_SIZE)) return false;
  const name = formatCorename(k, t, pattern, sig);
  if (!name) return false;
  const f = k.vfs.open(t, AT_FDCWD, new TextEncoder().encode(name), O_CREAT | O_WRONLY | O_TRUNC | O_NOFOLLOW | O_LARGEFILE | O_NONBLOCK, 0o600);
  if (typeof f !== 'object') return false;
  try {
    // Only a regular file of the dumper's own with one link takes a core (no writing through a planted hard link).
    const i = f.inode;
    if ((i.mode & S_IFMT) !== S_IFREG || i.nlink !== 1 || i.uid !== t.cred.fsuid || !f.ops.write) return false;
    writeCore(f, t, elfCoreDump(t, sig, info), limit);
    return true;
  } finally {
    f.put();
  }
}

/** dump_emit/dump_skip: a chunk that would pass RLIMIT_CORE, or a failed write, ends the dump; false if it was cut. */
function writeCore(f: File, t: Task, chunks: (Uint8Array | number)[], limit: bigint): boolean {
  let pos = 0,
    written = 0n,
    hole = false;
  for (const c of chunks) {
    if (typeof c === 'number') {
      pos += c;
      hole = c > 0;
      continue;
    }
    if (written + BigInt(c.length) > limit) return false;
    const n = f.ops.write!(f, c, pos, t);
    if (n === BLOCKED || n !== c.length) return false;
    pos += c.length;
    written += BigInt(c.length);
    hole = false;
  }
  // A core that ends in a hole still has the file's full length: its last byte is written.
  if (hole) {
    const n = f.ops.write!(f, new Uint8Array(1), pos - 1, t);
    if (n !== 1) return false;
  }
  return true;
}
