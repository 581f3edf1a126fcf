// The project's own C programs (tests/guest/*.c) under tuxglass versus Linux:
// the ISA through compiled C and inline asm, and the syscall layer including
// its error paths and the signals a fault raises.
import { after, describe, test } from 'node:test';
import { buildGuest } from './build.js';
import { diffCase, prepareDiff, type DiffCase, type Expect } from './harness.js';

const PROGRAMS = ['isa_int', 'isa_atomic', 'isa_float', 'isa_fenv', 'sys_files', 'sys_dirs', 'sys_stat',
  'sys_fcntl', 'sys_perm', 'sys_misc', 'sys_signal', 'sys_proc', 'sys_fault', 'sys_procfs', 'crash'];

const built = await buildGuest(PROGRAMS);
const env = built.skip ? undefined : await prepareDiff('guest');
const skip = built.skip ?? env?.skip ?? false;

/** Runs a program placed at `guestPath` (ISA programs in /, syscall programs in /tmp). */
function prog(name: string, guestPath: string, args: string[], expect: Expect, extra: Partial<DiffCase> = {}): DiffCase {
  const base = guestPath.slice(guestPath.lastIndexOf('/') + 1);
  return {
    name: [base, ...args].join(' '),
    argv: [guestPath, ...args],
    add: [{ host: built.paths[name] ?? '', guest: guestPath }],
    expect,
    ...extra,
  };
}

const cases: DiffCase[] = [
  prog('isa_int', '/isa_int', [], { stdout: /div by zero: div=-1 divu=ffffffffffffffff rem=7 remu=7\n/ }),
  prog('isa_atomic', '/isa_atomic', [], { stdout: /sc\.w ok=1 sc\.w again fails=1 a0=9\n(.*\n)*lr\/sc loop c=3000\n/ }),
  prog('isa_float', '/isa_float', [], { stdout: /0\/0 = nan nan \[7ff8000000000000\]\n/ }),
  prog('isa_fenv', '/isa_fenv', [], { stdout: /1\/3 flags: inexact\n/ }),
  prog('sys_files', '/tmp/sys_files', [], { stdout: /with hole: size=21 \[Jello WORLD\.{9}X\]\n/ }),
  prog('sys_dirs', '/tmp/sys_dirs', [], { stdout: /rmdir\("sub"\) = -1 ENOTEMPTY\n/ }),
  prog('sys_stat', '/tmp/sys_stat', [], { stdout: /stat \/dev\/null: mode=020666 size=0 nlink=1 uid=0 gid=0 rdev=1:3\n/ }),
  prog('sys_fcntl', '/tmp/sys_fcntl', [], { stdout: /after exec fd 10: open\nafter exec fd 22: closed\n/ }),
  prog('sys_perm', '/tmp/sys_perm', [], { stdout: /open\("secret", O_RDONLY\) = -1 EACCES\n/ }),
  prog('sys_misc', '/tmp/sys_misc', [], { stdout: /sysname=Linux machine=riscv64\n/ }),
  // It ends by killing itself with SIGTERM.
  prog('sys_signal', '/tmp/sys_signal', [], { status: 143, stdout: /sigwaitinfo sig=10 /, }),
  prog('sys_proc', '/tmp/sys_proc', [], { stdout: /exec sh: exited 5\n(.*\n)*after fork child saw 2, parent sees 1\n$/ }),
  prog('sys_fault', '/tmp/sys_fault', [], { stdout: /write\(1, BAD, 10\) = -1 EFAULT\n(.*\n)*jump to unmapped 0x1000: sig=11 code=1 addr_ok=1\n/ }),
  // /proc and /proc/sys as procps parses them (the program filters what differs by kernel version).
  prog('sys_procfs', '/tmp/sys_procfs', [], { stdout: /stat fields=52\n(.*\n)*write \/proc\/sys\/vm\/swappiness "abc" = EINVAL\n/ }),
  prog('crash', '/tmp/crash', ['segv'], { status: 139, stdout: 'mode segv\n' }),
  prog('crash', '/tmp/crash', ['ill'], { status: 132, stdout: 'mode ill\n' }),
  prog('crash', '/tmp/crash', ['ill-handled'], { stdout: 'mode ill-handled\ncaught sig=4 code=1 addr_is_pc=1\n' }),
  prog('crash', '/tmp/crash', ['ebreak-handled'], { stdout: 'mode ebreak-handled\ncaught sig=5 code=1 addr_is_pc=1\n' }),
  // The shell reports how its child died.
  {
    ...prog('crash', '/tmp/crash', [], {}),
    name: 'crashes seen from busybox sh',
    argv: ['/bin/busybox', 'sh', '-c', '/tmp/crash segv; echo rc=$?; /tmp/crash ill; echo rc=$?'],
    expect: { stdout: 'mode segv\nrc=139\nmode ill\nrc=132\n', stderr: /Segmentation fault\n(.*\n)*Illegal instruction\n/ },
  },
];

describe('guest programs: tuxglass against Linux', { skip, concurrency: 2 }, () => {
  after(() => env?.cleanup());
  for (const c of cases) test(c.name, (t) => diffCase(t, env!, c));
});
