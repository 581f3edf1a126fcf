// The block compiler must be invisible: the same program run interpreted only
// and compiled (eagerly, and in slices of every size) ends in the same state,
// including traps raised from inside compiled code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestMachine, USER, PTE_R, PTE_W } from './cpu-harness/machine.js';
import { Cause, Hart } from '../../src/cpu/hart.js';
import type { PhysMem } from '../../src/cpu/physmem.js';
import { warmUp } from '../../src/cpu/warmup.js';
import { ENTRY_OFF, ENTRY_SLOTS } from '../../src/cpu/layout.js';
import * as A from './cpu-harness/asm.js';
import type { JitBackend } from '../../src/cpu/hart.js';

const CODE = 0x10000,
  DATA = 0x200000,
  FUNC = 0x30000;
const T0 = 5,
  T1 = 6,
  T2 = 7,
  A0 = 10,
  A1 = 11,
  A2 = 12,
  A3 = 13,
  RA = 1;

interface Final {
  cause: number;
  pc: number;
  tval: number;
  instret: number;
  regs: string;
  data: string;
}

function runMode(words: number[], setup: (m: TestMachine) => void, backend: JitBackend, threshold: number, slice: number): Final {
  const m = new TestMachine(8 << 20);
  m.loadWords(CODE, words);
  m.map(DATA, USER | PTE_R | PTE_W);
  setup(m);
  m.hart.pc = CODE;
  m.hart.jitBackend = backend;
  m.hart.jitThreshold = threshold;
  let cause = -1;
  for (let i = 0; i < 1e6 && cause === -1; i++) cause = m.hart.run(slice);
  const h = m.hart;
  return {
    cause,
    pc: h.pc,
    tval: h.tval,
    instret: h.instret,
    regs: Array.from({ length: 32 }, (_, i) => m.regBig(i).toString(16)).join(' '),
    data: Buffer.from(m.readVirt(DATA, 256)).toString('hex'),
  };
}

function same(words: number[], setup: (m: TestMachine) => void = () => {}): Final {
  const ref = runMode(words, setup, 'js', Infinity, 1 << 20);
  for (const backend of ['js', 'wasm'] as const) {
    for (const threshold of [1, 3, 40]) {
      for (const slice of [1 << 20, 1, 7, 50]) {
        assert.deepEqual(runMode(words, setup, backend, threshold, slice), ref, `${backend} threshold ${threshold}, slice ${slice}`);
      }
    }
  }
  return ref;
}

/** li rd, v for |v| < 2^31 */
function li(rd: number, v: number): number[] {
  const lo = (v << 20) >> 20;
  return [A.lui(rd, ((v - lo) >>> 12) & 0xfffff), A.addiw(rd, rd, lo)];
}

test('a hot loop gives the same state compiled or interpreted, at every slice size', () => {
  // for t0 = 300..1: a0 += t0 * 3; mem[(t0 & 31) * 8] += a0; a1 = a1 * 5 ^ t0
  const prog = [
    ...li(A2, DATA),
    A.addi(T0, 0, 300),
    A.add(T1, T0, T0),
    A.add(T1, T1, T0),
    A.add(A0, A0, T1), // loop:
    A.andi(T2, T0, 31),
    A.slli(T2, T2, 3),
    A.add(T2, T2, A2),
    A.ld(A3, T2, 0),
    A.add(A3, A3, A0),
    A.sd(A3, T2, 0),
    A.slli(T1, A1, 2),
    A.add(A1, A1, T1),
    0x0055c5b3 /* xor a1, a1, t0 */,
    A.addi(T0, T0, -1),
    A.bne(T0, 0, -52),
    A.ECALL,
  ];
  const r = same(prog);
  assert.equal(r.cause, Cause.EcallU);
});

test('a trap inside compiled code reports the exact pc, tval and count', () => {
  // walks a pointer up by 8 until it leaves the mapped page
  const prog = [...li(A2, DATA), A.ld(A0, A2, 0), A.addi(A0, A0, 1), A.sd(A0, A2, 0), A.addi(A2, A2, 8), A.jal(0, -16)];
  const r = same(prog, (m) => {
    m.map(DATA + 4096, USER | PTE_R);
  }); // the next page is read-only
  assert.equal(r.cause, Cause.StorePageFault);
  assert.equal(r.tval, DATA + 4096);
  assert.equal(r.pc, CODE + 16);
});

test('calls across pages and returns leave and re-enter compiled code', () => {
  const prog = [A.addi(T0, 0, 100), ...li(A2, FUNC), A.jalr(RA, A2, 0), A.add(A0, A0, A1), A.addi(T0, T0, -1), A.bne(T0, 0, -12), A.ECALL];
  const r = same(prog, (m) => {
    m.loadWords(FUNC, [A.addi(A1, A1, 3), A.jalr(0, RA, 0)]);
  });
  assert.equal(r.cause, Cause.EcallU);
});

test('code patched by a hot loop (fence.i) runs the new instruction', () => {
  // each iteration writes "addi a1, zero, t0" (as data) into FUNC, fence.i, calls it
  const prog = [
    A.addi(T0, 0, 60),
    ...li(A2, FUNC),
    ...li(A3, A.addi(A1, 0, 0)),
    A.slli(T1, T0, 20),
    A.add(T1, T1, A3),
    A.sw(T1, A2, 0),
    A.FENCE_I, // loop:
    A.jalr(RA, A2, 0),
    A.add(A0, A0, A1),
    A.addi(T0, T0, -1),
    A.bne(T0, 0, -28),
    A.ECALL,
  ];
  const r = same(prog, (m) => {
    m.loadWords(FUNC, [A.NOP, A.jalr(0, RA, 0)]);
  });
  assert.equal(r.cause, Cause.EcallU);
  assert.ok(r.regs.split(' ')[A0] === ((60 * 61) / 2).toString(16));
});

test('misaligned and page-crossing accesses in a hot loop', () => {
  const prog = [
    ...li(A2, DATA + 4096 - 12),
    A.addi(T0, 0, 40),
    A.ld(A0, A2, 0),
    A.addi(A0, A0, 7),
    A.sd(A0, A2, 0),
    A.lw(A1, A2, 5),
    A.sw(A1, A2, 9),
    A.addi(A2, A2, 1),
    A.andi(T1, T0, 7),
    A.sub(A2, A2, T1),
    0x00000000 | A.addi(T0, T0, -1),
    A.bne(T0, 0, -36),
    A.ECALL,
  ];
  const r = same(prog, (m) => {
    m.map(DATA + 4096, USER | PTE_R | PTE_W);
  });
  assert.equal(r.cause, Cause.EcallU);
});

test('compiled regions are created for hot code and dropped with their page', () => {
  const m = new TestMachine(4 << 20);
  m.loadWords(CODE, [A.addi(T0, 0, 1000), A.addi(A0, A0, 1), A.addi(T0, T0, -1), A.bne(T0, 0, -8), A.ECALL]);
  m.hart.jitBackend = 'js';
  m.hart.jitThreshold = 100;
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  const page = m.ramOffset(CODE) >>> 12;
  assert.ok((m.mem.compiled[page]?.length ?? 0) > 0, 'a region was compiled');
  assert.equal(m.reg(A0), 1000);
  m.mem.invalidateCode(page);
  assert.equal(m.mem.compiled[page], null);
});

test('WebAssembly code is compiled for hot code, dropped with its page and adopted by a page with the same bytes', () => {
  const m = new TestMachine(4 << 20);
  const prog = [A.addi(T0, 0, 1000), A.addi(A0, A0, 1), A.addi(T0, T0, -1), A.bne(T0, 0, -8), A.ECALL];
  m.loadWords(CODE, prog);
  m.hart.jitBackend = 'wasm';
  m.hart.jitThreshold = 100;
  const jit = m.mem.wasmJit!;
  jit.optBackEdges = 10;
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  assert.equal(m.reg(A0), 1000);
  assert.ok(m.hart.wasmInsns > 1000, 'the loop ran compiled');
  // quick tier first, then the loop made the page go to the optimised tier
  assert.deepEqual([jit.stats.compiles, jit.stats.optimised], [2, 1]);
  // the same bytes at another address, in another RAM page: no compile, compiled from the first entry
  const OTHER = CODE + 0x5000;
  m.loadWords(OTHER, prog);
  const before = m.hart.wasmInsns;
  m.setReg(A0, 0);
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  assert.equal(m.reg(A0), 1000);
  assert.equal(jit.stats.compiles, 2);
  assert.ok(jit.stats.cacheHits >= 1);
  assert.ok(m.hart.wasmInsns - before >= 2900, 'the copy ran compiled');
  // dropped: its entries go; the code runs interpreted until compiled again
  const page = m.ramOffset(OTHER) >>> 12;
  m.mem.invalidateCode(page);
  assert.equal(jit.entries.get(page * 4096 + 4), undefined);
});

/** Wait (a bounded number of event-loop turns) until cond holds; the background compile resolves in one of them. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), what);
}

test('WebAssembly compiled in the background runs once the event loop turned, and never if its page changed meanwhile', async () => {
  const prog = (k: number) => [A.addi(T0, 0, 1000), A.addi(A0, A0, k), A.addi(T0, T0, -1), A.bne(T0, 0, -8), A.ECALL];
  const hot = (words: number[]) => {
    const m = new TestMachine(4 << 20);
    m.loadWords(CODE, words);
    m.hart.jitBackend = 'wasm';
    m.hart.jitThreshold = 100;
    m.mem.wasmJit!.background = true;
    return m;
  };
  const m = hot(prog(1));
  const jit = m.mem.wasmJit!;
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  assert.equal(m.reg(A0), 1000);
  // the hart never waited for the compile: the whole loop ran interpreted
  assert.equal(m.hart.wasmInsns, 0);
  assert.equal(jit.compiling, 1);
  await until(() => jit.compiling === 0, 'the background compile finished');
  assert.equal(jit.stats.compiles, 1);
  m.hart.pc = CODE;
  m.setReg(A0, 0);
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  assert.equal(m.reg(A0), 1000);
  assert.ok(m.hart.wasmInsns > 2900, 'the loop ran compiled');

  // The code is rewritten (and its decoded page dropped, as a store or fence.i does) while the
  // compile is under way: what was compiled for the old bytes is thrown away, the new bytes run.
  const m2 = hot(prog(1));
  const jit2 = m2.mem.wasmJit!;
  assert.equal(m2.hart.run(1e6), Cause.EcallU);
  assert.equal(jit2.compiling, 1);
  m2.loadWords(CODE, prog(3));
  m2.mem.invalidateCode(m2.ramOffset(CODE) >>> 12);
  await until(() => jit2.compiling === 0, 'the background compile finished');
  assert.equal(jit2.stats.compiles, 0);
  m2.hart.pc = CODE;
  m2.setReg(A0, 0);
  assert.equal(m2.hart.run(1e6), Cause.EcallU);
  assert.equal(m2.reg(A0), 3000);
});

test('grouped accesses off one base register: page-straddling groups and a fault inside a group', () => {
  // a2 walks up by 24 bytes; each iteration stores/loads a 32-byte "frame" off a2,
  // so some frames straddle the page end; the page after DATA+4096 is read-only
  const prog = [
    ...li(A2, DATA + 4096 - 200),
    A.sd(T0, A2, 0),
    A.sd(A0, A2, 8),
    A.sw(T0, A2, 20),
    A.ld(T1, A2, 8),
    A.lw(T2, A2, 0),
    A.sd(T1, A2, 24),
    A.add(A0, A0, T2),
    A.addi(T0, T0, 1),
    A.addi(A2, A2, 24),
    A.jal(0, -36),
  ];
  const r = same(prog, (m) => {
    m.map(DATA + 4096, USER | PTE_R | PTE_W);
    m.map(DATA + 8192, USER | PTE_R);
  });
  assert.equal(r.cause, Cause.StorePageFault);
  assert.ok(r.tval >= DATA + 8192 && r.tval < DATA + 8192 + 32, `tval ${r.tval.toString(16)}`);
});

/**
 * A loop with a 32-bit instruction straddling the end of CODE's page: `head`
 * at CODE, a jump to the loop, then `before`, a c.nop, `straddler` at
 * CODE + 4094, `after`, `bne t0, zero, loop` and ecall.
 */
function straddling(head: number[], before: number[], straddler: number, after: number[]): number[] {
  const loop = 4092 - 4 * before.length;
  const h: number[] = [];
  const put = (...ws: number[]) => ws.forEach((w) => h.push(w & 0xffff, w >>> 16));
  put(...head);
  put(A.jal(0, loop - 2 * h.length));
  while (2 * h.length < loop) put(A.NOP);
  put(...before);
  h.push(0x0001); // c.nop
  put(straddler, ...after);
  put(A.bne(T0, 0, loop - 2 * h.length), A.ECALL);
  const words: number[] = [];
  for (let i = 0; i < h.length; i += 2) words.push((h[i] | ((h[i + 1] ?? 0) << 16)) >>> 0);
  return words;
}

test('an instruction straddling two pages runs in compiled code', () => {
  const prog = straddling([A.addi(T0, 0, 200)], [A.addi(A0, A0, 1)], A.addi(A1, A1, 3), [A.addi(T0, T0, -1)]);
  const r = same(prog);
  assert.equal(r.cause, Cause.EcallU);
  assert.equal(r.regs.split(' ')[A1], (600).toString(16));
  // compiled code goes on through it into the next page: not back to the interpreter each time round
  const m = new TestMachine(8 << 20);
  m.loadWords(CODE, prog);
  m.hart.pc = CODE;
  m.hart.jitBackend = 'wasm';
  m.hart.jitThreshold = 1;
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  assert.ok(m.hart.wasmEnters < 20, `${m.hart.wasmEnters} entries into compiled code`);
});

test('a straddling instruction whose upper half (in the next page) is rewritten runs the new instruction', () => {
  // each iteration stores "addi a1, a1, t0" 's upper half at CODE + 4096 (sh, fence.i); the
  // compiled first page must notice that the next page no longer holds what it was compiled with
  const upper = (A.addi(A1, A1, 0) >>> 16) & 0xffff; // imm is bits 31:20: upper half = imm << 4 | rs1 bits 19:16
  const prog = straddling(
    [A.addi(T0, 0, 100), ...li(A2, CODE + 4096)],
    [A.slli(T1, T0, 4), A.ori(T1, T1, upper), A.sh(T1, A2, 0), A.FENCE_I, A.addi(A0, A0, 1)],
    A.addi(A1, A1, 0),
    [A.addi(T0, T0, -1)],
  );
  const r = same(prog);
  assert.equal(r.cause, Cause.EcallU);
  assert.equal(r.regs.split(' ')[A1], ((100 * 101) / 2).toString(16));
});

test('the warm-up takes the hand-off to the optimised WebAssembly tier before real work does', () => {
  // else V8 optimizes Hart.run() without that path and throws the code away when a real loop gets there
  let mem: PhysMem | undefined;
  warmUp((m) => {
    mem = m;
    return new Hart(m, -1);
  });
  const jit = mem?.wasmJit;
  assert.ok(jit, 'the warm-up machine has WebAssembly');
  assert.ok(jit.stats.optimised > 0, `${jit.stats.optimised} pages optimised`);
});

test('the compiled-code entry table starts as the zeroed memory it lives in, untouched until code is installed', () => {
  // 2 MiB the host need not back: a machine that compiles little touches few of its pages
  const m = new TestMachine(4 << 20);
  const table = new Int32Array(m.mem.wasm!.buffer, ENTRY_OFF, ENTRY_SLOTS * 2);
  assert.ok(
    table.every((v) => v === 0),
    'untouched',
  );
  m.loadWords(CODE, [A.addi(T0, 0, 1000), A.addi(A0, A0, 1), A.addi(T0, T0, -1), A.bne(T0, 0, -8), A.ECALL]);
  m.hart.pc = CODE;
  m.hart.jitBackend = 'wasm';
  m.hart.jitThreshold = 1;
  assert.equal(m.hart.run(1e6), Cause.EcallU);
  assert.equal(m.reg(A0), 1000);
  const used = table.filter((v, i) => i % 2 === 0 && v !== 0).length;
  assert.ok(used > 0 && used === m.mem.wasmJit!.entries.size, `${used} slots for ${m.mem.wasmJit!.entries.size} entries`);
});
