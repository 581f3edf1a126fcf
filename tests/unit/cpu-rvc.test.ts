// Every 16-bit encoding is expanded by rvc.ts and checked against the GNU
// disassembler: objdump prints a compressed instruction as the instruction
// it expands to, so both must disassemble identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandCompressed } from '../../src/cpu/rvc.js';

const OBJDUMP = 'riscv64-linux-gnu-objdump';

/** Disassembly text by byte address of a raw little-endian blob. */
function disassemble(dir: string, name: string, bytes: Uint8Array): Map<number, string> {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  const r = spawnSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'riscv:rv64', '--no-show-raw-insn', f],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  const out = new Map<number, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    if (m) out.set(parseInt(m[1], 16), m[2].replace(/\s+/g, ' ').replace(/\s*#.*$/, '').trim());
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
  t = t.replace(/^c\.li zero,0$/, 'nop').replace(/^c\.li zero,/, 'li zero,').replace(/^c\.lui zero,/, 'lui zero,');
  t = t.replace(/^c\.(mv|add) zero,(\w+)$/, 'add zero,zero,$2').replace(/^c\.slli zero,/, 'sll zero,zero,');
  t = t.replace(/^add (\w+),(\w+),0$/, 'mv $1,$2').replace(/^add (\w+),zero,(\w+)$/, 'mv $1,$2');
  return t;
}

const haveObjdump = spawnSync(OBJDUMP, ['--version'], { stdio: 'ignore' }).status === 0;

test('compressed expansion matches the GNU disassembler for all 16-bit encodings',
  { skip: haveObjdump ? false : `${OBJDUMP} not installed` }, () => {
    const codes: number[] = [];
    for (let c = 0; c < 0x10000; c++) if ((c & 3) !== 3) codes.push(c);
    const c16 = new Uint8Array(codes.length * 2);
    const c32 = new Uint8Array(codes.length * 4);
    const d16 = new DataView(c16.buffer), d32 = new DataView(c32.buffer);
    codes.forEach((c, i) => {
      d16.setUint16(i * 2, c, true);
      d32.setUint32(i * 4, expandCompressed(c) >>> 0, true);
    });
    const dir = mkdtempSync(join(tmpdir(), 'rvc-'));
    try {
      const a = disassemble(dir, 'c16.bin', c16), b = disassemble(dir, 'c32.bin', c32);
      const bad: string[] = [];
      const illegal = new Set<string>();
      codes.forEach((c, i) => {
        const ta = canonical(String(a.get(i * 2)), i * 2);
        if (expandCompressed(c) === 0) { illegal.add(ta.startsWith('.2byte') ? '.2byte' : ta); return; }
        const tb = canonical(String(b.get(i * 4)), i * 4);
        if (ta !== tb) bad.push(`${c.toString(16).padStart(4, '0')}: ${ta} vs ${tb}`);
      });
      assert.deepEqual(bad.slice(0, 20), []);
      // what we reject: reserved encodings only (c.addi16sp with imm 0 is reserved by the spec)
      assert.deepEqual([...illegal].sort(), ['.2byte', 'mv sp,sp', 'unimp']); // mv sp,sp: c.addi16sp 0
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
