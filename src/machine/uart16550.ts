// An ns16550a UART, as on the virt board at 0x10000000 (QEMU's serial.c is
// the behavioural model): eight byte-wide registers, a 16-byte receive FIFO
// with a trigger level, and one interrupt line driven by IER and the
// conditions IIR reports (line status, received data or timeout, THR empty,
// modem status).
//
// The wire has no speed: a byte written to THR (or its 16-byte transmit
// FIFO) is on its way at once, so THR and the transmitter are always empty
// again right after a write, and with UART_IER_THRI enabled the THR-empty
// interrupt is raised again at once: an interrupt-driven driver moves a
// FIFO load per interrupt. Transmitted bytes are handed to the sink in
// bursts, when the driver is done with the transmitter: it disables the
// THR-empty interrupt (nothing more to send), or, writing polled, looks at
// LSR to wait for the transmitter; and every 4 KiB.
//
// Receiving: the far end sends only while the UART asserts RTS (MCR), as
// hardware flow control has it; bytes it sends wait on the wire until the
// FIFO has room (QEMU's can_receive), so nothing is lost. When the far end
// ends its input, the carrier drops (MSR.DCD clears) after the last byte.
import type { MmioDevice } from './bus.js';
import type { ConsoleSink, ConsoleSource } from './backends.js';
import { IrqLine } from './irq.js';

export const UART_RX = 0,
  UART_TX = 0,
  UART_DLL = 0,
  UART_IER = 1,
  UART_DLM = 1,
  UART_IIR = 2,
  UART_FCR = 2,
  UART_LCR = 3,
  UART_MCR = 4,
  UART_LSR = 5,
  UART_MSR = 6,
  UART_SCR = 7;
export const UART_IER_RDI = 0x01,
  UART_IER_THRI = 0x02,
  UART_IER_RLSI = 0x04,
  UART_IER_MSI = 0x08;
export const UART_IIR_NO_INT = 0x01,
  UART_IIR_MSI = 0x00,
  UART_IIR_THRI = 0x02,
  UART_IIR_RDI = 0x04,
  UART_IIR_RLSI = 0x06,
  UART_IIR_RX_TIMEOUT = 0x0c,
  UART_IIR_FIFO_ENABLED = 0xc0;
export const UART_FCR_ENABLE_FIFO = 0x01,
  UART_FCR_CLEAR_RCVR = 0x02,
  UART_FCR_CLEAR_XMIT = 0x04;
export const UART_LCR_DLAB = 0x80,
  UART_LCR_WLEN8 = 0x03;
export const UART_MCR_DTR = 0x01,
  UART_MCR_RTS = 0x02,
  UART_MCR_OUT2 = 0x08,
  UART_MCR_LOOP = 0x10;
export const UART_LSR_DR = 0x01,
  UART_LSR_OE = 0x02,
  UART_LSR_BI = 0x10,
  UART_LSR_THRE = 0x20,
  UART_LSR_TEMT = 0x40;
export const UART_MSR_DDCD = 0x08,
  UART_MSR_CTS = 0x10,
  UART_MSR_DSR = 0x20,
  UART_MSR_DCD = 0x80;

export const UART_FIFO_SIZE = 16;
const TRIGGER = [1, 4, 8, 14];
const TX_BURST = 4096;

export class Uart16550 implements MmioDevice {
  readonly name = 'uart';
  readonly irq = new IrqLine();
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private lsr = UART_LSR_THRE | UART_LSR_TEMT;
  private msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
  private scr = 0;
  private fcr = 0;
  private divisor = 12; // 9600 baud from 1.8432 MHz
  /** THR became empty since IIR last reported it (QEMU's thr_ipending). */
  private thrPending = false;
  private readonly rx = new Uint8Array(UART_FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;
  /** Bytes the far end sent that the FIFO had no room for yet. */
  private wire: Uint8Array[] = [];
  private wireOff = 0;
  private tx: number[] = [];
  private asking = false;
  private ended = false;
  /** Counters of what crossed the line (/proc/tty/driver/serial's tx and rx). */
  readonly stats = { tx: 0, rx: 0 };

  constructor(
    private sink: ConsoleSink | null = null,
    private source: ConsoleSource | null = null,
  ) {}

  /** Plug the far end of the line in (or swap it). */
  connect(sink: ConsoleSink | null, source: ConsoleSource | null): void {
    this.sink = sink;
    this.source = source;
    this.pull();
  }

  private get fifoOn(): boolean {
    return (this.fcr & UART_FCR_ENABLE_FIFO) !== 0;
  }
  private get rxCapacity(): number {
    return this.fifoOn ? UART_FIFO_SIZE : 1;
  }

  read(off: number, _size: number): number {
    switch (off) {
      case UART_RX: {
        if (this.lcr & UART_LCR_DLAB) return this.divisor & 0xff;
        let c = 0;
        if (this.rxCount) {
          c = this.rx[this.rxHead];
          this.rxHead = (this.rxHead + 1) % UART_FIFO_SIZE;
          this.rxCount--;
        }
        if (!this.rxCount) this.lsr &= ~UART_LSR_DR;
        this.fill();
        this.update();
        return c;
      }
      case UART_IER:
        return this.lcr & UART_LCR_DLAB ? (this.divisor >> 8) & 0xff : this.ier;
      case UART_IIR: {
        const id = this.iir();
        // Reading IIR acknowledges a THR-empty interrupt.
        if (id === UART_IIR_THRI) {
          this.thrPending = false;
          this.update();
        }
        return id | (this.fifoOn ? UART_IIR_FIFO_ENABLED : 0);
      }
      case UART_LCR:
        return this.lcr;
      case UART_MCR:
        return this.mcr;
      case UART_LSR: {
        // A polled writer waits for the transmitter here; an interrupt-driven one reads LSR mid-stream.
        if (!(this.ier & UART_IER_THRI)) this.flush();
        const v = this.lsr;
        // Error bits clear when read.
        this.lsr &= ~(UART_LSR_OE | UART_LSR_BI);
        this.update();
        return v;
      }
      case UART_MSR: {
        const v = this.msr;
        this.msr &= 0xf0; // delta bits clear when read
        this.update();
        return v;
      }
      case UART_SCR:
        return this.scr;
    }
    return 0;
  }

  write(off: number, _size: number, value: number): void {
    const v = value & 0xff;
    switch (off) {
      case UART_TX:
        if (this.lcr & UART_LCR_DLAB) {
          this.divisor = (this.divisor & 0xff00) | v;
          return;
        }
        this.transmit(v);
        return;
      case UART_IER: {
        if (this.lcr & UART_LCR_DLAB) {
          this.divisor = (this.divisor & 0xff) | (v << 8);
          return;
        }
        const was = this.ier;
        this.ier = v & 0x0f;
        // Enabling the THR-empty interrupt with THR empty raises it at once.
        if (!(was & UART_IER_THRI) && this.ier & UART_IER_THRI && this.lsr & UART_LSR_THRE) this.thrPending = true;
        // The driver stopped transmitting: what it sent goes out as one burst.
        if (was & UART_IER_THRI && !(this.ier & UART_IER_THRI)) this.flush();
        this.update();
        return;
      }
      case UART_FCR:
        if (v & UART_FCR_CLEAR_RCVR) {
          this.rxCount = 0;
          this.rxHead = 0;
          this.lsr &= ~UART_LSR_DR;
        }
        this.fcr = v & 0xc9;
        this.fill();
        this.update();
        return;
      case UART_LCR:
        this.lcr = v;
        return;
      case UART_MCR: {
        this.mcr = v & 0x1f;
        this.pull();
        return;
      }
      case UART_SCR:
        this.scr = v;
        return;
    }
  }

  /** The far end sends bytes (or null: its input ended). */
  receive(data: Uint8Array | null): void {
    if (data === null || data.length === 0) this.ended = true;
    else this.wire.push(data);
    this.fill();
    this.update();
  }

  /** Hand transmitted bytes to the sink now. */
  flush(): void {
    if (!this.tx.length) return;
    const out = Uint8Array.from(this.tx);
    this.tx = [];
    this.sink?.write(out);
  }

  private transmit(c: number): void {
    this.stats.tx++;
    if (this.mcr & UART_MCR_LOOP) {
      this.wire.push(Uint8Array.of(c));
      this.fill();
    } else {
      this.tx.push(c);
      if (this.tx.length >= TX_BURST) this.flush();
    }
    // The byte left at once: THR is empty again.
    this.thrPending = true;
    this.update();
  }

  /** Move bytes from the wire into the FIFO while it has room; ask the far end for more when all is in. */
  private fill(): void {
    while (this.rxCount < this.rxCapacity && this.wire.length) {
      const chunk = this.wire[0];
      this.rx[(this.rxHead + this.rxCount) % UART_FIFO_SIZE] = chunk[this.wireOff++];
      this.rxCount++;
      this.stats.rx++;
      this.lsr |= UART_LSR_DR;
      if (this.wireOff >= chunk.length) {
        this.wire.shift();
        this.wireOff = 0;
      }
    }
    if (!this.wire.length && !this.rxCount && this.ended && this.msr & UART_MSR_DCD) {
      // The far end is gone and everything it sent has been read: carrier lost.
      this.msr = (this.msr & ~UART_MSR_DCD) | UART_MSR_DDCD;
    }
    this.pull();
  }

  /** Ask the far end for input: RTS is up, nothing waits on the wire or in the FIFO, and no request is out. */
  private pull(): void {
    if (this.asking || this.ended || !this.source || !(this.mcr & UART_MCR_RTS) || this.wire.length || this.rxCount) return;
    this.asking = true;
    this.source.requestInput((data) => {
      this.asking = false;
      this.receive(data);
    });
  }

  /** What IIR reports: the highest-priority pending condition that IER enables. */
  private iir(): number {
    if (this.ier & UART_IER_RLSI && this.lsr & (UART_LSR_OE | UART_LSR_BI)) return UART_IIR_RLSI;
    if (this.ier & UART_IER_RDI && this.rxCount) {
      // Below the trigger level with nothing more on the wire: the character timeout.
      const trigger = this.fifoOn ? TRIGGER[this.fcr >> 6] : 1;
      return this.rxCount >= trigger ? UART_IIR_RDI : UART_IIR_RX_TIMEOUT;
    }
    if (this.ier & UART_IER_THRI && this.thrPending) return UART_IIR_THRI;
    if (this.ier & UART_IER_MSI && this.msr & 0x0f) return UART_IIR_MSI;
    return UART_IIR_NO_INT;
  }

  private update(): void {
    this.irq.set(this.iir() !== UART_IIR_NO_INT);
  }
}
