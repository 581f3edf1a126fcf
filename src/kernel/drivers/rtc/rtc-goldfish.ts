// The goldfish RTC driver (drivers/rtc/rtc-goldfish.c) and its character
// device /dev/rtc0 (drivers/rtc/dev.c): RTC_RD_TIME reads the board's
// clock (TIME_LOW then the latched TIME_HIGH), RTC_SET_TIME sets it
// (CAP_SYS_TIME); the alarm interrupt is requested at probe, as Linux
// does, and acknowledged by its handler.
import type { Kernel } from '../../kernel.js';
import type { FileOps, IoctlIo } from '../../fs/file.js';
import type { Task } from '../../sched/task.js';
import { EFAULT, EINVAL, ENOTTY, EPERM } from '../../errno.js';
import { capable, CAP_SYS_TIME } from '../../security/commoncap.js';
import { ioremap, type IoMem } from '../../lib/iomem.js';
import { platformResourceName } from '../../resource.js';
import { RTC_IRQ, VIRT_RTC } from '../../../machine/memmap.js';
import { RTC_CLEAR_INTERRUPT, RTC_TIME_HIGH, RTC_TIME_LOW } from '../../../machine/goldfish-rtc.js';

/** rtc0's character device: the first dynamic major (alloc_chrdev_region counts down from 254). */
export const RTC_MAJOR = 254;
export const RTC_RD_TIME = 0x80247009,
  RTC_SET_TIME = 0x4024700a;
/** The platform device's name, which request_irq gets (/proc/interrupts). */
export const RTC_DEVICE = `${VIRT_RTC.base.toString(16)}.rtc`;
const TWO32 = 4294967296;

/** struct rtc_time: nine ints, the fields of struct tm. */
export interface RtcTime {
  sec: number;
  min: number;
  hour: number;
  mday: number;
  mon: number;
  year: number;
  wday: number;
  yday: number;
}

/** rtc_time64_to_tm: seconds since the epoch to a UTC calendar time (year since 1900, month from 0). */
export function rtcTimeToTm(secs: number): RtcTime {
  const days = Math.floor(secs / 86400),
    rem = secs - days * 86400;
  const d = new Date(days * 86400 * 1000);
  const y = d.getUTCFullYear();
  return {
    sec: rem % 60,
    min: Math.floor(rem / 60) % 60,
    hour: Math.floor(rem / 3600),
    mday: d.getUTCDate(),
    mon: d.getUTCMonth(),
    year: y - 1900,
    wday: d.getUTCDay(),
    yday: Math.round((Date.UTC(y, d.getUTCMonth(), d.getUTCDate()) - Date.UTC(y, 0, 1)) / 86400000),
  };
}

/** rtc_valid_tm + rtc_tm_to_time64, or null when the fields are out of range. */
export function rtcTmToTime(tm: RtcTime): number | null {
  const y = tm.year + 1900;
  if (y < 1970 || tm.mon < 0 || tm.mon > 11 || tm.mday < 1 || tm.hour < 0 || tm.hour > 23 || tm.min < 0 || tm.min > 59 || tm.sec < 0 || tm.sec > 59)
    return null;
  const mdays = new Date(Date.UTC(y, tm.mon + 1, 0)).getUTCDate();
  if (tm.mday > mdays) return null;
  return Date.UTC(y, tm.mon, tm.mday, tm.hour, tm.min, tm.sec) / 1000;
}

export class GoldfishRtcDriver {
  private readonly io: IoMem;

  constructor(private readonly k: Kernel) {
    this.io = ioremap(k.machine.bus, VIRT_RTC.base);
    k.iomem.insert(platformResourceName(VIRT_RTC.base, 'rtc', 'rtc'), VIRT_RTC.base, VIRT_RTC.size);
    // goldfish_rtc_probe: the alarm line, requested under the device's name.
    k.plic.map(RTC_IRQ, RTC_IRQ);
    k.irqs.request(RTC_IRQ, RTC_DEVICE, () => this.io.writel(RTC_CLEAR_INTERRUPT, 1));
    k.plic.enable(RTC_IRQ);
  }

  /** goldfish_rtc_read_time: ns since the epoch. */
  readNs(): number {
    const lo = this.io.readl(RTC_TIME_LOW);
    return this.io.readl(RTC_TIME_HIGH) * TWO32 + lo;
  }

  setNs(ns: number): void {
    this.io.writel(RTC_TIME_HIGH, Math.floor(ns / TWO32));
    this.io.writel(RTC_TIME_LOW, ns % TWO32);
  }

  /** rtc_dev_ioctl: the calls hwclock and timedatectl make. */
  ioctl(current: Task | null, cmd: number, arg: number, io: IoctlIo): number {
    switch (cmd) {
      case RTC_RD_TIME: {
        const tm = rtcTimeToTm(Math.floor(this.readNs() / 1e9));
        const b = new Uint8Array(36),
          dv = new DataView(b.buffer);
        [tm.sec, tm.min, tm.hour, tm.mday, tm.mon, tm.year, tm.wday, tm.yday, 0].forEach((v, i) => dv.setInt32(i * 4, v, true));
        return io.write(arg, b) ? 0 : -EFAULT;
      }
      case RTC_SET_TIME: {
        if (!current || !capable(current.cred, CAP_SYS_TIME)) return -EPERM;
        const b = io.read(arg, 36);
        if (!b) return -EFAULT;
        const dv = new DataView(b.buffer, b.byteOffset),
          f = (i: number) => dv.getInt32(i * 4, true);
        const secs = rtcTmToTime({ sec: f(0), min: f(1), hour: f(2), mday: f(3), mon: f(4), year: f(5), wday: 0, yday: 0 });
        if (secs === null) return -EINVAL;
        this.setNs(secs * 1e9);
        return 0;
      }
    }
    return -ENOTTY;
  }

  fileOps(): FileOps {
    return { ioctl: (_f, cmd, arg, io) => this.ioctl(this.k.current, cmd, arg, io) };
  }
}
