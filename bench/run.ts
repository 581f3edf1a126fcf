// `npm run bench`: runs tests/guest/bench.c under qemu-riscv64-static and
// under tuxglass (and natively, when the host has a C compiler), checks that
// all printed the same checksum, and prints the times and their ratios. It
// reports figures; it never fails because something was slow.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuest, GUEST_SRC } from '../tests/diff/build.js';
import { REPO, spawnWithTimeout, type RunResult } from '../tests/diff/harness.js';
import { benchStartup } from './startup.js';
import { benchProc } from './proc.js';
import { benchBoot } from './boot.js';
import { benchBashLoop, benchTiers } from './tiers.js';
import { benchIosched } from './iosched.js';

const TIMEOUT_MS = 30 * 60_000; // an interpreter may be two orders of magnitude slower

interface Timed {
  seconds: number;
  result: RunResult;
}

async function timed(cmd: string, args: string[]): Promise<Timed> {
  const start = performance.now();
  const result = await spawnWithTimeout(cmd, args, { timeoutMs: TIMEOUT_MS });
  return { seconds: (performance.now() - start) / 1000, result };
}

function checksum(r: RunResult): string | undefined {
  return /^checksum ([0-9a-f]{16})$/m.exec(r.stdout.toString())?.[1];
}

/** Why a run does not count, or undefined when it printed a checksum and exited 0. */
function failure(what: string, t: Timed): string | undefined {
  if (t.result.timedOut) return `${what} timed out after ${TIMEOUT_MS / 1000} s`;
  if (t.result.status !== 0 || !checksum(t.result)) {
    return `${what} failed (status ${t.result.status}):\n${t.result.stderr.toString().trim().slice(-2000)}`;
  }
  return undefined;
}

function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}

async function native(): Promise<Timed | undefined> {
  if (spawnSync('cc', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tuxglass-bench-'));
  try {
    const exe = join(dir, 'bench');
    if (spawnSync('cc', ['-O2', '-o', exe, join(GUEST_SRC, 'bench.c')], { stdio: 'inherit' }).status !== 0) return undefined;
    return await timed(exe, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  // `node dist/bench/run.js proc` runs only the process/thread table.
  // `node dist/bench/run.js boot` runs only the boot figures; `loop` only the bash loop.
  if (process.argv[2] === 'loop') {
    const problems = await benchBashLoop();
    for (const p of problems) console.error(`bench: ${p}`);
    return problems.length ? 1 : 0;
  }
  if (process.argv[2] === 'boot') {
    const problems = await benchBoot();
    for (const p of problems) console.error(`bench: ${p}`);
    return problems.length ? 1 : 0;
  }
  // `iosched`: only the I/O schedulers' virtual-time figure (no guest, no qemu).
  if (process.argv[2] === 'iosched') {
    for (const l of benchIosched()) console.log(l);
    return 0;
  }
  if (process.argv[2] === 'proc') {
    const problems = await benchProc();
    for (const p of problems) console.error(`bench: ${p}`);
    return problems.length ? 1 : 0;
  }
  const built = await buildGuest(['bench']);
  if (built.skip) {
    console.error(`bench: ${built.skip}`);
    return 1;
  }
  const bin = built.paths.bench!;
  if (spawnSync('qemu-riscv64-static', ['--version'], { stdio: 'ignore' }).status !== 0) {
    console.error('bench: qemu-riscv64-static is not installed (apt-get install qemu-user-static)');
    return 1;
  }

  const nat = await native();
  const qemu = await timed('qemu-riscv64-static', [bin]);
  const tg = await timed(process.execPath, [join(REPO, 'bin', 'tuxglass.js'), 'run', '--stats', '--add', `${bin}:/bench`, '--', '/bench']);

  const problems = [failure('qemu-riscv64-static', qemu), failure('tuxglass', tg)].filter((p) => p !== undefined);
  if (nat && failure('native', nat)) problems.push(failure('native', nat)!);
  const sums = [checksum(qemu.result), checksum(tg.result), nat && checksum(nat.result)].filter((s) => s);
  if (problems.length === 0 && new Set(sums).size !== 1) problems.push(`checksums differ: ${sums.join(' ')}`);

  const stats = /tuxglass: instructions=(\d+) seconds=([\d.]+) mips=([\d.]+) syscalls=(\d+) enosys=(\d+)/.exec(tg.result.stderr.toString());
  console.log(`checksum           ${checksum(qemu.result) ?? '-'}`);
  if (nat) console.log(`native seconds     ${fmt(nat.seconds)}`);
  console.log(`qemu seconds       ${fmt(qemu.seconds)}`);
  console.log(`tuxglass seconds   ${fmt(tg.seconds)} (wall, with startup)` + (stats ? `, ${stats[2]} (guest run, from --stats)` : ''));
  console.log(`tuxglass/qemu      ${fmt(tg.seconds / qemu.seconds)}` + (stats ? ` (guest run only: ${fmt(Number(stats[2]) / qemu.seconds)})` : ''));
  if (nat) console.log(`qemu/native        ${fmt(qemu.seconds / nat.seconds)}`);
  if (nat) console.log(`tuxglass/native    ${fmt(tg.seconds / nat.seconds)}`);
  if (stats) {
    console.log(`guest MIPS         ${stats[3]}`);
    console.log(`guest instructions ${stats[1]} (syscalls ${stats[4]}, ENOSYS ${stats[5]})`);
  } else {
    console.log('guest MIPS         - (no --stats line from tuxglass)');
  }
  if (problems.length === 0) problems.push(...(await benchTiers(bin, qemu.seconds)));
  problems.push(...(await benchBashLoop()));
  problems.push(...(await benchStartup()));
  problems.push(...(await benchProc()));
  problems.push(...(await benchBoot()));
  for (const l of benchIosched()) console.log(l);
  for (const p of problems) console.error(`bench: ${p}`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`bench: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  },
);
