// What the partition table parsers produce (Linux's block/partitions/
// check.h: struct parsed_partitions) and the order they are tried in
// (block/partitions/core.c: check_part[]): efi before msdos, so that a GPT
// disk's protective MBR is never read as a DOS table.
import { efiPartition } from './efi.js';
import { msdosPartition } from './msdos.js';

/** One partition found: its slot number (1-based), start and length in 512-byte sectors. */
export interface ParsedPartition {
  partno: number;
  start: number;
  size: number;
  /** GPT: the entry's name and GUIDs; msdos: the type byte. */
  name?: string;
  uuid?: string;
  /** An extended partition (msdos): shown, but only its first sectors. */
  extended?: boolean;
  /** A logical partition inside the extended one (msdos: 5 and up). */
  logical?: boolean;
}

/** Reads `count` 512-byte sectors from `sector`, or null on an I/O error or past the end. */
export type SectorReader = (sector: number, count: number) => Uint8Array | null;

export interface ParsedTable {
  /** The label type blkid and lsblk name it by. */
  type: 'dos' | 'gpt';
  parts: ParsedPartition[];
}

/** A parser: a table, null when its signature is not there. */
type Parser = (read: SectorReader, sectors: number) => ParsedTable | null;

const CHECK_PART: readonly Parser[] = [efiPartition, msdosPartition];

/** msdos and GPT both number partitions past this for the minors sd and virtblk give a disk. */
export const DISK_MAX_PARTS = 15;

/** check_partition: the first parser that recognises the disk wins; a disk with neither has no partitions. */
export function checkPartition(read: SectorReader, sectors: number): ParsedTable | null {
  for (const p of CHECK_PART) {
    const t = p(read, sectors);
    if (t) return t;
  }
  return null;
}
