// Core files (issue 12 §5), judged by the host's binutils: qemu-user cannot be asked (its
// core_pattern is the host's), so the guest program's own lines must be what core(5) documents,
// and the core it leaves must read as a riscv64 Linux core to riscv64-linux-gnu-readelf: ET_CORE,
// the notes of fs/binfmt_elf.c in Linux's order with the sizes of riscv64's structs
// (elf_prstatus 376, elf_prpsinfo 136, siginfo 128, __riscv_d_ext_state 264), and a PT_LOAD
// whose bytes hold what the process had in its heap.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuest } from './build.js';
import { prepareDiff, runTuxglass, text } from './harness.js';

const READELF = 'riscv64-linux-gnu-readelf';
const built = await buildGuest(['sys_coredump']);
const env = built.skip ? undefined : await prepareDiff('coredump');
const noReadelf = spawnSync(READELF, ['--version'], { stdio: 'ignore' }).status !== 0 ? `${READELF} is not installed (binutils-riscv64-linux-gnu)` : false;
const skip = built.skip ?? env?.skip ?? noReadelf;

describe('core dumps', { skip }, () => {
  after(() => env?.cleanup());
  test('RLIMIT_CORE, core_pattern, the core-dump bit, and an ELF core readelf reads', async () => {
    const r = await runTuxglass(env!, ['/bin/sh', '-c', "/tmp/sys_coredump && echo === && base64 '/tmp/cores/core.sys_coredump.6.%'"], {
      add: [{ host: built.paths.sys_coredump!, guest: '/tmp/sys_coredump' }],
      extraArgs: ['--seed', '1'],
    });
    assert.ok(!r.timedOut, 'tuxglass timed out');
    const [lines, b64] = text(r.stdout).split('===\n');
    assert.equal(
      lines,
      'limit 0: signal 6 core 0\n' +
        'stat("/tmp/cores/core", &sb) = -1 ENOENT\n' +
        'waitid(P_PID, c, &si, WEXITED) = 0\n' +
        'waitid: si_code CLD_DUMPED si_status 6\n' +
        'stat("/tmp/cores/core.sys_coredump.6.%", &sb) = 0\n' +
        'mode 600\n' +
        'pipe: signal 6 core 0\n' +
        'done\n',
    );
    const dir = mkdtempSync(join(tmpdir(), 'tg-core-'));
    try {
      const core = Buffer.from(b64, 'base64');
      const file = join(dir, 'core');
      writeFileSync(file, core);
      const h = spawnSync(READELF, ['-h', file], { encoding: 'utf8' }).stdout;
      assert.match(h, /Type:\s+CORE \(Core file\)/);
      assert.match(h, /Machine:\s+RISC-V/);
      const n = spawnSync(READELF, ['-n', file], { encoding: 'utf8' }).stdout;
      const notes = [...n.matchAll(/^\s+CORE\s+(0x[0-9a-f]+)\s+(NT_\w+)/gm)].map((m) => `${m[2]} ${parseInt(m[1], 16)}`);
      assert.deepEqual(
        notes.slice(0, 6).map((s) => (s.startsWith('NT_AUXV') || s.startsWith('NT_FILE') ? s.split(' ')[0] : s)),
        ['NT_PRSTATUS 376', 'NT_PRPSINFO 136', 'NT_SIGINFO 128', 'NT_AUXV', 'NT_FILE', 'NT_FPREGSET 264'],
      );
      // The heap's contents are in the core, in a PT_LOAD segment.
      assert.ok(core.includes(Buffer.from('a marker in the heap')), 'the heap string is in the core');
      assert.match(spawnSync(READELF, ['-l', file], { encoding: 'utf8' }).stdout, /LOAD\s+0x[0-9a-f]+ 0x[0-9a-f]+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
