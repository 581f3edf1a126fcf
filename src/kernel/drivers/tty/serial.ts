// The serial port ttyS0 (a 16550 on the board, 4:64), whose wire is the host
// console: output goes to the host's stdout, input comes from the host and is
// pushed through the line discipline by a kworker (flush_to_ldisc) as it
// arrives, whether or not anyone reads, so ^C reaches a busy foreground job.
import type { Kernel } from '../../kernel.js';
import type { HostConsole } from '../../host.js';
import { queueWork } from '../../sched/workqueue.js';
import { COPY_NS_PER_BYTE, SYSCALL_NS } from '../../sched/cputime.js';
import { B9600, CLOCAL, CREAD, CS8, HUPCL, stdTermios } from './termbits.js';
import { TtyStruct, type TtyDriver } from './tty_struct.js';
import { ttyResize } from './tty_ioctl.js';

export const TTY_MAJOR = 4, SERIAL_MINOR = 64;

export function serialDriver(con: HostConsole): TtyDriver {
  return {
    name: 'ttyS', major: TTY_MAJOR, minorStart: SERIAL_MINOR, kind: 'serial',
    // uart_register_driver: 9600 8N1, modem control off.
    initTermios: () => { const t = stdTermios(); t.cflag = B9600 | CS8 | CREAD | HUPCL | CLOCAL; t.ispeed = t.ospeed = 9600; return t; },
    write(_tty, data) { con.stdout.write(data.slice()); return data.length; },
    writeRoom: () => 4096,
  };
}

export class SerialPort {
  readonly tty: TtyStruct;
  private pumping = false;

  constructor(private k: Kernel, private con: HostConsole) {
    this.tty = new TtyStruct(k, serialDriver(con), 0);
    const ws = con.winsize();
    if (ws) this.tty.winsize = { row: ws.rows, col: ws.cols, xpixel: 0, ypixel: 0 };
    // The console's size follows the host terminal's.
    con.onResize?.(() => {
      const w = con.winsize();
      if (w) ttyResize(k, this.tty, { row: w.rows, col: w.cols, xpixel: 0, ypixel: 0 });
    });
  }

  /** From the first open on: one input request always outstanding with the host. */
  startInput(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.request();
  }

  private request(): void {
    this.con.requestInput((data) => queueWork(this.k.unboundWq, () => {
      if (data === null || data.length === 0) {
        this.tty.inputEof = true;
        this.tty.readWait.wakeAll();
        return SYSCALL_NS;
      }
      this.tty.receive(data);
      this.request();
      return SYSCALL_NS + Math.floor(data.length * COPY_NS_PER_BYTE);
    }));
  }
}
