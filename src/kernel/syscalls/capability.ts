// capget(2), capset(2) (kernel/capability.c): the header's version decides
// how many 32-bit words each set has; the rules of capset are cap_capset's.
import { EFAULT, EINVAL, EPERM, ESRCH } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SyscallArgs } from './args.js';
import type { SyscallResult } from './result.js';
import { findTask } from '../fs/proc/pid.js';
import { CAP_FULL_SET, CAP_SETPCAP, capable } from '../security/commoncap.js';

const _LINUX_CAPABILITY_VERSION_1 = 0x19980330,
  _LINUX_CAPABILITY_VERSION_2 = 0x20071026,
  _LINUX_CAPABILITY_VERSION_3 = 0x20080522;

/** cap_validate_magic: the words per set, or -EINVAL after writing the preferred version back. */
function validateHeader(t: Task, hdr: number): { words: number; pid: number } | number {
  const b = t.mm.read(hdr, 8);
  if (!b) return -EFAULT;
  const v = new DataView(b.buffer, b.byteOffset, 8);
  const version = v.getUint32(0, true);
  const pid = v.getInt32(4, true);
  if (version === _LINUX_CAPABILITY_VERSION_1) return { words: 1, pid };
  if (version === _LINUX_CAPABILITY_VERSION_2 || version === _LINUX_CAPABILITY_VERSION_3) return { words: 2, pid };
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, _LINUX_CAPABILITY_VERSION_3, true);
  return t.mm.write(hdr, out) ? -EINVAL : -EFAULT;
}

export function sys_capget(k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const hdr = validateHeader(t, a.ulong(0));
  const data = a.ulong(1);
  // A probe of the version: a bad one with no data pointer is not an error.
  if (typeof hdr === 'number') return hdr === -EINVAL && !data ? 0 : hdr;
  if (!data) return 0;
  if (hdr.pid < 0) return -EINVAL;
  const target = hdr.pid && hdr.pid !== t.pid ? findTask(k, hdr.pid) : t;
  if (!target) return -ESRCH;
  const c = target.cred;
  const b = new Uint8Array(12 * hdr.words);
  const v = new DataView(b.buffer);
  for (let i = 0; i < hdr.words; i++) {
    const sh = BigInt(32 * i);
    v.setUint32(i * 12, Number((c.capEff >> sh) & 0xffffffffn), true);
    v.setUint32(i * 12 + 4, Number((c.capPrm >> sh) & 0xffffffffn), true);
    v.setUint32(i * 12 + 8, Number((c.capInh >> sh) & 0xffffffffn), true);
  }
  return t.mm.write(data, b) ? 0 : -EFAULT;
}

const subset = (a: bigint, b: bigint) => (a & ~b) === 0n;

export function sys_capset(_k: Kernel, t: Task, a: SyscallArgs): SyscallResult {
  const hdr = validateHeader(t, a.ulong(0));
  if (typeof hdr === 'number') return hdr;
  // Only the caller's own sets may be changed (no CAP_SETPCAP over others since 2.6.24).
  if (hdr.pid !== 0 && hdr.pid !== t.pid) return -EPERM;
  const b = t.mm.read(a.ulong(1), 12 * hdr.words);
  if (!b) return -EFAULT;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  let eff = 0n,
    prm = 0n,
    inh = 0n;
  for (let i = 0; i < hdr.words; i++) {
    const sh = BigInt(32 * i);
    eff |= BigInt(v.getUint32(i * 12, true)) << sh;
    prm |= BigInt(v.getUint32(i * 12 + 4, true)) << sh;
    inh |= BigInt(v.getUint32(i * 12 + 8, true)) << sh;
  }
  eff &= CAP_FULL_SET;
  prm &= CAP_FULL_SET;
  inh &= CAP_FULL_SET;
  const c = t.cred;
  // cap_capset: inheritable grows only within permitted (or with CAP_SETPCAP), and never past the bounding set;
  // permitted only shrinks; effective stays within permitted.
  if (!capable(c, CAP_SETPCAP) && !subset(inh, c.capInh | c.capPrm)) return -EPERM;
  if (!subset(inh, c.capInh | c.capBnd)) return -EPERM;
  if (!subset(prm, c.capPrm)) return -EPERM;
  if (!subset(eff, prm)) return -EPERM;
  c.capEff = eff;
  c.capPrm = prm;
  c.capInh = inh;
  c.capAmb &= prm & inh;
  return 0;
}
