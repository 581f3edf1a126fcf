// Socket-level ancillary data (net/core/scm.c): the SOL_SOCKET control
// messages of sendmsg (SCM_RIGHTS, SCM_CREDENTIALS) read from user memory,
// and the ones recvmsg hands back, cut to the caller's control buffer.
// struct cmsghdr on riscv64: u64 cmsg_len, i32 level, i32 type, data (8-aligned).
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { File } from '../fs/file.js';
import { EBADF, EFAULT, EINVAL, EPERM, ESRCH } from '../errno.js';
import { AF_UNIX, type Scm, type Socket, type UCred } from './socket.js';
import { SOL_SOCKET } from './sock.js';
import { CAP_SETGID, CAP_SETUID, CAP_SYS_ADMIN, capable } from '../security/commoncap.js';

export const SCM_RIGHTS = 1,
  SCM_CREDENTIALS = 2;
/** Most descriptors one message may carry. */
export const SCM_MAX_FD = 253;
const CMSG_HDR = 16;
const align = (n: number) => (n + 7) & ~7;
/** The overflow ids a receiver sees for credentials it cannot map. */
const OVERFLOW_ID = 65534;

/** scm_check_creds: only one's own pid and ids, unless CAP_SYS_ADMIN (pid), CAP_SETUID (uid), CAP_SETGID (gid). */
function checkCreds(t: Task, c: UCred): number {
  if (c.uid === 0xffffffff || c.gid === 0xffffffff) return -EINVAL;
  const cr = t.cred;
  const pidOk = c.pid === t.pid || capable(cr, CAP_SYS_ADMIN);
  const uidOk = c.uid === cr.uid || c.uid === cr.euid || c.uid === cr.suid || capable(cr, CAP_SETUID);
  const gidOk = c.gid === cr.gid || c.gid === cr.egid || c.gid === cr.sgid || capable(cr, CAP_SETGID);
  return pidOk && uidOk && gidOk ? 0 : -EPERM;
}

/** __scm_send: parse the control buffer. Descriptors come back as borrowed files (the sender keeps its own). */
export function scmSend(k: Kernel, t: Task, s: Socket, addr: number, len: number): Scm | number {
  if (len > 1 << 16) return -EINVAL;
  const buf = t.mm.read(addr, len);
  if (!buf) return -EFAULT;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const scm: Scm = { files: [] };
  for (let off = 0; off + CMSG_HDR <= len;) {
    const clen = Number(dv.getBigUint64(off, true));
    if (clen < CMSG_HDR || clen > len - off) return -EINVAL;
    const level = dv.getInt32(off + 8, true),
      type = dv.getInt32(off + 12, true);
    if (level === SOL_SOCKET) {
      if (type === SCM_RIGHTS) {
        if (s.family !== AF_UNIX) return -EINVAL;
        const n = Math.floor((clen - CMSG_HDR) / 4);
        if (n > 0) {
          if (scm.files.length + n > SCM_MAX_FD) return -EINVAL;
          for (let i = 0; i < n; i++) {
            const f = t.files.get(dv.getInt32(off + CMSG_HDR + i * 4, true));
            if (!f) return -EBADF;
            scm.files.push(f);
          }
        }
      } else if (type === SCM_CREDENTIALS) {
        if (clen !== CMSG_HDR + 12) return -EINVAL;
        const c = { pid: dv.getInt32(off + 16, true), uid: dv.getUint32(off + 20, true), gid: dv.getUint32(off + 24, true) };
        const e = checkCreds(t, c);
        if (e < 0) return e;
        if (!k.pids.findThreadGroup(c.pid)) return -ESRCH;
        scm.cred = c;
      } else return -EINVAL;
    }
    off += align(clen);
  }
  return scm;
}

/**
 * scm_recv: the credentials (when asked for) and the descriptors, installed
 * in the receiver as far as the control buffer holds them; what does not
 * fit is closed and MSG_CTRUNC set. `files` are references owned here;
 * `install` takes one (puts it on failure) and returns the new fd or -errno.
 */
export function scmRecv(
  install: (f: File) => number,
  cred: UCred | null | undefined,
  files: File[] | undefined,
  room: number,
): { bytes: Uint8Array; flags: number } {
  const MSG_CTRUNC = 8;
  const parts: Uint8Array[] = [];
  let used = 0,
    flags = 0;
  const put = (type: number, data: Uint8Array) => {
    const left = room - used;
    if (left < CMSG_HDR) {
      flags |= MSG_CTRUNC;
      return;
    }
    let cmlen = CMSG_HDR + data.length;
    if (left < cmlen) {
      flags |= MSG_CTRUNC;
      cmlen = left;
    }
    const b = new Uint8Array(Math.min(align(CMSG_HDR + data.length), left));
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(cmlen), true);
    dv.setInt32(8, SOL_SOCKET, true);
    dv.setInt32(12, type, true);
    b.set(data.subarray(0, cmlen - CMSG_HDR), CMSG_HDR);
    parts.push(b);
    used += b.length;
  };
  if (cred !== undefined) {
    const b = new Uint8Array(12);
    const dv = new DataView(b.buffer);
    // An skb sent with nobody asking carries none: pid 0 and the overflow ids.
    dv.setInt32(0, cred?.pid ?? 0, true);
    dv.setUint32(4, cred?.uid ?? OVERFLOW_ID, true);
    dv.setUint32(8, cred?.gid ?? OVERFLOW_ID, true);
    put(SCM_CREDENTIALS, b);
  }
  if (files?.length) {
    // scm_detach_fds: as many as fit after a header; the rest are dropped.
    const left = room - used;
    const fdmax = left > CMSG_HDR ? Math.min(files.length, Math.floor((left - CMSG_HDR) / 4)) : 0;
    const fds: number[] = [];
    let i = 0;
    for (; i < fdmax; i++) {
      const fd = install(files[i]);
      if (fd < 0) {
        i++;
        break;
      }
      fds.push(fd);
    }
    for (; i < files.length; i++) files[i].put();
    if (fds.length) {
      const data = new Uint8Array(fds.length * 4);
      const dv = new DataView(data.buffer);
      fds.forEach((fd, j) => dv.setInt32(j * 4, fd, true));
      put(SCM_RIGHTS, data);
    }
    if (fds.length < files.length) flags |= MSG_CTRUNC;
  }
  const out = new Uint8Array(used);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { bytes: out, flags };
}
