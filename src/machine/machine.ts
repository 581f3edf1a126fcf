// The board: QEMU's riscv64 `virt` machine as far as tuxglass models it.
// It owns the RAM, the hart engine, the device bus and the devices on it:
// the CLINT (timer and IPIs), the PLIC (external interrupts), a 16550 UART,
// the goldfish RTC, an entropy source, the sifive_test power controller and
// the disks given to it (disk.ts).
// Devices raise lines into the PLIC (or the CLINT's into the harts); the
// kernel's drivers reach the devices through the bus by physical address.
// The world outside (console, clock, entropy) plugs in as backends.
import { MAX_BACKED_BYTES, PhysMem } from '../cpu/physmem.js';
import { Hart } from '../cpu/hart.js';
import type { ClockBackend, ConsoleSink, ConsoleSource, EntropyBackend } from './backends.js';
import { Bus } from './bus.js';
import { Aclint } from './aclint.js';
import { Plic } from './plic.js';
import { Uart16550 } from './uart16550.js';
import { GoldfishRtc } from './goldfish-rtc.js';
import { EntropySource } from './rng.js';
import { SifiveTest } from './sifive-test.js';
import { Disk, type DiskConfig } from './disk.js';
import { HartIrqs, IRQ_M_EXT, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER } from './irq.js';
import {
  MAX_DISKS_PER_IF,
  SCSI_IRQ,
  VIRTIO_IRQ,
  PLIC_MAX_PRIORITY,
  PLIC_NUM_SOURCES,
  RTC_IRQ,
  UART0_IRQ,
  VIRT_CLINT,
  VIRT_PLIC,
  VIRT_RNG,
  VIRT_RTC,
  VIRT_TEST,
  VIRT_UART0,
} from './memmap.js';

/** The far end of the serial line: a sink for what the UART sends, a source of what it receives. */
export interface SerialBackend extends ConsoleSource {
  stdout: ConsoleSink;
}

export interface MachineBackends {
  console: SerialBackend | null;
  clock: ClockBackend;
  entropy: EntropyBackend;
}

export interface MachineOptions {
  memBytes: number;
  /** Harts, 1 to 32. */
  cpus?: number;
  backends: MachineBackends;
  /** Disks, in order: virtio ones in the virtio-mmio slots, SCSI ones on the SCSI host adapter. */
  disks?: DiskConfig[];
}

/** The PLIC context of hart h in mode m (the virt board has M and S contexts per hart). */
export const plicContext = (hart: number, mode: 'M' | 'S') => 2 * hart + (mode === 'S' ? 1 : 0);

export class Machine {
  /**
   * The RAM the host backs: all of the board's up to MAX_BACKED_BYTES, the
   * first MAX_BACKED_BYTES of a larger one. Sparse either way: the host
   * commits a page when it is first touched (see physmem.ts, pagealloc.ts).
   */
  readonly ram: PhysMem;
  /** The board's RAM size in bytes (what the kernel counts), at least ram.size. */
  readonly ramBytes: number;
  /**
   * The hart engine. One engine runs every hart in turn (the kernel loads
   * each CPU's registers into it), so there is one, whatever `cpus` says.
   */
  readonly harts: Hart[];
  readonly cpus: number;
  /** Each hart's interrupt inputs (mip). */
  readonly hartIrqs: HartIrqs[];
  readonly bus = new Bus();
  readonly clint: Aclint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly rng: EntropySource;
  readonly power: SifiveTest;
  /** The disks, in the order given, each with the PLIC source its completions raise. */
  readonly disks: { disk: Disk; irq: number; index: number }[] = [];
  private backendsNow: MachineBackends;

  constructor(opts: MachineOptions) {
    this.cpus = Math.max(1, Math.min(32, Math.floor(opts.cpus ?? 1)));
    this.backendsNow = opts.backends;
    this.ramBytes = opts.memBytes;
    this.ram = new PhysMem(Math.min(opts.memBytes, MAX_BACKED_BYTES));
    this.harts = [new Hart(this.ram, 0)];
    this.hartIrqs = Array.from({ length: this.cpus }, (_, h) => new HartIrqs(h));
    this.clint = new Aclint(this.cpus);
    this.plic = new Plic(PLIC_NUM_SOURCES, 2 * this.cpus, PLIC_MAX_PRIORITY);
    this.uart = new Uart16550();
    this.rtc = new GoldfishRtc(() => Math.round(this.backendsNow.clock.wallClockMs() * 1e6));
    this.rng = new EntropySource({ random: (b) => this.backendsNow.entropy.random(b) });
    this.power = new SifiveTest();
    // The firmware (SBI) forwards the CLINT's machine-mode timer and software
    // interrupts to supervisor mode: folded here into the wiring.
    for (let h = 0; h < this.cpus; h++) {
      const hi = this.hartIrqs[h];
      this.clint.timerLines[h].connect(hi.input(IRQ_S_TIMER));
      this.clint.softLines[h].connect(hi.input(IRQ_S_SOFT));
      this.plic.outputs[plicContext(h, 'M')].connect(hi.input(IRQ_M_EXT));
      this.plic.outputs[plicContext(h, 'S')].connect(hi.input(IRQ_S_EXT));
    }
    this.uart.irq.connect(this.plic.input(UART0_IRQ));
    this.rtc.irq.connect(this.plic.input(RTC_IRQ));
    // Disk n of an interface: virtio ones take the virtio-mmio slots' lines (1..8), SCSI ones lines from 32 on.
    const count = { virtio: 0, scsi: 0 };
    for (const cfg of opts.disks ?? []) {
      const index = count[cfg.iface]++;
      if (index >= MAX_DISKS_PER_IF) throw new RangeError(`at most ${MAX_DISKS_PER_IF} ${cfg.iface} disks`);
      const disk = new Disk(cfg);
      const irq = (cfg.iface === 'virtio' ? VIRTIO_IRQ : SCSI_IRQ) + index;
      disk.irq.connect(this.plic.input(irq));
      this.disks.push({ disk, irq, index });
    }
    this.bus.map(VIRT_TEST.base, VIRT_TEST.size, this.power);
    this.bus.map(VIRT_RTC.base, VIRT_RTC.size, this.rtc);
    this.bus.map(VIRT_CLINT.base, VIRT_CLINT.size, this.clint);
    this.bus.map(VIRT_RNG.base, VIRT_RNG.size, this.rng);
    this.bus.map(VIRT_PLIC.base, VIRT_PLIC.size, this.plic);
    this.bus.map(VIRT_UART0.base, VIRT_UART0.size, this.uart);
    this.connect(opts.backends);
  }

  get backends(): MachineBackends {
    return this.backendsNow;
  }

  /** Plug (other) backends in: seed mode puts its reproducible ones between the board and the host. */
  connect(b: MachineBackends): void {
    this.backendsNow = b;
    this.uart.connect(b.console?.stdout ?? null, b.console);
  }

  /** Harts with an interrupt pending, as a bit mask (bit h for hart h). */
  get irqPending(): number {
    let m = 0;
    for (let h = 0; h < this.cpus; h++) if (this.hartIrqs[h].pending) m |= 1 << h;
    return m;
  }
}
