// The goldfish RTC, the entropy source, the sifive_test power controller,
// the bus, and the board wiring them: a UART byte reaches hart 0's
// supervisor external interrupt through the PLIC, claim/complete included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GoldfishRtc,
  RTC_TIME_LOW,
  RTC_TIME_HIGH,
  RTC_ALARM_LOW,
  RTC_ALARM_HIGH,
  RTC_IRQ_ENABLED,
  RTC_ALARM_STATUS,
  RTC_CLEAR_INTERRUPT,
} from '../../src/machine/goldfish-rtc.js';
import { EntropySource } from '../../src/machine/rng.js';
import { SifiveTest, type PowerEvent } from '../../src/machine/sifive-test.js';
import { Bus } from '../../src/machine/bus.js';
import { Machine, plicContext } from '../../src/machine/machine.js';
import { IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER } from '../../src/machine/irq.js';
import { UART0_IRQ, VIRT_PLIC, VIRT_UART0, VIRT_CLINT, VIRT_TEST, VIRT_RTC, VIRT_RNG } from '../../src/machine/memmap.js';
import { UART_IER, UART_IER_RDI, UART_MCR, UART_MCR_RTS, UART_RX } from '../../src/machine/uart16550.js';
import { CONTEXT_BASE, CONTEXT_STRIDE, ENABLE_BASE, ENABLE_STRIDE } from '../../src/machine/plic.js';

test('RTC: reading TIME_LOW latches TIME_HIGH; the time can be set', () => {
  let now = 0x1_8000_0001 * 1000;
  const rtc = new GoldfishRtc(() => now);
  const lo = rtc.read(RTC_TIME_LOW, 4);
  now += 0x1_0000_0000; // the high word moves on between the reads
  const hi = rtc.read(RTC_TIME_HIGH, 4);
  assert.equal(hi * 2 ** 32 + lo, 0x1_8000_0001 * 1000, 'the pair is one reading');
  rtc.write(RTC_TIME_HIGH, 4, 5);
  rtc.write(RTC_TIME_LOW, 4, 7);
  assert.equal(rtc.time, 5 * 2 ** 32 + 7);
  now += 10;
  assert.equal(rtc.time, 5 * 2 ** 32 + 17, 'and runs on from there');
});

test('RTC: the alarm raises the line when due and enabled, until the interrupt is cleared', () => {
  let now = 1000;
  const rtc = new GoldfishRtc(() => now);
  rtc.write(RTC_IRQ_ENABLED, 4, 1);
  rtc.write(RTC_ALARM_HIGH, 4, 0);
  rtc.write(RTC_ALARM_LOW, 4, 2000);
  assert.equal(rtc.read(RTC_ALARM_STATUS, 4), 1);
  assert.equal(rtc.irq.level, false);
  now = 2000;
  rtc.tick();
  assert.equal(rtc.irq.level, true);
  assert.equal(rtc.read(RTC_ALARM_STATUS, 4), 0, 'fired: no longer armed');
  rtc.write(RTC_CLEAR_INTERRUPT, 4, 1);
  assert.equal(rtc.irq.level, false);
});

test('entropy source: each read is 32 fresh bits from the backend, little-endian', () => {
  let n = 0;
  const rng = new EntropySource({
    random: (b) => {
      for (let i = 0; i < b.length; i++) b[i] = n++;
    },
  });
  assert.equal(rng.read(0, 4), 0x03020100);
  assert.equal(rng.read(0, 4), 0x07060504);
  assert.equal(rng.reads, 2);
});

test('power controller: 0x5555 powers off, 0x7777 resets, 0x3333 fails with a code, others are ignored', () => {
  const t = new SifiveTest(),
    seen: PowerEvent[] = [];
  t.onPower = (e) => seen.push(e);
  t.write(0, 4, 0x1234);
  t.write(0, 4, 0x5555);
  t.write(0, 4, 0x7777);
  t.write(0, 4, (3 << 16) | 0x3333);
  assert.deepEqual(seen, [{ kind: 'poweroff' }, { kind: 'reset' }, { kind: 'fail', code: 3 }]);
});

test('bus: ranges do not overlap; an access outside every range is a bus error', () => {
  const bus = new Bus();
  bus.map(0x1000, 0x100, new SifiveTest());
  assert.throws(() => bus.map(0x10f0, 0x100, new SifiveTest()), /overlaps/);
  assert.equal(bus.read(0x2000), null);
  assert.equal(bus.write(0x2000, 1), false);
  assert.equal(bus.write(0x1000, 0x1234), true);
});

test('the virt board: a received byte becomes hart 0 S-mode external interrupt 10 through the PLIC', () => {
  const requests: ((d: Uint8Array | null) => void)[] = [];
  const m = new Machine({
    memBytes: 1 << 20,
    cpus: 2,
    backends: {
      console: { stdout: { isTty: false, write: () => {} }, requestInput: (d) => requests.push(d) },
      clock: { wallClockMs: () => 0, monotonicMs: () => 0, sleep: async () => {}, yield: async () => {} },
      entropy: { random: (b) => b.fill(7) },
    },
  });
  assert.deepEqual(
    m.bus.entries.map((r) => r.dev.name),
    ['test', 'rtc', 'clint', 'rng', 'plic', 'uart'],
  );
  assert.equal(m.bus.read(VIRT_RNG.base), 0x07070707);
  const ctx = plicContext(0, 'S');
  m.bus.write(VIRT_PLIC.base + UART0_IRQ * 4, 1);
  m.bus.write(VIRT_PLIC.base + ENABLE_BASE + ctx * ENABLE_STRIDE, 1 << UART0_IRQ);
  m.bus.write(VIRT_UART0.base + UART_IER, UART_IER_RDI, 1);
  m.bus.write(VIRT_UART0.base + UART_MCR, UART_MCR_RTS, 1);
  let woke = 0;
  m.hartIrqs[0].onRaise = () => woke++;
  requests[0](new TextEncoder().encode('q'));
  assert.equal(m.hartIrqs[0].has(IRQ_S_EXT), true);
  assert.equal(m.hartIrqs[1].has(IRQ_S_EXT), false, 'hart 1 does not enable the source');
  assert.equal(woke, 1);
  const claim = VIRT_PLIC.base + CONTEXT_BASE + ctx * CONTEXT_STRIDE + 4;
  assert.equal(m.bus.read(claim), UART0_IRQ);
  assert.equal(m.bus.read(VIRT_UART0.base + UART_RX, 1), 0x71);
  m.bus.write(claim, UART0_IRQ);
  assert.equal(m.hartIrqs[0].pending, 0, 'data read and source completed: nothing pending');
  // The CLINT's lines reach the harts' supervisor timer and software bits.
  m.clint.timeSource = () => 100;
  m.bus.write(VIRT_CLINT.base + 0x4000 + 8, 50);
  m.bus.write(VIRT_CLINT.base + 0x4000 + 12, 0);
  assert.equal(m.hartIrqs[1].has(IRQ_S_TIMER), true);
  m.bus.write(VIRT_CLINT.base + 4, 1);
  assert.equal(m.hartIrqs[1].has(IRQ_S_SOFT), true);
  assert.equal(m.irqPending, 0b10);
  let off = 0;
  m.power.onPower = () => off++;
  m.bus.write(VIRT_TEST.base, 0x5555);
  assert.equal(off, 1);
  assert.ok(m.bus.read(VIRT_RTC.base) !== null);
});
