// A failure the user can act on: a message plus what to do about it.
export class GuestPkgError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'GuestPkgError';
  }
}

export const ROOTFS_HINT = 'Alternatively, pass --rootfs DIR pointing at an existing riscv64 root directory.';
