// The serial port ttyS0 (4:64): the 8250 driver (serial/8250_port.ts) on
// the board's 16550 UART, whose line the host console is plugged into.
// Output leaves through THR from the UART's THR-empty interrupt; input arrives as the UART's interrupt (PLIC
// source 10), whose handler fills the flip buffer; a kworker then pushes it
// through the line discipline (flush_to_ldisc) as it arrives, whether or
// not anyone reads, so ^C reaches a busy foreground job. The port starts
// up (RTS raised, interrupt requested) at the first open, as on Linux.
import type { Kernel } from '../../kernel.js';
import type { HostConsole } from '../../host.js';
import { queueWork } from '../../sched/workqueue.js';
import { COPY_NS_PER_BYTE, SYSCALL_NS } from '../../sched/cputime.js';
import { B9600, CLOCAL, CREAD, CS8, HUPCL, stdTermios } from './termbits.js';
import { TtyStruct, type TtyDriver } from './tty_struct.js';
import { ttyResize } from './tty_ioctl.js';
import { Uart8250Port } from './serial/8250_port.js';
import { ioremap } from '../../lib/iomem.js';
import { handlePendingIrqs } from '../../irq/handle.js';
import { UART0_IRQ, VIRT_UART0 } from '../../../machine/memmap.js';

export const TTY_MAJOR = 4,
  SERIAL_MINOR = 64;
/** The Linux IRQ number of ttyS0's PLIC line (the hardware source number, 10). */
export const SERIAL_IRQ = UART0_IRQ;

/**
 * ttyS's tty driver (serial_core's uart_ops over the 8250 port). A write
 * fills the port's transmit buffer and starts the transmitter; `irqsOn` is
 * the moment the kernel enables interrupts again after it (the spinlock
 * released), when the THR-empty interrupt it made pending is taken.
 */
export function serialDriver(port: Uart8250Port, irqsOn: () => void = () => {}): TtyDriver {
  return {
    name: 'ttyS',
    major: TTY_MAJOR,
    minorStart: SERIAL_MINOR,
    kind: 'serial',
    // uart_register_driver: 9600 8N1, modem control off.
    initTermios: () => {
      const t = stdTermios();
      t.cflag = B9600 | CS8 | CREAD | HUPCL | CLOCAL;
      t.ispeed = t.ospeed = 9600;
      return t;
    },
    write(_tty, data) {
      const n = port.write(data);
      irqsOn();
      return n;
    },
    writeRoom: () => port.writeRoom,
  };
}

export class SerialPort {
  readonly tty: TtyStruct;
  readonly port: Uart8250Port;
  /** The flip buffer: received bytes not yet pushed to the line discipline. */
  private flip: Uint8Array[] = [];
  private flipBytes = 0;
  private hungUp = false;
  private pushQueued = false;

  constructor(
    private k: Kernel,
    con: HostConsole,
  ) {
    this.port = new Uart8250Port(ioremap(k.machine.bus, VIRT_UART0.base), {
      receive: (data) => {
        this.flip.push(data);
        this.flipBytes += data.length;
        this.push();
      },
      hangup: () => {
        this.hungUp = true;
        this.push();
      },
      writeWakeup: () => this.tty.writeWait.wakeAll(),
    });
    this.tty = new TtyStruct(
      k,
      serialDriver(this.port, () => handlePendingIrqs(k)),
      0,
    );
    // serial8250_request_std_resource: the port's registers, claimed as "serial".
    k.iomem.insert('serial', VIRT_UART0.base, VIRT_UART0.size);
    // The console's size follows the host terminal's (a serial line has none of its own).
    const ws = con.winsize();
    if (ws) this.tty.winsize = { row: ws.rows, col: ws.cols, xpixel: 0, ypixel: 0 };
    con.onResize?.(() => {
      const w = con.winsize();
      if (w) ttyResize(k, this.tty, { row: w.rows, col: w.cols, xpixel: 0, ypixel: 0 });
    });
  }

  /** The first open: start the port up and take its interrupt (request_irq). */
  startInput(): void {
    if (this.port.isStarted) return;
    this.k.plic.map(UART0_IRQ, SERIAL_IRQ);
    this.k.irqs.request(SERIAL_IRQ, 'ttyS0', () => {
      this.port.handleIrq();
    });
    this.k.plic.enable(UART0_IRQ);
    this.port.startup();
  }

  /** tty_flip_buffer_push: one kworker run takes everything received so far. */
  private push(): void {
    if (this.pushQueued) return;
    this.pushQueued = true;
    queueWork(this.k.unboundWq, () => {
      this.pushQueued = false;
      const chunks = this.flip,
        bytes = this.flipBytes;
      this.flip = [];
      this.flipBytes = 0;
      for (const c of chunks) this.tty.receive(c);
      if (this.hungUp && !this.tty.inputEof) {
        this.tty.inputEof = true;
        this.tty.readWait.wakeAll();
      }
      return SYSCALL_NS + Math.floor(bytes * COPY_NS_PER_BYTE);
    });
  }
}
