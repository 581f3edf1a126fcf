// Symbolic constants, printed the way strace's xlat tables print them: names in
// table order, then any bits no name covers in hex; an unknown value in hex
// with a "/* PREFIX_??? */" comment when the table has a default.
import { hex } from './fmt.js';

/** [value, name] pairs, in the order strace lists them (not always by value). */
export type Xlat = ReadonlyArray<readonly [number | bigint, string]>;

/** Turn a list of names and values into an Xlat (keeps source order). */
export function xlat(entries: Record<string, number | bigint>): Xlat {
  return Object.entries(entries).map(([k, v]) => [v, k] as const);
}

/** A bit set: "A|B|0x40"; zero prints the table's zero name, else "0" (or "" with no default). */
export function flags(x: Xlat, value: bigint | number, dflt?: string): string {
  let v = BigInt(value);
  if (v === 0n) {
    const zero = x.find((e) => BigInt(e[0]) === 0n);
    return zero ? zero[1] : dflt !== undefined ? '0' : '';
  }
  const out: string[] = [];
  for (const [val, name] of x) {
    const b = BigInt(val);
    if (b !== 0n && (v & b) === b) {
      out.push(name);
      v &= ~b;
      if (v === 0n) break;
    }
  }
  if (out.length === 0) return dflt !== undefined ? `${hex(v)} /* ${dflt} */` : hex(v);
  if (v !== 0n) out.push(hex(v));
  return out.join('|');
}

/** One value out of a set: its name, or hex followed by a comment naming the default. */
export function xval(x: Xlat, value: bigint | number, dflt: string): string {
  const v = BigInt(value);
  const hit = x.find((e) => BigInt(e[0]) === v);
  return hit ? hit[1] : `${hex(v)} /* ${dflt} */`;
}

/** The name alone, or undefined. */
export function xname(x: Xlat, value: bigint | number): string | undefined {
  const v = BigInt(value);
  return x.find((e) => BigInt(e[0]) === v)?.[1];
}
