// Hart speed: million guest instructions per second (MIPS) on tiny
// hand-assembled loops, interpreted and compiled, and the time of a CPU-bound
// C program (bench/cpu-bench.c) against qemu-riscv64-static. Figures and a
// ratio, never a pass/fail.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestMachine, USER, PTE_R, PTE_W } from '../tests/unit/cpu-harness/machine.js';
import { compile, have, CC, QEMU, GUEST_BIN, ROOT } from '../tests/unit/cpu-harness/guest.js';
import * as A from '../tests/unit/cpu-harness/asm.js';

const T0 = 5,
  T1 = 6,
  T2 = 7,
  T3 = 28,
  A0 = 10,
  A1 = 11,
  A2 = 12,
  A7 = 17;
const DATA = 0x20000;

/** li rd, v for |v| < 2^31 */
function li(rd: number, v: number): number[] {
  const lo = (v << 20) >> 20,
    hi = ((v - lo) >>> 12) & 0xfffff;
  return [A.lui(rd, hi), A.addiw(rd, rd, lo)];
}

const loops: Record<string, number[]> = {
  // pure ALU: 5 instructions per iteration
  alu: [
    ...li(T0, 20_000_000),
    A.addi(T1, 0, 0),
    A.addi(T1, T1, 3),
    A.add(T3, T3, T1),
    A.add(T2, T3, T0),
    A.addi(T0, T0, -1),
    A.bne(T0, 0, -16),
    A.addi(A7, 0, 93),
    A.ECALL,
  ],
  // load/add/store over a 2 KiB window: 8 instructions per iteration
  mem: [
    ...li(T0, 10_000_000),
    ...li(A0, DATA),
    A.addi(A2, 0, 0),
    A.addi(A2, A2, 8),
    A.andi(A2, A2, 0x7f8),
    A.add(A1, A0, A2),
    A.ld(T1, A1, 0),
    A.add(T2, T2, T1),
    A.sd(T2, A1, 8),
    A.addi(T0, T0, -1),
    A.bne(T0, 0, -28),
    A.addi(A7, 0, 93),
    A.ECALL,
  ],
};

/** CPU time of the calling process in ms (includes V8's compiler threads). */
const cpuMs = (since: NodeJS.CpuUsage): number => process.cpuUsage(since).user / 1000;

for (const [name, words] of Object.entries(loops)) {
  for (const [mode, threshold] of [
    ['interpreted', Infinity],
    ['compiled', 2000],
  ] as const) {
    const mips: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const m = new TestMachine(8 << 20);
      m.hart.jitThreshold = threshold;
      m.loadWords(0x10000, words);
      for (let a = DATA; a < DATA + 8192; a += 4096) m.map(a, USER | PTE_R | PTE_W);
      const t = process.cpuUsage();
      const r = m.runProgram(1e12, 1 << 22);
      if (r.exitCode < 0) throw new Error(`${name}: trap ${r.cause} at ${r.pc.toString(16)}`);
      mips.push(r.instret / cpuMs(t) / 1000);
    }
    console.log(`loop ${name} ${mode}: best ${Math.max(...mips).toFixed(0)} MIPS`);
  }
}

if (!have(CC) || !have(QEMU)) {
  console.log(`C benchmark skipped: ${CC} or ${QEMU} not installed`);
} else {
  const bin = join(GUEST_BIN, 'cpu-bench');
  compile(join(ROOT, 'bench/cpu-bench.c'), 'rv64gc', bin);
  const w0 = performance.now();
  const q = spawnSync(QEMU, [bin], { encoding: 'utf8' });
  const qemuMs = performance.now() - w0;
  const m = new TestMachine(64 << 20);
  m.hart.pc = m.loadElf(new Uint8Array(readFileSync(bin)));
  m.setupStack();
  const t = process.cpuUsage(),
    w1 = performance.now();
  const r = m.runProgram(1e12, 1 << 22);
  const wallMs = performance.now() - w1,
    userMs = cpuMs(t);
  if (r.stdout !== q.stdout) throw new Error(`cpu-bench output differs: ${r.stdout} vs ${q.stdout}`);
  console.log(
    `cpu-bench: ${(r.instret / 1e6).toFixed(0)}M instructions, tuxglass ${wallMs.toFixed(0)} ms wall ` +
      `(${userMs.toFixed(0)} ms CPU), qemu ${qemuMs.toFixed(0)} ms wall: ${(wallMs / qemuMs).toFixed(1)}x qemu, ` +
      `${(r.instret / wallMs / 1000).toFixed(0)} MIPS`,
  );
}
