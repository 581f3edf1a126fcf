// The entropy source: a memory-mapped register that reads as 32 fresh
// random bits each time, the device Linux's timeriomem_rng driver reads
// (drivers/char/hw_random/timeriomem-rng.c). The bits come from the host's
// entropy backend (or seed mode's generator, so a seeded run stays
// reproducible). It raises no interrupt: its driver polls it.
import type { MmioDevice } from './bus.js';
import type { EntropyBackend } from './backends.js';

export class EntropySource implements MmioDevice {
  readonly name = 'rng';
  private readonly word = new Uint8Array(4);
  /** Words handed out. */
  reads = 0;

  constructor(private readonly backend: EntropyBackend) {}

  read(off: number, _size: number): number {
    if (off !== 0) return 0;
    this.backend.random(this.word);
    this.reads++;
    const w = this.word;
    return (w[0] | (w[1] << 8) | (w[2] << 16) | (w[3] << 24)) >>> 0;
  }

  write(): void {
    /* read-only */
  }
}
