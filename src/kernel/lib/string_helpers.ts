// string_get_size (lib/string_helpers.c): a size as the kernel prints it in
// messages, three significant figures in decimal ("67.1 MB") or binary
// ("64.0 MiB") units, the digits past the last division truncated and the
// shown one rounded half up.

const UNITS = {
  10: ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'],
  2: ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'],
} as const;
const ROUNDING = [500, 50, 5];

export function stringGetSize(size: number, blkSize: number, units: 10 | 2): string {
  const divisor = units === 10 ? 1000n : 1024n;
  let s = BigInt(size) * BigInt(blkSize);
  if (s === 0n) return `0 ${UNITS[units][0]}`;
  let i = 0;
  let remainder = 0n;
  while (s >= divisor) {
    remainder = s % divisor;
    s /= divisor;
    i++;
  }
  // j: the digits after the point that make three significant figures.
  let j = 0;
  for (let cap = s; cap * 10n < 1000n; j++) cap *= 10n;
  // A binary remainder is a fraction of 1024: as thousandths.
  if (units === 2) remainder = (remainder * 1000n) >> 10n;
  remainder += BigInt(ROUNDING[j]);
  if (remainder >= 1000n) {
    remainder -= 1000n;
    s += 1n;
  }
  const frac = j ? '.' + remainder.toString().padStart(3, '0').slice(0, j) : '';
  const unit = i < UNITS[units].length ? UNITS[units][i] : 'UNK';
  return `${s}${frac} ${unit}`;
}
