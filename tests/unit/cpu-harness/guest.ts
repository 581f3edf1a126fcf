// Builds the CPU test programs in tests/guest/cpu with Debian's cross
// compiler (only when a binary is missing or older than its sources) and runs
// them under qemu-riscv64-static, the reference.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file runs from dist/tests/unit/cpu-harness). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const GUEST_SRC = join(ROOT, 'tests/guest/cpu');
export const GUEST_BIN = join(ROOT, 'tests/guest/bin/cpu');
export const CC = 'riscv64-linux-gnu-gcc';
export const QEMU = 'qemu-riscv64-static';

export function have(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * A test program. `refPath`, when set, is the build qemu runs instead: the
 * program uses instructions qemu-riscv64-static (7.2) does not know, and that
 * build replaces each with the sequence of base instructions the
 * specification defines it by.
 */
export interface GuestBinary {
  name: string;
  path: string;
  refPath?: string;
}

/** Marches named on a "variants:" line in the source, default both. */
function variants(src: string): string[] {
  const m = /variants:\s*([\w ]+)/.exec(readFileSync(src, 'utf8').slice(0, 400));
  return m ? m[1].trim().split(/\s+/) : ['rv64g', 'rv64gc'];
}

/** Compiler flags of the reference build, from a "reference:" line (e.g. -DREF); undefined without one. */
function referenceFlags(src: string): string[] | undefined {
  const m = /reference:\s*([-\w= ]+)/.exec(readFileSync(src, 'utf8').slice(0, 400));
  return m ? m[1].trim().split(/\s+/) : undefined;
}

const mtime = (p: string): number => statSync(p).mtimeMs;

/** Compile src for march into outPath if stale; throws with the compiler output on failure. */
export function compile(src: string, march: string, outPath: string, extra: string[] = []): void {
  const deps = [src, join(GUEST_SRC, 'rt.h')];
  if (existsSync(outPath) && deps.every((d) => mtime(d) <= mtime(outPath))) return;
  mkdirSync(dirname(outPath), { recursive: true });
  const r = spawnSync(
    CC,
    [
      '-static',
      '-nostdlib',
      '-O2',
      `-march=${march}`,
      '-mabi=lp64d',
      '-fno-pie',
      '-no-pie',
      '-fno-stack-protector',
      '-ffreestanding',
      '-Wl,--no-warn-rwx-segments',
      ...extra,
      '-o',
      outPath,
      src,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${CC} failed for ${src}:\n${r.stderr}`);
}

/** Build every test program; one binary per (source, march). */
export function buildAll(): GuestBinary[] {
  const out: GuestBinary[] = [];
  for (const f of readdirSync(GUEST_SRC)
    .filter((f) => f.endsWith('.c'))
    .sort()) {
    const src = join(GUEST_SRC, f);
    for (const march of variants(src)) {
      const name = `${f.slice(0, -2)}.${march}`;
      const path = join(GUEST_BIN, name);
      compile(src, march, path);
      const ref = referenceFlags(src);
      if (ref) compile(src, march, `${path}.ref`, ref);
      out.push({ name, path, refPath: ref ? `${path}.ref` : undefined });
    }
  }
  return out;
}

export interface QemuResult {
  stdout: string;
  status: number | null;
  signal: string | null;
}

export function runQemu(path: string): QemuResult {
  const r = spawnSync(QEMU, [path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { stdout: r.stdout, status: r.status, signal: r.signal };
}
