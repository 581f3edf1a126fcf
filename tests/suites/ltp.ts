// LTP's runtest/syscalls: one unit and one outcome per runtest line.
//
// A line is "NAME COMMAND ARGS..."; the suite's own run1.sh runs it as LTP's
// runner would (LTPROOT, TMPDIR=/tmp on a tmpfs, testcases/bin on PATH, cwd
// /tmp). The exit status is LTP's result mask: TFAIL 1, TBROK 2, TWARN 4,
// TCONF 32 (include/tst_res_flags.h); 0 is a pass.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cut, firstLine, lastLines, wholeRunProblem, type Outcome, type SuiteSpec, type Unit, type UnitRun } from './suite.js';

const TFAIL = 1,
  TBROK = 2,
  TWARN = 4,
  TCONF = 32;

const SIGNALS: Record<number, string> = {
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

export function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

/** A line's verdict from LTP's exit status. */
function verdict(status: number): Outcome['status'] {
  if (status === 0) return 'PASS';
  if (status >= 128) return 'FAIL';
  if (status & TBROK) return 'BROK';
  if (status & TFAIL) return 'FAIL';
  if (status & TWARN) return 'WARN';
  if (status === TCONF) return 'CONF';
  return 'FAIL';
}

/**
 * Tests whose tst_test sets .min_cpus: tuxglass boots that many harts for
 * them (it boots one by default), as the reference runs on the host's CPUs.
 */
const MIN_CPUS: Record<string, number> = {
  getcwd04: 2,
};

export const ltp: SuiteSpec = {
  name: 'ltp',
  tarball: 'ltp-syscalls-riscv64.tar.zst',
  from: 'ltp',
  to: 'opt/ltp',
  treeEnv: 'TUXGLASS_LTP_ROOT',
  timeoutSeconds: 120,
  units(tree: string): Unit[] {
    const units: Unit[] = [];
    for (const raw of readFileSync(join(tree, 'runtest', 'syscalls'), 'utf8').split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [name, cmd] = line.split(/\s+/);
      // Lines whose program did not build (or lives outside testcases/bin) are not the suite's.
      if (!name || !cmd || !existsSync(join(tree, 'testcases', 'bin', cmd))) continue;
      units.push({ id: name, argv: ['/bin/sh', '/opt/ltp/run1.sh', line.slice(name.length).trim()], cpus: MIN_CPUS[name] });
    }
    return units;
  },
  // Cheap lines across the syscall families, passing ones and known failures alike.
  slice: [
    'abort01',
    'access01',
    'brk01',
    'chdir04',
    'chmod01',
    'clone01',
    'close01',
    'dup01',
    'execve01',
    'exit01',
    'fcntl01',
    'flock01',
    'fork01',
    'fstat02',
    'getpid01',
    'gettimeofday01',
    'kill02',
    'mmap01',
    'open01',
    'pipe01',
    'read01',
    'rename01',
    'sigaction01',
    'socket01',
    'stat01',
    'uname01',
    'wait401',
    'write01',
    'capget01',
    'epoll_create01',
    'futex_wait01',
    'mkdir02',
    'readlink01',
    'select01',
    'unlink05',
  ],
  outcomes(unit: Unit, run: UnitRun): Outcome[] {
    const whole = wholeRunProblem(unit.id, run);
    if (whole) return [{ ...whole, unit: false }];
    const status = verdict(run.status);
    if (status === 'PASS' || status === 'CONF') return [{ id: unit.id, status }];
    const line =
      firstLine(run.output, /\bT(FAIL|BROK|WARN)\b/) ??
      (run.status >= 128 ? `killed by ${signalName(run.status - 128)}` : cut(`exit status ${run.status}: ${lastLines(run.output, 1)}`));
    return [{ id: unit.id, status, line }];
  },
};
