// The hart's trap contract and the corners of execution the differential
// tests cannot reach: illegal instructions, budgets, misaligned and
// page-straddling accesses and fetches, decode-cache coherence, LR/SC.
import { tiered } from './cpu-harness/tiers.js';
import assert from 'node:assert/strict';
import { TestMachine, USER, PTE_R, PTE_W, PTE_X } from './cpu-harness/machine.js';
import { Cause, Hart } from '../../src/cpu/hart.js';
import * as A from './cpu-harness/asm.js';

const CODE = 0x10000,
  DATA = 0x200000;
const T0 = 5,
  T1 = 6,
  A0 = 10,
  A1 = 11,
  A2 = 12;
const RW = USER | PTE_R | PTE_W;

function machine(words: number[]): TestMachine {
  const m = new TestMachine(16 << 20);
  m.loadWords(CODE, words);
  return m;
}

/** Place 16-bit parcels at va (mapped RWX) and point pc there. */
function loadHalves(m: TestMachine, va: number, halves: number[]): void {
  for (let a = Math.floor(va / 4096) * 4096; a < va + halves.length * 2; a += 4096) m.map(a, USER | PTE_R | PTE_W | PTE_X);
  const bytes = new Uint8Array(halves.length * 2);
  halves.forEach((h, i) => {
    bytes[2 * i] = h & 255;
    bytes[2 * i + 1] = h >>> 8;
  });
  m.writeVirt(va, bytes);
  m.hart.pc = va;
}

tiered('illegal instructions trap with the instruction bits in tval', () => {
  const cases: [string, number[], number][] = [
    ['all-zero 16-bit', [0x0000], 0],
    ['sret', [A.SRET & 0xffff, A.SRET >>> 16], A.SRET],
    ['mret', [A.MRET & 0xffff, A.MRET >>> 16], A.MRET],
    ['wfi', [A.WFI & 0xffff, A.WFI >>> 16], A.WFI],
    ['sfence.vma', [A.SFENCE_VMA & 0xffff, A.SFENCE_VMA >>> 16], A.SFENCE_VMA],
    ['csrr sstatus', [0x2573, 0x1000], 0x10002573],
    ['csrw cycle', [0x1073, 0xc005], 0xc0051073],
    ['csrrwi instret', [0x5073, 0xc020], 0xc0205073],
    ['csrr cycleh (RV32 only)', [0x2573, 0xc800], 0xc8002573],
    ['reserved c.lwsp x0', [0x4002], 0x4002],
    ['unknown major opcode', [0x007f, 0], 0x7f],
    ['ld with funct3 7', [0x7503, 0x0005], 0x00057503],
    ['flh (no Zfh)', [0x1007, 0], 0x1007],
  ];
  for (const [name, halves, bits] of cases) {
    const m = new TestMachine(4 << 20);
    loadHalves(m, CODE, [0x0001, ...halves]); // c.nop first: the trap is at CODE+2
    assert.equal(m.hart.run(10), Cause.Illegal, name);
    assert.equal(m.hart.tval, bits, `${name} tval`);
    assert.equal(m.hart.pc, CODE + 2, `${name} pc`);
    assert.equal(m.hart.instret, 1, `${name} not retired`);
  }
});

tiered('reading the counters is allowed; time comes from timeSource', () => {
  const m = machine([0xc0002573 /* csrr a0, cycle */, 0xc01025f3 /* csrr a1, time */, 0xc0202673 /* csrr a2, instret */, A.ECALL]);
  m.hart.timeSource = () => 0x1_2345_6789;
  m.hart.instret = 1000;
  assert.equal(m.hart.run(10), Cause.EcallU);
  assert.equal(m.reg(A0), 1000);
  assert.equal(m.reg(A1), 0x1_2345_6789);
  assert.equal(m.reg(A2), 1002);
});

tiered('ecall and ebreak: pc at the instruction, not retired', () => {
  const m = machine([A.addi(A0, 0, 1), A.ECALL, A.addi(A0, A0, 1), A.EBREAK]);
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.hart.pc, m.hart.instret], [CODE + 4, 1]);
  m.hart.pc += 4;
  assert.equal(m.hart.run(100), Cause.Breakpoint);
  assert.deepEqual([m.hart.pc, m.hart.tval, m.hart.instret, m.reg(A0)], [CODE + 12, CODE + 12, 2, 2]);
  const c = new TestMachine(4 << 20);
  loadHalves(c, CODE, [0x9002]); // c.ebreak
  assert.equal(c.hart.run(5), Cause.Breakpoint);
  assert.equal(c.hart.pc, CODE);
});

tiered('budget: exactly `budget` instructions retire, and slicing does not change the result', () => {
  // a0 = sum of 1..100 with a loop
  const prog = [A.addi(T0, 0, 100), A.addi(A0, 0, 0), A.add(A0, A0, T0), A.addi(T0, T0, -1), A.bne(T0, 0, -8), A.ECALL];
  const whole = machine(prog);
  assert.equal(whole.hart.run(1e6), Cause.EcallU);
  assert.equal(whole.reg(A0), 5050);
  const total = whole.hart.instret;
  assert.equal(total, 2 + 300);
  for (const slice of [1, 2, 3, 7]) {
    const m = machine(prog);
    let cause: number,
      calls = 0;
    while ((cause = m.hart.run(slice)) === -1) {
      calls++;
      assert.equal(m.hart.instret, calls * slice, `slice ${slice}`);
    }
    assert.equal(cause, Cause.EcallU);
    assert.equal(m.reg(A0), 5050);
    assert.equal(m.hart.instret, total);
  }
  const z = machine(prog);
  assert.equal(z.hart.run(0), -1);
  assert.equal(z.hart.instret, 0);
});

tiered('x0 stays zero and rd=x0 results are dropped', () => {
  const m = machine([A.addi(0, 0, 5), A.lui(0, 0x12345), A.jal(0, 8), A.addi(A0, 0, 1), A.add(A1, 0, 0), A.ld(0, 2, -8), A.ECALL]);
  m.setupStack();
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.hart.xl[0], m.hart.xh[0], m.reg(A0), m.reg(A1)], [0, 0, 0, 0]);
});

tiered('misaligned loads and stores are performed, also across pages', () => {
  const m = machine([A.ld(A0, A1, 0), A.lw(T0, A1, 2), A.lhu(T1, A1, 4), A.sd(A2, A1, 1), A.lwu(A2, A1, 3), A.ECALL]);
  m.map(DATA, RW);
  m.map(DATA + 4096, RW);
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 + i);
  m.writeVirt(DATA + 4093, bytes);
  m.setReg(A1, DATA + 4093);
  m.hart.xl[A2] = 0x05060708;
  m.hart.xh[A2] = 0x01020304;
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.regBig(A0), BigInt.asIntN(64, 0xf7f6f5f4f3f2f1f0n));
  assert.equal(m.regBig(T0), BigInt.asIntN(64, 0xfffffffff5f4f3f2n));
  assert.equal(m.reg(T1), 0xf5f4);
  assert.deepEqual([...m.readVirt(DATA + 4093, 10)], [0xf0, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0xf9]);
  assert.equal(m.reg(A2), 0x03040506);
});

tiered('a straddling access faults with the address of the missing page, and stores nothing', () => {
  const m = machine([A.sd(A2, A1, 0), A.ECALL]);
  m.map(DATA, RW);
  m.map(DATA + 4096, USER | PTE_R); // second page read-only
  m.setReg(A1, DATA + 4092);
  m.setReg(A2, -1);
  assert.equal(m.hart.run(10), Cause.StorePageFault);
  assert.equal(m.hart.tval, DATA + 4096);
  assert.deepEqual([...m.readVirt(DATA + 4092, 4)], [0, 0, 0, 0]);
  const l = machine([A.ld(A0, A1, 0), A.ECALL]);
  l.map(DATA, RW);
  l.setReg(A1, DATA + 4094);
  assert.equal(l.hart.run(10), Cause.LoadPageFault);
  assert.equal(l.hart.tval, DATA + 4096);
  l.setReg(A1, DATA - 2); // first page missing
  l.hart.pc = CODE;
  assert.equal(l.hart.run(10), Cause.LoadPageFault);
  assert.equal(l.hart.tval, DATA - 2);
});

tiered('a 4-byte instruction straddling two pages executes, or faults on the second page', () => {
  const addi = A.addi(A0, A0, 7);
  const m = new TestMachine(4 << 20);
  // c.nop at 0x10ffc, a 4-byte addi at 0x10ffe, c.addi a0,1 at 0x11002, ecall
  loadHalves(m, CODE + 0xffc, [0x0001, addi & 0xffff, addi >>> 16, 0x0505 /* c.addi a0,1 */, 0x0073, 0x0000]);
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.reg(A0), 8);
  assert.equal(m.hart.pc, CODE + 0x1004);
  // a branch that is the straddling instruction jumps relative to its own address
  const beq = A.beq(0, 0, -6);
  const b = new TestMachine(4 << 20);
  loadHalves(b, CODE + 0xff8, [0x0505, 0x0073, 0x0000, beq & 0xffff, beq >>> 16]);
  b.hart.pc = CODE + 0xffe;
  assert.equal(b.hart.run(100), Cause.EcallU);
  assert.deepEqual([b.reg(A0), b.hart.pc], [1, CODE + 0xffa]);
  // second page not mapped: fetch fault at the instruction, tval = the missing page
  const f = new TestMachine(4 << 20);
  loadHalves(f, CODE + 0xffe, [addi & 0xffff]);
  assert.equal(f.hart.run(100), Cause.InsnPageFault);
  assert.deepEqual([f.hart.pc, f.hart.tval], [CODE + 0xffe, CODE + 0x1000]);
  // a compressed instruction in the last parcel is not straddling
  const c = new TestMachine(4 << 20);
  loadHalves(c, CODE + 0xffe, [0x0505]);
  assert.equal(c.hart.run(100), Cause.InsnPageFault);
  assert.deepEqual([c.hart.pc, c.reg(A0)], [CODE + 0x1000, 1]);
});

tiered('execution falls through page ends and jumps between pages', () => {
  const m = new TestMachine(4 << 20);
  m.loadWords(CODE + 4088, [A.addi(A0, 0, 1), A.addi(A0, A0, 2), A.jal(0, 4096), A.ECALL]);
  m.loadWords(CODE + 8192, [A.addi(A0, A0, 4), A.jal(0, -4096)]);
  m.hart.pc = CODE + 4088;
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.reg(A0), m.hart.pc], [7, CODE + 4100]);
});

tiered('a store to a decoded page drops its decoded instructions', () => {
  // func at FUNC: addi a0, zero, 1; ret. Called, patched by a store, called again.
  const FUNC = CODE + 0x2000;
  const m = machine([
    A.jalr(1, A1, 0), // call func
    A.add(T1, A0, 0), // t1 = first result
    A.sw(A2, A1, 0), // patch the first instruction
    A.jalr(1, A1, 0), // call again: no fence.i, our hart stays coherent anyway
    A.FENCE_I,
    A.jalr(1, A1, 0),
    A.ECALL,
  ]);
  m.loadWords(FUNC, [A.addi(A0, 0, 1), A.jalr(0, 1, 0)]);
  m.hart.pc = CODE;
  m.setReg(A1, FUNC);
  m.setReg(A2, A.addi(A0, 0, 2));
  const page = m.ramOffset(FUNC) >>> 12;
  assert.equal(m.hart.run(3), -1); // the call and the first instruction of func
  assert.ok(m.mem.code[page], 'func decoded');
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.reg(T1), 1);
  assert.equal(m.reg(A0), 2);
});

tiered('a store into the page being executed takes effect on the next instruction', () => {
  // sw patches the instruction right after it
  const m = machine([A.auipc(T0, 0), A.sw(A2, T0, 8), A.addi(A0, 0, 1), A.ECALL]);
  m.setReg(A2, A.addi(A0, 0, 9));
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.reg(A0), 9);
});

tiered('kernel-side writes through PhysMem keep the decode cache coherent', () => {
  const m = machine([A.addi(A0, 0, 1), A.ECALL]);
  assert.equal(m.hart.run(10), Cause.EcallU);
  const off = m.ramOffset(CODE);
  const patch = new Uint8Array(4);
  new DataView(patch.buffer).setUint32(0, A.addi(A0, 0, 3), true);
  m.mem.write(off, patch);
  m.hart.pc = CODE;
  assert.equal(m.hart.run(10), Cause.EcallU);
  assert.equal(m.reg(A0), 3);
  m.mem.fill(off, 4, 0); // an all-zero parcel: illegal
  m.hart.pc = CODE;
  assert.equal(m.hart.run(10), Cause.Illegal);
  m.mem.zeroPage(off >>> 12);
  m.mem.copyPage(off >>> 12, off >>> 12);
  m.mem.invalidateCode(off >>> 12);
  m.mem.invalidateAllCode();
});

tiered('fence.i makes code written to another page visible', () => {
  const FUNC = CODE + 0x3000;
  const m = machine([A.jalr(1, A1, 0), A.add(T1, A0, 0), A.sw(A2, A1, 0), A.FENCE_I, A.jalr(1, A1, 0), A.ECALL]);
  m.loadWords(FUNC, [A.addi(A0, 0, 5), A.jalr(0, 1, 0)]);
  m.hart.pc = CODE;
  m.setReg(A1, FUNC);
  m.setReg(A2, A.addi(A0, 0, 6));
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.reg(T1), m.reg(A0)], [5, 6]);
});

tiered('LR/SC: success, failure without or after losing the reservation', () => {
  const prog = [A.lrD(A0, A1), A.addi(A0, A0, 1), A.scD(T0, A1, A0), A.scD(T1, A1, A0), A.ECALL];
  const m = machine(prog);
  m.map(DATA, RW);
  m.setReg(A1, DATA);
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.reg(T0), m.reg(T1), m.readVirt(DATA, 1)[0]], [0, 1, 1]);
  // the kernel drops the reservation (context switch) between LR and SC
  m.hart.pc = CODE;
  assert.equal(m.hart.run(2), -1);
  m.hart.clearReservation();
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.reg(T0), 1);
  // another hart stores to the reserved word between slices
  const other = new Hart(m.mem, 1);
  other.setPageTable(m.root);
  m.hart.pc = CODE;
  assert.equal(m.hart.run(2), -1);
  m.mem.u8[m.ramOffset(DATA)] = 42;
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.reg(T0), 1);
  // SC.W after LR.W succeeds; SC to another address fails
  const w = machine([A.lrW(A0, A1), A.scW(T0, A1, A2), A.lrW(A0, A1), A.addi(A1, A1, 8), A.scW(T1, A1, A2), A.ECALL]);
  w.map(DATA, RW);
  w.setReg(A1, DATA);
  w.setReg(A2, -5);
  assert.equal(w.hart.run(100), Cause.EcallU);
  assert.deepEqual([w.reg(T0), w.reg(T1), w.regBig(A0)], [0, 1, -5n]);
});

tiered('misaligned LR/SC/AMO trap; AMOs need write permission', () => {
  const run = (insn: number, addr: number, flags = RW): [number, number] => {
    const m = machine([insn, A.ECALL]);
    m.map(DATA, flags);
    m.setReg(A1, addr);
    return [m.hart.run(10), m.hart.tval];
  };
  assert.deepEqual(run(A.lrD(A0, A1), DATA + 4), [Cause.LoadMisaligned, DATA + 4]);
  assert.deepEqual(run(A.lrW(A0, A1), DATA + 2), [Cause.LoadMisaligned, DATA + 2]);
  assert.deepEqual(run(A.scD(A0, A1, A2), DATA + 4), [Cause.StoreMisaligned, DATA + 4]);
  assert.deepEqual(run(A.amoaddD(A0, A1, A2), DATA + 1), [Cause.StoreMisaligned, DATA + 1]);
  assert.deepEqual(run(A.amoswapW(A0, A1, A2), DATA + 6), [Cause.StoreMisaligned, DATA + 6]);
  assert.deepEqual(run(A.amoaddD(A0, A1, A2), DATA + 8, USER | PTE_R), [Cause.StorePageFault, DATA + 8]);
  assert.deepEqual(run(A.lrD(A0, A1), DATA + 8, USER | PTE_R), [Cause.EcallU, 0]);
});

tiered('FP loads NaN-box singles, FP stores move raw bits', () => {
  const m = machine([A.flw(3, A1, 0), A.fld(4, A1, 8), A.fsd(3, A1, 16), A.fsw(4, A1, 24), A.ECALL]);
  m.map(DATA, RW);
  const dv = new DataView(new ArrayBuffer(16));
  dv.setUint32(0, 0x3f800000, true);
  dv.setBigUint64(8, 0x7ff0000000000001n, true);
  m.writeVirt(DATA, new Uint8Array(dv.buffer));
  m.setReg(A1, DATA);
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.hart.fbits[6], m.hart.fbits[7]], [0x3f800000, -1]);
  assert.deepEqual([m.hart.fbits[8], m.hart.fbits[9]], [1, 0x7ff00000]);
  const out = new DataView(m.readVirt(DATA + 16, 12).buffer);
  assert.equal(out.getBigUint64(0, true), 0xffffffff3f800000n);
  assert.equal(out.getUint32(8, true), 1);
});

tiered('FP CSRs share state with fflags/frm', () => {
  const m = machine([
    0x00305573 /* csrrwi a0, fcsr, 0 */,
    0x00215073 /* csrwi frm, 2 */,
    0x0010d073 /* csrwi fflags, 1 */,
    0x003025f3 /* csrr a1, fcsr */,
    A.ECALL,
  ]);
  m.hart.fflags = 0x1f;
  m.hart.frm = 4;
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.deepEqual([m.reg(A0), m.reg(A1), m.hart.frm, m.hart.fflags], [0x9f, 0x41, 2, 1]);
});

tiered('an odd pc set by the kernel is a misaligned fetch', () => {
  const m = machine([A.NOP, A.ECALL]);
  m.hart.pc = CODE + 1;
  assert.equal(m.hart.run(10), Cause.InsnMisaligned);
  assert.deepEqual([m.hart.pc, m.hart.tval, m.hart.instret], [CODE + 1, CODE + 1, 0]);
});
