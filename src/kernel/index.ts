// The kernel's public face for hosts: build a machine and run a program.
import './syscalls/all.js';
import { Kernel, type KernelOptions } from './kernel.js';
import { setupDevices, startInit } from './boot/setup.js';
import { bootBanner } from './boot/messages.js';

export { Kernel } from './kernel.js';
export type { HostServices, HostConsole, HostStream } from './host.js';
export type { ImageSource, ImageNode } from './fs/image.js';

export function createKernel(opts: KernelOptions): Kernel {
  const k = new Kernel(opts);
  bootBanner(k);
  setupDevices(k);
  return k;
}

export { startInit };
