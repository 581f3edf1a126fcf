// The resource tree (kernel/resource.c): which physical address ranges are
// RAM and which device registers a driver has claimed, nested where one
// range lies inside another. /proc/iomem prints it (r_show), /proc/ioports
// the port-I/O tree, which is empty on this board (no PCI, no port I/O).
//
// Who inserts what, as on a riscv64 virt boot: the architecture adds
// "System RAM" (arch/riscv/kernel/setup.c init_resources); each driver
// claims its registers when it probes, under the name Linux gives them:
// request_mem_region's name, or for devm_platform_ioremap_resource
// "<dev_name> <DT node name>" (as "101000.rtc rtc@101000"). Drivers that
// only map their registers without claiming them (syscon's power
// controller, the PLIC's and CLINT's early drivers) do not appear.
// No "Kernel image" range sits inside System RAM: this kernel's code and
// data live outside the guest's RAM (boot/messages.ts reports 0K).
import { CAP_SYS_ADMIN, capable } from './security/commoncap.js';
import type { Cred } from './sched/task.js';

export interface Resource {
  readonly name: string;
  readonly start: number;
  /** Inclusive, as Linux's resource.end. */
  readonly end: number;
  readonly children: Resource[];
}

/** MAX_IORES_LEVEL: r_show indents no deeper. */
const MAX_IORES_LEVEL = 5;

export class ResourceTree {
  readonly root: Resource;
  constructor(end: number) {
    this.root = { name: 'PCI mem', start: 0, end, children: [] };
  }

  /**
   * insert_resource: place [start, start+size) under the deepest range that
   * contains it, adopting ranges it contains in turn. False if it would
   * overlap a sibling partly (Linux's -EBUSY).
   */
  insert(name: string, start: number, size: number): boolean {
    const res: Resource = { name, start, end: start + size - 1, children: [] };
    let parent = this.root;
    for (;;) {
      const inner = parent.children.find((c) => c.start <= res.start && res.end <= c.end);
      if (!inner) break;
      parent = inner;
    }
    const overlapping = parent.children.filter((c) => c.start <= res.end && res.start <= c.end);
    if (overlapping.some((c) => !(res.start <= c.start && c.end <= res.end))) return false;
    for (const c of overlapping) parent.children.splice(parent.children.indexOf(c), 1);
    res.children.push(...overlapping);
    parent.children.push(res);
    parent.children.sort((a, b) => a.start - b.start);
    return true;
  }

  /**
   * r_show for every range, depth-first: "%*s%0*llx-%0*llx : %s" indented
   * two spaces per level, 4 hex digits for a tree that ends below 0x10000
   * and 8 otherwise. Without CAP_SYS_ADMIN the addresses read as zeros.
   */
  show(cred: Cred | null): string {
    const width = this.root.end < 0x10000 ? 4 : 8;
    const visible = cred === null || capable(cred, CAP_SYS_ADMIN);
    const hex = (n: number) => (visible ? n : 0).toString(16).padStart(width, '0');
    let s = '';
    const walk = (list: Resource[], depth: number) => {
      for (const r of list) {
        s += `${' '.repeat(Math.min(depth, MAX_IORES_LEVEL) * 2)}${hex(r.start)}-${hex(r.end)} : ${r.name}\n`;
        walk(r.children, depth + 1);
      }
    };
    walk(this.root.children, 0);
    return s;
  }
}

/** iomem_resource spans all physical addresses; ioport_resource to IO_SPACE_LIMIT (riscv: 0xffffff). */
export const IOMEM_END = Number.MAX_SAFE_INTEGER;
export const IO_SPACE_LIMIT = 0xffffff;

/** The name devm_platform_ioremap_resource claims a device tree node's registers under. */
export function platformResourceName(base: number, driver: string, node: string): string {
  const hex = base.toString(16);
  return `${hex}.${driver} ${node}@${hex}`;
}
