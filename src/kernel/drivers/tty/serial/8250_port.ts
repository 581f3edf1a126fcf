// The 8250/16550 port driver (drivers/tty/serial/8250/8250_port.c) for the
// board's UART: startup programs the FIFO, line, modem control and
// interrupt enables; the interrupt handler (serial8250_handle_irq) reads
// IIR and LSR, takes every received byte into the flip buffer and pushes it
// to the line discipline from a kworker (tty_flip_buffer_push); output is
// written to THR and the write ends waiting for the transmitter
// (serial8250_console_write's wait_for_xmitr).
//
// The model's line has no speed, so THR is never full: the driver writes a
// whole buffer, then waits once. The carrier dropping (the host's input
// ended) is the tty's end of input, as the host console's EOF was before.
import type { IoMem } from '../../../lib/iomem.js';
import {
  UART_FCR,
  UART_FCR_CLEAR_RCVR,
  UART_FCR_CLEAR_XMIT,
  UART_FCR_ENABLE_FIFO,
  UART_IER,
  UART_IER_MSI,
  UART_IER_RDI,
  UART_IER_RLSI,
  UART_IIR,
  UART_IIR_NO_INT,
  UART_LCR,
  UART_LCR_WLEN8,
  UART_LSR,
  UART_LSR_BI,
  UART_LSR_DR,
  UART_LSR_TEMT,
  UART_LSR_THRE,
  UART_MCR,
  UART_MCR_DTR,
  UART_MCR_OUT2,
  UART_MCR_RTS,
  UART_MSR,
  UART_MSR_DCD,
  UART_MSR_DDCD,
  UART_RX,
  UART_TX,
} from '../../../../machine/uart16550.js';

/** UART_FCR_R_TRIG_10: interrupt at 8 bytes in the receive FIFO (16550A's trigger in Linux). */
const UART_FCR_R_TRIG_10 = 0x80;
const BOTH_EMPTY = UART_LSR_TEMT | UART_LSR_THRE;
/** serial8250_rx_chars reads at most this many bytes per interrupt. */
const RX_BUDGET = 256;

export interface PortSink {
  /** Received bytes for the tty (the flip buffer's contents). */
  receive(data: Uint8Array): void;
  /** The carrier dropped: no more input. */
  hangup(): void;
}

export class Uart8250Port {
  private started = false;
  /** The counters of /proc/tty/driver/serial. */
  readonly icount = { tx: 0, rx: 0, brk: 0 };

  constructor(
    private readonly io: IoMem,
    private readonly sink: PortSink,
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  /** serial8250_do_startup: at the first open of the tty. */
  startup(): void {
    if (this.started) return;
    this.started = true;
    const io = this.io;
    io.writeb(UART_FCR, UART_FCR_ENABLE_FIFO);
    io.writeb(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
    io.writeb(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_10);
    // Clear whatever interrupt conditions are left over.
    io.readb(UART_LSR);
    io.readb(UART_RX);
    io.readb(UART_IIR);
    io.readb(UART_MSR);
    io.writeb(UART_LCR, UART_LCR_WLEN8);
    // Enable interrupts first, then raise DTR/RTS: the far end starts sending on RTS.
    io.writeb(UART_IER, UART_IER_RLSI | UART_IER_RDI | UART_IER_MSI);
    io.writeb(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
  }

  /** Write bytes out: into THR, then wait for the transmitter to empty. */
  write(data: Uint8Array): void {
    serial8250ConsoleWrite(this.io, data);
    this.icount.tx += data.length;
  }

  /** serial8250_handle_irq: true if the port had an interrupt pending. */
  handleIrq(): boolean {
    const io = this.io;
    const iir = io.readb(UART_IIR);
    if (iir & UART_IIR_NO_INT) return false;
    let lsr = io.readb(UART_LSR);
    if (lsr & (UART_LSR_DR | UART_LSR_BI)) {
      const buf: number[] = [];
      for (let n = 0; n < RX_BUDGET && lsr & (UART_LSR_DR | UART_LSR_BI); n++) {
        const c = io.readb(UART_RX);
        if (lsr & UART_LSR_BI) this.icount.brk++;
        else buf.push(c);
        lsr = io.readb(UART_LSR);
      }
      this.icount.rx += buf.length;
      if (buf.length) this.sink.receive(Uint8Array.from(buf));
    }
    // serial8250_modem_status: a carrier that dropped hangs the line up.
    const msr = io.readb(UART_MSR);
    if (msr & UART_MSR_DDCD && !(msr & UART_MSR_DCD)) this.sink.hangup();
    return true;
  }
}

/**
 * serial8250_console_write: bytes out through THR, polled, with no tty and
 * no interrupt, so the kernel log reaches the line from the first message
 * on (before the tty layer exists, like earlycon).
 */
export function serial8250ConsoleWrite(io: IoMem, data: Uint8Array): void {
  for (let i = 0; i < data.length; i++) io.writeb(UART_TX, data[i]);
  for (let spins = 0; (io.readb(UART_LSR) & BOTH_EMPTY) !== BOTH_EMPTY && spins < 10000; spins++) {
    /* wait_for_xmitr */
  }
}
