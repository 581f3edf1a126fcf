// One traced system call on its way through the formatter: the raw registers,
// the argument texts printed so far, and how the return value is to be shown.
import type { UserMemory } from './types.js';
import type { SyscallName } from '../../syscalls/nr.js';
import { hex, ptr, s32, s64, u32, u64 } from './fmt.js';
import { printPath } from './quote.js';

/** How strace prints a successful return value. */
export type RetStyle = 'dec' | 'hex' | 'oct';

/** Kernel-internal restart codes strace shows as "= ? ERESTART..." (they never reach user space). */
const ERESTART = new Set([512, 513, 514, 516]);

export const AT_FDCWD = -100;

export class Call {
  /** Argument texts, joined with ", " at the end. */
  readonly parts: string[] = [];
  retStyle: RetStyle = 'dec';
  /** Appended after the return value, e.g. " (flags FD_CLOEXEC)". */
  retNote = '';
  /** Return value (a0 after the call), signed. */
  ret = 0n;
  /** The return value is an error code (-4095..-1). */
  failed = false;
  /** The call was interrupted and will be restarted (ERESTARTSYS & co). */
  erestart = false;
  /** What a decoder captured at entry for its exit half. */
  saved: unknown;

  constructor(
    readonly nr: number,
    readonly name: string,
    readonly args: readonly bigint[],
    public mem: UserMemory,
    readonly sp?: bigint,
  ) {}

  setResult(ret: bigint): void {
    this.ret = s64(ret);
    this.failed = this.ret < 0n && this.ret >= -4095n;
    this.erestart = this.failed && ERESTART.has(Number(-this.ret));
  }

  /** Argument i as an unsigned 64-bit value. */
  a(i: number): bigint {
    return u64(this.args[i] ?? 0n);
  }
  /** Argument i as a C int. */
  int(i: number): number {
    return s32(this.a(i));
  }
  /** Argument i as a C unsigned int. */
  uint(i: number): number {
    return u32(this.a(i));
  }
  /** Argument i as a signed long (off_t, ssize_t). */
  long(i: number): bigint {
    return s64(this.a(i));
  }

  push(...texts: string[]): void {
    this.parts.push(...texts);
  }

  // Common argument kinds, each appended in order.
  pushInt(i: number): void {
    this.push(String(this.int(i)));
  }
  pushUint(i: number): void {
    this.push(String(this.uint(i)));
  }
  pushUlong(i: number): void {
    this.push(String(this.a(i)));
  }
  pushLong(i: number): void {
    this.push(String(this.long(i)));
  }
  pushHex(i: number): void {
    this.push(hex(this.a(i)));
  }
  pushPtr(i: number): void {
    this.push(ptr(this.a(i)));
  }
  pushFd(i: number): void {
    this.pushInt(i);
  }
  pushDirfd(i: number): void {
    this.push(this.int(i) === AT_FDCWD ? 'AT_FDCWD' : String(this.int(i)));
  }
  pushPath(i: number): void {
    this.push(this.a(i) === 0n ? 'NULL' : printPath(this.mem, this.a(i)));
  }
  /** uid_t/gid_t: (uid_t)-1 reads better as -1. */
  pushId(i: number): void {
    const v = this.uint(i);
    this.push(v === 0xffffffff ? '-1' : String(v));
  }
}

/** The two halves of a syscall printer: entry prints inputs, exit prints outputs. */
export interface Decoder {
  enter?(c: Call): void;
  exit?(c: Call): void;
}

/** Decoders by syscall name. */
export type DecoderTable = Partial<Record<SyscallName, Decoder>>;
