// Finding busybox's applet names inside the binary itself, so the rootfs can
// be populated without running riscv64 code on the host. Busybox keeps every
// applet name in one NUL-separated string table sorted with strcmp (it
// binary-searches it at run time); that table is the longest strictly sorted
// run of name-like strings in the file. Pure: works on any byte array.

const NAME = /^[a-z[][a-z0-9_.[-]*$/;
const MAX_NAME = 32;

function validName(s: string): boolean {
  return s.length > 0 && s.length <= MAX_NAME && NAME.test(s);
}

// strcmp order on ASCII is the order of JavaScript's < on these strings.
function before(a: string, b: string): boolean {
  return a < b;
}

interface Token {
  start: number; // byte offset of the first character
  text: string | undefined; // undefined when the bytes are not a printable name
}

function tokenize(buf: Uint8Array): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0) {
      if (i > start) {
        let text: string | undefined = '';
        if (i - start > MAX_NAME * 4) text = undefined;
        else
          for (let j = start; j < i; j++) {
            const c = buf[j] as number;
            if (c < 0x20 || c > 0x7e) {
              text = undefined;
              break;
            }
            text += String.fromCharCode(c);
          }
        tokens.push({ start, text });
      } else {
        tokens.push({ start, text: '' });
      }
      start = i + 1;
    }
  }
  return tokens;
}

/**
 * Applet names found in a busybox binary, in table order. Empty if no
 * plausible table (at least `minApplets` names) is found.
 */
export function parseAppletTable(buf: Uint8Array, minApplets = 8): string[] {
  const tokens = tokenize(buf);
  let bestStart = 0;
  let bestLen = 0;
  let runStart = 0;
  let runLen = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]?.text;
    if (t === undefined || !validName(t)) {
      runLen = 0;
      continue;
    }
    const prev = runLen > 0 ? tokens[i - 1]?.text : undefined;
    if (runLen > 0 && prev !== undefined && before(prev, t)) {
      runLen++;
    } else {
      runStart = i;
      runLen = 1;
    }
    if (runLen > bestLen) {
      bestStart = runStart;
      bestLen = runLen;
    }
  }
  if (bestLen < minApplets) return [];
  const names = tokens.slice(bestStart, bestStart + bestLen).map((t) => t.text as string);
  // The table is not necessarily preceded by a NUL: the last byte of other
  // data may glue onto the first name ("\xae[" or "3["). Recover the first
  // name as the shortest name-like tail of those bytes that sorts before the rest.
  if (bestStart > 0) {
    const end = (tokens[bestStart] as Token).start - 1; // the NUL before the run
    const first = names[0] as string;
    let tail = '';
    for (let j = end - 1; j >= 0 && tail.length < MAX_NAME; j--) {
      const c = buf[j] as number;
      if (!isNameByte(c)) break;
      tail = String.fromCharCode(c) + tail;
      if (validName(tail) && before(tail, first)) {
        names.unshift(tail);
        break;
      }
    }
  }
  return names;
}

function isNameByte(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x5b || c === 0x2d;
}
