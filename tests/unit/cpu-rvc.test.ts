// Every 16-bit encoding is expanded by rvc.ts and checked against the GNU
// disassembler: objdump prints a compressed instruction as the instruction
// it expands to, so both must disassemble identically. binutils 2.40 does
// not know Zcb; its encodings are checked against the specification's field
// layout and its published encodings instead, their expansions still by objdump.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandCompressed } from '../../src/cpu/rvc.js';

const OBJDUMP = 'riscv64-linux-gnu-objdump',
  AS = 'riscv64-linux-gnu-as',
  OBJCOPY = 'riscv64-linux-gnu-objcopy';

/**
 * Disassembly text by byte address of a raw little-endian blob. With
 * `march`, the blob goes into an object file assembled for that ISA (its
 * attributes tell objdump which extensions to decode), symbols stripped so
 * that no mapping symbol marks it as data.
 */
function disassemble(dir: string, name: string, bytes: Uint8Array, march?: string): Map<number, string> {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  let args = ['-D', '-b', 'binary', '-m', 'riscv:rv64', '--no-show-raw-insn', f];
  if (march) {
    writeFileSync(`${f}.s`, `.text\n.incbin "${f}"\n`);
    for (const [cmd, a] of [
      [AS, [`-march=${march}`, '-o', `${f}.o`, `${f}.s`]],
      [OBJCOPY, ['--strip-all', `${f}.o`]],
    ] as const) {
      const r = spawnSync(cmd, a, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    }
    args = ['-d', '--no-show-raw-insn', `${f}.o`];
  }
  const r = spawnSync(OBJDUMP, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  const out = new Map<number, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    if (m)
      out.set(
        parseInt(m[1], 16),
        m[2]
          .replace(/\s+/g, ' ')
          .replace(/\s*#.*$/, '')
          .trim(),
      );
  }
  return out;
}

/**
 * Canonical text: the disassembler names HINTs and some forms differently
 * for the 16-bit encoding than for its 32-bit expansion (per the spec's
 * definitions: a HINT is the same instruction writing x0, a 64-bit shift by 0
 * is a shift by 0), and branch targets depend on the address.
 */
function canonical(text: string, addr: number): string {
  let t = text.replace(/\s*#.*$/, '');
  t = t.replace(/^(j|beqz [a-z0-9]+,|bnez [a-z0-9]+,) ?0x([0-9a-f]+)$/, (_m, op: string, hex: string) => `${op} .${parseInt(hex, 16) - addr}`);
  t = t.replace(/^c\.(sll|srl|sra)i64 (\w+)$/, '$1 $2,$2,0x0');
  t = t.replace(/^c\.nop (\S+)$/, 'li zero,$1');
  t = t
    .replace(/^c\.li zero,0$/, 'nop')
    .replace(/^c\.li zero,/, 'li zero,')
    .replace(/^c\.lui zero,/, 'lui zero,');
  t = t.replace(/^c\.(mv|add) zero,(\w+)$/, 'add zero,zero,$2').replace(/^c\.slli zero,/, 'sll zero,zero,');
  t = t.replace(/^add (\w+),(\w+),0$/, 'mv $1,$2').replace(/^add (\w+),zero,(\w+)$/, 'mv $1,$2');
  return t;
}

/**
 * The instruction a Zcb encoding stands for (the Zcb chapter of the ISA
 * manual, "Zc* 1.0"), from its fixed fields alone; undefined outside Zcb.
 */
function zcbMnemonic(c: number): string | undefined {
  const f6 = c >>> 10,
    b6 = (c >>> 6) & 1;
  if ((c & 3) === 0) {
    if (f6 === 0b100000) return 'lbu';
    if (f6 === 0b100001) return b6 ? 'lh' : 'lhu';
    if (f6 === 0b100010) return 'sb';
    if (f6 === 0b100011 && !b6) return 'sh';
    return undefined;
  }
  if ((c & 3) !== 1 || f6 !== 0b100111) return undefined;
  if (((c >>> 5) & 3) === 0b10) return 'mul';
  if (((c >>> 5) & 3) !== 0b11) return undefined;
  // objdump names andi 255 zext.b, add.uw with x0 zext.w, and xori -1 not
  return ['zext.b', 'sext.b', 'zext.h', 'sext.h', 'zext.w', 'not'][(c >>> 2) & 7];
}

/** Encodings as printed in the Zcb specification and LLVM's MC tests, with their 32-bit forms. */
const ZCB_VECTORS: [number, string][] = [
  [0x833c, 'lbu a5,2(a4)'],
  [0x873c, 'lhu a5,2(a4)'],
  [0x877c, 'lh a5,2(a4)'],
  [0x8b3c, 'sb a5,2(a4)'],
  [0x8f3c, 'sh a5,2(a4)'],
  [0x8b7c, 'sb a5,3(a4)'],
  [0x837c, 'lbu a5,3(a4)'],
  [0x9c61, 'zext.b s0,s0'],
  [0x9c65, 'sext.b s0,s0'],
  [0x9c69, 'zext.h s0,s0'],
  [0x9c6d, 'sext.h s0,s0'],
  [0x9c71, 'zext.w s0,s0'],
  [0x9c75, 'not s0,s0'],
  [0x9c45, 'mul s0,s0,s1'],
  [0x9fdd, 'mul a5,a5,a5'],
];

const haveObjdump = spawnSync(OBJDUMP, ['--version'], { stdio: 'ignore' }).status === 0;

test('compressed expansion matches the GNU disassembler for all 16-bit encodings', { skip: haveObjdump ? false : `${OBJDUMP} not installed` }, () => {
  const codes: number[] = [];
  for (let c = 0; c < 0x10000; c++) if ((c & 3) !== 3) codes.push(c);
  const c16 = new Uint8Array(codes.length * 2);
  const c32 = new Uint8Array(codes.length * 4);
  const d16 = new DataView(c16.buffer),
    d32 = new DataView(c32.buffer);
  codes.forEach((c, i) => {
    d16.setUint16(i * 2, c, true);
    d32.setUint32(i * 4, expandCompressed(c) >>> 0, true);
  });
  const dir = mkdtempSync(join(tmpdir(), 'rvc-'));
  try {
    // Zcb expands to Zba and Zbb instructions
    const a = disassemble(dir, 'c16.bin', c16),
      b = disassemble(dir, 'c32.bin', c32, 'rv64gc_zba_zbb');
    const bad: string[] = [];
    const illegal = new Set<string>();
    const zcb = new Map<number, string>();
    codes.forEach((c, i) => {
      const ta = canonical(String(a.get(i * 2)), i * 2);
      if (expandCompressed(c) === 0) {
        illegal.add(ta.startsWith('.2byte') ? '.2byte' : ta);
        return;
      }
      const tb = canonical(String(b.get(i * 4)), i * 4);
      // binutils 2.40 predates Zcb: it shows Zcb encodings as .2byte (checked below)
      if (ta.startsWith('.2byte') && zcbMnemonic(c)) zcb.set(c, tb);
      else if (ta !== tb) bad.push(`${c.toString(16).padStart(4, '0')}: ${ta} vs ${tb}`);
    });
    assert.deepEqual(bad.slice(0, 20), []);
    // Zcb: every encoding of the space is accepted, and expands to its instruction
    assert.equal(zcb.size, 1008, 'Zcb encodings: c.lbu and c.sb 256 each, c.lhu, c.lh and c.sh 128 each, c.mul 64, 6 one-register ops 48');
    for (const [c, text] of zcb) {
      const want = zcbMnemonic(c)!;
      if (!text.startsWith(`${want} `)) bad.push(`${c.toString(16)}: ${text}, want ${want}`);
    }
    for (const [c, text] of ZCB_VECTORS) assert.equal(zcb.get(c), text, `0x${c.toString(16)}`);
    assert.deepEqual(bad.slice(0, 20), []);
    // what we reject: reserved encodings only (c.addi16sp with imm 0 is reserved by the spec)
    assert.deepEqual([...illegal].sort(), ['.2byte', 'mv sp,sp', 'unimp']); // mv sp,sp: c.addi16sp 0
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
