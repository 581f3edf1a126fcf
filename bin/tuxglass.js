#!/usr/bin/env node
// Runs the one-file bundle of the CLI when `npm run build` made it after the
// last compile (see scripts/bundle.js), else the compiled modules.
import { statSync } from 'node:fs';

const dist = new URL('../dist/src/host/', import.meta.url);
const mtime = (name) => {
  try {
    return statSync(new URL(name, dist)).mtimeMs;
  } catch {
    return -1;
  }
};
const bundled = mtime('cli.bundle.js') >= mtime('cli.js') && mtime('cli.js') >= 0;
await import(bundled ? '../dist/src/host/cli.bundle.js' : '../dist/src/host/cli.js');
