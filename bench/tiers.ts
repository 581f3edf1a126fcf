// The CPU benchmark (tests/guest/bench.c) in each way the hart can run code
// (`tuxglass run --jit TIER --stats`): the guest's own run time, its MIPS,
// how its instructions split between the interpreter and the compilers, and
// the share of the run spent compiling WebAssembly. Then the bash loop of
// issue 13 (Debian's bash, branchy code through shared libraries) against
// the same bash under qemu-user in a chroot of the same root. Figures only.
import { join } from 'node:path';
import { defaultRootfsDir } from '../src/host/guestpkg/index.js';
import { TIER_NAMES } from '../src/cpu/hart.js';
import { REPO } from '../tests/diff/harness.js';
import { chrootProblem, median, qemuChroot, wall } from './startup.js';

const TIMEOUT_MS = 30 * 60_000;
const CLI = join(REPO, 'bin', 'tuxglass.js');

interface Stats {
  seconds: number;
  mips: number;
  insns: number;
  interp: number;
  js: number;
  wasm: number;
  compileMs: number | null;
}

function stats(stderr: string): Stats | null {
  const a = /tuxglass: instructions=(\d+) seconds=([\d.]+) mips=([\d.]+)/.exec(stderr);
  const t = /tuxglass: tiers interp=(\d+) js=(\d+) wasm=(\d+)/.exec(stderr);
  if (!a || !t) return null;
  const c = /compile_ms=(\d+)/.exec(stderr);
  return {
    insns: Number(a[1]),
    seconds: Number(a[2]),
    mips: Number(a[3]),
    interp: Number(t[1]),
    js: Number(t[2]),
    wasm: Number(t[3]),
    compileMs: c ? Number(c[1]) : null,
  };
}

const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

/** MIPS per tier on the CPU benchmark at `bin` (host path); returns problems (a failed run). */
export async function benchTiers(bin: string, qemuSeconds: number): Promise<string[]> {
  const problems: string[] = [];
  console.log('');
  console.log('CPU benchmark per tier   guest s   MIPS    /qemu   interp   js       wasm     compile share');
  for (const tier of TIER_NAMES) {
    const r = await wall(process.execPath, [CLI, 'run', '--jit', tier, '--stats', '--add', `${bin}:/bench`, '--', '/bench'], TIMEOUT_MS);
    const s = stats(r.stderr);
    if (r.status !== 0 || !s) {
      problems.push(`tiers: --jit ${tier} failed (status ${r.status}): ${r.stderr.trim().slice(-300)}`);
      continue;
    }
    const share = s.compileMs === null || s.wasm === 0 ? '-' : pct(s.compileMs / 1000, s.seconds);
    console.log(
      `--jit ${tier.padEnd(18)} ${s.seconds.toFixed(2).padStart(7)} ${s.mips.toFixed(1).padStart(6)} ${(s.seconds / qemuSeconds).toFixed(2).padStart(7)}x ` +
        `${pct(s.interp, s.insns).padStart(7)} ${pct(s.js, s.insns).padStart(7)} ${pct(s.wasm, s.insns).padStart(7)}   ${share}`,
    );
  }
  return problems;
}

const BASH_LOOP = 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo $i';
const LOOP_RUNS = 3;

/** The bash loop of issue 13: median wall and guest time, against qemu-user in a chroot. */
export async function benchBashLoop(): Promise<string[]> {
  const root = defaultRootfsDir();
  const why = chrootProblem(root);
  if (why) return [`bash loop: ${why}`];
  const problems: string[] = [];
  const q: number[] = [],
    t: number[] = [],
    g: number[] = [];
  let mips = NaN;
  for (let i = 0; i < LOOP_RUNS; i++) {
    const qr = await qemuChroot(root, ['/bin/bash', '-c', BASH_LOOP], TIMEOUT_MS);
    if (qr.status !== 0) problems.push(`bash loop failed under qemu: ${qr.stderr.trim()}`);
    q.push(qr.seconds);
    const tr = await wall(process.execPath, [CLI, 'run', '--stats', '--', '/bin/bash', '-c', BASH_LOOP], TIMEOUT_MS);
    const s = stats(tr.stderr);
    if (tr.status !== 0 || !s) {
      problems.push(`bash loop failed under tuxglass: ${tr.stderr.trim().slice(-300)}`);
      continue;
    }
    t.push(tr.seconds);
    g.push(s.seconds);
    mips = s.mips;
  }
  if (t.length === 0) return problems;
  const qm = median(q),
    tm = median(t),
    gm = median(g);
  console.log('');
  console.log(`bash loop (20000), median of ${LOOP_RUNS}   qemu chroot   tuxglass wall   tuxglass guest   wall ratio   guest ratio   MIPS`);
  console.log(
    `${'bash -c "while ..."'.padEnd(32)} ${qm.toFixed(3).padStart(9)} s ${tm.toFixed(3).padStart(13)} s ${gm.toFixed(3).padStart(14)} s ` +
      `${(tm / qm).toFixed(2).padStart(11)}x ${(gm / qm).toFixed(2).padStart(12)}x ${mips.toFixed(1).padStart(6)}`,
  );
  return problems;
}
