// Where the devices of the board sit in physical memory and which PLIC
// source each one drives: the layout of QEMU's riscv64 `virt` machine
// (hw/riscv/virt.c), so a reader's device-tree and /proc/iomem knowledge
// carries over. RAM starts at 0x80000000 (cpu/physmem.ts RAM_BASE).

/** sifive_test: the power controller (poweroff/reboot through syscon). */
export const VIRT_TEST = { base: 0x0010_0000, size: 0x1000 };
/** goldfish RTC. */
export const VIRT_RTC = { base: 0x0010_1000, size: 0x1000 };
/** CLINT (ACLINT MSWI + MTIMER). */
export const VIRT_CLINT = { base: 0x0200_0000, size: 0x1_0000 };
/**
 * The platform bus: QEMU's window for extra memory-mapped devices. The
 * entropy source sits at its start (virt itself offers only virtio-rng).
 */
export const VIRT_PLATFORM_BUS = { base: 0x0400_0000, size: 0x200_0000 };
export const VIRT_RNG = { base: VIRT_PLATFORM_BUS.base, size: 0x1000 };
/** PLIC: 0x200000 of sources and enables, then one 4 KiB page per context. */
export const VIRT_PLIC = { base: 0x0c00_0000, size: 0x60_0000 };
/** The first 16550 UART (ttyS0). */
export const VIRT_UART0 = { base: 0x1000_0000, size: 0x100 };

/** PLIC sources (hw/riscv/virt.h). 0 means "no interrupt". */
export const UART0_IRQ = 10;
export const RTC_IRQ = 11;
/** The entropy source's line: the first platform-bus IRQ (VIRT_PLATFORM_BUS_IRQ). */
export const RNG_IRQ = 64;
/** The virtio-mmio transports' lines: 1..8 (VIRTIO_IRQ, VIRTIO_COUNT). */
export const VIRTIO_IRQ = 1;
/** The SCSI host adapter's disks: one completion line each from 32 (the PCIe INTx range). */
export const SCSI_IRQ = 32;
/** Disks per interface: the virt board's eight virtio-mmio slots. */
export const MAX_DISKS_PER_IF = 8;
/** The first virtio-mmio transport (VIRT_VIRTIO); slot n is 0x1000 further on. */
export const VIRT_VIRTIO = { base: 0x1000_1000, size: 0x1000 };
/** Sources 1..95 (VIRT_IRQCHIP_NUM_SOURCES). */
export const PLIC_NUM_SOURCES = 96;
/** Priorities 0..7 (VIRT_IRQCHIP_NUM_PRIO_BITS = 3). */
export const PLIC_MAX_PRIORITY = 7;

/** CLINT timebase: 10 MHz (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ). */
export const CLINT_TIMEBASE_HZ = 10_000_000;
