// open(2)-style flag words: the access mode first, then the other O_* bits.
import { flags, xval } from './xlat.js';
import { OPEN_ACCESS, OPEN_FLAGS } from './tables-fs.js';

/** "O_RDONLY|O_CLOEXEC": the form openat, fcntl(F_SETFL) and F_GETFL use. */
export function openModes(v: bigint | number): string {
  const n = BigInt.asUintN(32, BigInt(v));
  const access = xval(OPEN_ACCESS, n & 3n, 'O_???');
  const rest = n & ~3n;
  return rest ? `${access}|${flags(OPEN_FLAGS, rest)}` : access;
}

/** Flags without an access mode (dup3, pipe2): "O_CLOEXEC", or "0". */
export function openFlagsOnly(v: bigint | number): string {
  return flags(OPEN_FLAGS, BigInt.asUintN(32, BigInt(v)), 'O_???');
}
