// The kernel's public face for hosts: build a machine and run a program.
import { Kernel, type KernelOptions } from './kernel.js';
import { setupDevices, startInit } from './boot/setup.js';
import { bootBanner } from './boot/messages.js';
import { populateRootfs, populateRootfsAsync } from './boot/initramfs.js';
import { kernelInit, consoleSelected } from './boot/init.js';
import { defaultRootfs } from './boot/noinitramfs.js';
import { parseBootParams } from './boot/params.js';
import { serial8250ConsoleWrite } from './drivers/tty/serial/8250_port.js';
import { ioremap } from './lib/iomem.js';
import { VIRT_UART0 } from '../machine/memmap.js';

export { Kernel } from './kernel.js';
export { Machine } from '../machine/machine.js';
export type { MachineBackends, MachineOptions } from '../machine/machine.js';
export type { Shutdown } from './kernel.js';
export type { HostServices, HostConsole, HostStream } from './host.js';
export type { ImageSource, ImageNode } from './fs/image.js';

/**
 * A machine. With `initrd` it boots as Linux does: the kernel log goes to
 * the console (ttyS0), the initramfs is unpacked into the rootfs, and
 * `kernelInit` then starts init from it; without, `startInit` runs one
 * program on the host image.
 */
export function createKernel(opts: KernelOptions): Kernel {
  const { k, initrd } = setupKernel(opts, opts.initrd !== undefined);
  if (initrd) populateRootfs(k, initrd);
  return k;
}

/**
 * A booted machine, its initramfs unpacked beside the host's event loop
 * (populateRootfsAsync): what a host that must stay responsive uses.
 * Without an initramfs the rootfs holds only what init/noinitramfs.c makes
 * (/dev/console and /root), and kernelInit mounts root= over it.
 */
export async function bootKernel(opts: KernelOptions): Promise<Kernel> {
  const { k, initrd } = setupKernel(opts, true);
  if (initrd) await populateRootfsAsync(k, initrd);
  else defaultRootfs(k);
  return k;
}

/** Everything of start_kernel before populate_rootfs; the initramfs to unpack, if any. */
function setupKernel(opts: KernelOptions, boot: boolean): { k: Kernel; initrd: Uint8Array | undefined } {
  const k = new Kernel(opts);
  const initrd = opts.initrd;
  if (initrd) {
    // The image is the kernel's until unpacked, then freed.
    opts.initrd = undefined;
    k.bootedInitramfs = true;
  }
  if (boot) {
    k.booted = true;
    if (consoleSelected(parseBootParams(k.cmdline))) {
      // The kernel log's console is the UART (console=ttyS0): printk writes through THR.
      const enc = new TextEncoder(),
        io = ioremap(k.machine.bus, VIRT_UART0.base);
      k.log.onConsole = (line) => serial8250ConsoleWrite(io, enc.encode(line));
    }
  }
  bootBanner(k);
  setupDevices(k, { mountPseudo: !boot });
  return { k, initrd };
}

export { startInit, kernelInit };
