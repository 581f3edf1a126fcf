// The ns16550a model against the 16550 datasheet's register behaviour
// (and QEMU's serial.c where the datasheet leaves timing open): THR and
// LSR, IER/IIR priorities and acknowledgement, the RX FIFO and its
// trigger level, DLAB, loopback, flow control and end of input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Uart16550,
  UART_IER,
  UART_IIR,
  UART_FCR,
  UART_LCR,
  UART_MCR,
  UART_LSR,
  UART_MSR,
  UART_SCR,
  UART_RX,
  UART_TX,
  UART_IER_RDI,
  UART_IER_THRI,
  UART_IER_MSI,
  UART_IIR_NO_INT,
  UART_IIR_THRI,
  UART_IIR_RDI,
  UART_IIR_RX_TIMEOUT,
  UART_IIR_MSI,
  UART_LSR_DR,
  UART_LSR_THRE,
  UART_LSR_TEMT,
  UART_MCR_RTS,
  UART_MCR_DTR,
  UART_MCR_LOOP,
  UART_MSR_DCD,
  UART_MSR_DDCD,
  UART_LCR_DLAB,
} from '../../src/machine/uart16550.js';

const enc = new TextEncoder(),
  dec = new TextDecoder();

function uart() {
  const out: string[] = [];
  const requests: ((d: Uint8Array | null) => void)[] = [];
  const u = new Uart16550({ isTty: false, write: (d) => out.push(dec.decode(d)) }, { requestInput: (deliver) => requests.push(deliver) });
  return { u, out, requests };
}
const rxAll = (u: Uart16550) => {
  let s = '';
  while (u.read(UART_LSR, 1) & UART_LSR_DR) s += String.fromCharCode(u.read(UART_RX, 1));
  return s;
};

test('THR bytes reach the sink by the time LSR says the transmitter is empty', () => {
  const { u, out } = uart();
  for (const c of enc.encode('hello\n')) u.write(UART_TX, 1, c);
  assert.deepEqual(out, []);
  const lsr = u.read(UART_LSR, 1);
  assert.equal(lsr & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
  assert.deepEqual(out, ['hello\n'], 'one burst');
  assert.equal(u.stats.tx, 6);
});

test('no interrupt without IER; the THR-empty interrupt is raised when enabled and acknowledged by reading IIR', () => {
  const { u } = uart();
  assert.equal(u.read(UART_IIR, 1) & 0x0f, UART_IIR_NO_INT);
  assert.equal(u.irq.level, false);
  u.write(UART_IER, 1, UART_IER_THRI);
  assert.equal(u.irq.level, true, 'THR is empty when ETBEI is set');
  assert.equal(u.read(UART_IIR, 1) & 0x0f, UART_IIR_THRI);
  assert.equal(u.irq.level, false, 'reading IIR acknowledged it');
  u.write(UART_TX, 1, 0x41);
  assert.equal(u.irq.level, true, 'the byte left: THR empty again');
});

test('input waits for RTS; received data raises the RX interrupt until the FIFO is read empty', () => {
  const { u, requests } = uart();
  u.write(UART_IER, 1, UART_IER_RDI);
  assert.equal(requests.length, 0, 'no RTS: the far end does not send');
  u.write(UART_MCR, 1, UART_MCR_DTR | UART_MCR_RTS);
  assert.equal(requests.length, 1);
  requests[0](enc.encode('ab'));
  assert.equal(u.irq.level, true);
  // Without the FIFO enabled the trigger is one byte: "data available".
  assert.equal(u.read(UART_IIR, 1) & 0x0f, UART_IIR_RDI);
  assert.equal(rxAll(u), 'ab');
  assert.equal(u.irq.level, false);
  assert.equal(requests.length, 2, 'all read: the UART asks for more');
});

test('FIFO: 16 bytes at a time, the rest waits on the wire; below the trigger level it is a timeout', () => {
  const { u, requests } = uart();
  u.write(UART_FCR, 1, 0x01 | 0x80); // enable, trigger at 8
  u.write(UART_IER, 1, UART_IER_RDI);
  u.write(UART_MCR, 1, UART_MCR_RTS);
  requests[0](enc.encode('0123456789abcdefXYZ'));
  assert.equal(u.read(UART_IIR, 1), 0xc0 | UART_IIR_RDI, 'FIFO-enabled bits and data available');
  let got = '';
  for (let i = 0; i < 16; i++) got += String.fromCharCode(u.read(UART_RX, 1));
  assert.equal(got, '0123456789abcdef');
  // The FIFO took the last 3 bytes off the wire as room appeared.
  assert.equal(u.read(UART_IIR, 1) & 0x0f, UART_IIR_RX_TIMEOUT, '3 bytes < 8: character timeout');
  assert.equal(rxAll(u), 'XYZ');
  assert.equal(u.stats.rx, 19);
});

test('end of input drops the carrier after the last byte: a modem-status interrupt', () => {
  const { u, requests } = uart();
  u.write(UART_IER, 1, UART_IER_RDI | UART_IER_MSI);
  u.write(UART_MCR, 1, UART_MCR_RTS);
  requests[0](enc.encode('x'));
  assert.equal(u.read(UART_MSR, 1) & UART_MSR_DCD, UART_MSR_DCD);
  assert.equal(rxAll(u), 'x');
  requests[1](null);
  assert.equal(u.read(UART_IIR, 1) & 0x0f, UART_IIR_MSI);
  const msr = u.read(UART_MSR, 1);
  assert.equal(msr & (UART_MSR_DCD | UART_MSR_DDCD), UART_MSR_DDCD);
  assert.equal(u.irq.level, false, 'reading MSR cleared the delta');
  assert.equal(requests.length, 2, 'nothing more is asked of a far end that ended');
});

test('DLAB switches offsets 0 and 1 to the divisor latch; SCR keeps a byte; loopback sends THR to RBR', () => {
  const { u, out } = uart();
  u.write(UART_LCR, 1, UART_LCR_DLAB | 3);
  u.write(UART_TX, 1, 1);
  u.write(UART_IER, 1, 0);
  assert.equal(u.read(UART_RX, 1), 1);
  assert.equal(u.read(UART_IER, 1), 0);
  u.write(UART_LCR, 1, 3);
  assert.equal(u.read(UART_IER, 1), 0, 'IER untouched by the latch writes');
  u.write(UART_SCR, 1, 0x5a);
  assert.equal(u.read(UART_SCR, 1), 0x5a);
  u.write(UART_MCR, 1, UART_MCR_LOOP);
  u.write(UART_TX, 1, 0x42);
  assert.equal(rxAll(u), 'B');
  u.read(UART_LSR, 1);
  assert.deepEqual(out, [], 'nothing went out on the line');
});
