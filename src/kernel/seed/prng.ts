// The entropy source of seed mode (`--seed N`): xoshiro128** (Blackman and
// Vigna, 2018), a small, fast generator with 128 bits of state, period
// 2^128-1 and no known statistical flaw, on 32-bit arithmetic JavaScript does
// natively. Its state comes from N through SplitMix64, as its authors advise
// (a seed of 0 or nearby numbers still gives well-mixed, non-zero state).
// Not a cryptographic generator: seed mode is for reproducible runs.

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64: the successive outputs from state x. */
function* splitmix64(x: bigint): Generator<bigint> {
  for (;;) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    yield z ^ (z >> 31n);
  }
}

export class Xoshiro128 {
  private s = new Uint32Array(4);

  constructor(seed: number | bigint) {
    const g = splitmix64(BigInt.asUintN(64, BigInt(seed)));
    const a = g.next().value as bigint,
      b = g.next().value as bigint;
    this.s[0] = Number(a & 0xffffffffn);
    this.s[1] = Number(a >> 32n);
    this.s[2] = Number(b & 0xffffffffn);
    this.s[3] = Number(b >> 32n);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1; // the one state it must not have
  }

  /** A generator in the given state (four 32-bit words, not all zero): for checking against the reference. */
  static fromState(words: number[]): Xoshiro128 {
    const g = new Xoshiro128(0);
    g.s.set(words);
    return g;
  }

  /** The next 32 random bits. */
  next(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** Fill buf with random bytes, four from each output, low byte first. */
  fill(buf: Uint8Array): void {
    let i = 0;
    for (; i + 4 <= buf.length; i += 4) {
      const r = this.next();
      buf[i] = r;
      buf[i + 1] = r >>> 8;
      buf[i + 2] = r >>> 16;
      buf[i + 3] = r >>> 24;
    }
    if (i < buf.length) {
      let r = this.next();
      for (; i < buf.length; i++, r >>>= 8) buf[i] = r;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
