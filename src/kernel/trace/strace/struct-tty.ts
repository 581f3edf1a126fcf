// struct termios (abbreviated, as strace shows it) and struct winsize.
import type { UserMemory } from './types.js';
import { readStruct } from './mem.js';
import { ptr } from './fmt.js';
import { flags, xname } from './xlat.js';
import { BAUDS, CBAUD, CFLAGS, CIBAUD, CSIZE, CSIZES, IBSHIFT, IFLAGS, LFLAGS, OFLAGS, OFLAG_DELAYS } from './tables-tty.js';

function oflag(v: number): string {
  let rest = v;
  const parts: string[] = [];
  for (const [mask, names] of OFLAG_DELAYS) {
    parts.push(xname(names, v & mask) ?? '');
    rest &= ~mask;
  }
  return parts.join('|') + '|' + flags(OFLAGS, rest >>> 0);
}

function cflag(v: number): string {
  let s = xname(BAUDS, v & CBAUD) ?? '';
  const ibaud = (v & CIBAUD) >>> IBSHIFT;
  if (ibaud) s += `|${xname(BAUDS, ibaud) ?? ibaud}<<IBSHIFT`;
  s += '|' + (xname(CSIZES, v & CSIZE) ?? '');
  return s + '|' + flags(CFLAGS, (v & ~(CBAUD | CIBAUD | CSIZE)) >>> 0);
}

/**
 * struct termios (asm-generic: four u32 flag words, c_line, c_cc[19]): the
 * flag words decoded, the rest elided. Zero words print empty, as strace 6.1 does.
 */
export function printTermios(mem: UserMemory, addr: bigint): string {
  const v = readStruct(mem, addr, 36);
  if (!v) return ptr(addr);
  return `{c_iflag=${flags(IFLAGS, v.u32(0))}, c_oflag=${oflag(v.u32(4))}, c_cflag=${cflag(v.u32(8))}, c_lflag=${flags(LFLAGS, v.u32(12))}, ...}`;
}

export function printWinsize(mem: UserMemory, addr: bigint): string {
  const v = readStruct(mem, addr, 8);
  if (!v) return ptr(addr);
  return `{ws_row=${v.u16(0)}, ws_col=${v.u16(2)}, ws_xpixel=${v.u16(4)}, ws_ypixel=${v.u16(6)}}`;
}
