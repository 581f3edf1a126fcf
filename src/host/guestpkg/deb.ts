// Unpacking a .deb's data archive into a directory with the host's dpkg-deb
// (it handles every compression Debian uses; no maintainer scripts run).
import { GuestPkgError } from './errors.js';
import { INSTALL_TOOLS_HINT } from './fetch.js';
import { run } from './run.js';

export async function extractDeb(debPath: string, destDir: string): Promise<void> {
  let res;
  try {
    res = await run('dpkg-deb', ['-x', debPath, destDir]);
  } catch {
    throw new GuestPkgError('dpkg-deb is not available on this host.', INSTALL_TOOLS_HINT);
  }
  if (res.code !== 0) {
    throw new GuestPkgError(`dpkg-deb could not unpack ${debPath}:\n${res.lines.slice(-5).join('\n')}`);
  }
}
