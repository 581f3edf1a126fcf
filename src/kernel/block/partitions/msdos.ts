// DOS (MBR) partition tables, as block/partitions/msdos.c reads them: four
// primary slots in sector 0 behind the 0x55AA signature, and logical
// partitions (5, 6, ...) in the chain of extended boot records an extended
// partition holds. A protective MBR (type 0xEE) belongs to GPT, which is
// tried first; reaching here with one means the GPT was invalid, and Linux
// then gives the disk no partitions.
import type { ParsedPartition, ParsedTable, SectorReader } from './check.js';

const MSDOS_LABEL_MAGIC_OFF = 510;
const PART_TABLE_OFF = 446;
const EFI_PMBR_OSTYPE_EFI_GPT = 0xee;
/** DOS_EXTENDED_PARTITION, LINUX_EXTENDED_PARTITION, WIN98_EXTENDED_PARTITION. */
const EXTENDED = new Set([0x05, 0x85, 0x0f]);
/** How many EBRs the chain may hold before it is taken for a loop (Linux stops at its partition limit). */
const MAX_LOGICAL = 64;

interface Entry {
  bootInd: number;
  sysInd: number;
  start: number;
  size: number;
}

function entries(sector: Uint8Array): Entry[] {
  const dv = new DataView(sector.buffer, sector.byteOffset, sector.length);
  return [0, 1, 2, 3].map((i) => {
    const o = PART_TABLE_OFF + 16 * i;
    return { bootInd: sector[o], sysInd: sector[o + 4], start: dv.getUint32(o + 8, true), size: dv.getUint32(o + 12, true) };
  });
}

const hasMagic = (s: Uint8Array) => s[MSDOS_LABEL_MAGIC_OFF] === 0x55 && s[MSDOS_LABEL_MAGIC_OFF + 1] === 0xaa;

export function msdosPartition(read: SectorReader, sectors: number): ParsedTable | null {
  const mbr = read(0, 1);
  if (!mbr || !hasMagic(mbr)) return null;
  const prim = entries(mbr);
  // msdos_partition: a boot indicator other than 0 or 0x80 means this is no partition table (a FAT boot sector, say).
  if (prim.some((e) => e.bootInd !== 0 && e.bootInd !== 0x80)) return null;
  if (prim.some((e) => e.sysInd === EFI_PMBR_OSTYPE_EFI_GPT)) return { type: 'dos', parts: [] };
  const parts: ParsedPartition[] = [];
  // set_info: each partition's PARTUUID is the NT disk signature (bytes 440-443) and its number, "SSSSSSSS-PP".
  const sig = (mbr[440] | (mbr[441] << 8) | (mbr[442] << 16) | (mbr[443] << 24)) >>> 0;
  const uuid = (n: number) => `${sig.toString(16).padStart(8, '0')}-${n.toString(16).padStart(2, '0')}`;
  let next = 5;
  prim.forEach((e, i) => {
    if (e.size === 0 || e.start >= sectors) return;
    const size = Math.min(e.size, sectors - e.start);
    if (EXTENDED.has(e.sysInd)) {
      // The extended partition itself: only its first 1 KiB, so nobody makes a file system on it.
      parts.push({ partno: i + 1, start: e.start, size: Math.min(size, 2), extended: true, uuid: uuid(i + 1) });
      next = logicals(read, sectors, e.start, size, parts, next, uuid);
    } else parts.push({ partno: i + 1, start: e.start, size, uuid: uuid(i + 1) });
  });
  return { type: 'dos', parts };
}

/** parse_extended: each EBR holds one logical partition (relative to itself) and a link (relative to the extended partition). */
function logicals(
  read: SectorReader,
  sectors: number,
  extStart: number,
  extSize: number,
  parts: ParsedPartition[],
  partno: number,
  uuid: (n: number) => string,
): number {
  let ebr = extStart;
  const seen = new Set<number>();
  for (let n = 0; n < MAX_LOGICAL && !seen.has(ebr); n++) {
    seen.add(ebr);
    const s = read(ebr, 1);
    if (!s || !hasMagic(s)) break;
    const es = entries(s);
    let link: Entry | null = null;
    let found = false;
    for (const e of es) {
      if (e.size === 0) continue;
      if (EXTENDED.has(e.sysInd)) {
        link ??= e;
        continue;
      }
      const start = ebr + e.start;
      // One logical partition per EBR, and it must lie inside the extended one.
      if (found || start >= extStart + extSize || start >= sectors) continue;
      parts.push({ partno, start, size: Math.min(e.size, extStart + extSize - start, sectors - start), logical: true, uuid: uuid(partno) });
      partno++;
      found = true;
    }
    if (!link) break;
    ebr = extStart + link.start;
  }
  return partno;
}
