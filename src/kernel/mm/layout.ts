// The user address-space layout of riscv64 with Sv39 (Linux's asm/page.h and
// asm/processor.h): the page size, where user space ends, where the stack and
// the top-down mmap area start.
export const PAGE_SIZE = 4096;
/** sv39 user address space size (Linux TASK_SIZE on riscv64 with sv39). */
export const TASK_SIZE = 0x40_0000_0000;
export const STACK_TOP = TASK_SIZE;
/** Top-down mmap area starts below the stack gap (Linux's MIN_GAP of 128 MiB). */
export const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;
export const MMAP_MIN_ADDR = 0x10000;

export const pageDown = (a: number) => a - (a % PAGE_SIZE);
export const pageUp = (a: number) => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;
