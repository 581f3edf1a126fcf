// ioremap and the MMIO accessors (asm/io.h readb/writeb/readl/writel): a
// driver's window on its device's registers, through the board's bus.
import type { Bus } from '../../machine/bus.js';

export interface IoMem {
  readb(off: number): number;
  writeb(off: number, v: number): void;
  readl(off: number): number;
  writel(off: number, v: number): void;
}

export function ioremap(bus: Bus, base: number): IoMem {
  // Resolve the device once: its registers stay where they are.
  const r = bus.find(base);
  if (!r) throw new RangeError(`ioremap: nothing at 0x${base.toString(16)}`);
  const dev = r.dev,
    at = base - r.base;
  return {
    readb: (off) => dev.read(at + off, 1) & 0xff,
    writeb: (off, v) => dev.write(at + off, 1, v & 0xff),
    readl: (off) => dev.read(at + off, 4) >>> 0,
    writel: (off, v) => dev.write(at + off, 4, v >>> 0),
  };
}
