// Interpreter speed on tiny hand-assembled loops: prints million guest
// instructions per second (MIPS). A figure, not a pass/fail test.
import { TestMachine, USER, PTE_R, PTE_W } from '../tests/unit/cpu-harness/machine.js';
import * as A from '../tests/unit/cpu-harness/asm.js';

const T0 = 5, T1 = 6, T2 = 7, T3 = 28, A0 = 10, A1 = 11, A2 = 12, A7 = 17;
const DATA = 0x20000;

/** li rd, v for |v| < 2^31 */
function li(rd: number, v: number): number[] {
  const lo = ((v << 20) >> 20), hi = ((v - lo) >>> 12) & 0xfffff;
  return [A.lui(rd, hi), A.addiw(rd, rd, lo)];
}

const programs: Record<string, number[]> = {
  // pure ALU: 5 instructions per iteration
  alu: [
    ...li(T0, 20_000_000), A.addi(T1, 0, 0),
    A.addi(T1, T1, 3), A.add(T3, T3, T1), A.add(T2, T3, T0), A.addi(T0, T0, -1), A.bne(T0, 0, -16),
    A.addi(A7, 0, 93), A.ECALL,
  ],
  // load/add/store over a 2 KiB window: 8 instructions per iteration
  mem: [
    ...li(T0, 10_000_000), ...li(A0, DATA), A.addi(A2, 0, 0),
    A.addi(A2, A2, 8), A.andi(A2, A2, 0x7f8), A.add(A1, A0, A2), A.ld(T1, A1, 0), A.add(T2, T2, T1),
    A.sd(T2, A1, 8), A.addi(T0, T0, -1), A.bne(T0, 0, -28),
    A.addi(A7, 0, 93), A.ECALL,
  ],
};

for (const [name, words] of Object.entries(programs)) {
  const best: number[] = [];
  for (let rep = 0; rep < 7; rep++) {
    const m = new TestMachine(8 << 20);
    m.loadWords(0x10000, words);
    for (let a = DATA; a < DATA + 8192; a += 4096) m.map(a, USER | PTE_R | PTE_W);
    // CPU time, not wall time: the figure should not depend on other load on the host
    const t = process.cpuUsage();
    const r = m.runProgram(1e12, 1 << 22);
    const ms = process.cpuUsage(t).user / 1000;
    if (r.exitCode < 0) throw new Error(`${name}: trap ${r.cause} at ${r.pc.toString(16)}`);
    best.push(r.instret / ms / 1000);
  }
  console.log(`${name}: ${Math.max(...best).toFixed(0)} MIPS (runs: ${best.map((x) => x.toFixed(0)).join(', ')})`);
}
