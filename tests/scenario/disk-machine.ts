// A machine for the disk scenarios: a shell as PID 1 on its console, and a
// disk image as block device 8:0 ("sdz"), in memory. A writable image keeps
// what the guest writes, so the host's e2fsck and debugfs can check it after.
import { DirImage } from '../../src/host/image-dir.js';
import { addBlockDevice } from '../../src/kernel/block/bdev.js';
import { ShellMachine } from './shell-machine.js';

/** One machine with a shell as PID 1 on its console, and a disk image as block device 8:0 ("sdz"). */
export class Machine extends ShellMachine {
  constructor(
    readonly img: Uint8Array,
    rootfs: string,
    writable = false,
  ) {
    super({ name: 'ext4', image: new DirImage(rootfs), memBytes: 128 << 20, seed: 1, epochMs: 1_735_689_600_000, random: (b) => b.fill(7), answerMs: 120_000 });
    addBlockDevice(this.k.vfs.fs, {
      rdev: 8 << 8,
      name: 'sdz',
      size: img.length,
      logicalBlockSize: 512,
      readOnly: false,
      read: (o, l) => (o + l > img.length ? -5 : img.slice(o, o + l)),
      write: (o, d) => {
        if (!writable) return -30;
        if (o + d.length > img.length) return -5;
        img.set(d, o);
        return 0;
      },
      flush: () => 0,
    });
  }
}
