// "#!" parsing: the cases follow Linux's binfmt_script.c (load_script) line by
// line, including its less obvious outcomes (CR kept, empty argument, "#!" alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isScript, parseShebang } from '../../src/kernel/exec/elf.js';

const enc = (s: string) => new TextEncoder().encode(s);
function ok(src: string | Uint8Array, interp: string, arg: string | null) {
  const r = parseShebang(typeof src === 'string' ? enc(src) : src);
  assert.ok(!('errno' in r), `expected success for ${JSON.stringify(src)}`);
  assert.equal(r.interp, interp);
  assert.equal(r.arg, arg);
}
function noexec(src: string) {
  assert.deepEqual(parseShebang(enc(src)), { errno: 8 }, JSON.stringify(src));
}

test('isScript looks at the first two bytes only', () => {
  assert.equal(isScript(enc('#!/bin/sh\n')), true);
  assert.equal(isScript(enc('#!')), true);
  assert.equal(isScript(enc('#')), false);
  assert.equal(isScript(enc(' #!/bin/sh')), false);
  assert.equal(isScript(new Uint8Array(0)), false);
  assert.equal(isScript(enc('\x7fELF')), false);
});

test('interpreter and one optional argument', () => {
  ok('#!/bin/sh\necho hi\n', '/bin/sh', null);
  ok('#! /bin/sh -x \n', '/bin/sh', '-x');
  ok('#!/usr/bin/env python3 -u -W x\n', '/usr/bin/env', 'python3 -u -W x');
  ok('#!\t/bin/sh\targ  with  spaces\t \n', '/bin/sh', 'arg  with  spaces');
  ok('#!/bin/sh   \n', '/bin/sh', null);
  ok('#!/bin/sh', '/bin/sh', null); // no newline, short file: NUL padding ends the path
  ok('#!/bin/sh\r\n', '/bin/sh\r', null); // CR is part of the name, as on Linux
  ok('#!/bin/sh -e\r\n', '/bin/sh', '-e\r');
});

test('no interpreter name', () => {
  noexec('#!\n');
  noexec('#!   \t \nfoo');
  noexec('echo');
  noexec('');
  // "#!" alone: the zero padding makes an empty name; Linux then fails to open "" (ENOENT).
  ok('#!', '', null);
});

test('first line limited to 256 bytes (BINPRM_BUF_SIZE)', () => {
  const longArg = 'a'.repeat(300);
  ok(`#!/bin/sh ${longArg}\n`, '/bin/sh', 'a'.repeat(256 - 1 - 10)); // the argument may be truncated
  noexec(`#!/${'x'.repeat(300)}\n`); // the interpreter may not
  noexec(`#!${'x'.repeat(254)}\n`); // newline just past the buffer
  noexec(`#!     ${'x'.repeat(260)}`);
  ok(`#!${'x'.repeat(253)} more`, 'x'.repeat(253), null); // terminator is the buffer's last byte
  ok(`#!${'x'.repeat(251)} yz`, 'x'.repeat(251), 'y'); // byte 255 is overwritten by the terminator
  ok(`#!${'x'.repeat(252)} yz`, 'x'.repeat(252), null); // ... and trailing blanks before it trimmed
});

test('NUL bytes end strings as in C', () => {
  ok('#!/bin/sh\0 -x\n', '/bin/sh', null);
  ok('#!/bin/sh  \0x\n', '/bin/sh', ''); // an empty argument, exactly as Linux passes it
  const r = parseShebang(Uint8Array.from([0x23, 0x21, 0x2f, 0xff, 0x0a]));
  assert.ok(!('errno' in r));
  assert.deepEqual([...r.interpBytes], [0x2f, 0xff]); // raw bytes survive non-UTF-8 names
});

test('garbage never throws', () => {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
  for (let i = 0; i < 3000; i++) {
    const b = new Uint8Array(next() % 400);
    for (let j = 0; j < b.length; j++) b[j] = [0x20, 0x09, 0x0a, 0x00, 0x2f, 0x61][next() % 6]!;
    if (b.length >= 2) b.set([0x23, 0x21]);
    const r = parseShebang(b);
    if ('errno' in r) assert.equal(r.errno, 8);
    else assert.ok(r.interpBytes.length < 256 && !r.interpBytes.includes(0) && !r.interpBytes.includes(0x20));
  }
});
