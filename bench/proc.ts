// Process and thread micro-benchmarks: tests/guest/bench_proc.c runs one kind
// of operation N times, in a chroot of the guest root under
// qemu-riscv64-static (binfmt_misc, so /bin/true after fork+exec is the
// guest's, run by qemu too) and under tuxglass. Each side is also run with
// N = 0, and the difference of the medians divided by N is the time of one
// operation, start-up excluded. The counts differ per side so that each
// measurement lasts about a second or more.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRootfsDir } from '../src/host/guestpkg/index.js';
import { buildGuest } from '../tests/diff/build.js';
import { REPO, spawnWithTimeout } from '../tests/diff/harness.js';

const RUNS = 3;
interface ProcBench {
  name: string;
  label: string;
  tg: number;
  qemu: number;
  prog?: 'bench_proc' | 'bench_ipc';
}
const BENCHES: ReadonlyArray<ProcBench> = [
  { name: 'getppid', label: 'syscall (getppid)', tg: 200_000, qemu: 2_000_000 },
  { name: 'fork', label: 'fork+exit+wait', tg: 2000, qemu: 1000 },
  { name: 'exec', label: 'fork+exec+wait /bin/true', tg: 100, qemu: 100 },
  { name: 'thread', label: 'pthread create+join', tg: 2000, qemu: 500 },
  { name: 'futex', label: 'futex ping-pong', tg: 20_000, qemu: 100_000 },
  { name: 'signal', label: 'signal round trip', tg: 20_000, qemu: 100_000 },
  // IPC (tests/guest/bench_ipc.c): a pipe's throughput per 4 KiB, and round trips between two processes.
  { name: 'pipe', label: 'pipe, 4 KiB through', tg: 20_000, qemu: 100_000, prog: 'bench_ipc' },
  { name: 'pingpong', label: 'pipe ping-pong (2 switches)', tg: 10_000, qemu: 50_000, prog: 'bench_ipc' },
  { name: 'unix', label: 'Unix socket round trip', tg: 10_000, qemu: 50_000, prog: 'bench_ipc' },
  { name: 'msg', label: 'System V message round trip', tg: 10_000, qemu: 50_000, prog: 'bench_ipc' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Wall seconds of one run; a problem when it failed or did not do n operations. */
async function once(cmd: string, args: string[], name: string, n: number, problems: string[], who: string): Promise<number> {
  const start = performance.now();
  const r = await spawnWithTimeout(cmd, args, { timeoutMs: 300_000 });
  const seconds = (performance.now() - start) / 1000;
  const out = r.stdout.toString();
  // The program prints NAME N CHECK; CHECK counts the operations that returned what they should.
  if (r.status !== 0 || out.trim() !== `${name} ${n} ${n}`) {
    problems.push(`proc ${name} ${n} under ${who}: status ${r.status}, printed ${JSON.stringify(out.trim())} ${r.stderr.toString().trim().slice(-300)}`);
  }
  return seconds;
}

/** Per-operation seconds: (median T(n) - median T(0)) / n. */
async function perOp(run: (n: number) => Promise<number>, n: number): Promise<number> {
  const full: number[] = [],
    empty: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    empty.push(await run(0));
    full.push(await run(n));
  }
  return (median(full) - median(empty)) / n;
}

/** Prints the process/thread table; returns problems found (a failed run), never judging speed. */
export async function benchProc(): Promise<string[]> {
  const root = defaultRootfsDir();
  if (!existsSync(join(root, 'usr/bin/true'))) return [`proc: no guest root at ${root} (run: node bin/tuxglass.js fetch)`];
  if (process.getuid?.() !== 0 || spawnSync('chroot', [root, '/bin/true']).status !== 0) {
    return ['proc: the qemu reference needs root and qemu-riscv64-static registered with binfmt_misc (scripts/binfmt-riscv64.sh)'];
  }
  const built = await buildGuest(['bench_proc', 'bench_ipc']);
  if (built.skip) return [`proc: ${built.skip}`];
  // The reference sees the binaries in /tmp of the chroot: a private directory bound over it.
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-bench-proc-'));
  for (const p of ['bench_proc', 'bench_ipc']) copyFileSync(built.paths[p]!, join(dir, p));
  const problems: string[] = [];
  try {
    console.log('');
    console.log(`process/thread and IPC, per operation (median of ${RUNS}, start-up subtracted)`);
    console.log(`${'operation'.padEnd(30)} ${'qemu µs'.padStart(10)} ${'tuxglass µs'.padStart(12)} ${'ratio'.padStart(8)}   iterations qemu/tuxglass`);
    for (const b of BENCHES) {
      const prog = b.prog ?? 'bench_proc';
      // A private IPC namespace too, so the reference's message queue is its own.
      const q = await perOp(
        (n) =>
          once(
            'unshare',
            [
              '--mount',
              '--ipc',
              '--propagation',
              'private',
              'sh',
              '-c',
              'mount --bind "$1" "$0/tmp" && shift && exec chroot "$0" /usr/bin/env -i "$@"',
              root,
              dir,
              `/tmp/${prog}`,
              b.name,
              String(n),
            ],
            b.name,
            n,
            problems,
            'qemu',
          ),
        b.qemu,
      );
      const t = await perOp(
        (n) =>
          once(
            process.execPath,
            [join(REPO, 'bin', 'tuxglass.js'), 'run', '--rootfs', root, '--add', `${join(dir, prog)}:/tmp/${prog}`, '--', `/tmp/${prog}`, b.name, String(n)],
            b.name,
            n,
            problems,
            'tuxglass',
          ),
        b.tg,
      );
      console.log(
        `${b.label.padEnd(30)} ${(q * 1e6).toFixed(2).padStart(10)} ${(t * 1e6).toFixed(2).padStart(12)} ${(t / q).toFixed(2).padStart(7)}x   ${b.qemu}/${b.tg}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}
