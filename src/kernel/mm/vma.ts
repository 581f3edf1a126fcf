// A virtual memory area: one contiguous range of an address space with one
// protection and one backing (anonymous memory or a file).

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03, MAP_FIXED = 0x10,
  MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100, MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000,
  MAP_LOCKED = 0x2000, MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_NONBLOCK = 0x10000,
  MAP_STACK = 0x20000, MAP_HUGETLB = 0x40000, MAP_FIXED_NOREPLACE = 0x100000;

/** What a file mapping reads its pages from (an inode's data). */
export interface MapSource {
  /** Copy file bytes [off, off+dst.length) into dst (zero beyond EOF). */
  readAt(off: number, dst: Uint8Array): void;
  /** Write back bytes of a shared mapping. */
  writeAt?(off: number, src: Uint8Array): void;
  /** Current file size: whole pages past EOF raise SIGBUS. */
  size?(): number;
  /** For /proc/PID/maps: device, inode number, path. */
  dev: number; ino: number; path: string;
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
  /** VM_LOCKED (mlock): counted in VmLck; VM_LOCKONFAULT: locked as pages fault in. */
  locked = false;
  lockOnFault = false;

  clone(): Vma {
    const v = new Vma(this.start, this.end, this.prot, this.shared, this.file, this.offset, this.name);
    v.zeroFrom = this.zeroFrom; v.growsDown = this.growsDown; v.locked = this.locked; v.lockOnFault = this.lockOnFault;
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
