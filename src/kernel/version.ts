// What uname(2) and /proc/version say about this kernel.
export const UTS_SYSNAME = 'Linux';
export const UTS_RELEASE = '6.12.0-tuxglass';
export const UTS_VERSION = '#1 SMP PREEMPT_DYNAMIC Thu Nov 26 00:00:00 UTC 2026';
export const UTS_MACHINE = 'riscv64';
export const LINUX_VERSION = 'Linux version 6.12.0-tuxglass (tuxglass@tuxglass) (TypeScript) #1 SMP PREEMPT_DYNAMIC Thu Nov 26 00:00:00 UTC 2026';
