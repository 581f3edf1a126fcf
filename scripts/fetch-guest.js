#!/usr/bin/env node
// Fetch the guest packages and assemble the default root filesystem (used by
// .ci/run after the build; `tuxglass fetch` does the same interactively).
import { describeFetchError, ensureRootfs } from '../dist/src/host/guestpkg/index.js';

try {
  const dir = await ensureRootfs({ force: process.argv.includes('--force') });
  process.stdout.write(`${dir}\n`);
} catch (e) {
  process.stderr.write(`fetch-guest: ${describeFetchError(e)}\n`);
  process.exit(1);
}
