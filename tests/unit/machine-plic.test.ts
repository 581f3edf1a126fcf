// The PLIC model against the RISC-V PLIC specification: priorities,
// per-context enables and thresholds, claim/complete, and the gateway that
// holds a claimed level-triggered source until completion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Plic, CONTEXT_BASE, CONTEXT_STRIDE, ENABLE_BASE, ENABLE_STRIDE, PENDING_BASE } from '../../src/machine/plic.js';
import { IrqLine } from '../../src/machine/irq.js';

function board() {
  const plic = new Plic(96, 2);
  const a = new IrqLine(),
    b = new IrqLine();
  a.connect(plic.input(10));
  b.connect(plic.input(11));
  return { plic, a, b };
}
const claimReg = (ctx: number) => CONTEXT_BASE + ctx * CONTEXT_STRIDE + 4;
const threshReg = (ctx: number) => CONTEXT_BASE + ctx * CONTEXT_STRIDE;

test('a source with priority 0 never interrupts; enabling and a priority make the context line go high', () => {
  const { plic, a } = board();
  a.raise();
  assert.equal(plic.read(PENDING_BASE, 4), 1 << 10, 'pending bit 10 in the first word');
  plic.write(ENABLE_BASE + 1 * ENABLE_STRIDE, 4, 1 << 10);
  assert.equal(plic.outputs[1].level, false, 'priority 0 means never');
  plic.write(10 * 4, 4, 1);
  assert.equal(plic.outputs[1].level, true);
  assert.equal(plic.outputs[0].level, false, 'context 0 does not enable it');
});

test('claim returns the highest priority source, then complete lets a still-high level pend again', () => {
  const { plic, a, b } = board();
  plic.write(10 * 4, 4, 1);
  plic.write(11 * 4, 4, 3);
  plic.write(ENABLE_BASE + ENABLE_STRIDE, 4, (1 << 10) | (1 << 11));
  a.raise();
  b.raise();
  assert.equal(plic.read(claimReg(1), 4), 11);
  assert.equal(plic.read(claimReg(1), 4), 10);
  assert.equal(plic.read(claimReg(1), 4), 0, 'nothing left');
  assert.equal(plic.outputs[1].level, false);
  // Both lines stay high: completion re-pends them.
  plic.write(claimReg(1), 4, 10);
  assert.equal(plic.isPending(10), true);
  assert.equal(plic.outputs[1].level, true);
  b.lower();
  plic.write(claimReg(1), 4, 11);
  assert.equal(plic.isPending(11), false, 'a lowered line does not pend after completion');
});

test('equal priorities go to the lowest source number; the threshold masks priorities at or below it', () => {
  const { plic, a, b } = board();
  plic.write(10 * 4, 4, 2);
  plic.write(11 * 4, 4, 2);
  plic.write(ENABLE_BASE, 4, (1 << 10) | (1 << 11));
  b.raise();
  a.raise();
  plic.write(threshReg(0), 4, 2);
  assert.equal(plic.outputs[0].level, false);
  assert.equal(plic.read(claimReg(0), 4), 0);
  plic.write(threshReg(0), 4, 1);
  assert.equal(plic.read(threshReg(0), 4), 1);
  assert.equal(plic.read(claimReg(0), 4), 10);
});

test('a line that drops before the claim is no longer pending; completion by a context that does not enable it is ignored', () => {
  const { plic, a } = board();
  plic.write(10 * 4, 4, 1);
  plic.write(ENABLE_BASE, 4, 1 << 10);
  a.raise();
  a.lower();
  assert.equal(plic.read(claimReg(0), 4), 0);
  a.raise();
  assert.equal(plic.read(claimReg(0), 4), 10);
  plic.write(claimReg(1), 4, 10);
  assert.equal(plic.isPending(10), false, 'still in service: context 1 cannot complete it');
  plic.write(claimReg(0), 4, 10);
  assert.equal(plic.isPending(10), true);
});

test('source 0 does not exist: its enable bit stays 0 and priorities cap at 7', () => {
  const { plic } = board();
  plic.write(ENABLE_BASE, 4, 0xffffffff);
  assert.equal(plic.read(ENABLE_BASE, 4), 0xfffffffe);
  plic.write(10 * 4, 4, 100);
  assert.equal(plic.read(10 * 4, 4), 7);
});
