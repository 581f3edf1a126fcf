// "#!" lines, parsed the way Linux's binfmt_script (5.0+) does: only the first
// BINPRM_BUF_SIZE bytes are looked at, the interpreter path must not be
// truncated, and everything after it on the line is ONE optional argument.

/** Bytes of the file Linux reads before choosing a binary format. */
export const BINPRM_BUF_SIZE = 256;
const ENOEXEC = 8;

export interface Shebang {
  interp: string;
  arg: string | null;
  /** Exact bytes of the interpreter path and argument (strings above are their UTF-8 decoding). */
  interpBytes: Uint8Array;
  argBytes: Uint8Array | null;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09;

/** First index in [from, last] that is not a space/tab, or -1. */
function nextNonBlank(b: Uint8Array, from: number, last: number): number {
  for (let i = from; i <= last; i++) if (!isBlank(b[i]!)) return i;
  return -1;
}

/** First index in [from, last] holding a space, tab or NUL, or -1. */
function nextTerminator(b: Uint8Array, from: number, last: number): number {
  for (let i = from; i <= last; i++) if (isBlank(b[i]!) || b[i] === 0) return i;
  return -1;
}

/** The C string starting at `from`, stopping at the first NUL. */
function cString(b: Uint8Array, from: number): Uint8Array {
  const end = b.indexOf(0, from);
  return b.slice(from, end < 0 ? b.length : end);
}

export function parseShebang(file: Uint8Array): Shebang | { errno: number } {
  // bprm->buf: the first 256 bytes, zero-padded when the file is shorter.
  const buf = new Uint8Array(BINPRM_BUF_SIZE);
  buf.set(file.subarray(0, BINPRM_BUF_SIZE));
  if (buf[0] !== 0x23 || buf[1] !== 0x21) return { errno: ENOEXEC };
  const bufEnd = BINPRM_BUF_SIZE - 1;
  // strnchr stops at a NUL as well as at the end of the buffer.
  let end = -1;
  for (let i = 0; i < BINPRM_BUF_SIZE && buf[i] !== 0; i++)
    if (buf[i] === 0x0a) {
      end = i;
      break;
    }
  if (end < 0) {
    // No newline: accept only if the interpreter path visibly ends inside the buffer.
    const first = nextNonBlank(buf, 2, bufEnd);
    if (first < 0) return { errno: ENOEXEC };
    if (nextTerminator(buf, first, bufEnd) < 0) return { errno: ENOEXEC };
    end = bufEnd;
  }
  while (isBlank(buf[end - 1]!)) end--;
  const name = nextNonBlank(buf, 2, end);
  if (name < 0 || name === end) return { errno: ENOEXEC };
  let arg = -1;
  const sep = nextTerminator(buf, name, end);
  if (sep >= 0 && buf[sep] !== 0) arg = nextNonBlank(buf, sep, end);
  // Linux writes NULs over the end of the line and the separator, then copies C strings.
  buf[end] = 0;
  if (arg >= 0) buf[sep] = 0;
  const interpBytes = cString(buf, name);
  const argBytes = arg >= 0 ? cString(buf, arg) : null;
  const dec = new TextDecoder();
  return { interp: dec.decode(interpBytes), arg: argBytes ? dec.decode(argBytes) : null, interpBytes, argBytes };
}
