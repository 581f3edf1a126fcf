// The small configuration files a Debian base system gets from base-files and
// base-passwd and that postinst scripts leave, reduced to what the guest
// needs. Pure data. /etc/profile and /etc/bash.bashrc are Debian's own.

export const HOSTNAME = 'tuxglass';

// Same names and ids as Debian's base-passwd.
export const PASSWD =
  [
    'root:x:0:0:root:/root:/bin/bash',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
    'sys:x:3:3:sys:/dev:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
  ].join('\n') + '\n';

export const GROUP =
  [
    'root:x:0:',
    'daemon:x:1:',
    'bin:x:2:',
    'sys:x:3:',
    'adm:x:4:',
    'tty:x:5:',
    'disk:x:6:',
    'wheel:x:10:',
    'kmem:x:15:',
    'dialout:x:20:',
    'cdrom:x:24:',
    'audio:x:29:',
    'video:x:44:',
    'shadow:x:42:',
    'utmp:x:43:',
    'staff:x:50:',
    'users:x:100:',
    'nogroup:x:65534:',
  ].join('\n') + '\n';

export const SHADOW =
  ['root:*:19000:0:99999:7:::', 'daemon:*:19000:0:99999:7:::', 'bin:*:19000:0:99999:7:::', 'sys:*:19000:0:99999:7:::', 'nobody:*:19000:0:99999:7:::'].join(
    '\n',
  ) + '\n';

export const SHELLS = '# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n';

// No block devices yet: the root is the initial tmpfs, as in an initramfs.
export const FSTAB =
  '# /etc/fstab: static file system information.\n#\n# <file system> <mount point>   <type>  <options>       <dump>  <pass>\nproc            /proc           proc    defaults        0       0\n';

export const HOSTS = `127.0.0.1\tlocalhost\n127.0.1.1\t${HOSTNAME}\n::1\t\tlocalhost ip6-localhost ip6-loopback\n`;

export const NSSWITCH = 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n';

/** Busybox's applets, by full path (they live off PATH, see packages.ts). */
const BB = '/usr/libexec/busybox';

/**
 * Busybox init's configuration (`id:runlevels:action:process`; busybox's
 * examples/inittab): at sysinit the pseudo file systems that a booted
 * kernel leaves to userspace and the hostname, then a login shell with job
 * control on the serial console (init gives it its own session and the
 * console as controlling tty), and on shutdown every file system read-only.
 */
export const INITTAB =
  [
    '# /etc/inittab: busybox init',
    `::sysinit:${BB}/mount -t proc proc /proc`,
    `::sysinit:${BB}/mount -t sysfs sysfs /sys`,
    `::sysinit:${BB}/mount -t devtmpfs devtmpfs /dev`,
    `::sysinit:${BB}/mkdir -p /dev/pts /dev/shm /dev/mqueue`,
    `::sysinit:${BB}/mount -t devpts -o gid=5,mode=620,ptmxmode=000 devpts /dev/pts`,
    `::sysinit:${BB}/mount -t tmpfs -o nosuid,nodev tmpfs /dev/shm`,
    `::sysinit:${BB}/mount -t mqueue mqueue /dev/mqueue`,
    `::sysinit:${BB}/hostname -F /etc/hostname`,
    'ttyS0::respawn:-/bin/bash',
    '::ctrlaltdel:/sbin/reboot',
    `::shutdown:${BB}/umount -a -r`,
  ].join('\n') + '\n';

/** Files written under /etc of the assembled root, with their modes. */
export const ETC_FILES: ReadonlyArray<{ path: string; content: string; mode: number }> = [
  { path: 'etc/passwd', content: PASSWD, mode: 0o644 },
  { path: 'etc/group', content: GROUP, mode: 0o644 },
  { path: 'etc/shadow', content: SHADOW, mode: 0o640 },
  { path: 'etc/hostname', content: `${HOSTNAME}\n`, mode: 0o644 },
  { path: 'etc/hosts', content: HOSTS, mode: 0o644 },
  { path: 'etc/fstab', content: FSTAB, mode: 0o644 },
  { path: 'etc/shells', content: SHELLS, mode: 0o644 },
  { path: 'etc/nsswitch.conf', content: NSSWITCH, mode: 0o644 },
  { path: 'etc/inittab', content: INITTAB, mode: 0o644 },
];
