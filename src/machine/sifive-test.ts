// The power controller: QEMU's sifive_test "finisher" at 0x100000. A
// 32-bit write of 0x5555 powers the board off, 0x7777 resets it, and
// 0x3333 with an exit code in the upper half stops it with that failure
// code. Linux drives it through syscon-poweroff and syscon-reboot.
import type { MmioDevice } from './bus.js';

export const FINISHER_FAIL = 0x3333,
  FINISHER_PASS = 0x5555,
  FINISHER_RESET = 0x7777;

export type PowerEvent = { kind: 'poweroff' } | { kind: 'reset' } | { kind: 'fail'; code: number };

export class SifiveTest implements MmioDevice {
  readonly name = 'test';
  /** The last request, until the board acts on it. */
  state: PowerEvent | null = null;
  /** Called on each power request (the machine stops or restarts). */
  onPower: ((e: PowerEvent) => void) | null = null;

  read(): number {
    return 0;
  }

  write(off: number, _size: number, value: number): void {
    if (off !== 0) return;
    const v = value >>> 0;
    let e: PowerEvent | null = null;
    switch (v & 0xffff) {
      case FINISHER_PASS:
        e = { kind: 'poweroff' };
        break;
      case FINISHER_RESET:
        e = { kind: 'reset' };
        break;
      case FINISHER_FAIL:
        e = { kind: 'fail', code: v >>> 16 };
        break;
    }
    if (!e) return; // other values are ignored
    this.state = e;
    this.onPower?.(e);
  }
}
