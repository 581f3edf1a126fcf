// The tracer's view of the traced task: its syscall registers and its memory.

/** Reads guest memory of the traced task; null = unreadable. */
export interface UserMemory {
  read(addr: number, len: number): Uint8Array | null;
  /** Bytes up to (not including) the NUL, at most max bytes. */
  readCString(addr: number, max: number): Uint8Array | null;
}

export interface SyscallEvent {
  nr: number;
  /** a0..a5 as unsigned 64-bit values. */
  args: bigint[];
  /** User stack pointer at the ecall: rt_sigreturn's signal frame lives there. */
  sp?: bigint;
}
