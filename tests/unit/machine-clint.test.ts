// The CLINT model (ACLINT MTIMER + MSWI, SiFive layout): mtime from the
// time base, a timer line per hart while mtime >= mtimecmp, and msip as
// the software interrupt (IPI) doorbell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Aclint, MSIP_BASE, MTIMECMP_BASE, MTIME } from '../../src/machine/aclint.js';

function clint(harts = 2) {
  const c = new Aclint(harts);
  let now = 1000;
  c.timeSource = () => now;
  return {
    c,
    set: (t: number) => {
      now = t;
      c.tick();
    },
  };
}

test('mtime reads the time base, in halves or whole', () => {
  const { c, set } = clint();
  set(0x1_2345_6789);
  assert.equal(c.read(MTIME, 8), 0x1_2345_6789);
  assert.equal(c.read(MTIME, 4), 0x2345_6789);
  assert.equal(c.read(MTIME + 4, 4), 1);
});

test('the timer line follows mtime >= mtimecmp, per hart; mtimecmp starts out never', () => {
  const { c, set } = clint();
  assert.equal(c.timerLines[0].level, false);
  c.write(MTIMECMP_BASE + 8, 8, 2000);
  assert.equal(c.timerLines[1].level, false);
  set(1999);
  assert.equal(c.timerLines[1].level, false);
  set(2000);
  assert.equal(c.timerLines[1].level, true);
  assert.equal(c.timerLines[0].level, false, 'hart 0 has its own compare register');
  // Writing a later compare value clears the interrupt (how a handler acknowledges it).
  c.write(MTIMECMP_BASE + 8 + 4, 4, 1);
  assert.equal(c.read(MTIMECMP_BASE + 8, 8), 0x1_0000_07d0);
  assert.equal(c.timerLines[1].level, false);
});

test('msip: bit 0 rings the hart, 0 clears it', () => {
  const { c } = clint();
  c.write(MSIP_BASE + 4, 4, 0xff);
  assert.equal(c.read(MSIP_BASE + 4, 4), 1);
  assert.equal(c.softLines[1].level, true);
  assert.equal(c.softLines[0].level, false);
  c.write(MSIP_BASE + 4, 4, 0);
  assert.equal(c.softLines[1].level, false);
});

test('writing mtime moves the count and re-evaluates the timers', () => {
  const { c } = clint(1);
  c.setTimecmp(0, 5000);
  c.write(MTIME, 8, 6000);
  assert.equal(c.read(MTIME, 8), 6000);
  assert.equal(c.timerLines[0].level, true);
});
