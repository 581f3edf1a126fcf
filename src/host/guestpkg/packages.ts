// The guest package set, kept as data so it can grow without touching the
// fetcher. The named packages are installed whole; their shared libraries
// are found by following each ELF's DT_NEEDED through the packages apt's
// dependency resolution offers (see closure.ts).

/** Debian suite the guest userland comes from. */
export const GUEST_SUITE = 'trixie';
export const GUEST_COMPONENT = 'main';
export const GUEST_ARCH = 'riscv64';

/** Packages installed into the default root filesystem, by name. */
export const GUEST_PACKAGES: readonly string[] = [
  // The base: files a Debian root has, the shells, and busybox for its applets.
  'base-files',
  'dash',
  'bash',
  'busybox-static',
  'ncurses-base',
  // Text and file tools.
  'coreutils',
  'grep',
  'sed',
  'gawk',
  'findutils',
  'tar',
  'gzip',
  'diffutils',
  'less',
  'vim-tiny',
  'ncurses-bin',
  'hostname',
  'debianutils',
  // Logging in: login(1) with its PAM modules (dlopen'd, so named here).
  'login',
  'login.defs',
  'libpam-modules',
  // unix_chkpwd: pam_unix's helper for checking a password it cannot read itself.
  'libpam-modules-bin',
  'libpam-runtime',
  // Looking at the kernel.
  'procps',
  'util-linux',
  'bsdutils',
  'mount',
  'sysstat',
  'iproute2',
  'e2fsprogs',
  'xfsprogs',
  'btrfs-progs',
  'iptables',
  'strace',
  'udev',
  'systemd',
];

/** Trees not wanted in the guest: documentation, manuals, translations. */
export const DROPPED_PATHS: readonly string[] = [
  'usr/share/doc',
  'usr/share/man',
  'usr/share/info',
  'usr/share/locale',
  'usr/share/lintian',
  'usr/share/bug',
  'usr/share/bash-completion',
  'usr/share/zsh',
  'usr/share/fish',
];

/**
 * The alternatives Debian's postinst scripts set with update-alternatives:
 * link -> /etc/alternatives/<name> -> the first target that exists.
 */
export const ALTERNATIVES: ReadonlyArray<{ name: string; link: string; targets: readonly string[] }> = [
  { name: 'awk', link: '/usr/bin/awk', targets: ['/usr/bin/gawk'] },
  { name: 'nawk', link: '/usr/bin/nawk', targets: ['/usr/bin/gawk'] },
  { name: 'pager', link: '/usr/bin/pager', targets: ['/usr/bin/less'] },
  { name: 'editor', link: '/usr/bin/editor', targets: ['/usr/bin/vim.tiny'] },
  { name: 'vi', link: '/usr/bin/vi', targets: ['/usr/bin/vim.tiny'] },
  { name: 'view', link: '/usr/bin/view', targets: ['/usr/bin/vim.tiny'] },
  { name: 'ex', link: '/usr/bin/ex', targets: ['/usr/bin/vim.tiny'] },
  { name: 'which', link: '/usr/bin/which', targets: ['/usr/bin/which.debianutils'] },
  { name: 'sar', link: '/usr/bin/sar', targets: ['/usr/bin/sar.sysstat'] },
  { name: 'iptables', link: '/usr/sbin/iptables', targets: ['/usr/sbin/iptables-nft'] },
  { name: 'iptables-restore', link: '/usr/sbin/iptables-restore', targets: ['/usr/sbin/iptables-nft-restore'] },
  { name: 'iptables-save', link: '/usr/sbin/iptables-save', targets: ['/usr/sbin/iptables-nft-save'] },
  { name: 'ip6tables', link: '/usr/sbin/ip6tables', targets: ['/usr/sbin/ip6tables-nft'] },
  { name: 'ip6tables-restore', link: '/usr/sbin/ip6tables-restore', targets: ['/usr/sbin/ip6tables-nft-restore'] },
  { name: 'ip6tables-save', link: '/usr/sbin/ip6tables-save', targets: ['/usr/sbin/ip6tables-nft-save'] },
];

/** Direct links postinst scripts make outside the alternatives system. */
export const POSTINST_LINKS: ReadonlyArray<{ link: string; target: string }> = [
  { link: '/usr/bin/sh', target: 'dash' }, // dash's postinst: /bin/sh is dash
];

/** Files postinst scripts copy from a package's templates into place. */
export const POSTINST_COPIES: ReadonlyArray<{ from: string; to: string; mode: number }> = [
  { from: '/usr/share/base-files/profile', to: '/etc/profile', mode: 0o644 },
  { from: '/usr/share/base-files/motd', to: '/etc/motd', mode: 0o644 },
  { from: '/usr/share/base-files/dot.profile', to: '/root/.profile', mode: 0o644 },
  { from: '/usr/share/base-files/dot.bashrc', to: '/root/.bashrc', mode: 0o644 },
];

/** Where busybox's applet links go: off PATH, so the real tools win. */
export const BUSYBOX_APPLET_DIR = 'usr/libexec/busybox';

/**
 * Bumped whenever the assembled layout changes, so existing caches are
 * rebuilt instead of silently kept.
 */
export const ROOTFS_LAYOUT_VERSION = 6;
