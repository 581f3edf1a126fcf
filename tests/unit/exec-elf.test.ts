// parseElf against real riscv64 binaries (readelf is the oracle), Linux's
// validation rules on crafted headers, and a fuzz run on garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseElf, PT_LOAD, PT_TLS, PT_GNU_STACK, type ElfResult, type ElfImage } from '../../src/kernel/exec/elf.js';
import { guestBinary, hasTool, run, READELF, CC } from './exec-guest.js';

const PT_NAMES: Record<string, number> = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  SHLIB: 5,
  PHDR: 6,
  TLS: 7,
  GNU_EH_FRAME: 0x6474e550,
  GNU_STACK: 0x6474e551,
  GNU_RELRO: 0x6474e552,
  GNU_PROPERTY: 0x6474e553,
  RISCV_ATTRIBUT: 0x70000003,
  RISCV_ATTRIBUTES: 0x70000003,
};

interface ReadelfView {
  type: number;
  entry: number;
  phoff: number;
  phnum: number;
  flags: number;
  interp: string | null;
  segs: { type: number; offset: number; vaddr: number; filesz: number; memsz: number; flags: number; align: number }[];
}

function readelf(path: string): ReadelfView {
  const r = run(READELF, ['-lhW', path]);
  assert.equal(r.status, 0, r.stderr);
  const num = (re: RegExp) => {
    const m = re.exec(r.stdout);
    assert.ok(m, `readelf: no ${re}`);
    return Number(m[1]);
  };
  const typeName = /Type:\s+(\w+)/.exec(r.stdout)![1];
  const segs = [...r.stdout.matchAll(/^\s+(\w+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+) ([RWE ]{3}) 0x([0-9a-f]+)$/gm)].map(
    (m) => ({
      type: PT_NAMES[m[1]!] ?? -1,
      offset: parseInt(m[2]!, 16),
      vaddr: parseInt(m[3]!, 16),
      filesz: parseInt(m[4]!, 16),
      memsz: parseInt(m[5]!, 16),
      flags: (m[6]!.includes('R') ? 4 : 0) | (m[6]!.includes('W') ? 2 : 0) | (m[6]!.includes('E') ? 1 : 0),
      align: parseInt(m[7]!, 16),
    }),
  );
  const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(r.stdout);
  return {
    type: typeName === 'EXEC' ? 2 : typeName === 'DYN' ? 3 : -1,
    entry: num(/Entry point address:\s+(0x[0-9a-f]+)/),
    phoff: num(/Start of program headers:\s+(\d+)/),
    phnum: num(/Number of program headers:\s+(\d+)/),
    flags: num(/Flags:\s+(0x[0-9a-f]+)/),
    interp: interp ? interp[1]! : null,
    segs,
  };
}

function image(r: ElfResult): ElfImage {
  assert.ok(r.ok, r.ok ? '' : `parseElf failed: ${r.reason}`);
  return r.image;
}

const pageDown = (v: number) => v - (v % 4096);
const pageUp = (v: number) => Math.ceil(v / 4096) * 4096;

function compareWithReadelf(path: string, expectType: number, expectInterp: boolean) {
  const bytes = new Uint8Array(readFileSync(path));
  const img = image(parseElf(bytes, bytes.length));
  const ref = readelf(path);
  assert.equal(img.type, expectType);
  assert.equal(img.type, ref.type);
  assert.equal(img.entry, ref.entry);
  assert.equal(img.phoff, ref.phoff);
  assert.equal(img.phnum, ref.phnum);
  assert.equal(img.phentsize, 56);
  assert.equal(img.flags, ref.flags);
  assert.equal(img.interp, ref.interp);
  assert.equal(img.interp !== null, expectInterp);
  assert.equal(img.segments.length, ref.segs.length);
  img.segments.forEach((s, i) => {
    const r = ref.segs[i]!;
    if (r.type >= 0) assert.equal(s.type, r.type, `segment ${i} type`);
    assert.deepEqual([s.offset, s.vaddr, s.filesz, s.memsz, s.flags, s.align], [r.offset, r.vaddr, r.filesz, r.memsz, r.flags, r.align], `segment ${i}`);
  });
  const loads = ref.segs.filter((s) => s.type === PT_LOAD);
  assert.equal(img.loads.length, loads.length);
  assert.ok(loads.length > 0);
  assert.equal(img.minVaddr, pageDown(Math.min(...loads.map((s) => s.vaddr))));
  assert.equal(img.maxVaddr, pageUp(Math.max(...loads.map((s) => s.vaddr + s.memsz))));
  const stack = ref.segs.find((s) => s.type === PT_GNU_STACK);
  assert.deepEqual(img.gnuStack, stack ? { flags: stack.flags } : null);
  const tls = ref.segs.find((s) => s.type === PT_TLS);
  assert.equal(img.tls?.memsz ?? null, tls?.memsz ?? null);
  assert.equal(img.loadAlign, 4096);
  return img;
}

const noCompiler = !hasTool(CC) || !hasTool(READELF) ? `${CC} or ${READELF} not installed` : false;

test('static binary (ET_EXEC) matches readelf', { skip: noCompiler }, () => {
  const bin = guestBinary('hello.c', 'exec-hello-static', ['-static'])!;
  const img = compareWithReadelf(bin, 2, false);
  assert.ok(img.tls, 'the static build has a PT_TLS');
});

test('static-pie binary (ET_DYN, no interpreter) matches readelf', { skip: noCompiler }, () => {
  // Debian's riscv64 glibc has no rcrt1.o, so the static-pie guest is libc-free.
  const bin = guestBinary('nolibc.c', 'exec-nolibc-static-pie', ['-nostdlib', '-static-pie', '-fPIE', '-Wl,--no-dynamic-linker'])!;
  const img = compareWithReadelf(bin, 3, false);
  assert.equal(img.minVaddr, 0);
});

test('dynamic binary (PT_INTERP) matches readelf', { skip: noCompiler }, () => {
  const bin = guestBinary('hello.c', 'exec-hello-dynamic', [])!;
  const img = compareWithReadelf(bin, 3, true);
  assert.equal(img.interp, '/lib/ld-linux-riscv64-lp64d.so.1');
  assert.deepEqual([...img.interpBytes!], [...new TextEncoder().encode(img.interp!)]);
});

// ---- crafted headers -------------------------------------------------------

interface Ph {
  type: number;
  flags?: number;
  offset?: bigint | number;
  vaddr?: bigint | number;
  filesz?: bigint | number;
  memsz?: bigint | number;
  align?: bigint | number;
}

/** A minimal ELF64 riscv file: header, program headers at 64, then `tail`, padded to `size`. */
function makeElf(o: {
  type?: number;
  phs: Ph[];
  entry?: bigint | number;
  tail?: Uint8Array;
  size?: number;
  phentsize?: number;
  phnum?: number;
  phoff?: bigint | number;
  ident?: number[];
  machine?: number;
}): Uint8Array {
  const phEnd = 64 + o.phs.length * 56;
  const tail = o.tail ?? new Uint8Array(0);
  const buf = new Uint8Array(Math.max(o.size ?? 0, phEnd + tail.length));
  const dv = new DataView(buf.buffer);
  buf.set(o.ident ?? [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, o.type ?? 2, true);
  dv.setUint16(18, o.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(o.entry ?? 0x10000), true);
  dv.setBigUint64(32, BigInt(o.phoff ?? 64), true);
  dv.setUint32(48, 5, true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, o.phentsize ?? 56, true);
  dv.setUint16(56, o.phnum ?? o.phs.length, true);
  o.phs.forEach((p, i) => {
    const b = 64 + i * 56;
    dv.setUint32(b, p.type, true);
    dv.setUint32(b + 4, p.flags ?? 5, true);
    dv.setBigUint64(b + 8, BigInt(p.offset ?? 0), true);
    dv.setBigUint64(b + 16, BigInt(p.vaddr ?? 0), true);
    dv.setBigUint64(b + 24, BigInt(p.vaddr ?? 0), true);
    dv.setBigUint64(b + 32, BigInt(p.filesz ?? 0), true);
    dv.setBigUint64(b + 40, BigInt(p.memsz ?? p.filesz ?? 0), true);
    dv.setBigUint64(b + 48, BigInt(p.align ?? 4096), true);
  });
  buf.set(tail, phEnd);
  return buf;
}

const text: Ph = { type: PT_LOAD, flags: 5, offset: 0, vaddr: 0x10000, filesz: 0x200, memsz: 0x200 };
const parse = (b: Uint8Array) => parseElf(b, b.length);
function fails(r: ElfResult, errno: number, late?: boolean) {
  assert.ok(!r.ok, 'expected failure');
  assert.equal(r.errno, errno, r.reason);
  if (late !== undefined) assert.equal(r.late === true, late, `late for ${r.reason}`);
}

test('a good crafted file parses', () => {
  const img = image(parse(makeElf({ phs: [text, { type: PT_GNU_STACK, flags: 6 }], size: 0x200 })));
  assert.equal(img.loads.length, 1);
  assert.deepEqual(img.gnuStack, { flags: 6 });
  assert.deepEqual([img.minVaddr, img.maxVaddr], [0x10000, 0x11000]);
});

test('header checks return ENOEXEC before the point of no return', () => {
  fails(parse(new Uint8Array(0)), 8, false);
  fails(parse(new Uint8Array([0x7f, 0x45, 0x4c])), 8, false);
  fails(parse(makeElf({ phs: [text], ident: [0x7f, 0x45, 0x4c, 0x47, 2, 1, 1, 0] })), 8);
  fails(parse(makeElf({ phs: [text], ident: [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0] })), 8); // ELFCLASS32
  fails(parse(makeElf({ phs: [text], machine: 62 })), 8);
  for (const type of [0, 1, 4, 0xfe00]) fails(parse(makeElf({ phs: [text], type })), 8);
  fails(parse(makeElf({ phs: [text], phentsize: 32 })), 8);
  fails(parse(makeElf({ phs: [text], phnum: 0 })), 8);
  fails(parse(makeElf({ phs: [text], phnum: 74, size: 8192 })), 8); // 74 * 56 > 4096
  assert.ok(parse(makeElf({ phs: [text], phnum: 73, size: 8192 })).ok); // 73 * 56 fits a page; PT_NULLs after
  fails(parse(makeElf({ phs: [text], phoff: 1 << 20 })), 8);
  fails(parse(makeElf({ phs: [text], phoff: 0xffffffffffffffc0n })), 8);
  fails(parse(makeElf({ phs: [text], phnum: 2 })), 8); // second header runs past the end of the file
  const good = makeElf({ phs: [text], size: 0x200 });
  fails(parseElf(good, 100), 8); // only fileSize bytes count
  assert.ok(parseElf(good, NaN).ok); // a nonsense size falls back to the array's length
  fails(parseElf(good, -1), 8);
});

test('EI_DATA, EI_VERSION and e_version are not checked, as in Linux', () => {
  // riscv's elf_check_arch only tests e_machine and EI_CLASS.
  assert.ok(parse(makeElf({ phs: [text], ident: [0x7f, 0x45, 0x4c, 0x46, 2, 2, 0, 0], size: 0x200 })).ok);
});

test('PT_INTERP rules', () => {
  const withInterp = (path: Uint8Array, filesz = path.length, offset = 64 + 2 * 56) =>
    makeElf({
      type: 3,
      phs: [
        { ...text, vaddr: 0 },
        { type: 3, offset, filesz },
      ],
      tail: path,
      size: 0x200,
    });
  const enc = (s: string) => new TextEncoder().encode(s);
  const img = image(parse(withInterp(enc('/lib/ld.so\0'))));
  assert.equal(img.interp, '/lib/ld.so');
  fails(parse(withInterp(enc('/\0'), 1)), 8, false); // shorter than 2
  fails(parse(withInterp(enc('/lib/ld.so!'))), 8, false); // not NUL-terminated
  fails(parse(withInterp(new Uint8Array(4097).fill(0x61))), 8); // longer than PATH_MAX
  assert.ok(parse(withInterp(Uint8Array.from([...new Uint8Array(4095).fill(0x61), 0]))).ok); // exactly PATH_MAX
  fails(parse(withInterp(enc('/lib/ld.so\0'), 11, 0x1f8)), 5, false); // read past EOF: EIO
  assert.equal(image(parse(withInterp(enc('/a\0b\0')))).interp, '/a'); // a C string
});

test('PT_LOAD rules, checked after the point of no return', () => {
  const one = (p: Ph, type = 2) => parse(makeElf({ type, phs: [p], size: 0x200 }));
  fails(one({ ...text, filesz: 0x300, memsz: 0x200 }), 22, true); // p_filesz > p_memsz
  fails(one({ ...text, offset: 0x10 }), 22, true); // not congruent
  fails(one({ ...text, offset: 0x10 }, 3), 22, true);
  assert.ok(one({ ...text, offset: 0x10, filesz: 0, memsz: 0x100 }).ok); // no file part: never mmap()ed
  assert.ok(one({ ...text, offset: 0x1000, filesz: 0x5000, memsz: 0x5000 }).ok); // past EOF: Linux maps it (SIGBUS on touch)
  fails(one({ ...text, vaddr: 0x4000000000 - 0x100, offset: 0xf00, filesz: 0x200 }), 12, true); // ET_EXEC beyond TASK_SIZE: mmap ENOMEM
  fails(one({ ...text, memsz: 0x4000000000 }), 12, true); // bss beyond TASK_SIZE: vm_brk ENOMEM
  fails(one({ ...text, vaddr: 0x4000000000, filesz: 0, memsz: 0 }), 22, true); // BAD_ADDR
  fails(one({ ...text, vaddr: 0xfffffffffffff000n }), 12, true);
  assert.ok(one({ ...text, vaddr: 0x4000000000 - 0x1000, filesz: 0x200, memsz: 0x1000 }).ok); // the last page fits
  fails(one({ ...text, vaddr: 0, filesz: 0x200, memsz: 0x4000000001 }, 3), 22, true); // ET_DYN: p_memsz > TASK_SIZE
  fails(
    parse(
      makeElf({
        type: 3,
        phs: [
          { ...text, vaddr: 0 },
          { ...text, vaddr: 0x3000000000, offset: 0 },
          { ...text, vaddr: 0x5000000000, offset: 0 },
        ],
        size: 0x200,
      }),
    ),
    12,
    true,
  );
  fails(one({ ...text, vaddr: 0, filesz: 0, memsz: 0 }, 3), 22, true); // total_mapping_size 0
  fails(one({ ...text, vaddr: 0xfffffffffffff000n, offset: 0, filesz: 0x200, memsz: 0x2000 }, 3), 12, true); // wraps 2^64: refused
  fails(parse(makeElf({ phs: [text], entry: 0x4000000000, size: 0x200 })), 22, true); // entry beyond TASK_SIZE
});

test('fields Linux ignores may hold any 64-bit value', () => {
  const r = parse(makeElf({ phs: [text, { type: 4, offset: 0xffffffffffffffffn, vaddr: 0x8000000000000000n, filesz: 1n << 60n }], size: 0x200 }));
  assert.ok(r.ok);
});

test('the last PT_GNU_STACK wins; PT_TLS is reported', () => {
  const img = image(
    parse(
      makeElf({
        phs: [text, { type: PT_GNU_STACK, flags: 7 }, { type: PT_TLS, offset: 0x100, vaddr: 0x10100, filesz: 8, memsz: 16 }, { type: PT_GNU_STACK, flags: 6 }],
        size: 0x200,
      }),
    ),
  );
  assert.deepEqual(img.gnuStack, { flags: 6 });
  assert.equal(img.tls?.memsz, 16);
});

test('interpreter mode: ELIBBAD for a bad header, EIO when too short, PT_INTERP ignored', () => {
  const opt = { interpreter: true };
  fails(parseElf(new Uint8Array(10), 10, opt), 5, false);
  const bad = makeElf({ phs: [text], machine: 62 });
  fails(parseElf(bad, bad.length, opt), 80, false);
  const loop = makeElf({
    type: 3,
    phs: [
      { ...text, vaddr: 0 },
      { type: 3, offset: 0, filesz: 1 },
    ],
    size: 0x200,
  });
  const img = image(parseElf(loop, loop.length, opt));
  assert.equal(img.interp, null);
  const big = makeElf({ type: 3, phs: [{ ...text, vaddr: 0, filesz: 0x300, memsz: 0x200 }], size: 0x300 });
  fails(parseElf(big, big.length, opt), 12, true); // load_elf_interp says ENOMEM
});

// ---- fuzz ------------------------------------------------------------------

function xorshift(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function checkResult(r: ElfResult) {
  assert.equal(typeof r.ok, 'boolean');
  if (!r.ok) {
    assert.ok(Number.isInteger(r.errno) && r.errno > 0);
    return;
  }
  const img = r.image;
  assert.ok(img.type === 2 || img.type === 3);
  assert.ok(img.minVaddr <= img.maxVaddr && img.minVaddr % 4096 === 0 && img.maxVaddr % 4096 === 0);
  assert.ok(img.maxVaddr <= Number.MAX_SAFE_INTEGER);
  for (const s of img.loads) {
    assert.equal(s.type, PT_LOAD);
    assert.ok(s.filesz <= s.memsz);
    if (s.filesz > 0) assert.ok((s.offset - s.vaddr) % 4096 === 0, 'congruent');
    if (img.type === 2) assert.ok(s.vaddr + s.memsz <= 0x4000000000);
  }
}

test('fuzz: random and mutated headers never throw and return quickly', () => {
  const rnd = xorshift(12345);
  let worst = 0,
    accepted = 0;
  const time = (f: () => ElfResult) => {
    const t0 = performance.now();
    const r = f();
    worst = Math.max(worst, performance.now() - t0);
    checkResult(r);
    if (r.ok) accepted++;
  };
  // Pure garbage, with and without the ELF magic.
  for (let i = 0; i < 3000; i++) {
    const b = new Uint8Array(rnd() % 700);
    for (let j = 0; j < b.length; j++) b[j] = rnd() & 0xff;
    if (i % 2 && b.length >= 20) {
      b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
      b[18] = 243;
      b[19] = 0;
      b[16] = 2 + (i & 1);
      b[17] = 0;
    }
    time(() => parseElf(b, rnd() % 2 ? b.length : rnd() % 1000));
  }
  // Mutations of a valid file: a real binary if there is one, else a crafted one.
  const bin = noCompiler ? null : guestBinary('hello.c', 'exec-hello-static', ['-static']);
  const base = bin ? new Uint8Array(readFileSync(bin)) : makeElf({ phs: [text, { type: PT_GNU_STACK, flags: 6 }], size: 0x200 });
  const phEnd = 64 + new DataView(base.buffer).getUint16(56, true) * 56;
  const dv = new DataView(base.buffer, base.byteOffset);
  for (let i = 0; i < 4000; i++) {
    const saved = base.slice(0, phEnd);
    const n = 1 + (rnd() % 6);
    for (let k = 0; k < n; k++) {
      const at = rnd() % phEnd;
      if (rnd() % 3 === 0 && at + 8 <= phEnd) {
        const specials = [0n, 1n, 0xfffn, 0x1000n, 0x3fffffffffn, 0x4000000000n, 1n << 53n, (1n << 64n) - 1n, 1n << 63n];
        dv.setBigUint64(at, (specials[rnd() % specials.length]! + BigInt(rnd() % 3) - 1n) & ((1n << 64n) - 1n), true);
      } else base[at] = rnd() & 0xff;
    }
    time(() => parseElf(base, base.length));
    base.set(saved, 0);
  }
  assert.ok(accepted > 0, 'some mutations still parse');
  assert.ok(worst < 250, `slowest parse took ${worst.toFixed(1)} ms`);
});
