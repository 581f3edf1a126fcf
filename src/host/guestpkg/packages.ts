// The guest package set. Kept as data so it can grow (bash, coreutils,
// procps, ... with a DT_NEEDED library closure) without touching the fetcher.

/** Debian suite the guest userland comes from. */
export const GUEST_SUITE = 'trixie';
export const GUEST_COMPONENT = 'main';
export const GUEST_ARCH = 'riscv64';

/** Packages installed into the default root filesystem. */
export const GUEST_PACKAGES: readonly string[] = ['busybox-static'];

/**
 * Bumped whenever the assembled layout changes, so existing caches are
 * rebuilt instead of silently kept.
 */
export const ROOTFS_LAYOUT_VERSION = 1;
