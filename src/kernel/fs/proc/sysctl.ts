// /proc/sys (Linux's proc_sysctl.c): kernel tunables as one-value files.
// Strings follow proc_dostring: a write stops at the first newline.
import { EINVAL } from '../../errno.js';
import type { Kernel } from '../../kernel.js';
import { UTS_RELEASE, UTS_SYSNAME, UTS_VERSION } from '../../version.js';
import { dirEntry, fileEntry, type ProcEntry, type ProcSuper, type ProcStore } from './generic.js';

/** __NEW_UTS_LEN */
const UTS_LEN = 64;
/** PID_MAX_DEFAULT: 32768 for a machine with few CPUs. */
export const PID_MAX = 32768;

function stringStore(set: (s: string) => void, max: number): ProcStore {
  return (data) => {
    let s = '';
    for (let i = 0; i < data.length && data[i] !== 0x0a && data[i] !== 0; i++) s += String.fromCharCode(data[i]);
    if (s.length > max) return -EINVAL;
    set(s);
    return data.length;
  };
}

function kernelDir(k: Kernel, sb: ProcSuper): ProcEntry[] {
  const ro = (name: string, show: () => string) => fileEntry(sb, '', `sys/kernel/${name}`, 0o444, () => show() + '\n');
  return [
    fileEntry(sb, '', 'sys/kernel/domainname', 0o644, () => k.domainname + '\n',
      { store: stringStore((s) => { k.domainname = s; }, UTS_LEN) }),
    fileEntry(sb, '', 'sys/kernel/hostname', 0o644, () => k.hostname + '\n',
      { store: stringStore((s) => { k.hostname = s; }, UTS_LEN) }),
    ro('osrelease', () => UTS_RELEASE),
    ro('ostype', () => UTS_SYSNAME),
    ro('pid_max', () => String(PID_MAX)),
    ro('version', () => UTS_VERSION),
  ];
}

export function sysEntry(k: Kernel, sb: ProcSuper): ProcEntry {
  return dirEntry(sb, '', 'sys', 0o555, () => [dirEntry(sb, '', 'sys/kernel', 0o555, () => kernelDir(k, sb))]);
}
