// execve of things that are not good executables: random bytes, truncated
// ELF headers, impossible segments. The shell runs each as `./bad; echo $?`,
// so the diagnostics and status it reports must match Linux's.
//
// Linux itself must judge each file, not qemu: a broken riscv64 ELF would
// match the binfmt_misc entry and be handed to qemu-riscv64-static, whose
// loader answers differently. So the reference gets the same broken ELF built
// for the host's own machine, which the host kernel's ELF loader judges with
// the same (architecture-independent) code that judges riscv64 ELFs on a
// riscv64 Linux. Files that are not ELF for any machine are the same bytes on
// both sides. A well-formed control program proves the crafted ELFs run.
import { after, describe, test } from 'node:test';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffCase, prepareDiff, type DiffCase, type Expect } from './harness.js';
import { buildElf, EHDR_SIZE, EM_AARCH64, EM_RISCV, EM_X86_64, PHDR_SIZE, PT_INTERP, PT_LOAD, randomBytes, textSegment, type Segment } from './elfcraft.js';

const env = await prepareDiff('badelf');

const HOST_MACHINE: Record<string, number> = { x64: EM_X86_64, arm64: EM_AARCH64, riscv64: EM_RISCV };
const hostMachine = HOST_MACHINE[process.arch];

// exit(7) in each machine's code.
const EXIT7: Record<number, number[]> = {
  [EM_X86_64]: [0xbf, 7, 0, 0, 0, 0xb8, 60, 0, 0, 0, 0x0f, 0x05],
  [EM_AARCH64]: [0xe0, 0x00, 0x80, 0xd2, 0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4],
  [EM_RISCV]: [0x13, 0x05, 0x70, 0x00, 0x93, 0x08, 0xd0, 0x05, 0x73, 0x00, 0x00, 0x00],
};

const BASE = 0x400000n;
const CODE_AT = BigInt(EHDR_SIZE + PHDR_SIZE);

/** A one-segment executable whose code exits 7, with the segment changed by `edit`. */
function exe(machine: number, edit: (seg: Segment) => Partial<Segment> = () => ({}), entry = BASE + CODE_AT): Uint8Array {
  const code = Uint8Array.from(EXIT7[machine]!);
  const size = CODE_AT + BigInt(code.length);
  const seg = textSegment(BASE, size);
  return buildElf({ machine, entry, segments: [{ ...seg, ...edit(seg) }], payload: code });
}

// execve failed with ENOEXEC and the shell ran the file as a script.
const ENOEXEC: Expect = { stdout: 'rc=127\n', stderr: /: not found\n$/ };
// The loader failed after the point of no return: Linux kills with SIGSEGV.
const SEGV: Expect = { stdout: 'rc=139\n' };

interface Variant {
  name: string;
  /** The file for a machine; `same` variants ignore it (no binfmt entry matches them). */
  make: (machine: number) => Uint8Array;
  same?: boolean;
  expect?: Expect;
}

const variants: Variant[] = [
  { name: 'control: a well-formed ELF that exits 7', make: (m) => exe(m), expect: { stdout: 'rc=7\n' } },
  { name: 'random bytes', make: () => randomBytes(512, 1), same: true },
  { name: 'an empty file', make: () => new Uint8Array(0), same: true, expect: { stdout: 'rc=0\n' } },
  {
    name: 'a script without #!',
    make: () => new TextEncoder().encode('echo from a script without a shebang line\nexit 3\n'),
    same: true,
    expect: { stdout: 'from a script without a shebang line\nrc=3\n' },
  },
  { name: 'e_ident only (16 bytes)', make: () => exe(EM_RISCV).slice(0, 16), same: true, expect: ENOEXEC },
  { name: 'ELF header cut at 40 bytes', make: (m) => exe(m).slice(0, 40), expect: ENOEXEC },
  { name: 'ELF header cut at 63 bytes', make: (m) => exe(m).slice(0, 63), expect: ENOEXEC },
  { name: 'program headers past the end of the file', make: (m) => exe(m).slice(0, EHDR_SIZE + 20), expect: ENOEXEC },
  {
    name: 'no program headers',
    make: (m) => {
      const f = exe(m);
      f[56] = 0;
      return f;
    },
    expect: ENOEXEC,
  },
  {
    name: 'wrong e_phentsize',
    make: (m) => {
      const f = exe(m);
      f[54] = 32;
      return f;
    },
    expect: ENOEXEC,
  },
  { name: 'p_filesz > p_memsz', make: (m) => exe(m, (s) => ({ memsz: s.filesz - 100n })), expect: SEGV },
  { name: 'a segment at a kernel address', make: (m) => exe(m, () => ({ vaddr: 0xffff800000000000n }), 0xffff800000000000n + CODE_AT), expect: SEGV },
  { name: 'a segment wrapping past 2^64', make: (m) => exe(m, () => ({ vaddr: 0xfffffffffffff000n, memsz: 0x3000n })), expect: SEGV },
  { name: 'a segment larger than the address space', make: (m) => exe(m, () => ({ memsz: 0x7fffffffffff0000n })), expect: SEGV },
  { name: 'entry point outside every segment', make: (m) => exe(m, () => ({}), 0x10000000n), expect: SEGV },
  { name: 'file offset beyond the end of the file', make: (m) => exe(m, () => ({ offset: 0x100000n })), expect: { stdout: 'rc=135\n' } },
  {
    name: 'a missing program interpreter',
    make: (m) => {
      const path = new TextEncoder().encode('/lib/no-such-ld.so.1\0');
      const interpAt = BigInt(EHDR_SIZE + 2 * PHDR_SIZE);
      const size = interpAt + BigInt(path.length);
      const interp: Segment = {
        type: PT_INTERP,
        flags: 4,
        offset: interpAt,
        vaddr: BASE + interpAt,
        filesz: BigInt(path.length),
        memsz: BigInt(path.length),
        align: 1n,
      };
      return buildElf({ machine: m, entry: BASE, segments: [interp, { ...textSegment(BASE, size), type: PT_LOAD }], payload: path });
    },
    expect: { stdout: 'rc=127\n', stderr: 'sh: ./bad: not found\n' }, // ENOENT from execve
  },
  { name: '32-bit ELF class', make: () => buildElf({ machine: EM_RISCV, entry: BASE, segments: [], cls: 1 }), same: true, expect: ENOEXEC },
  { name: 'big-endian data', make: () => buildElf({ machine: EM_RISCV, entry: BASE, segments: [], data: 2 }), same: true, expect: ENOEXEC },
  { name: 'a machine nobody runs (EM_SPARCV9)', make: () => exe(EM_RISCV).map((b, i) => (i === 18 ? 43 : i === 19 ? 0 : b)), same: true, expect: ENOEXEC },
];

function makeCases(): DiffCase[] {
  if (env.skip || hostMachine === undefined) return [];
  const dir = join(env.scratch, 'badelf');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, data: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    chmodSync(p, 0o755);
    return p;
  };
  return variants.map((v, i) => {
    const guestFile = write(`${i}-riscv64`, v.make(EM_RISCV));
    const refFile = v.same ? guestFile : write(`${i}-host`, v.make(hostMachine));
    return {
      name: v.name,
      argv: ['/bin/busybox', 'sh', '-c', 'cd /tmp && ./bad; echo rc=$?'],
      add: [{ host: guestFile, guest: '/tmp/bad' }],
      refAdd: [{ host: refFile, guest: '/tmp/bad' }],
      expect: { stdout: /rc=\d+\n$/, ...v.expect },
    };
  });
}

const skip = env.skip ?? (hostMachine === undefined ? `no ELF machine number known for host arch ${process.arch}` : false);
const cases = makeCases();

describe('bad executables: tuxglass against Linux', { skip, concurrency: 2 }, () => {
  after(() => env.cleanup());
  for (const c of cases) test(c.name, (t) => diffCase(t, env, c));
});
