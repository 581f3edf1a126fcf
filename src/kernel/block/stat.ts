// I/O accounting per block device (Linux's struct disk_stats, block/
// blk-core.c's accounting, block/genhd.c's output): what /proc/diskstats,
// /sys/block/X/stat and /sys/block/X/X1/stat print, and what iostat and
// vmstat -d read.

/** The four request kinds Linux counts separately (enum stat_group). */
export type StatGroup = 'read' | 'write' | 'discard' | 'flush';

export class DiskStats {
  readonly ios = { read: 0, write: 0, discard: 0, flush: 0 };
  readonly merges = { read: 0, write: 0, discard: 0, flush: 0 };
  readonly sectors = { read: 0, write: 0, discard: 0, flush: 0 };
  readonly nsecs = { read: 0, write: 0, discard: 0, flush: 0 };
  /** Time with at least one request in flight, ns (io_ticks). */
  ioTicksNs = 0;
  /** Requests the device holds (started, not completed), reads and the rest apart (/sys/block/X/inflight). */
  readonly inflight = { read: 0, write: 0 };
  get inFlight(): number {
    return this.inflight.read + this.inflight.write;
  }
  /** End of the last busy period counted into ioTicksNs. */
  private busyEnd = 0;

  /** One request done: issued at startNs, completed at doneNs (virtual time). */
  account(group: StatGroup, sectors: number, merges: number, startNs: number, doneNs: number): void {
    this.ios[group]++;
    this.merges[group] += merges;
    this.sectors[group] += sectors;
    this.nsecs[group] += doneNs - startNs;
    // The union of busy intervals: overlapping requests count once.
    const from = Math.max(startNs, this.busyEnd);
    if (doneNs > from) this.ioTicksNs += doneNs - from;
    this.busyEnd = Math.max(this.busyEnd, doneNs);
  }

  /** blk_mq_start_request: the device took a request. */
  started(group: StatGroup): void {
    this.inflight[group === 'read' ? 'read' : 'write']++;
  }

  /** The device completed a request started with started(): counted from when it was queued. */
  done(group: StatGroup, sectors: number, merges: number, queuedNs: number, doneNs: number): void {
    this.inflight[group === 'read' ? 'read' : 'write']--;
    this.account(group, sectors, merges, queuedNs, doneNs);
  }

  /** The 17 numbers, in the order both files print them. */
  fields(): number[] {
    const ms = (ns: number) => Math.floor(ns / 1e6) >>> 0;
    const n = this.nsecs;
    return [
      this.ios.read,
      this.merges.read,
      this.sectors.read,
      ms(n.read),
      this.ios.write,
      this.merges.write,
      this.sectors.write,
      ms(n.write),
      this.inFlight,
      ms(this.ioTicksNs),
      ms(n.read + n.write + n.discard + n.flush),
      this.ios.discard,
      this.merges.discard,
      this.sectors.discard,
      ms(n.discard),
      this.ios.flush,
      ms(n.flush),
    ];
  }
}

/** A line of /proc/diskstats (diskstats_show: "%4d %7d %s" then the 17 fields). */
export function diskstatsLine(major: number, minor: number, name: string, s: DiskStats): string {
  return `${String(major).padStart(4)} ${String(minor).padStart(7)} ${name} ${s.fields().join(' ')}\n`;
}

/** /sys/block/X/stat (part_stat_show): every field right-aligned in 8 columns. */
export function partStatShow(s: DiskStats): string {
  return (
    s
      .fields()
      .map((v) => String(v).padStart(8))
      .join(' ') + '\n'
  );
}

/** /sys/block/X/inflight (part_inflight_show): reads and writes in flight. */
export function partInflightShow(reads: number, writes: number): string {
  return `${String(reads).padStart(8)} ${String(writes).padStart(8)}\n`;
}
