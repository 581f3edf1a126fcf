// Builds the project's own guest programs (tests/guest/NAME.c, or a path
// from the repository root such as examples/forkwait) with Debian's riscv64
// cross compiler into tests/guest/bin/NAME, only when the binary is missing
// or older than its source or the shared header. A "cflags:" line near the
// top of a source adds its own flags (e.g. -march=rv64gc_zba_zbb_zbs).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './harness.js';

export const CC = 'riscv64-linux-gnu-gcc';
export const GUEST_SRC = join(REPO, 'tests', 'guest');
export const GUEST_BIN = join(GUEST_SRC, 'bin');
const CFLAGS = ['-O2', '-Wall', '-pthread'];
/** NAME.dyn builds NAME.c linked dynamically (through the guest's ld.so and libc.so); NAME is static. */
const DYN = '.dyn';
const LIBS = ['-lm', '-latomic']; // sub-word C11 atomics live in libatomic with GCC 12

const run = promisify(execFile);

export interface Built {
  /** Why the programs could not be built; undefined when they were. */
  skip?: string;
  /** name -> host path of the binary */
  paths: Record<string, string>;
}

function mtime(p: string): number {
  return statSync(p).mtimeMs;
}

async function buildOne(name: string): Promise<string> {
  const dynamic = name.endsWith(DYN);
  const base = dynamic ? name.slice(0, -DYN.length) : name;
  // A name with a slash is a path from the repository root (examples/forkwait).
  const src = base.includes('/') ? join(REPO, `${base}.c`) : join(GUEST_SRC, `${base}.c`);
  const out = join(GUEST_BIN, name.replaceAll('/', '_'));
  const header = join(GUEST_SRC, 'tg.h');
  const newest = Math.max(mtime(src), existsSync(header) ? mtime(header) : 0);
  if (existsSync(out) && mtime(out) >= newest) return out;
  // Compile to a private name, then rename: test files build concurrently.
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    const own = /cflags:\s*([-\w=,. ]+)/.exec(readFileSync(src, 'utf8').slice(0, 400));
    const flags = own ? own[1].trim().split(/\s+/) : [];
    await run(CC, [...(dynamic ? [] : ['-static']), ...CFLAGS, ...flags, '-o', tmp, src, ...LIBS], { cwd: GUEST_SRC });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as { stderr?: string; message: string };
    throw new Error(`${CC} ${name}.c failed:\n${err.stderr || err.message}`, { cause: e });
  }
  return out;
}

/**
 * Builds the named programs, two at a time. A missing cross compiler is a
 * reason to skip; a program that does not compile is an error.
 */
export async function buildGuest(names: string[]): Promise<Built> {
  if (spawnSync(CC, ['--version'], { stdio: 'ignore' }).status !== 0) {
    return { skip: `${CC} is not installed (apt-get install gcc-riscv64-linux-gnu)`, paths: {} };
  }
  mkdirSync(GUEST_BIN, { recursive: true });
  const paths: Record<string, string> = {};
  const queue = [...names];
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) paths[n] = await buildOne(n);
  };
  await Promise.all([worker(), worker()]);
  return { paths };
}
