// The page cache of a block device (Linux's bdev inode mapping, fs/
// buffer.c's buffer cache for metadata): whole 4 KiB pages of the disk,
// addressed by their offset on the whole disk so that /dev/sda, /dev/sda1
// and a file system mounted from sda1 see the same bytes. Reads fill
// missing pages from the disk, with readahead; writes dirty pages, which
// reach the disk when the cache writes them back: on fsync, sync, a last
// close, BLKFLSBUF, or when too many are dirty. Contiguous dirty pages go
// out together as one run of page bios, up to the queue's max_sectors_kb,
// which the block layer's plug merges into one request (block/blk_mq.ts).
import type { BlockStatus } from '../../machine/backends.js';

export const PAGE_SIZE = 4096;
/** Dirty pages before a write triggers writeback of them all (a fixed stand-in for dirty_ratio). */
export const DIRTY_LIMIT_PAGES = 4096;
/** Pages kept in all; past this the oldest clean ones are dropped. */
export const CACHE_LIMIT_PAGES = 16384;

interface CachedPage {
  data: Uint8Array;
  dirty: boolean;
}

/** What the cache asks of the disk below it: whole-page-aligned transfers (the last page may be short). */
export interface CacheIo {
  /** Bytes of the disk. */
  readonly size: number;
  /** Read `pages` pages starting at page `first` in one request (merged from `pages` bios). */
  readPages(first: number, pages: number): Uint8Array | BlockStatus;
  writePages(first: number, data: Uint8Array, pages: number): BlockStatus;
  /** Read-ahead window in pages (read_ahead_kb / 4). */
  readonly readaheadPages: number;
  /** max_sectors_kb in pages: the largest request. */
  readonly maxRequestPages: number;
}

export class BdevCache {
  private readonly pages = new Map<number, CachedPage>();
  private dirtyCount = 0;

  constructor(private readonly io: CacheIo) {}

  get nrPages(): number {
    return this.pages.size;
  }
  get nrDirty(): number {
    return this.dirtyCount;
  }

  private pageBytes(p: number): number {
    return Math.min(PAGE_SIZE, this.io.size - p * PAGE_SIZE);
  }

  /** Makes page p present, reading it (and the missing pages after it, up to the read-ahead window) from the disk. */
  private fill(p: number, readahead: boolean): CachedPage | BlockStatus {
    const have = this.pages.get(p);
    if (have) return have;
    const lastPage = Math.ceil(this.io.size / PAGE_SIZE) - 1;
    let n = 1;
    if (readahead) {
      const max = Math.min(this.io.readaheadPages, this.io.maxRequestPages);
      while (n < max && p + n <= lastPage && !this.pages.has(p + n)) n++;
    }
    const got = this.io.readPages(p, n);
    if (typeof got === 'string') return got;
    for (let i = 0; i < n; i++) {
      const data = new Uint8Array(PAGE_SIZE);
      data.set(got.subarray(i * PAGE_SIZE, Math.min(got.length, (i + 1) * PAGE_SIZE)));
      this.pages.set(p + i, { data, dirty: false });
    }
    this.shrink();
    return this.pages.get(p)!;
  }

  read(offset: number, length: number): Uint8Array | BlockStatus {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const pos = offset + done,
        p = Math.floor(pos / PAGE_SIZE),
        at = pos - p * PAGE_SIZE,
        n = Math.min(PAGE_SIZE - at, length - done);
      const page = this.fill(p, true);
      if (typeof page === 'string') return page;
      out.set(page.data.subarray(at, at + n), done);
      done += n;
    }
    return out;
  }

  write(offset: number, data: Uint8Array): BlockStatus {
    let done = 0;
    while (done < data.length) {
      const pos = offset + done,
        p = Math.floor(pos / PAGE_SIZE),
        at = pos - p * PAGE_SIZE,
        n = Math.min(PAGE_SIZE - at, data.length - done);
      let page: CachedPage | BlockStatus | undefined = this.pages.get(p);
      if (!page) {
        // A whole page overwritten needs no read first; a partial one does (read-modify-write).
        if (at === 0 && n >= this.pageBytes(p)) {
          page = { data: new Uint8Array(PAGE_SIZE), dirty: false };
          this.pages.set(p, page);
        } else page = this.fill(p, false);
        if (typeof page === 'string') return page;
      }
      page.data.set(data.subarray(done, done + n), at);
      if (!page.dirty) {
        page.dirty = true;
        this.dirtyCount++;
      }
      done += n;
    }
    if (this.dirtyCount > DIRTY_LIMIT_PAGES) return this.writeback();
    this.shrink();
    return 'ok';
  }

  /** Writes every dirty page to the disk, contiguous runs as one request each. */
  writeback(): BlockStatus {
    if (this.dirtyCount === 0) return 'ok';
    const dirty = [...this.pages.entries()]
      .filter(([, pg]) => pg.dirty)
      .map(([p]) => p)
      .sort((a, b) => a - b);
    let i = 0;
    while (i < dirty.length) {
      let j = i + 1;
      while (j < dirty.length && dirty[j] === dirty[j - 1] + 1 && j - i < this.io.maxRequestPages) j++;
      const first = dirty[i],
        n = j - i;
      const last = first + n - 1;
      const bytes = (n - 1) * PAGE_SIZE + this.pageBytes(last);
      const buf = new Uint8Array(bytes);
      for (let q = 0; q < n; q++) {
        const pg = this.pages.get(first + q)!;
        buf.set(pg.data.subarray(0, Math.min(PAGE_SIZE, bytes - q * PAGE_SIZE)), q * PAGE_SIZE);
      }
      const st = this.io.writePages(first, buf, n);
      if (st !== 'ok') return st;
      for (let q = 0; q < n; q++) {
        this.pages.get(first + q)!.dirty = false;
        this.dirtyCount--;
      }
      i = j;
    }
    this.shrink();
    return 'ok';
  }

  /** BLKFLSBUF, drop_caches: forget the clean pages (after writing back the dirty ones). */
  invalidate(): BlockStatus {
    const st = this.writeback();
    if (st !== 'ok') return st;
    this.pages.clear();
    return 'ok';
  }

  /** BLKDISCARD, BLKZEROOUT: the cached copies of a range that changed below the cache are dropped. */
  drop(offset: number, length: number): void {
    for (let p = Math.floor(offset / PAGE_SIZE); p * PAGE_SIZE < offset + length; p++) {
      const pg = this.pages.get(p);
      if (pg?.dirty) this.dirtyCount--;
      this.pages.delete(p);
    }
  }

  private shrink(): void {
    if (this.pages.size <= CACHE_LIMIT_PAGES) return;
    for (const [p, pg] of this.pages) {
      if (this.pages.size <= CACHE_LIMIT_PAGES) break;
      if (!pg.dirty) this.pages.delete(p);
    }
  }
}
