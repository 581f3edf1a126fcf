// Guest package fetcher: the default riscv64 root filesystem, fetched from
// Debian with the host's apt and kept in the cache. Node-only.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GuestPkgError, ROOTFS_HINT } from './errors.js';
import { aptDownload, aptUpdate, checkHostTools } from './fetch.js';
import { libraryClosure, type UnpackedPackage } from './closure.js';
import { showPackages, simulateInstall } from './resolve.js';

import { manifestPackages, stampMatches, writeManifest, writeStamp } from './manifest.js';
import { BUSYBOX_APPLET_DIR, GUEST_ARCH, GUEST_PACKAGES, GUEST_SUITE } from './packages.js';
import { cacheDir, cacheLayout, defaultRootfsDir, packageVersion } from './paths.js';
import { formatBytes, Progress } from './progress.js';
import { assembleRootfs, unpackOnce } from './rootfs.js';
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
  return stampMatches(c.stamp, packageVersion()) && existsSync(join(c.rootfs, 'usr', 'bin', 'bash'));
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
  return withCacheLock(
    c.root,
    () => progress.line(`tuxglass: waiting for another process assembling ${c.rootfs}`),
    async () => {
      // Another process may have finished while we waited for the lock.
      if (!opts.force && rootfsReady()) return c.rootfs;
      checkHostTools();
      const started = Date.now();
      rmSync(c.stamp, { force: true });
      const cfg = await aptUpdate(c.apt, progress, !opts.force);

      progress.line(`tuxglass: resolving ${GUEST_PACKAGES.length} packages and their dependencies`);
      const universe = await simulateInstall(cfg, GUEST_PACKAGES);
      // Every dependency is a candidate; only those providing a needed library stay.
      const libs = [...universe.keys()].filter((n) => !GUEST_PACKAGES.includes(n));
      const records = await showPackages(cfg, [...GUEST_PACKAGES, ...libs], universe);
      if (opts.force) rmSync(c.debs, { recursive: true, force: true }); // re-fetch, not just re-verify
      const debs = await aptDownload(cfg, records, c.debs, progress);

      progress.line(`tuxglass: unpacking ${debs.length} packages`);
      const trees = new Map<string, string>();
      for (let i = 0; i < debs.length; i++) {
        progress.status(`  unpacking ${records[i]?.name ?? ''} (${i + 1}/${debs.length})`);
        trees.set(records[i]?.name ?? '', await unpackOnce(debs[i] as string, c.unpacked));
      }
      progress.clearStatus();
      const pkg = (name: string): UnpackedPackage => ({ name, dir: trees.get(name) as string });
      const closure = libraryClosure(GUEST_PACKAGES.map(pkg), libs.map(pkg));
      if (closure.unresolved.length > 0) {
        throw new GuestPkgError(
          `No package in the dependency closure provides ${closure.unresolved.slice(0, 5).join(', ')}.`,
          `The ${GUEST_SUITE} package set may have changed. ${ROOTFS_HINT}`,
        );
      }
      const chosen = records.filter((r) => closure.packages.includes(r.name));
      progress.line(`tuxglass: ${GUEST_PACKAGES.length} named packages need ${chosen.length - GUEST_PACKAGES.length} library packages (DT_NEEDED closure)`);

      progress.line(`tuxglass: assembling ${c.rootfs}`);
      const { applets, bytes } = await assembleRootfs(
        chosen.map((r) => trees.get(r.name) as string),
        c.rootfs,
      );
      writeManifest(c.manifest, {
        suite: GUEST_SUITE,
        architecture: GUEST_ARCH,
        mirror: cfg.mirror,
        created: new Date().toISOString(),
        rootfsBytes: bytes,
        applets: applets.length,
        packages: manifestPackages(chosen),
      });
      writeStamp(c.stamp, packageVersion());
      const debBytes = chosen.reduce((n, r) => n + r.size, 0);
      progress.line(`tuxglass: root filesystem ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${c.rootfs}`);
      progress.line(
        `tuxglass: ${chosen.length} packages, ${formatBytes(debBytes)} of .debs, ${formatBytes(bytes)} unpacked; busybox applets in /${BUSYBOX_APPLET_DIR}`,
      );
      return c.rootfs;
    },
  );
}

/** A readable one-paragraph explanation of a fetch failure. */
export function describeFetchError(e: unknown): string {
  if (e instanceof GuestPkgError) return e.hint ? `${e.message}\n${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
