// Swap areas (Linux's mm/swapfile.c): the areas swapon(2) made active, each
// a swap_info_struct with its slot map (swap_map.ts) and the device or file
// behind it; the choice of a slot for a page going out (highest priority
// first, areas of equal priority in turn), the counts that page-table
// entries hold on slots (swap_duplicate at fork, swap_free when an entry
// goes), the swap header that mkswap writes and swapon checks, and
// /proc/swaps.
//
// There is no swap cache: a page read back from swap takes its own copy
// and drops its entry's reference at once (a slot shared after fork is read
// once per address space). SwapCached is therefore 0.
import { KERN_ERR, KERN_INFO, KERN_WARNING } from '../printk.js';
import { SwapMap } from './swap_map.js';
import { MAX_SWAPFILES, type SwapEntry } from './swapops.js';

export const SWAP_FLAG_PREFER = 0x8000,
  SWAP_FLAG_PRIO_MASK = 0x7fff,
  SWAP_FLAG_DISCARD = 0x10000,
  SWAP_FLAG_DISCARD_ONCE = 0x20000,
  SWAP_FLAG_DISCARD_PAGES = 0x40000;
export const SWAP_FLAGS_VALID = SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES;

const PAGE = 4096;
/** union swap_header: the magic ends the first page; info follows the 1024 boot bytes. */
const MAGIC_AT = PAGE - 10,
  INFO_AT = 1024,
  BADPAGES_AT = INFO_AT + 12 + 16 + 16 + 117 * 4;
/** MAX_SWAP_BADPAGES: the badpages[] that fit between info and the magic. */
export const MAX_SWAP_BADPAGES = (MAGIC_AT - BADPAGES_AT) / 4;

/** Where an area's slots are: whole pages by slot number, synchronously. */
export interface SwapBacking {
  /** Bytes of the device or file (i_size). */
  readonly size: number;
  /** Not rotational (SWP_SOLIDSTATE: "SS" in swapon's message). */
  readonly solidState: boolean;
  /** Read slot `offset` into dst (one page): 0 or -errno. */
  readPage(offset: number, dst: Uint8Array): number;
  writePage(offset: number, src: Uint8Array): number;
  /** The area is given up (swapoff): drop what the device's cache may hold of it. */
  release(): void;
}

/** struct swap_info_struct, as much of it as is kept here. */
export class SwapInfo {
  /** SWP_WRITEOK: slots may be handed out (cleared while swapoff empties the area). */
  writeOk = true;
  constructor(
    readonly type: number,
    public prio: number,
    /** The path /proc/swaps shows (d_path of the swap file). */
    readonly name: string,
    /** A block device ("partition") or a regular file ("file"). */
    readonly block: boolean,
    /** What identifies the device or inode, so it is not swapped on twice (EBUSY). */
    readonly key: object,
    readonly map: SwapMap,
    readonly backing: SwapBacking,
    /** The letters of the "Adding" message after the extents: SS, D, s, c. */
    readonly flagLetters: string,
  ) {}
  get pages(): number {
    return this.map.pages;
  }
}

/** The fields of union swap_header's info, little- or big-endian as mkswap wrote them. */
export interface SwapHeader {
  version: number;
  lastPage: number;
  nrBadpages: number;
  badpages: number[];
}

/** The header page's info, or null without the "SWAPSPACE2" signature. */
export function parseSwapHeader(page: Uint8Array): SwapHeader | null {
  if (page.length < PAGE || new TextDecoder().decode(page.subarray(MAGIC_AT, PAGE)) !== 'SWAPSPACE2') return null;
  const dv = new DataView(page.buffer, page.byteOffset, PAGE);
  // A header written on the other endianness has version 1 byte-swapped (Linux swabs it all).
  const le = dv.getUint32(INFO_AT, true) !== 0x01000000;
  const u32 = (at: number) => dv.getUint32(at, le);
  const nrBadpages = u32(INFO_AT + 8);
  const badpages: number[] = [];
  for (let i = 0; i < Math.min(nrBadpages, MAX_SWAP_BADPAGES); i++) badpages.push(u32(BADPAGES_AT + i * 4));
  return { version: u32(INFO_AT), lastPage: u32(INFO_AT + 4), nrBadpages, badpages };
}

/**
 * read_swap_header: the slots the area may have (last_page + 1), or 0 with
 * Linux's message when the header is not usable.
 */
export function readSwapHeader(
  log: (level: number, text: string) => void,
  page: Uint8Array,
  size: number,
  regular: boolean,
): { maxpages: number; bad: number[] } | 0 {
  const h = parseSwapHeader(page);
  if (!h) {
    log(KERN_ERR, 'Unable to find swap-space signature');
    return 0;
  }
  if (h.version !== 1) {
    log(KERN_WARNING, `Unable to handle swap header version ${h.version | 0}`);
    return 0;
  }
  if (!h.lastPage) {
    log(KERN_WARNING, 'Empty swap-file');
    return 0;
  }
  const maxpages = h.lastPage + 1;
  const filePages = Math.floor(size / PAGE);
  if (filePages && maxpages > filePages) {
    log(KERN_WARNING, 'Swap area shorter than signature indicates');
    return 0;
  }
  if (h.nrBadpages && regular) return 0;
  if (h.nrBadpages > MAX_SWAP_BADPAGES) return 0;
  return { maxpages, bad: h.badpages };
}

/** The machine's swap: swap_info[], the active list and the swap counters. */
export class SwapState {
  /** swap_info[type]. */
  readonly areas: (SwapInfo | null)[] = [];
  /** least_priority: areas swapped on without a priority get -2, -3, ... */
  private leastPriority = -1;
  /** vmstat's pswpin and pswpout. */
  pswpin = 0;
  pswpout = 0;
  /** Pages in the swap cache (there is none: see above). */
  readonly cachedPages = 0;

  /** The active areas in allocation order (swap_avail_head): priority high to low, equal ones rotating. */
  private order: SwapInfo[] = [];

  get totalPages(): number {
    let n = 0;
    for (const a of this.areas) if (a?.writeOk) n += a.pages;
    return n;
  }
  /** get_nr_swap_pages: free slots in the areas that take pages. */
  get freePages(): number {
    let n = 0;
    for (const a of this.areas) if (a?.writeOk) n += a.map.free;
    return n;
  }

  /** alloc_swap_info: the lowest free type, or -1 (then swapon fails with EPERM). */
  freeType(): number {
    for (let t = 0; t < MAX_SWAPFILES; t++) if (!this.areas[t]) return t;
    return -1;
  }

  find(key: object): SwapInfo | null {
    return this.areas.find((a) => a?.key === key) ?? null;
  }

  /** enable_swap_info and _enable_swap_info: the priority, then into the lists. */
  enable(make: (prio: number) => SwapInfo, prio: number | null): SwapInfo {
    const a = make(prio ?? --this.leastPriority);
    this.areas[a.type] = a;
    this.order.push(a);
    this.sortOrder();
    return a;
  }

  private sortOrder(): void {
    this.order.sort((x, y) => y.prio - x.prio);
  }

  /** swapoff's first step: no more slots from the area, and its pages leave the totals. */
  stopWrites(a: SwapInfo): void {
    a.writeOk = false;
    this.order = this.order.filter((x) => x !== a);
  }

  /** reinsert_swap_info: swapoff failed, the area takes pages again. */
  reinsert(a: SwapInfo): void {
    a.writeOk = true;
    this.order.push(a);
    this.sortOrder();
  }

  /** The area is gone: areas below it move up one priority as Linux renumbers them. */
  remove(a: SwapInfo): void {
    if (a.prio < 0) {
      for (const o of this.areas) if (o && o !== a && o.prio < a.prio) o.prio++;
      this.leastPriority++;
      this.sortOrder();
    }
    this.areas[a.type] = null;
    while (this.areas.length && !this.areas[this.areas.length - 1]) this.areas.pop();
  }

  /** get_swap_pages: a slot with one reference, from the highest-priority area that has one; null when all are full. */
  allocSlot(): SwapEntry | null {
    for (let i = 0; i < this.order.length; i++) {
      const a = this.order[i];
      const off = a.map.alloc();
      if (!off) continue;
      // Equal priorities take turns (plist_requeue): a goes after its peers.
      let j = i;
      while (j + 1 < this.order.length && this.order[j + 1].prio === a.prio) {
        this.order[j] = this.order[j + 1];
        j++;
      }
      this.order[j] = a;
      return { type: a.type, offset: off };
    }
    return null;
  }

  private area(e: SwapEntry): SwapInfo | null {
    return this.areas[e.type] ?? null;
  }

  /** References on e's slot; 0 when the entry is not valid (a stale or corrupt PTE). */
  count(e: SwapEntry): number {
    const a = this.area(e);
    if (!a) return 0;
    const n = a.map.count(e.offset);
    return n === 0xffff ? 0 : n;
  }

  /** swap_duplicate: one more PTE refers to e. */
  dup(e: SwapEntry): boolean {
    return this.area(e)?.map.dup(e.offset) ?? false;
  }

  /** swap_free: one PTE less refers to e. */
  put(e: SwapEntry): void {
    this.area(e)?.map.put(e.offset);
  }

  /** swap_writepage: the page's bytes to e's slot; 0 or -errno. */
  write(e: SwapEntry, src: Uint8Array): number {
    const a = this.area(e);
    if (!a) return -5;
    const r = a.backing.writePage(e.offset, src);
    if (r === 0) this.pswpout++;
    return r;
  }

  /** swap_read_folio: e's slot into dst; 0 or -errno. */
  read(e: SwapEntry, dst: Uint8Array): number {
    const a = this.area(e);
    if (!a) return -5;
    const r = a.backing.readPage(e.offset, dst);
    if (r === 0) this.pswpin++;
    return r;
  }
}

/** The "Adding ...k swap on ..." line swapon logs. */
export function addingMessage(a: SwapInfo, extents: number, spanPages: number): [number, string] {
  return [KERN_INFO, `Adding ${a.pages * 4}k swap on ${a.name}.  Priority:${a.prio} extents:${extents} across:${spanPages * 4}k ${a.flagLetters}`];
}

/** seq_file_path's escapes for /proc/swaps: space, tab, newline and backslash as \ooo. */
function escapePath(p: string): string {
  return p.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

/** /proc/swaps (swap_show): a header, then one line per area in type order. */
export function procSwaps(s: SwapState): string {
  let out = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';
  for (const a of s.areas) {
    if (!a) continue;
    const name = escapePath(a.name);
    const len = new TextEncoder().encode(name).length;
    const bytes = a.pages * 4,
      inuse = a.map.inuse * 4;
    out += `${name}${' '.repeat(len < 40 ? 40 - len : 1)}${a.block ? 'partition' : 'file\t'}\t${bytes}\t${bytes < 10000000 ? '\t' : ''}${inuse}\t${inuse < 10000000 ? '\t' : ''}${a.prio}\n`;
  }
  return out;
}
