// Sv39 translation from user mode: the fault cause and tval of every failure
// the kernel must tell apart, superpages, and TLB behaviour.
import { tiered } from './cpu-harness/tiers.js';
import assert from 'node:assert/strict';
import { TestMachine, USER, PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_A, PTE_D } from './cpu-harness/machine.js';
import { Cause } from '../../src/cpu/hart.js';
import { RAM_BASE } from '../../src/cpu/physmem.js';
import * as A from './cpu-harness/asm.js';

const CODE = 0x10000,
  DATA = 0x200000;
const A0 = 10,
  A1 = 11;

interface Probe {
  cause: number;
  tval: number;
  pc: number;
  a0: number;
  m: TestMachine;
}

/** Run `insn` (with a1 = addr, a0 = 0x55) followed by ecall on a fresh machine prepared by `setup`. */
function probe(insn: number, addr: number, setup: (m: TestMachine) => void = () => {}): Probe {
  const m = new TestMachine(32 << 20);
  m.loadWords(CODE, [insn, A.ECALL]);
  setup(m);
  m.setReg(A1, addr);
  m.setReg(A0, 0x55);
  const cause = m.hart.run(100);
  return { cause, tval: m.hart.tval, pc: m.hart.pc, a0: m.reg(A0), m };
}

const LOAD = A.ld(A0, A1, 0),
  STORE = A.sd(A0, A1, 0),
  JUMP = A.jalr(0, A1, 0);

tiered('unmapped addresses fault with the access type and the VA', () => {
  const ld = probe(LOAD, DATA + 8);
  assert.deepEqual([ld.cause, ld.tval, ld.pc], [Cause.LoadPageFault, DATA + 8, CODE]);
  const st = probe(STORE, DATA + 16);
  assert.deepEqual([st.cause, st.tval, st.pc], [Cause.StorePageFault, DATA + 16, CODE]);
  const x = probe(JUMP, DATA + 4);
  assert.deepEqual([x.cause, x.tval, x.pc], [Cause.InsnPageFault, DATA + 4, DATA + 4]);
  assert.equal(x.m.hart.instret, 1, 'the jump retired, the fetch did not');
});

tiered('permission bits: U, R, W, X', () => {
  const page = (flags: number) => (m: TestMachine) => {
    m.map(DATA, flags);
  };
  // supervisor-only page
  assert.equal(probe(LOAD, DATA, page(PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)).cause, Cause.LoadPageFault);
  // W without R is a reserved encoding, for loads and stores alike
  assert.equal(probe(LOAD, DATA, page(USER | PTE_W)).cause, Cause.LoadPageFault);
  assert.equal(probe(STORE, DATA, page(USER | PTE_W)).cause, Cause.StorePageFault);
  // read-only: loads work, stores and fetches fault
  assert.equal(probe(LOAD, DATA, page(USER | PTE_R)).cause, Cause.EcallU);
  assert.equal(probe(STORE, DATA, page(USER | PTE_R)).cause, Cause.StorePageFault);
  assert.equal(probe(JUMP, DATA, page(USER | PTE_R)).cause, Cause.InsnPageFault);
  // execute-only: fetch works (it reaches the ecall there), loads fault (MXR is off)
  assert.equal(probe(LOAD, DATA, page(USER | PTE_X)).cause, Cause.LoadPageFault);
  const xo = probe(JUMP, DATA, (m) => {
    m.loadWords(DATA, [A.ECALL], USER | PTE_X);
    m.hart.pc = CODE;
  });
  assert.deepEqual([xo.cause, xo.pc], [Cause.EcallU, DATA]);
});

tiered('Svade: A=0 faults every access, D=0 faults stores only', () => {
  const noA = (m: TestMachine) => {
    m.map(DATA, PTE_V | PTE_U | PTE_R | PTE_W | PTE_D);
  };
  const noD = (m: TestMachine) => {
    m.map(DATA, PTE_V | PTE_U | PTE_R | PTE_W | PTE_A);
  };
  assert.equal(probe(LOAD, DATA, noA).cause, Cause.LoadPageFault);
  assert.equal(probe(STORE, DATA, noA).cause, Cause.StorePageFault);
  assert.equal(probe(LOAD, DATA, noD).cause, Cause.EcallU);
  const st = probe(STORE, DATA + 24, noD);
  assert.deepEqual([st.cause, st.tval], [Cause.StorePageFault, DATA + 24]);
  // the kernel sets D, flushes the TLB and restarts the store: it now succeeds
  const m = st.m;
  const e = m.pteIndex(DATA);
  m.mem.i32[e] |= PTE_D;
  m.hart.flushTlb();
  assert.equal(m.hart.run(100), Cause.EcallU);
  assert.equal(m.mem.i32[m.ramOffset(DATA + 24) >> 2], 0x55);
});

tiered('a loaded value lands in the register and comes from the mapped RAM page', () => {
  const r = probe(LOAD, DATA + 8, (m) => {
    const page = m.map(DATA, USER | PTE_R);
    m.mem.i32[(page * 4096 + 8) >> 2] = 0x12345678;
    m.mem.i32[(page * 4096 + 12) >> 2] = -2;
  });
  assert.equal(r.cause, Cause.EcallU);
  assert.equal(r.m.regBig(A0), -0x1edcba988n);
});

tiered('superpages: aligned ones translate, misaligned ones fault', () => {
  // 2 MiB leaf at level 1 mapping VA 0x400000 to RAM page 512 (aligned)
  const mega = probe(LOAD, 0x400000 + 0x3008, (m) => {
    const [lo, hi] = TestMachine.pte(512, USER | PTE_R);
    m.setPte(0x400000, lo, hi, 1);
    m.mem.i32[(515 * 4096 + 8) >> 2] = 777;
  });
  assert.deepEqual([mega.cause, mega.a0], [Cause.EcallU, 777]);
  // the same with RAM page 513: PPN not 2 MiB aligned
  const bad = probe(LOAD, 0x400000 + 0x3008, (m) => {
    const [lo, hi] = TestMachine.pte(513, USER | PTE_R);
    m.setPte(0x400000, lo, hi, 1);
  });
  assert.deepEqual([bad.cause, bad.tval], [Cause.LoadPageFault, 0x403008]);
  // 1 GiB leaf at level 2: VA 0x40000000 -> RAM_BASE (aligned to 2^30)
  const giga = probe(LOAD, 0x40000000 + 0x5010, (m) => {
    const [lo, hi] = TestMachine.pte(0, USER | PTE_R);
    m.setPte(0x40000000, lo, hi, 2);
    m.mem.i32[(5 * 4096 + 16) >> 2] = 4242;
  });
  assert.deepEqual([giga.cause, giga.a0], [Cause.EcallU, 4242]);
  const gigaBad = probe(LOAD, 0x40000000, (m) => {
    const [lo, hi] = TestMachine.pte(512, USER | PTE_R);
    m.setPte(0x40000000, lo, hi, 2);
  });
  assert.equal(gigaBad.cause, Cause.LoadPageFault);
});

tiered('a PPN outside RAM is an access fault', () => {
  const outside = (flags: number) => (m: TestMachine) => {
    const [lo, hi] = TestMachine.pte(0, flags | PTE_V, 0x1000); // physical 0x1000000, below RAM
    m.setPte(DATA, lo, hi);
  };
  const ld = probe(LOAD, DATA + 4, outside(USER | PTE_R));
  assert.deepEqual([ld.cause, ld.tval], [Cause.LoadAccess, DATA + 4]);
  assert.equal(probe(STORE, DATA, outside(USER | PTE_R | PTE_W)).cause, Cause.StoreAccess);
  const x = probe(JUMP, DATA, outside(USER | PTE_X));
  assert.deepEqual([x.cause, x.pc], [Cause.InsnAccess, DATA]);
  // past the end of RAM
  const end = probe(LOAD, DATA, (m) => {
    const [lo, hi] = TestMachine.pte(m.mem.pages, USER | PTE_R);
    m.setPte(DATA, lo, hi);
  });
  assert.equal(end.cause, Cause.LoadAccess);
  // a page-table pointer outside RAM
  const ptr = probe(LOAD, 0x40000000, (m) => {
    const [lo, hi] = TestMachine.pte(0, PTE_V, RAM_BASE / 4096 + m.mem.pages + 5);
    m.setPte(0x40000000, lo, hi, 2);
  });
  assert.equal(ptr.cause, Cause.LoadAccess);
});

tiered('malformed entries and addresses are page faults', () => {
  // reserved PTE bits 63:54
  const rsv = probe(LOAD, DATA, (m) => {
    const page = m.allocPage();
    const [lo, hi] = TestMachine.pte(page, USER | PTE_R);
    m.setPte(DATA, lo, hi | (1 << 22));
  });
  assert.equal(rsv.cause, Cause.LoadPageFault);
  // a level-0 entry that is a pointer (no R/X) cannot go deeper
  const deep = probe(LOAD, DATA, (m) => {
    const [lo, hi] = TestMachine.pte(m.allocPage(), PTE_V);
    m.setPte(DATA, lo, hi);
  });
  assert.equal(deep.cause, Cause.LoadPageFault);
  // non-canonical: bit 39 set, bits 63..40 clear
  const nc = probe(LOAD, 0x80_0000_0000);
  assert.deepEqual([nc.cause, nc.tval], [Cause.LoadPageFault, 0x80_0000_0000]);
  // canonical upper half: nothing is mapped there for users
  const m = new TestMachine();
  m.loadWords(CODE, [A.ld(A0, A1, 0), A.ECALL]);
  m.hart.xl[A1] = 0;
  m.hart.xh[A1] = -64; // 0xffffffc000000000
  assert.equal(m.hart.run(10), Cause.LoadPageFault);
  assert.equal(m.hart.tval, 0xffffffc000000000);
});

tiered('no page table: every access faults', () => {
  const m = new TestMachine();
  m.loadWords(CODE, [A.NOP]);
  m.hart.setPageTable(-1);
  assert.equal(m.hart.satpRoot, -1);
  assert.equal(m.hart.run(10), Cause.InsnPageFault);
  assert.equal(m.hart.tval, CODE);
});

tiered('the TLB is flushed by flushTlb and setPageTable', () => {
  const m = new TestMachine();
  m.loadWords(CODE, [LOAD, A.ECALL]);
  const page = m.map(DATA, USER | PTE_R);
  m.mem.i32[page * 1024] = 1;
  m.setReg(A1, DATA);
  assert.equal(m.hart.run(10), Cause.EcallU);
  assert.equal(m.reg(A0), 1);
  // remap DATA to another page; after the flush the new page is read
  const other = m.allocPage();
  m.mem.i32[other * 1024] = 2;
  m.map(DATA, USER | PTE_R, other); // map() flushes
  m.hart.pc = CODE;
  assert.equal(m.hart.run(10), Cause.EcallU);
  assert.equal(m.reg(A0), 2);
  // unmap: the load now faults
  m.setPte(DATA, 0, 0);
  m.hart.pc = CODE;
  assert.equal(m.hart.run(10), Cause.LoadPageFault);
  // a second address space
  const root2 = m.allocPage();
  m.hart.setPageTable(root2);
  assert.equal(m.hart.satpRoot, root2);
  assert.equal(m.hart.run(10), Cause.InsnPageFault);
});
