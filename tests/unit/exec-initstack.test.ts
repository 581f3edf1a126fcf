// The initial user stack: structure checks, Linux's auxv order, and the byte
// layout compared with what a real process sees under qemu-riscv64-static.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInitialStack, AT, type AuxEntry, type StackLayout } from '../../src/kernel/exec/initstack.js';
import { guestBinary, hasTool, run, CC, QEMU } from './exec-guest.js';

const enc = (s: string) => new TextEncoder().encode(s);
const TOP = 0x40_0000_0000;

/** Reads the stack image as guest memory. */
function reader(l: StackLayout) {
  const dv = new DataView(l.bytes.buffer, l.bytes.byteOffset, l.bytes.byteLength);
  const off = (addr: number) => {
    assert.ok(addr >= l.base && addr < l.base + l.bytes.length, `address ${addr.toString(16)} outside the image`);
    return addr - l.base;
  };
  return {
    u64: (addr: number) => Number(dv.getBigUint64(off(addr), true)),
    cstr: (addr: number) => {
      const o = off(addr);
      const e = l.bytes.indexOf(0, o);
      return new TextDecoder().decode(l.bytes.subarray(o, e));
    },
    bytes: (addr: number, n: number) => l.bytes.slice(off(addr), off(addr) + n),
  };
}

// What the lead's execve passes, deliberately out of order.
const callerAuxv: AuxEntry[] = [
  { type: AT.SECURE, value: 0 },
  { type: AT.PHDR, value: 0x10040 },
  { type: AT.HWCAP, value: 0x112d },
  { type: AT.SYSINFO_EHDR, value: 0x3fff000000 },
  { type: AT.PAGESZ, value: 4096 },
  { type: AT.CLKTCK, value: 100 },
  { type: AT.PHENT, value: 56 },
  { type: AT.PHNUM, value: 9 },
  { type: AT.BASE, value: 0 },
  { type: AT.FLAGS, value: 0 },
  { type: AT.ENTRY, value: 0x10450 },
  { type: AT.UID, value: 1000 },
  { type: AT.EUID, value: 1000 },
  { type: AT.GID, value: 100 },
  { type: AT.EGID, value: 100 },
  { type: AT.MINSIGSTKSZ, value: 2048 },
  { type: AT.L1D_CACHESIZE, value: 0 },
  { type: AT.L1I_CACHESIZE, value: 0 },
];
// create_elf_tables' order on riscv64 (ARCH_DLINFO first), ours added, no AT_PLATFORM.
const LINUX_ORDER = [33, 40, 42, 51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 31, 0];
const random = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);

function build(argv: string[], envp: string[], extra: Partial<Parameters<typeof buildInitialStack>[0]> = {}) {
  return buildInitialStack({
    stackTop: TOP,
    argv: argv.map(enc),
    envp: envp.map(enc),
    execfn: enc('/bin/prog'),
    platform: null,
    random,
    auxv: callerAuxv,
    ...extra,
  });
}

function checkStructure(l: StackLayout, argv: string[], envp: string[], execfn: string) {
  const m = reader(l);
  assert.equal(l.sp % 16, 0, 'sp is 16-byte aligned');
  assert.equal(l.base, l.sp);
  assert.equal(l.base + l.bytes.length, TOP);
  assert.equal(m.u64(l.sp), argv.length, 'argc');
  assert.equal(l.argvAddr, l.sp + 8);
  argv.forEach((a, i) => assert.equal(m.cstr(m.u64(l.argvAddr + 8 * i)), a));
  assert.equal(m.u64(l.argvAddr + 8 * argv.length), 0, 'argv NULL');
  assert.equal(l.envpAddr, l.argvAddr + 8 * (argv.length + 1));
  envp.forEach((e, i) => assert.equal(m.cstr(m.u64(l.envpAddr + 8 * i)), e));
  assert.equal(m.u64(l.envpAddr + 8 * envp.length), 0, 'envp NULL');
  assert.equal(l.auxvAddr, l.envpAddr + 8 * (envp.length + 1));
  const aux: AuxEntry[] = [];
  for (let a = l.auxvAddr; ; a += 16) {
    aux.push({ type: m.u64(a), value: m.u64(a + 8) });
    if (aux[aux.length - 1]!.type === AT.NULL) break;
  }
  assert.deepEqual(aux, l.auxv, 'auxv in memory is the saved auxv');
  const get = (t: number) => aux.find((e) => e.type === t)?.value;
  assert.deepEqual(m.bytes(get(AT.RANDOM)!, 16), random);
  assert.equal(get(AT.RANDOM), l.randomAddr);
  assert.equal(m.cstr(get(AT.EXECFN)!), execfn);
  assert.equal(get(AT.EXECFN), l.execfnAddr);
  // Strings: argv then envp then execfn, contiguous, ending 8 bytes below the top.
  const strings = [...argv, ...envp, execfn].map((s) => s + '\0').join('');
  assert.equal(new TextDecoder().decode(m.bytes(l.argStart, TOP - 8 - l.argStart)), strings);
  assert.deepEqual([...m.bytes(TOP - 8, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(l.argEnd, l.envStart);
  assert.equal(new TextDecoder().decode(m.bytes(l.argStart, l.argEnd - l.argStart)), argv.map((s) => s + '\0').join(''));
  assert.equal(new TextDecoder().decode(m.bytes(l.envStart, l.envEnd - l.envStart)), envp.map((s) => s + '\0').join(''));
  // Random bytes right below the 16-aligned string area; auxv end at most 15 bytes below them.
  const auxEnd = l.auxvAddr + 16 * aux.length;
  assert.ok(l.randomAddr - auxEnd >= 0 && l.randomAddr - auxEnd < 16);
  return aux;
}

test('structure: argc, argv, envp, auxv, AT_RANDOM, AT_EXECFN', () => {
  const argv = ['/bin/prog', 'a', '', 'with space'],
    envp = ['HOME=/', 'X=y'];
  const l = build(argv, envp);
  const aux = checkStructure(l, argv, envp, '/bin/prog');
  assert.deepEqual(
    aux.map((e) => e.type),
    LINUX_ORDER,
  );
  assert.equal(l.randomAddr, l.argStart - (l.argStart % 16) - 16);
});

test('empty argv and envp, long strings, many entries', () => {
  checkStructure(build([], []), [], [], '/bin/prog');
  const argv = Array.from({ length: 300 }, (_, i) => 'x'.repeat(i % 37));
  const envp = Array.from({ length: 200 }, (_, i) => `V${i}=${'y'.repeat(i % 11)}`);
  checkStructure(build(argv, envp), argv, envp, '/bin/prog');
  for (let n = 0; n < 40; n++) {
    const a = Array.from({ length: n % 7 }, (_, i) => 'a'.repeat((n * 3 + i) % 9));
    const e = Array.from({ length: n % 5 }, (_, i) => 'E=' + 'b'.repeat((n + i) % 13));
    checkStructure(build(a, e), a, e, '/bin/prog');
  }
});

test('AT_PLATFORM when a platform string is given; caller copies of our entries are replaced', () => {
  const l = build(['p'], [], {
    platform: 'riscv64',
    auxv: [...callerAuxv, { type: AT.RANDOM, value: 1 }, { type: AT.EXECFN, value: 2 }, { type: AT.NULL, value: 0 }],
  });
  const aux = checkStructure(l, ['p'], [], '/bin/prog');
  const types = aux.map((e) => e.type);
  assert.deepEqual(types, [...LINUX_ORDER.slice(0, -1), AT.PLATFORM, AT.NULL]);
  assert.equal(reader(l).cstr(l.platformAddr), 'riscv64');
  assert.equal(l.randomAddr, l.platformAddr - 16, 'random bytes right below the platform string');
  assert.equal(l.platformAddr + 8, l.argStart - (l.argStart % 16));
});

test('alignJitter shifts everything below the strings, as arch_align_stack does', () => {
  const a = build(['p'], ['E=1']),
    b = build(['p'], ['E=1'], { alignJitter: 100 });
  assert.equal(a.argStart, b.argStart);
  assert.equal(b.randomAddr, a.argStart - 100 - ((a.argStart - 100) % 16) - 16);
  checkStructure(b, ['p'], ['E=1'], '/bin/prog');
});

test('RSEQ and cache entries land where Linux puts them', () => {
  const l = build(['p'], [], {
    auxv: [{ type: AT.RSEQ_ALIGN, value: 32 }, { type: AT.RSEQ_FEATURE_SIZE, value: 28 }, ...callerAuxv, { type: AT.L3_CACHEGEOMETRY, value: 0 }],
  });
  const types = l.auxv.map((e) => e.type);
  assert.deepEqual(types.slice(0, 5), [33, 40, 42, 47, 51]);
  // Given in the wrong order, the rseq pair still ends the vector as in Linux.
  assert.deepEqual(types.slice(-5), [25, 31, 27, 28, 0]);
});

test(
  'layout matches a real process under qemu-riscv64-static',
  { skip: !hasTool(CC) ? `${CC} not installed` : !hasTool(QEMU) ? `${QEMU} not installed` : false },
  () => {
    const bin = guestBinary('auxdump.c', 'exec-auxdump', ['-static'])!;
    const args = ['one', 'two words', ''];
    const r = run(QEMU, [bin, ...args], { A: '1', BB: '22' });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout;
    const num = (re: RegExp) => {
      const m = re.exec(out);
      assert.ok(m, `no ${re} in\n${out}`);
      return Number(m[1]);
    };
    const list = (kind: string) => [...out.matchAll(new RegExp(`^${kind} \\d+ off (-?\\d+) "(.*)"$`, 'gm'))].map((m) => ({ off: Number(m[1]), s: m[2]! }));
    const argv = list('arg'),
      envp = list('env');
    const auxTypes = [...out.matchAll(/^auxv (\d+)$/gm)].map((m) => Number(m[1]));
    const execfn = /^execfn "(.*)" off/m.exec(out)![1]!;
    assert.equal(num(/envp_after_argv (\d)/), 1);
    assert.equal(num(/sp%16 (\d+)/), 0);
    assert.equal(num(/execfn_end_to_page (\d+)/), 8, 'strings end one pointer below the (page-aligned) top');

    // Same inputs through our builder: qemu passes env in reverse order, so use
    // the order the guest saw. Give it the auxv types qemu gave (values do not
    // affect the layout) so the vector has the same length.
    const ours = buildInitialStack({
      stackTop: TOP,
      argv: argv.map((a) => enc(a.s)),
      envp: envp.map((e) => enc(e.s)),
      execfn: enc(execfn),
      platform: null,
      random,
      auxv: auxTypes.filter((t) => t !== AT.RANDOM && t !== AT.EXECFN && t !== AT.NULL).map((type) => ({ type, value: 1 })),
    });
    const a0 = ours.argStart;
    const m = reader(ours);
    argv.forEach((a, i) => assert.equal(m.u64(ours.argvAddr + 8 * i) - a0, a.off, `argv[${i}] offset`));
    envp.forEach((e, i) => assert.equal(m.u64(ours.envpAddr + 8 * i) - a0, e.off, `envp[${i}] offset`));
    assert.equal(ours.execfnAddr - a0, num(/execfn ".*" off (-?\d+)/));
    assert.equal(a0 % 16, num(/arg0%16 (\d+)/));
    assert.equal(ours.randomAddr - a0, num(/random off (-?\d+)/));
    assert.equal(ours.sp - a0, num(/sp_off (-?\d+)/));
    assert.equal(ours.randomAddr - (ours.auxvAddr + 16 * ours.auxv.length), num(/random_minus_auxend (-?\d+)/));
    // Neither qemu nor Linux on riscv gives AT_PLATFORM (ELF_PLATFORM is NULL).
    assert.match(out, /^platform \(none\)$/m);
    // The same entry types, but in Linux's order: qemu's own order departs from
    // create_elf_tables (it puts AT_PHDR first and AT_RANDOM before AT_SECURE).
    assert.deepEqual(
      [...ours.auxv.map((e) => e.type)].sort((x, y) => x - y),
      [...auxTypes].sort((x, y) => x - y),
    );
    const linuxRank = [3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 31, 0];
    const ourTypes = ours.auxv.map((e) => e.type);
    assert.deepEqual(ourTypes.slice(ourTypes.indexOf(16), ourTypes.indexOf(16) + 3), [16, 6, 17], 'HWCAP, PAGESZ, CLKTCK lead the generic entries');
    assert.deepEqual(
      ourTypes.filter((t) => linuxRank.includes(t)),
      linuxRank,
    );
  },
);
