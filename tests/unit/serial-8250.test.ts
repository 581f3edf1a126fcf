// The kernel's 8250 port driver and PLIC driver on the board's models,
// without a kernel: startup raises RTS so the far end may send, a received
// line comes in as one PLIC interrupt (IRQ 10) whose handler reads the FIFO
// dry, the end of input hangs the port up, and writes reach the sink: polled
// before startup, by THR-empty interrupts after it (as 8250_port.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../src/machine/machine.js';
import { VIRT_PLIC, VIRT_UART0, UART0_IRQ } from '../../src/machine/memmap.js';
import { IRQ_S_EXT } from '../../src/machine/irq.js';
import { IrqTable } from '../../src/kernel/irq/irqdesc.js';
import { PlicDriver } from '../../src/kernel/drivers/irqchip/irq-sifive-plic.js';
import { Uart8250Port, serial8250ConsoleWrite } from '../../src/kernel/drivers/tty/serial/8250_port.js';
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

test('after startup a write leaves by THR-empty interrupts, one FIFO load (16 bytes) each, and reaches the sink whole', () => {
  const s = setup();
  s.port.startup();
  const text = 'x'.repeat(100) + '\r\n';
  assert.equal(s.port.write(enc.encode(text)), text.length);
  // start_tx enabled UART_IER_THRI with THR empty: the line is up, nothing sent yet.
  assert.deepEqual(s.out, []);
  assert.equal(s.m.hartIrqs[0].has(IRQ_S_EXT), true);
  assert.equal(s.port.charsInBuffer, text.length);
  // 102 bytes: 7 loads of up to 16, the last interrupt finds the buffer empty and stops the transmitter.
  assert.equal(s.plic.handle(0), Math.ceil(text.length / 16));
  assert.deepEqual(s.out, [text], 'one burst once the transmitter stopped');
  assert.deepEqual(s.irqs.get(10)!.counts, [Math.ceil(text.length / 16)]);
  assert.equal(s.port.icount.tx, text.length);
  assert.equal(s.m.hartIrqs[0].pending, 0, 'THR-empty interrupt disabled again');
  assert.equal(s.plic.handle(0), 0);
});

test('the transmit buffer holds UART_XMIT_SIZE bytes; a console write in between keeps the pending transmit interrupt', () => {
  const s = setup();
  s.port.startup();
  assert.equal(s.port.write(new Uint8Array(5000).fill(0x61)), 4096, 'what does not fit is left to the caller');
  assert.equal(s.port.writeRoom, 0);
  // The kernel log writes polled with IER cleared, then puts IER back.
  serial8250ConsoleWrite(ioremap(s.m.bus, VIRT_UART0.base), enc.encode('log\n'));
  assert.deepEqual(s.out, ['log\n']);
  assert.equal(s.plic.handle(0), 4096 / 16);
  assert.equal(s.out.join('').length, 4 + 4096);
  assert.equal(s.port.writeRoom, 4096);
});
