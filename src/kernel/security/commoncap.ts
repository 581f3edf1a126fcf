// POSIX capabilities as Linux keeps them (include/uapi/linux/capability.h,
// kernel/capability.c, security/commoncap.c): the five sets of a credential,
// securebits, capable(), the fix-ups of a uid change and the transformation
// of the sets at execve, as capabilities(7) gives them. Sets are bigints of
// CAP_LAST_CAP + 1 bits.
import type { Cred } from '../sched/task.js';

export const CAP_CHOWN = 0,
  CAP_DAC_OVERRIDE = 1,
  CAP_DAC_READ_SEARCH = 2,
  CAP_FOWNER = 3,
  CAP_FSETID = 4,
  CAP_KILL = 5,
  CAP_SETGID = 6,
  CAP_SETUID = 7,
  CAP_SETPCAP = 8,
  CAP_LINUX_IMMUTABLE = 9,
  CAP_NET_BIND_SERVICE = 10,
  CAP_NET_BROADCAST = 11,
  CAP_NET_ADMIN = 12,
  CAP_NET_RAW = 13,
  CAP_IPC_LOCK = 14,
  CAP_IPC_OWNER = 15,
  CAP_SYS_MODULE = 16,
  CAP_SYS_RAWIO = 17,
  CAP_SYS_CHROOT = 18,
  CAP_SYS_PTRACE = 19,
  CAP_SYS_PACCT = 20,
  CAP_SYS_ADMIN = 21,
  CAP_SYS_BOOT = 22,
  CAP_SYS_NICE = 23,
  CAP_SYS_RESOURCE = 24,
  CAP_SYS_TIME = 25,
  CAP_SYS_TTY_CONFIG = 26,
  CAP_MKNOD = 27,
  CAP_LEASE = 28,
  CAP_AUDIT_WRITE = 29,
  CAP_AUDIT_CONTROL = 30,
  CAP_SETFCAP = 31,
  CAP_MAC_OVERRIDE = 32,
  CAP_MAC_ADMIN = 33,
  CAP_SYSLOG = 34,
  CAP_WAKE_ALARM = 35,
  CAP_BLOCK_SUSPEND = 36,
  CAP_AUDIT_READ = 37,
  CAP_PERFMON = 38,
  CAP_BPF = 39,
  CAP_CHECKPOINT_RESTORE = 40;

/** CAP_LAST_CAP in 6.12 (CAP_CHECKPOINT_RESTORE). */
export const CAP_LAST_CAP = 40;
export const CAP_FULL_SET = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;
export const capBit = (cap: number) => 1n << BigInt(cap);
export const capValid = (cap: number) => cap >= 0 && cap <= CAP_LAST_CAP;

/** What a change of fsuid from/to 0 removes from/restores to the effective set (CAP_FS_MASK). */
const CAP_FS_MASK = [CAP_CHOWN, CAP_MKNOD, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_LINUX_IMMUTABLE, CAP_MAC_OVERRIDE].reduce(
  (m, c) => m | capBit(c),
  0n,
);

// securebits (include/uapi/linux/securebits.h): each flag with its lock bit just above it.
export const SECURE_NOROOT = 0,
  SECURE_NO_SETUID_FIXUP = 2,
  SECURE_KEEP_CAPS = 4,
  SECURE_NO_CAP_AMBIENT_RAISE = 6;
export const SECBIT_KEEP_CAPS = 1 << SECURE_KEEP_CAPS;
export const SECURE_ALL_BITS = 0x55,
  SECURE_ALL_LOCKS = SECURE_ALL_BITS << 1;
export const issecure = (c: Cred, bit: number) => (c.securebits & (1 << bit)) !== 0;

/** capable(): the one place a permission check asks for a capability (in the initial user namespace). */
export function capable(c: Cred, cap: number): boolean {
  return (c.capEff & capBit(cap)) !== 0n;
}

/** inode_owner_or_capable: the caller's fsuid owns the inode, or it has CAP_FOWNER. */
export function ownerOrCapable(c: Cred, inode: { uid: number }): boolean {
  return c.fsuid === inode.uid || capable(c, CAP_FOWNER);
}

export interface Uids {
  uid: number;
  euid: number;
  suid: number;
  fsuid: number;
}

/** cap_task_fix_setuid: what a change of user ids does to the sets (capabilities(7), "Effect of user ID changes"). */
export function fixSetuid(c: Cred, old: Uids): void {
  if (issecure(c, SECURE_NO_SETUID_FIXUP)) return;
  const wasRoot = old.uid === 0 || old.euid === 0 || old.suid === 0;
  const noneRoot = c.uid !== 0 && c.euid !== 0 && c.suid !== 0;
  if (wasRoot && noneRoot) {
    if (!issecure(c, SECURE_KEEP_CAPS)) {
      c.capPrm = 0n;
      c.capEff = 0n;
    }
    c.capAmb = 0n;
  }
  if (old.euid === 0 && c.euid !== 0) c.capEff = 0n;
  if (old.euid !== 0 && c.euid === 0) c.capEff = c.capPrm;
  if (old.fsuid === 0 && c.fsuid !== 0) c.capEff &= ~CAP_FS_MASK;
  if (old.fsuid !== 0 && c.fsuid === 0) c.capEff |= c.capPrm & CAP_FS_MASK;
}

/** cap_task_fix_setuid for setfsuid alone (LSM_SETID_FS). */
export function fixSetfsuid(c: Cred, oldFsuid: number): void {
  if (issecure(c, SECURE_NO_SETUID_FIXUP)) return;
  if (oldFsuid === 0 && c.fsuid !== 0) c.capEff &= ~CAP_FS_MASK;
  if (oldFsuid !== 0 && c.fsuid === 0) c.capEff |= c.capPrm & CAP_FS_MASK;
}

// ---- file capabilities: the security.capability xattr (struct vfs_ns_cap_data) ----

export const XATTR_NAME_CAPS = 'security.capability';
const VFS_CAP_REVISION_MASK = 0xff000000,
  VFS_CAP_REVISION_1 = 0x01000000,
  VFS_CAP_REVISION_2 = 0x02000000,
  VFS_CAP_REVISION_3 = 0x03000000,
  VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

export interface FileCaps {
  permitted: bigint;
  inheritable: bigint;
  effective: boolean;
  rootid: number;
}

/** get_vfs_caps_from_disk: the file's capabilities, or null when it has none (or they do not parse). */
export function parseFileCaps(v: Uint8Array | null | undefined): FileCaps | null {
  if (!v || v.length < 4) return null;
  const d = new DataView(v.buffer, v.byteOffset, v.length);
  const magic = d.getUint32(0, true);
  const rev = (magic & VFS_CAP_REVISION_MASK) >>> 0;
  const words = rev === VFS_CAP_REVISION_1 ? 1 : 2;
  const size = rev === VFS_CAP_REVISION_1 ? 12 : rev === VFS_CAP_REVISION_2 ? 20 : rev === VFS_CAP_REVISION_3 ? 24 : -1;
  if (size < 0 || v.length !== size) return null;
  let permitted = 0n,
    inheritable = 0n;
  for (let i = 0; i < words; i++) {
    permitted |= BigInt(d.getUint32(4 + i * 8, true)) << BigInt(32 * i);
    inheritable |= BigInt(d.getUint32(8 + i * 8, true)) << BigInt(32 * i);
  }
  return {
    permitted: permitted & CAP_FULL_SET,
    inheritable: inheritable & CAP_FULL_SET,
    effective: (magic & VFS_CAP_FLAGS_EFFECTIVE) !== 0,
    rootid: rev === VFS_CAP_REVISION_3 ? d.getUint32(20, true) : 0,
  };
}

/**
 * cap_bprm_creds_from_file: the sets after execve of a file (capabilities(7),
 * "Transformation of capabilities during execve()"), the ids already changed
 * by any set-user-ID or set-group-ID bit. Returns whether the exec is secure
 * (AT_SECURE).
 */
export function bprmCaps(c: Cred, fcaps: FileCaps | null): boolean {
  const oldPrm = c.capPrm;
  let fP = 0n,
    fI = 0n,
    fE = false,
    hasFcap = false;
  if (fcaps) {
    fP = fcaps.permitted;
    fI = fcaps.inheritable;
    fE = fcaps.effective;
    hasFcap = true;
  }
  let prm = (c.capInh & fI) | (fP & c.capBnd);
  // Root is privileged however the file is marked, unless SECBIT_NOROOT says otherwise.
  if (!issecure(c, SECURE_NOROOT) && (c.euid === 0 || c.uid === 0)) {
    prm = c.capBnd | c.capInh;
    fE = fE || c.euid === 0;
    // A set-user-ID-root file with file capabilities too: the root rule wins (warned about on Linux).
  }
  const isSetid = c.euid !== c.uid || c.egid !== c.gid;
  if (hasFcap || isSetid) c.capAmb = 0n;
  prm |= c.capAmb;
  c.capPrm = prm;
  c.capEff = fE ? prm : c.capAmb;
  c.suid = c.fsuid = c.euid;
  c.sgid = c.fsgid = c.egid;
  const grew = (prm & ~oldPrm) !== 0n;
  return isSetid || (c.uid !== 0 && (fE || grew) && (prm & ~c.capAmb) !== 0n);
}

/** /proc/PID/status's Cap* lines: 16 hex digits. */
export const capHex = (set: bigint) => set.toString(16).padStart(16, '0');
