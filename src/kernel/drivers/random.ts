// The ioctls of /dev/random and /dev/urandom (random_ioctl in
// drivers/char/random.c). Since Linux 5.18 the pool is a CRNG that is always
// fully seeded once booted, so the entropy count reads as POOL_BITS (256);
// the calls that credit or clear entropy need CAP_SYS_ADMIN and, with the
// host's generator behind the device, have nothing further to change.
import { EFAULT, EINVAL, EPERM } from '../errno.js';
import type { IoctlIo } from '../fs/file.js';
import type { Task } from '../sched/task.js';
import { CAP_SYS_ADMIN, capable } from '../security/commoncap.js';

const RNDGETENTCNT = 0x80045200,
  RNDADDTOENTCNT = 0x40045201,
  RNDGETPOOL = 0x80085202,
  RNDADDENTROPY = 0x40085203,
  RNDZAPENTCNT = 0x5204,
  RNDCLEARPOOL = 0x5206,
  RNDRESEEDCRNG = 0x5207;
const POOL_BITS = 256;

export function randomIoctl(current: Task | null, cmd: number, arg: number, io: IoctlIo): number {
  const admin = current !== null && capable(current.cred, CAP_SYS_ADMIN);
  switch (cmd) {
    case RNDGETENTCNT: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, POOL_BITS, true);
      return io.write(arg, b) ? 0 : -EFAULT;
    }
    case RNDADDTOENTCNT:
      if (!admin) return -EPERM;
      return io.read(arg, 4) ? 0 : -EFAULT;
    case RNDADDENTROPY: {
      if (!admin) return -EPERM;
      const h = io.read(arg, 8);
      if (!h) return -EFAULT;
      const dv = new DataView(h.buffer, h.byteOffset);
      const count = dv.getInt32(0, true),
        size = dv.getInt32(4, true);
      if (count < 0 || size < 0) return -EINVAL;
      return size === 0 || io.read(arg + 8, size) ? 0 : -EFAULT;
    }
    case RNDZAPENTCNT:
    case RNDCLEARPOOL:
    case RNDRESEEDCRNG:
      return admin ? 0 : -EPERM;
    case RNDGETPOOL: // removed in 2.6.9
    default:
      return -EINVAL;
  }
}
