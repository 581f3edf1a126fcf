// Helpers for the exec tests: build guest programs from tests/guest/exec/*.c
// with Debian's cross compiler (only when missing or older than the source)
// and run host tools. Not a test file itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/tests/unit/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const GUEST_SRC = join(ROOT, 'tests/guest/exec');
export const GUEST_BIN = join(ROOT, 'tests/guest/bin');

const present = new Map<string, boolean>();
/** True when a host program can be run. */
export function hasTool(tool: string): boolean {
  if (!present.has(tool)) present.set(tool, spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0);
  return present.get(tool)!;
}

export const CC = 'riscv64-linux-gnu-gcc';
export const READELF = 'riscv64-linux-gnu-readelf';
export const OBJDUMP = 'riscv64-linux-gnu-objdump';
export const QEMU = 'qemu-riscv64-static';

/**
 * Path of tests/guest/bin/<out>, compiled from tests/guest/exec/<src> with the
 * given flags when missing or older than the source; null without a compiler.
 */
export function guestBinary(src: string, out: string, flags: string[]): string | null {
  if (!hasTool(CC)) return null;
  const source = join(GUEST_SRC, src);
  const bin = join(GUEST_BIN, out);
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(source).mtimeMs) return bin;
  mkdirSync(GUEST_BIN, { recursive: true });
  // Test files run in parallel: build under a private name, then rename.
  const tmp = `${bin}.${process.pid}.tmp`;
  execFileSync(CC, [...flags, '-O2', '-o', tmp, source], { stdio: 'pipe' });
  renameSync(tmp, bin);
  return bin;
}

/** Run a tool; returns stdout, stderr and status without throwing. */
export function run(cmd: string, args: string[], env?: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, maxBuffer: 64 << 20 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
}
