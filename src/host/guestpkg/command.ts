// `tuxglass fetch [--force]`: fetch the guest packages and assemble the
// default root filesystem, printing progress and the result.
import { describeFetchError, ensureRootfs, readManifest } from './index.js';
import { cacheLayout } from './paths.js';
import { formatBytes } from './progress.js';

const USAGE =
  'usage: tuxglass fetch [--force]\n  Fetch the Debian riscv64 guest packages and assemble the default root filesystem.\n  --force  fetch and assemble again even if already cached\n';

export async function fetchCommand(argv: string[]): Promise<number> {
  let force = false;
  for (const a of argv) {
    if (a === '--force' || a === '-f') force = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else {
      process.stderr.write(`tuxglass fetch: unknown argument ${a}\n${USAGE}`);
      return 2;
    }
  }
  try {
    const dir = await ensureRootfs({ force });
    const m = readManifest(cacheLayout().manifest);
    const size = m ? ` (${formatBytes(m.rootfsBytes)}, ${m.packages.map((p) => `${p.name} ${p.version}`).join(', ')})` : '';
    process.stdout.write(`${dir}${size}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`tuxglass fetch: ${describeFetchError(e)}\n`);
    return 1;
  }
}
