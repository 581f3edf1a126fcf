// Guest package fetcher: the default riscv64 root filesystem, fetched from
// Debian with the host's apt and kept in the cache. Node-only.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GuestPkgError } from './errors.js';
import { aptDownload, aptUpdate, checkHostTools, showPackage } from './fetch.js';
import { manifestPackages, stampMatches, writeManifest, writeStamp } from './manifest.js';
import { GUEST_ARCH, GUEST_PACKAGES, GUEST_SUITE } from './packages.js';
import { cacheDir, cacheLayout, defaultRootfsDir, packageVersion } from './paths.js';
import { formatBytes, Progress } from './progress.js';
import { assembleRootfs } from './rootfs.js';
import { withCacheLock } from './lock.js';

export { cacheDir, defaultRootfsDir } from './paths.js';
export { GuestPkgError } from './errors.js';
export { readManifest, type Manifest } from './manifest.js';

export interface EnsureRootfsOptions {
  quiet?: boolean;
  log?: (line: string) => void;
  /** Fetch and assemble again even if the cache is complete. */
  force?: boolean;
}

/** Whether the cached root is complete and was built by this tuxglass version. */
export function rootfsReady(): boolean {
  const c = cacheLayout();
  return stampMatches(c.stamp, packageVersion()) && existsSync(join(c.rootfs, 'bin', 'busybox'));
}

/**
 * Returns defaultRootfsDir() once it holds the assembled guest root, fetching
 * and assembling it first unless already cached (then no network is used).
 */
export async function ensureRootfs(opts: EnsureRootfsOptions = {}): Promise<string> {
  if (!opts.force && rootfsReady()) return defaultRootfsDir();
  const progress = new Progress(opts);
  const c = cacheLayout(cacheDir());
  mkdirSync(c.root, { recursive: true });
  return withCacheLock(c.root, () => progress.line(`tuxglass: waiting for another process assembling ${c.rootfs}`), async () => {
    // Another process may have finished while we waited for the lock.
    if (!opts.force && rootfsReady()) return c.rootfs;
    checkHostTools();
    const started = Date.now();
    rmSync(c.stamp, { force: true });
    const cfg = await aptUpdate(c.apt, progress, !opts.force);
    const records = [];
    for (const name of GUEST_PACKAGES) records.push(await showPackage(cfg, name));
    if (opts.force) rmSync(c.debs, { recursive: true, force: true }); // re-fetch, not just re-verify
    const debs = await aptDownload(cfg, records, c.debs, progress);
    progress.line(`tuxglass: assembling ${c.rootfs}`);
    const { applets, bytes } = await assembleRootfs(debs, c.rootfs);
    writeManifest(c.manifest, {
      suite: GUEST_SUITE,
      architecture: GUEST_ARCH,
      mirror: cfg.mirror,
      created: new Date().toISOString(),
      rootfsBytes: bytes,
      applets: applets.length,
      packages: manifestPackages(records),
    });
    writeStamp(c.stamp, packageVersion());
    const versions = records.map((r) => `${r.name} ${r.version}`).join(', ');
    progress.line(`tuxglass: root filesystem ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.rootfs} (${formatBytes(bytes)}; ${versions}; ${applets.length} busybox applets)`);
    return c.rootfs;
  });
}

/** A readable one-paragraph explanation of a fetch failure. */
export function describeFetchError(e: unknown): string {
  if (e instanceof GuestPkgError) return e.hint ? `${e.message}\n${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
