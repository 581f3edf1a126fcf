// Differential test of the FPU against qemu-riscv64-static: tests/guest/
// fpu-vectors.c runs every F/D instruction in every rounding mode on edge-case
// and random operands under qemu (softfloat configured for RISC-V) and prints
// operands, result bits and fflags; each line must be reproduced bit for bit by
// execFp. It also probes which OP-FP/R4 encodings are legal.
// TUXGLASS_FPU_VECTORS=<count> raises the random vectors per instruction and
// rounding mode (default 300); TUXGLASS_FPU_SEED picks another random stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { execFp } from '../../src/cpu/fpu.js';
import type { FpHart } from '../../src/cpu/fpu.js';
import { FP_INSNS, makeHart, runInsn, tierHart } from './fpu-encode.js';
import { TIERS } from './cpu-harness/tiers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const source = join(root, 'tests/guest/fpu-vectors.c');
const binary = join(root, 'tests/guest/bin/fpu-vectors');

function available(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Builds the guest program if it is missing or older than its source; returns why not, or null. */
function build(): string | null {
  if (!available('qemu-riscv64-static')) return 'qemu-riscv64-static is not installed';
  const fresh = existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs;
  if (fresh) return null;
  if (!available('riscv64-linux-gnu-gcc')) return 'riscv64-linux-gnu-gcc is not installed';
  mkdirSync(join(root, 'tests/guest/bin'), { recursive: true });
  const tmp = `${binary}.${process.pid}.tmp`;
  execFileSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-o', tmp, source], { stdio: 'pipe' });
  renameSync(tmp, binary); // atomic, in case tests run in parallel
  return null;
}

const skip = build();
let lines: string[] = [];
if (skip === null) {
  const args = [binary, process.env.TUXGLASS_FPU_VECTORS ?? '300'];
  if (process.env.TUXGLASS_FPU_SEED) args.push(process.env.TUXGLASS_FPU_SEED);
  const out = execFileSync('qemu-riscv64-static', args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  lines = out.split('\n').filter((l) => l.length > 0);
}

// Group vector lines by mnemonic, so each instruction is its own test.
const byOp = new Map<string, string[]>();
const probes: string[] = [];
for (const line of lines) {
  const op = line.slice(0, line.indexOf(' '));
  if (op === 'probe') {
    probes.push(line);
    continue;
  }
  let group = byOp.get(op);
  if (!group) byOp.set(op, (group = []));
  group.push(line);
}

const MAX_REPORTED = 15;

if (skip !== null) {
  test('FPU vectors from qemu-riscv64-static', { skip }, () => {});
} else {
  test('the guest program covers every F/D instruction', () => {
    assert.deepEqual([...byOp.keys()].sort(), [...FP_INSNS.keys()].sort());
  });

  // execFp itself (what the interpreter calls), then the instruction run as
  // guest code in each compiling tier
  const executors: [string, () => { h: FpHart; exec: (h: FpHart, insn: number) => number }][] = [
    ['execFp', () => ({ h: makeHart(), exec: execFp })],
    ...TIERS.filter((t) => t.threshold !== Infinity).map((t) => [t.name, () => tierHart(t)] as [string, () => ReturnType<typeof tierHart>]),
  ];
  for (const [op, group] of byOp)
    for (const [tier, make] of executors) {
      test(`${op} matches qemu (${group.length} vectors) [${tier}]`, () => {
        const insn = FP_INSNS.get(op);
        assert.ok(insn, `unknown instruction ${op}`);
        const { h, exec } = make();
        const failures: string[] = [];
        for (const line of group) {
          // <op> <rm> <frm> <a> <b> <c> -> <result> <flags>
          const w = line.split(' ');
          const rm = Number(w[1]),
            frm = Number(w[2]);
          const want = w[7],
            wantFlags = parseInt(w[8], 16);
          const got = runInsn(exec, h, insn, rm, frm, [w[3], w[4], w[5]]);
          if (got.ret !== -1 || got.result !== want || got.flags !== wantFlags) {
            failures.push(`${line}  GOT ${got.result} ${got.flags.toString(16).padStart(2, '0')} ret=${got.ret}`);
          }
        }
        assert.equal(failures.length, 0, `${failures.length} of ${group.length} differ:\n${failures.slice(0, MAX_REPORTED).join('\n')}`);
      });
    }

  test(`legal and illegal encodings match qemu (${probes.length} probes)`, () => {
    const h = makeHart();
    const failures: string[] = [];
    for (const line of probes) {
      // probe <insn> <frm> -> ok|ill
      const w = line.split(' ');
      h.frm = Number(w[2]);
      const ret = execFp(h, parseInt(w[1], 16));
      const want = w[4] === 'ok' ? -1 : 2;
      if (ret !== want) failures.push(`${line}  GOT ${ret}`);
    }
    assert.ok(probes.length > 1000);
    assert.equal(failures.length, 0, `${failures.length} differ:\n${failures.slice(0, MAX_REPORTED).join('\n')}`);
  });
}
