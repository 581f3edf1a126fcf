// A virtual memory area: one contiguous range of an address space with one
// protection and one backing (anonymous memory or a file).
import type { AddressSpace } from './filemap.js';

export const PROT_READ = 1,
  PROT_WRITE = 2,
  PROT_EXEC = 4;
export const MAP_SHARED = 0x01,
  MAP_PRIVATE = 0x02,
  MAP_SHARED_VALIDATE = 0x03,
  MAP_FIXED = 0x10,
  MAP_ANONYMOUS = 0x20,
  MAP_GROWSDOWN = 0x100,
  MAP_DENYWRITE = 0x800,
  MAP_EXECUTABLE = 0x1000,
  MAP_LOCKED = 0x2000,
  MAP_NORESERVE = 0x4000,
  MAP_POPULATE = 0x8000,
  MAP_NONBLOCK = 0x10000,
  MAP_STACK = 0x20000,
  MAP_HUGETLB = 0x40000,
  MAP_FIXED_NOREPLACE = 0x100000;

/** What a file mapping reads its pages from (an inode's data). */
export interface MapSource {
  /**
   * The file's page cache: its pages are mapped themselves (MAP_SHARED) or
   * read-only until the first write copies them (MAP_PRIVATE).
   */
  mapping?: AddressSpace | null;
  /** Without a page cache: copy file bytes [off, off+dst.length) into dst (zero beyond EOF). */
  readAt(off: number, dst: Uint8Array): void;
  /** Current file size: whole pages past EOF raise SIGBUS. */
  size?(): number;
  /** For /proc/PID/maps: device, inode number, path. */
  dev: number;
  ino: number;
  path: string;
  /** vm_ops open/close: a VMA of this source joins an address space (map, fork, split) or leaves it. */
  open?(): void;
  close?(): void;
}

/** The address space a VMA belongs to, as the page cache's reverse map reaches it. */
export interface VmaOwner {
  /** Drop v's PTEs of file pages [from, to) (unmap_mapping_range). */
  zapFilePages(v: Vma, from: number, to: number): void;
  /** Write-protect and clean v's PTE of file page `index` (page_mkclean). */
  mkclean(v: Vma, index: number): void;
}

export class Vma {
  constructor(
    public start: number,
    public end: number,
    public prot: number,
    public shared: boolean,
    public file: MapSource | null = null,
    /** File offset of `start` in bytes. */
    public offset = 0,
    public name = '',
  ) {}
  /** Bytes at or above this address read as zero even in a file mapping (ELF bss tail). */
  zeroFrom = Infinity;
  growsDown = false;
  /** VM_MAYWRITE: false for a shared mapping of a file opened read-only (mprotect can't add PROT_WRITE). */
  mayWrite = true;
  /** MAP_NORESERVE (VM_NORESERVE), MAP_LOCKED (VM_LOCKED): shown in smaps' VmFlags. */
  noReserve = false;
  locked = false;
  /** VM_LOCKONFAULT: locked as pages fault in. */
  lockOnFault = false;
  /** VM_ACCOUNT: private writable memory charged to the commit limit (stays after write is dropped). */
  accounted = false;
  /** The mm this VMA is linked into (set while it is). */
  owner: VmaOwner | null = null;

  /** The file's page cache, when the file has one. */
  get mapping(): AddressSpace | null {
    return this.file?.mapping ?? null;
  }

  /** File page index of address addr. */
  pgoff(addr: number): number {
    return (this.offset + (addr - this.start)) / 4096;
  }

  clone(): Vma {
    const v = new Vma(this.start, this.end, this.prot, this.shared, this.file, this.offset, this.name);
    v.zeroFrom = this.zeroFrom;
    v.growsDown = this.growsDown;
    v.mayWrite = this.mayWrite;
    v.noReserve = this.noReserve;
    v.locked = this.locked;
    v.lockOnFault = this.lockOnFault;
    v.accounted = this.accounted;
    return v;
  }

  /** Split at addr; this keeps [start, addr), the result is [addr, end). */
  splitAt(addr: number): Vma {
    const tail = this.clone();
    tail.start = addr;
    if (this.file) tail.offset = this.offset + (addr - this.start);
    this.end = addr;
    return tail;
  }
}
