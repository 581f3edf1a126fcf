// GUID partition tables, as block/partitions/efi.c reads them: a
// protective MBR in sector 0, the header in sector 1 (or, when that one is
// damaged, the alternate header in the last sector), each checked by its
// signature, size, CRC32 and own LBA, and the entry array checked by its
// CRC32. Entries with an all-zero type GUID are unused; the others keep
// their index + 1 as their partition number.
import { crc32 } from '../../lib/crc32.js';
import type { ParsedPartition, ParsedTable, SectorReader } from './check.js';

const GPT_HEADER_SIGNATURE = 'EFI PART';
const GPT_ENTRY_SIZE = 128;
const HEADER_MIN = 92;
/** Entries Linux reads at most (its array holds 128 and it refuses larger ones). */
const MAX_ENTRIES = 1024;

function isPmbrValid(mbr: Uint8Array): boolean {
  if (mbr[510] !== 0x55 || mbr[511] !== 0xaa) return false;
  for (let i = 0; i < 4; i++) if (mbr[446 + 16 * i + 4] === 0xee) return true;
  return false;
}

function guidText(b: Uint8Array): string {
  const h = (i: number) => b[i].toString(16).padStart(2, '0');
  return (
    [3, 2, 1, 0].map(h).join('') +
    '-' +
    [5, 4].map(h).join('') +
    '-' +
    [7, 6].map(h).join('') +
    '-' +
    [8, 9].map(h).join('') +
    '-' +
    [10, 11, 12, 13, 14, 15].map(h).join('')
  );
}

interface Header {
  firstUsable: number;
  lastUsable: number;
  entriesLba: number;
  numEntries: number;
  entriesCrc: number;
}

/** is_gpt_valid for the header at lba: null when any check fails. */
function readHeader(read: SectorReader, lba: number, lastLba: number): Header | null {
  const s = read(lba, 1);
  if (!s) return null;
  const dv = new DataView(s.buffer, s.byteOffset, s.length);
  if (String.fromCharCode(...s.subarray(0, 8)) !== GPT_HEADER_SIGNATURE) return null;
  const hsize = dv.getUint32(12, true);
  if (hsize < HEADER_MIN || hsize > 512) return null;
  const hdr = s.slice(0, hsize);
  const crc = dv.getUint32(16, true);
  hdr.fill(0, 16, 20);
  if (crc32(hdr) >>> 0 !== crc) return null;
  const big = (o: number) => Number(dv.getBigUint64(o, true));
  if (big(24) !== lba) return null;
  const h: Header = {
    firstUsable: big(40),
    lastUsable: big(48),
    entriesLba: big(72),
    numEntries: dv.getUint32(80, true),
    entriesCrc: dv.getUint32(88, true),
  };
  if (h.firstUsable > lastLba || h.lastUsable > lastLba || h.lastUsable < h.firstUsable) return null;
  if (dv.getUint32(84, true) !== GPT_ENTRY_SIZE || h.numEntries === 0 || h.numEntries > MAX_ENTRIES) return null;
  if (h.entriesLba > lastLba) return null;
  return h;
}

export function efiPartition(read: SectorReader, sectors: number): ParsedTable | null {
  const mbr = read(0, 1);
  if (!mbr || !isPmbrValid(mbr)) return null;
  const lastLba = sectors - 1;
  let h = readHeader(read, 1, lastLba);
  let arr: Uint8Array | null = null;
  const entriesOf = (hd: Header) => {
    const bytes = hd.numEntries * GPT_ENTRY_SIZE;
    const a = read(hd.entriesLba, Math.ceil(bytes / 512));
    return a && crc32(a.subarray(0, bytes)) >>> 0 === hd.entriesCrc ? a.subarray(0, bytes) : null;
  };
  if (h) arr = entriesOf(h);
  if (!h || !arr) {
    // find_valid_gpt: the primary failed, so the alternate header at the disk's end decides.
    h = readHeader(read, lastLba, lastLba);
    arr = h ? entriesOf(h) : null;
  }
  if (!h || !arr) return null;
  const parts: ParsedPartition[] = [];
  const dv = new DataView(arr.buffer, arr.byteOffset, arr.length);
  for (let i = 0; i < h.numEntries; i++) {
    const o = i * GPT_ENTRY_SIZE;
    const type = arr.subarray(o, o + 16);
    if (type.every((b) => b === 0)) continue;
    const first = Number(dv.getBigUint64(o + 32, true)),
      last = Number(dv.getBigUint64(o + 40, true));
    // is_pte_valid: inside the usable area as the header gives it, and not past the disk.
    if (first > last || first < h.firstUsable || last > h.lastUsable || last > lastLba) continue;
    let name = '';
    for (let j = 0; j < 36; j++) {
      const c = dv.getUint16(o + 56 + 2 * j, true);
      if (c === 0) break;
      name += String.fromCharCode(c);
    }
    parts.push({ partno: i + 1, start: first, size: last - first + 1, name, uuid: guidText(arr.subarray(o + 16, o + 32)) });
  }
  return { type: 'gpt', parts };
}
