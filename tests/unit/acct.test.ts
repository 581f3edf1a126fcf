// The number formats of struct acct_v3: ac_etime is an IEEE single (the oracle
// is the platform's own float32 encoding of the value cut to 24 significant
// bits, since Linux's encode_float truncates), and the comp_t fields decode
// as mantissa * 8^exponent to the value, rounded at the first dropped octal
// digit as encode_comp_t rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCompT, encodeFloat } from '../../src/kernel/acct.js';

function float32Bits(x: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, x);
  return b.getUint32(0);
}

/** x with only its 24 most significant bits kept (truncated). */
function truncate24(x: number): number {
  const bits = Math.floor(Math.log2(x)) + 1;
  if (bits <= 24) return x;
  const unit = 2 ** (bits - 24);
  return Math.floor(x / unit) * unit;
}

test('encodeFloat is the IEEE single of the value, truncated', () => {
  assert.equal(encodeFloat(0), 0);
  for (const x of [1, 2, 3, 100, 12345, 2 ** 24 - 1, 2 ** 24 + 1, 123456789, 2 ** 40 + 12345, 9e15]) {
    assert.equal(encodeFloat(x), float32Bits(truncate24(x)), `value ${x}`);
  }
});

test('encodeCompT decodes to the value within its 13-bit precision', () => {
  const decode = (c: number) => (c & 0x1fff) * 8 ** (c >>> 13);
  for (const x of [0, 1, 8191, 8192, 8196, 65535, 100000, 1234567, 2 ** 30]) {
    const c = encodeCompT(x);
    assert.ok(c >= 0 && c <= 0xffff);
    const exp = c >>> 13;
    const d = decode(c);
    // Rounded to the nearest multiple of 8^exp (half rounds up), so off by at most half a unit.
    assert.ok(Math.abs(d - x) <= 8 ** exp / 2, `value ${x} encoded ${c.toString(16)} decodes to ${d}`);
  }
  assert.equal(encodeCompT(8191), 8191);
  assert.equal(encodeCompT(2 ** 60), 0xffff); // past 8^7 * 8191: saturated
});
