// The kernel's 8250 port driver and PLIC driver on the board's models,
// without a kernel: startup raises RTS so the far end may send, a received
// line comes in as one PLIC interrupt (IRQ 10) whose handler reads the FIFO
// dry, the end of input hangs the port up, and writes reach the sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/machine/machine.js';
import { VIRT_PLIC, VIRT_UART0, UART0_IRQ } from '../../src/machine/memmap.js';
import { IRQ_S_EXT } from '../../src/machine/irq.js';
import { IrqTable } from '../../src/kernel/irq/irqdesc.js';
import { PlicDriver } from '../../src/kernel/drivers/irqchip/irq-sifive-plic.js';
import { Uart8250Port } from '../../src/kernel/drivers/tty/serial/8250_port.js';
import { ioremap } from '../../src/kernel/lib/iomem.js';

const enc = new TextEncoder(),
  dec = new TextDecoder();

function setup() {
  const out: string[] = [];
  const requests: ((d: Uint8Array | null) => void)[] = [];
  const m = new Machine({
    memBytes: 1 << 20,
    backends: {
      console: { stdout: { isTty: false, write: (d) => out.push(dec.decode(d)) }, requestInput: (d) => requests.push(d) },
      clock: { wallClockMs: () => 0, monotonicMs: () => 0, sleep: async () => {}, yield: async () => {} },
      entropy: { random: (b) => b.fill(0) },
    },
  });
  const irqs = new IrqTable(1);
  const plic = new PlicDriver(ioremap(m.bus, VIRT_PLIC.base), irqs, 1);
  const got: string[] = [];
  let hangups = 0;
  const port = new Uart8250Port(ioremap(m.bus, VIRT_UART0.base), { receive: (d) => got.push(dec.decode(d)), hangup: () => hangups++ });
  plic.map(UART0_IRQ, 10);
  irqs.request(10, 'ttyS0', () => {
    port.handleIrq();
  });
  plic.enable(UART0_IRQ);
  return { m, irqs, plic, port, out, requests, got, hangups: () => hangups };
}

test('no input is asked for before startup; after it, a long line is one interrupt that reads it all', () => {
  const s = setup();
  assert.equal(s.requests.length, 0, 'RTS low until the port starts up');
  s.port.startup();
  assert.equal(s.requests.length, 1);
  const line = 'the quick brown fox jumps over the lazy dog\n';
  s.requests[0](enc.encode(line));
  assert.equal(s.m.hartIrqs[0].has(IRQ_S_EXT), true);
  assert.equal(s.plic.handle(0), 1);
  assert.equal(s.got.join(''), line, 'the FIFO refilled from the wire while the handler read it');
  assert.deepEqual(s.irqs.get(10)!.counts, [1]);
  assert.equal(s.m.hartIrqs[0].pending, 0);
  assert.equal(s.port.icount.rx, line.length);
});

test('the end of input drops the carrier: the handler hangs the port up, once', () => {
  const s = setup();
  s.port.startup();
  s.requests[0](enc.encode('x'));
  s.plic.handle(0);
  s.requests[1](null);
  assert.equal(s.plic.handle(0), 1);
  assert.equal(s.hangups(), 1);
  assert.equal(s.plic.handle(0), 0, 'nothing more pending');
});

test('writes go through THR and reach the sink whole', () => {
  const s = setup();
  s.port.write(enc.encode('hello, world\r\n'));
  assert.deepEqual(s.out, ['hello, world\r\n']);
  assert.equal(s.port.icount.tx, 14);
});
