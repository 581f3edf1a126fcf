// The board's entropy source through Linux's hw_random core: the
// timeriomem_rng driver (drivers/char/hw_random/timeriomem-rng.c) reads its
// 32-bit register, and /dev/hwrng (misc 10:183, rng_dev_read) hands the
// words out.
import type { Kernel } from '../../../kernel.js';
import type { FileOps } from '../../../fs/file.js';
import { ioremap } from '../../../lib/iomem.js';
import { platformResourceName } from '../../../resource.js';
import { VIRT_RNG } from '../../../../machine/memmap.js';

export const HWRNG_MAJOR = 10,
  HWRNG_MINOR = 183;

export function hwrngOps(k: Kernel): FileOps {
  const io = ioremap(k.machine.bus, VIRT_RNG.base);
  // timeriomem_rng_probe claims its register (devm_platform_get_and_ioremap_resource).
  k.iomem.insert(platformResourceName(VIRT_RNG.base, 'rng', 'rng'), VIRT_RNG.base, VIRT_RNG.size);
  return {
    read: (_f, buf) => {
      for (let i = 0; i < buf.length; i += 4) {
        const w = io.readl(0);
        for (let j = 0; j < 4 && i + j < buf.length; j++) buf[i + j] = (w >>> (8 * j)) & 0xff;
      }
      return buf.length;
    },
    stream: true,
  };
}
