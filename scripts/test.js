#!/usr/bin/env node
// Runs every compiled test file under dist/tests with node's test runner.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = collect('dist/tests')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('no test files found under dist/tests');
  process.exit(1);
}
// --test-force-exit: a test file ends when its tests have, even if a failed case left a child
// process or a timer behind; otherwise one stuck case holds the whole run until CI's limit.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-force-exit', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
