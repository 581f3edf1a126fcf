// File timestamps come from the kernel's realtime clock, installed at boot.
export interface Timespec { sec: number; nsec: number }

let source: () => Timespec = () => ({ sec: 0, nsec: 0 });

export function setFsClock(fn: () => Timespec): void { source = fn; }
export function now(): Timespec { return source(); }
