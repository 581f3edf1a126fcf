// Block backends that need no host: a disk held in memory (the browser's,
// and the tests'), and the copy-on-write overlay that `--disk FILE,snapshot`
// puts over a file so that the guest's writes never reach it.
import type { BlockBackend, BlockStatus } from './backends.js';

/** Memory is committed in chunks of this many bytes, when a chunk is first written: a fresh disk costs nothing. */
const CHUNK = 64 * 1024;

/**
 * Sparse chunks over a byte range: what is never written reads as zeros
 * (from `base` when one is given). The memory backend and the overlay share it.
 */
class ChunkStore {
  readonly chunks = new Map<number, Uint8Array>();

  constructor(private readonly fill: (offset: number, buf: Uint8Array) => BlockStatus) {}

  read(offset: number, buf: Uint8Array): BlockStatus {
    let done = 0;
    while (done < buf.length) {
      const pos = offset + done,
        idx = Math.floor(pos / CHUNK),
        at = pos - idx * CHUNK,
        n = Math.min(CHUNK - at, buf.length - done);
      const c = this.chunks.get(idx);
      const part = buf.subarray(done, done + n);
      if (c) part.set(c.subarray(at, at + n));
      else {
        const st = this.fill(pos, part);
        if (st !== 'ok') return st;
      }
      done += n;
    }
    return 'ok';
  }

  write(offset: number, data: Uint8Array): BlockStatus {
    let done = 0;
    while (done < data.length) {
      const pos = offset + done,
        idx = Math.floor(pos / CHUNK),
        at = pos - idx * CHUNK,
        n = Math.min(CHUNK - at, data.length - done);
      let c = this.chunks.get(idx);
      if (!c) {
        // A chunk written for the first time starts as what lies beneath it.
        c = new Uint8Array(CHUNK);
        const st = this.fill(idx * CHUNK, c);
        if (st !== 'ok') return st;
        this.chunks.set(idx, c);
      }
      c.set(data.subarray(done, done + n), at);
      done += n;
    }
    return 'ok';
  }
}

function inRange(size: number, offset: number, length: number): boolean {
  return Number.isSafeInteger(offset) && offset >= 0 && offset + length <= size;
}

/** A disk in memory, zero-filled, `size` bytes (a multiple of 512). */
export class MemoryBlockBackend implements BlockBackend {
  private readonly store = new ChunkStore((_off, buf) => {
    buf.fill(0);
    return 'ok';
  });
  flushes = 0;

  constructor(
    readonly size: number,
    readonly readOnly = false,
  ) {
    if (size % 512 !== 0 || size < 0) throw new RangeError(`disk size ${size} is not a multiple of 512`);
  }

  read(offset: number, buf: Uint8Array): BlockStatus {
    return inRange(this.size, offset, buf.length) ? this.store.read(offset, buf) : 'io-error';
  }
  write(offset: number, data: Uint8Array): BlockStatus {
    if (this.readOnly || !inRange(this.size, offset, data.length)) return 'io-error';
    return this.store.write(offset, data);
  }
  flush(): BlockStatus {
    this.flushes++;
    return 'ok';
  }
  close(): void {
    this.store.chunks.clear();
  }
  /** Host memory committed, bytes (for tests: a fresh disk costs nothing). */
  get committed(): number {
    return this.store.chunks.size * CHUNK;
  }
}

/**
 * `snapshot`: reads come from the base unless the guest wrote there; writes
 * land in memory and are lost at the end of the run, as QEMU's -snapshot.
 * The base is only read, so it may be a read-only file.
 */
export class SnapshotOverlay implements BlockBackend {
  readonly readOnly = false;
  private readonly store: ChunkStore;

  constructor(private readonly base: BlockBackend) {
    this.store = new ChunkStore((off, buf) => base.read(off, buf));
  }
  get size(): number {
    return this.base.size;
  }
  read(offset: number, buf: Uint8Array): BlockStatus {
    return inRange(this.size, offset, buf.length) ? this.store.read(offset, buf) : 'io-error';
  }
  write(offset: number, data: Uint8Array): BlockStatus {
    return inRange(this.size, offset, data.length) ? this.store.write(offset, data) : 'io-error';
  }
  /** Nothing is ever made durable: the overlay dies with the run. */
  flush(): BlockStatus {
    return 'ok';
  }
  close(): void {
    this.store.chunks.clear();
    this.base.close();
  }
}
