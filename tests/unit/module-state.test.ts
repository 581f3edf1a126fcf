// DESIGN: "A kernel is a value: nothing mutable lives at module level, so
// several machines run in one process without seeing each other" (issue 11
// §1.3; tests/scenario/two-kernels.test.ts checks the behaviour). This scan
// of src/cpu, src/machine and src/kernel fails on a new top-level `let` or
// `var`, a static class field that is not readonly, or a top-level `const X = new C(...)` that makes an empty
// container or any other object, unless it is listed below with the reason
// it may stay. Constant tables (`new Set([...])`, `new Map([...])` with their
// contents, text codecs, sysctl Knob descriptors whose values live in
// Kernel.sysctlValues) are not state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../diff/harness.js';

/** file:name -> why it may stay at module level. */
const ALLOWED: Record<string, string> = {
  'src/kernel/exec/vvar.ts:cached': 'a memo of a constant image, the same for every machine',
  'src/kernel/exec/vdso-map.ts:cached': 'a memo of the constant vDSO image, the same for every machine',
  'src/kernel/syscalls/fs-io.ts:scratch': 'a buffer used only within one synchronous read; nothing survives the call',
  'src/kernel/syscalls/fs-io.ts:scratchBusy': 'guards scratch within one synchronous call',
  'src/kernel/syscalls/fs-io.ts:wscratch': 'a buffer used only within one synchronous write; nothing survives the call',
  'src/kernel/syscalls/fs-io.ts:wscratchBusy': 'guards wscratch within one synchronous call',
  'src/kernel/fs/eventpoll.ts:depth': 'recursion guard of one synchronous nested poll; back to 0 when it returns',
  'src/kernel/fs/proc/base.ts:EMPTY': 'an empty array, never written',
  'src/kernel/sysctl/index.ts:done': 'the sysctl tables are static descriptors registered once per process; values are per kernel',
  'src/kernel/trace/strace/registry.ts:byNumber': 'the static decoder table, filled at import',
  'src/kernel/net/socket.ts:families': 'the built-in address families (sock_register), filled at import',
  'src/kernel/net/netlink/af_netlink.ts:protocols': 'the built-in netlink protocols, filled at import',
  'src/kernel/drivers/tty/tty_io.ts:hungUp': 'keyed by file, so per machine; TODO: a file field',
  'src/kernel/drivers/tty/tty_io.ts:redirected': 'keyed by file, so per machine; TODO: a file field',
  'src/cpu/hart.ts:warm': 'V8 warm-up of the interpreter, done once per host process; no guest-visible state',
  'src/cpu/jit.ts:jitUsable': 'whether the host allows generated code (a property of the host process)',
  'src/cpu/jit.ts:n': 'text of the generated code, not a module variable',
  'src/cpu/jit.ts:groupIds': 'ids of access groups inside compiled blocks: only unique per block matter',
  'src/cpu/softfloat.ts:lenF64': 'conversion scratch within one instruction',
  'src/cpu/softfloat.ts:lenI32': 'conversion scratch within one instruction',
  'src/cpu/softfloat.ts:lastInexact': 'a second result of one synchronous rounding call',
  'src/cpu/alu64.ts:qLo': 'second results of one synchronous 64-bit division',
  'src/cpu/fp-regs.ts:scratch': 'conversion scratch within one instruction',
  'src/cpu/fp-regs.ts:scratchF32': 'conversion scratch within one instruction',
  'src/cpu/fp-regs.ts:scratchF64': 'conversion scratch within one instruction',
  'src/cpu/fp-regs.ts:scratchI32': 'conversion scratch within one instruction',
  'src/cpu/fp-convert.ts:intErr': 'a second result of one synchronous conversion',
};

const CONSTANT_CLASSES = new Set(['TextEncoder', 'TextDecoder', 'Knob']);

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Top-level mutable bindings of one source file, as "file:name". */
export function moduleState(path: string, text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let m = /^(?:export )?(?:let|var) ([A-Za-z_$][\w$]*)/.exec(line);
    if (m) {
      out.push(`${path}:${m[1]}`);
      continue;
    }
    // A static field that is not readonly is module state too.
    m = /^\s+(?:private |protected |public )?static (?!readonly )([A-Za-z_$][\w$]*)\s*[:=]/.exec(line);
    if (m) {
      out.push(`${path}:${m[1]}`);
      continue;
    }
    m = /^(?:export )?const ([A-Za-z_$][\w$]*)(?::[^=]+)? = new ([A-Za-z_$][\w$]*)(<[^(]*>)?\((.?)/.exec(line);
    if (!m || CONSTANT_CLASSES.has(m[2])) continue;
    // A Set or Map built from its contents is a constant table.
    if ((m[2] === 'Set' || m[2] === 'Map') && m[4] === '[') continue;
    out.push(`${path}:${m[1]}`);
  }
  return out;
}

test('no new mutable state at module level in the core', () => {
  const found: string[] = [];
  for (const dir of ['src/cpu', 'src/machine', 'src/kernel']) {
    for (const f of files(join(REPO, dir))) found.push(...moduleState(relative(REPO, f), readFileSync(f, 'utf8')));
  }
  const unexpected = found.filter((k) => !(k in ALLOWED));
  assert.deepEqual(unexpected, [], 'module-level mutable state: make it a field of the Kernel (or of an object it owns), or list it with a reason');
  // The list stays honest: every entry still names something.
  assert.deepEqual(
    Object.keys(ALLOWED).filter((k) => !found.includes(k)),
    [],
  );
});

test('the scan sees what it must', () => {
  assert.deepEqual(
    moduleState(
      'x.ts',
      'let a = 1;\nexport const b = new Map<number, string>();\nconst c = new Set([1]);\nconst d = new TextEncoder();\nconst e = new WaitQueue();\n  let inner = 0;\n  static count = 0;\n  static readonly MAX = 1;',
    ),
    ['x.ts:a', 'x.ts:b', 'x.ts:e', 'x.ts:count'],
  );
});
