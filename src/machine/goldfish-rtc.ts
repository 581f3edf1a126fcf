// The goldfish RTC of the virt board (Android emulator's, QEMU's
// goldfish_rtc.c): a 64-bit count of nanoseconds since the epoch, read low
// word first (the read latches the high word), settable, and one alarm that
// raises the line when the count reaches it, if its interrupt is enabled.
import type { MmioDevice } from './bus.js';
import { IrqLine } from './irq.js';

export const RTC_TIME_LOW = 0x00,
  RTC_TIME_HIGH = 0x04,
  RTC_ALARM_LOW = 0x08,
  RTC_ALARM_HIGH = 0x0c,
  RTC_IRQ_ENABLED = 0x10,
  RTC_CLEAR_ALARM = 0x14,
  RTC_ALARM_STATUS = 0x18,
  RTC_CLEAR_INTERRUPT = 0x1c;
const TWO32 = 4294967296;

export class GoldfishRtc implements MmioDevice {
  readonly name = 'rtc';
  readonly irq = new IrqLine();
  /** What software set minus what the clock says (ns). */
  private offset = 0;
  private timeHigh = 0;
  private alarmHigh = 0;
  /** The armed alarm (ns since the epoch), or -1. */
  private alarm = -1;
  private irqEnabled = 0;
  private irqPending = 0;

  /** nowNs: the host's wall clock, ns since the epoch, whole. */
  constructor(private readonly nowNs: () => number) {}

  /** The count, ns since the epoch. */
  get time(): number {
    return this.nowNs() + this.offset;
  }

  /** The armed alarm, or -1 (for whoever runs the machine's timers). */
  get alarmAt(): number {
    return this.alarm;
  }

  /** Time moved on: fire the alarm if it is due. */
  tick(): void {
    if (this.alarm >= 0 && this.time >= this.alarm) {
      this.alarm = -1;
      this.irqPending = 1;
    }
    this.irq.set((this.irqPending & this.irqEnabled) !== 0);
  }

  read(off: number, _size: number): number {
    this.tick();
    switch (off) {
      case RTC_TIME_LOW: {
        const t = this.time;
        this.timeHigh = Math.floor(t / TWO32) >>> 0;
        return (t % TWO32) >>> 0;
      }
      case RTC_TIME_HIGH:
        return this.timeHigh;
      case RTC_ALARM_LOW:
        return this.alarm < 0 ? 0 : (this.alarm % TWO32) >>> 0;
      case RTC_ALARM_HIGH:
        return this.alarm < 0 ? 0 : Math.floor(this.alarm / TWO32) >>> 0;
      case RTC_IRQ_ENABLED:
        return this.irqEnabled;
      case RTC_ALARM_STATUS:
        return this.alarm >= 0 ? 1 : 0;
    }
    return 0;
  }

  write(off: number, _size: number, value: number): void {
    const v = value >>> 0;
    switch (off) {
      case RTC_TIME_LOW: {
        const t = this.time;
        this.offset += t - (t % TWO32) + v - t;
        break;
      }
      case RTC_TIME_HIGH: {
        const t = this.time;
        this.offset += v * TWO32 + (t % TWO32) - t;
        break;
      }
      // Writing the low word arms the alarm with the high word written before.
      case RTC_ALARM_LOW:
        this.alarm = this.alarmHigh * TWO32 + v;
        break;
      case RTC_ALARM_HIGH:
        this.alarmHigh = v;
        break;
      case RTC_IRQ_ENABLED:
        this.irqEnabled = v & 1;
        break;
      case RTC_CLEAR_ALARM:
        this.alarm = -1;
        break;
      case RTC_CLEAR_INTERRUPT:
        this.irqPending = 0;
        break;
    }
    this.tick();
  }
}
