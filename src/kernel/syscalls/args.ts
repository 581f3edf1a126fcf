// A system call's number and arguments, read from the registers once, at the
// ecall, by the dispatcher (a7 and a0-a5, as Linux's syscall_get_arguments).
// Handlers read their arguments from here, typed as the C prototype has them,
// and never touch the registers. One object per kernel serves every call: a
// handler reads what it needs before it returns and never keeps the object.

const TWO32 = 4294967296;

export class SyscallArgs {
  /** The syscall number (a7). */
  nr = 0;
  private readonly lo = new Int32Array(6);
  private readonly hi = new Int32Array(6);

  /** Copy a7 and a0-a5 out of a register file kept as 32-bit halves (x10..x17). */
  load(xl: Int32Array, xh: Int32Array): void {
    const lo = this.lo,
      hi = this.hi;
    this.nr = xl[17];
    lo[0] = xl[10];
    hi[0] = xh[10];
    lo[1] = xl[11];
    hi[1] = xh[11];
    lo[2] = xl[12];
    hi[2] = xh[12];
    lo[3] = xl[13];
    hi[3] = xh[13];
    lo[4] = xl[14];
    hi[4] = xh[14];
    lo[5] = xl[15];
    hi[5] = xh[15];
  }

  /** Set the call from values (tests, and callers that are not an ecall). */
  set(nr: number, args: readonly (number | bigint)[]): this {
    this.nr = nr;
    for (let i = 0; i < 6; i++) {
      const v = BigInt.asUintN(64, BigInt(args[i] ?? 0));
      this.lo[i] = Number(v & 0xffffffffn) | 0;
      this.hi[i] = Number(v >> 32n) | 0;
    }
    return this;
  }

  /** Argument i as an unsigned 64-bit number (exact below 2^53): addresses, sizes, unsigned long. */
  ulong(i: number): number {
    return (this.hi[i] >>> 0) * TWO32 + (this.lo[i] >>> 0);
  }
  /** Argument i as a C int: the low 32 bits, signed. */
  int(i: number): number {
    return this.lo[i];
  }
  /** Argument i as a signed 64-bit number (exact within 2^53): long, off_t. */
  long(i: number): number {
    return this.hi[i] * TWO32 + (this.lo[i] >>> 0);
  }
  /** Argument i as an unsigned 64-bit bigint (every bit). */
  big(i: number): bigint {
    return (BigInt(this.hi[i] >>> 0) << 32n) | BigInt(this.lo[i] >>> 0);
  }
}
