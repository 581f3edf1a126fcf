// The 8250/16550 port driver (drivers/tty/serial/8250/8250_port.c) for the
// board's UART: startup programs the FIFO, line, modem control and
// interrupt enables; the interrupt handler (serial8250_handle_irq) reads
// IIR and LSR, takes every received byte into the flip buffer and pushes it
// to the line discipline from a kworker (tty_flip_buffer_push).
//
// Output from the tty goes as on Linux: uart_write copies it into the
// port's transmit buffer (UART_XMIT_SIZE), start_tx enables the THR-empty
// interrupt (UART_IER_THRI), and each such interrupt moves one FIFO load
// (tx_loadsz, 16 bytes on a 16550A) into THR (serial8250_tx_chars) until
// the buffer is empty, when stop_tx disables it again. The kernel log's
// console writes stay polled (serial8250_console_write), as they must work
// with no tty and from any context. The carrier dropping (the host's input
// ended) is the tty's end of input.
import type { IoMem } from '../../../lib/iomem.js';
import {
  UART_FCR,
  UART_FCR_CLEAR_RCVR,
  UART_FCR_CLEAR_XMIT,
  UART_FCR_ENABLE_FIFO,
  UART_IER,
  UART_IER_THRI,
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
/** UART_XMIT_SIZE: the port's transmit buffer, a page. */
export const UART_XMIT_SIZE = 4096;
/** tx_loadsz of a 16550A (uart_config[PORT_16550A]): bytes written to THR per THR-empty interrupt. */
export const TX_LOADSZ = 16;
/** WAKEUP_CHARS: writers are woken once this little is left to send. */
const WAKEUP_CHARS = 256;

export interface PortSink {
  /** Received bytes for the tty (the flip buffer's contents). */
  receive(data: Uint8Array): void;
  /** The carrier dropped: no more input. */
  hangup(): void;
  /** uart_write_wakeup: the transmit buffer has room again (writers may continue). */
  writeWakeup?(): void;
}

export class Uart8250Port {
  private started = false;
  /** The driver's copy of IER (up->ier), as the register is not read back. */
  private ier = 0;
  /** The transmit buffer (the tty port's xmit FIFO): a ring of UART_XMIT_SIZE bytes. */
  private readonly xmit = new Uint8Array(UART_XMIT_SIZE);
  private xmitHead = 0;
  private xmitCount = 0;
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
    this.ier = UART_IER_RLSI | UART_IER_RDI | UART_IER_MSI;
    io.writeb(UART_IER, this.ier);
    io.writeb(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
  }

  /** uart_write_room: what the transmit buffer can still take. */
  get writeRoom(): number {
    return UART_XMIT_SIZE - this.xmitCount;
  }

  /** Bytes waiting in the transmit buffer (uart_chars_in_buffer). */
  get charsInBuffer(): number {
    return this.xmitCount;
  }

  /**
   * uart_write: as much as fits into the transmit buffer, then start_tx.
   * The bytes leave from the THR-empty interrupt. Before startup (no
   * interrupt yet) the port is written polled, as the console is.
   */
  write(data: Uint8Array): number {
    if (!this.started) {
      serial8250ConsoleWrite(this.io, data);
      this.icount.tx += data.length;
      return data.length;
    }
    const n = Math.min(data.length, this.writeRoom);
    for (let i = 0; i < n; i++) this.xmit[(this.xmitHead + this.xmitCount + i) % UART_XMIT_SIZE] = data[i];
    this.xmitCount += n;
    if (n) this.startTx();
    return n;
  }

  /** serial8250_start_tx: enable the THR-empty interrupt; with THR empty the UART raises it at once. */
  private startTx(): void {
    if (this.ier & UART_IER_THRI) return;
    this.ier |= UART_IER_THRI;
    this.io.writeb(UART_IER, this.ier);
  }

  /** __stop_tx: nothing left to send, no more THR-empty interrupts. */
  private stopTx(): void {
    if (!(this.ier & UART_IER_THRI)) return;
    this.ier &= ~UART_IER_THRI;
    this.io.writeb(UART_IER, this.ier);
  }

  /** serial8250_tx_chars: one FIFO load from the transmit buffer into THR. */
  private txChars(): void {
    for (let n = 0; n < TX_LOADSZ && this.xmitCount; n++) {
      this.io.writeb(UART_TX, this.xmit[this.xmitHead]);
      this.xmitHead = (this.xmitHead + 1) % UART_XMIT_SIZE;
      this.xmitCount--;
      this.icount.tx++;
    }
    if (this.xmitCount < WAKEUP_CHARS) this.sink.writeWakeup?.();
    if (!this.xmitCount) this.stopTx();
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
    if (lsr & UART_LSR_THRE && this.ier & UART_IER_THRI) this.txChars();
    return true;
  }
}

/**
 * serial8250_console_write: bytes out through THR, polled, with no tty and
 * no interrupt, so the kernel log reaches the line from the first message
 * on (before the tty layer exists, like earlycon). IER is cleared for the
 * duration and put back after, as Linux does, so a transmit interrupt the
 * tty has enabled neither fires in between nor is lost.
 */
export function serial8250ConsoleWrite(io: IoMem, data: Uint8Array): void {
  const ier = io.readb(UART_IER);
  io.writeb(UART_IER, 0);
  for (let i = 0; i < data.length; i++) io.writeb(UART_TX, data[i]);
  for (let spins = 0; (io.readb(UART_LSR) & BOTH_EMPTY) !== BOTH_EMPTY && spins < 10000; spins++) {
    /* wait_for_xmitr */
  }
  io.writeb(UART_IER, ier);
}
