// Which printer each syscall number gets.
import type { Decoder, DecoderTable } from './call.js';
import { NR, SYSCALL_NAMES, type SyscallName } from '../../syscalls/nr.js';
import { fsDecoders } from './dec-fs.js';
import { ioDecoders } from './dec-io.js';
import { pollDecoders } from './dec-poll.js';
import { ioctlDecoders } from './dec-ioctl.js';
import { mmDecoders } from './dec-mm.js';
import { procDecoders } from './dec-proc.js';
import { signalDecoders } from './dec-signal.js';
import { timeDecoders } from './dec-time.js';
import { futexDecoders } from './dec-futex.js';
import { miscDecoders } from './dec-misc.js';
import { SIGNATURES, signatureDecoder, unknownDecoder } from './generic.js';

const TABLES: DecoderTable[] = [
  fsDecoders,
  ioDecoders,
  pollDecoders,
  ioctlDecoders,
  mmDecoders,
  procDecoders,
  signalDecoders,
  timeDecoders,
  futexDecoders,
  miscDecoders,
];

const byNumber = new Map<number, Decoder>();
for (const [name, sig] of Object.entries(SIGNATURES)) byNumber.set(NR[name as SyscallName], signatureDecoder(sig));
for (const table of TABLES) for (const [name, dec] of Object.entries(table)) byNumber.set(NR[name as SyscallName], dec);

/** The name strace shows: the syscall's own, or syscall_0x... for a number riscv64 does not have. */
export function syscallName(nr: number): string {
  return SYSCALL_NAMES[nr] ?? `syscall_0x${(nr >>> 0).toString(16)}`;
}

export function decoderFor(nr: number): Decoder {
  const d = byNumber.get(nr);
  if (d) return d;
  // A known syscall without a signature still prints its registers in hex.
  return SYSCALL_NAMES[nr] ? signatureDecoder('xxxxxx') : unknownDecoder;
}

/** Syscalls that have a name but neither a decoder nor a signature (for tests). */
export function undecoded(): string[] {
  return Object.keys(NR).filter((n) => !byNumber.has(NR[n as SyscallName]));
}
