// The device bus: memory-mapped I/O ranges, each owned by one device model.
// RAM is not on it: the harts reach RAM through cpu/physmem.ts's typed
// arrays directly, so the instruction hot path never goes through here.

/** A device's registers, addressed by offset from its base. Accesses are 1, 2, 4 or 8 bytes. */
export interface MmioDevice {
  readonly name: string;
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
}

export interface MmioRange {
  readonly base: number;
  readonly size: number;
  readonly dev: MmioDevice;
}

export class Bus {
  private readonly ranges: MmioRange[] = [];

  map(base: number, size: number, dev: MmioDevice): void {
    for (const r of this.ranges) {
      if (base < r.base + r.size && r.base < base + size) throw new RangeError(`${dev.name} overlaps ${r.dev.name} at 0x${base.toString(16)}`);
    }
    this.ranges.push({ base, size, dev });
    this.ranges.sort((a, b) => a.base - b.base);
  }

  /** The range holding addr, or null (an access there is a bus error). */
  find(addr: number): MmioRange | null {
    for (const r of this.ranges) if (addr >= r.base && addr < r.base + r.size) return r;
    return null;
  }

  /** Read `size` bytes at physical address addr; null on a bus error. */
  read(addr: number, size = 4): number | null {
    const r = this.find(addr);
    return r ? r.dev.read(addr - r.base, size) : null;
  }

  /** Write; false on a bus error. */
  write(addr: number, value: number, size = 4): boolean {
    const r = this.find(addr);
    if (!r) return false;
    r.dev.write(addr - r.base, size, value);
    return true;
  }

  /** The map, lowest address first (/proc/iomem's device lines). */
  get entries(): readonly MmioRange[] {
    return this.ranges;
  }
}
