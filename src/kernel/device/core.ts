// The device model (Linux's drivers/base): the standard /sys hierarchy and
// the calls subsystems use to put their devices in it. One model per
// kernel, built at boot; sysfs renders it.
//
// Registering a device of a class (what a network or block driver does):
//
//   const dev = classDeviceAdd(k, 'net', 'eth0', {
//     attrs: { address: () => '52:54:00:12:34:56\n', mtu: { show: () => '1500\n', store: (s) => ... } },
//     parent: platformBus,          // default: /sys/devices/virtual/net
//     devt: makedev(4, 64),         // adds the dev attribute and /sys/dev/char/4:64
//   });
//   ... classDeviceRemove(k, dev) when it goes away.
//
// The device lands at /sys/devices/<parent>/<name> (virtual/<class>/<name>
// without a parent), with a "subsystem" link to its class, a "uevent"
// attribute, and /sys/class/<class>/<name> linking to it.
import type { Kernel } from '../kernel.js';
import { Kobject, Kset } from './kobject.js';

export interface AttrSpec {
  show: () => string;
  store?: (text: string) => number;
  mode?: number;
}
export type AttrMap = Record<string, (() => string) | AttrSpec>;

export interface ClassDeviceOptions {
  attrs?: AttrMap;
  /** Where the device hangs under /sys/devices; default devices/virtual/<class>. */
  parent?: Kobject;
  /** Character-device number: adds "dev" and the /sys/dev/char link. */
  devt?: number;
  /** Block device instead of character device (for devt). */
  block?: boolean;
  /** Extra KEY=value lines for the uevent attribute (DEVTYPE, INTERFACE, IFINDEX...). */
  uevent?: () => string[];
}

export class DeviceModel {
  readonly root = new Kobject('');
  readonly devices: Kobject;
  readonly virtual: Kobject;
  readonly system: Kobject;
  readonly platform: Kobject;
  readonly classes: Kobject;
  readonly bus: Kobject;
  readonly block: Kobject;
  readonly devChar: Kobject;
  readonly devBlock: Kobject;
  readonly kernel: Kobject;
  readonly fs: Kobject;
  /** uevent_seqnum: events sent so far (udev compares it with what it saw). */
  ueventSeqnum = 0;

  constructor() {
    const r = this.root;
    this.block = r.dir('block');
    this.bus = r.dir('bus');
    this.classes = r.dir('class');
    const dev = r.dir('dev');
    this.devBlock = dev.dir('block');
    this.devChar = dev.dir('char');
    this.devices = r.dir('devices');
    this.platform = this.devices.dir('platform');
    this.system = this.devices.dir('system');
    this.virtual = this.devices.dir('virtual');
    r.dir('firmware');
    this.fs = r.dir('fs');
    this.fs.dir('cgroup');
    r.dir('hypervisor');
    this.kernel = r.dir('kernel');
    r.dir('module');
    r.dir('power');
  }

  /** /sys/class/<name>, created on first use (class_register). */
  classKset(name: string): Kset {
    const existing = this.classes.children.get(name);
    if (existing instanceof Kset) return existing;
    return new Kset(name).add(this.classes);
  }
}

/** The kernel's device model (Kernel.devices, created empty on first use). */
export function deviceModel(k: Kernel): DeviceModel {
  return (k.devices ??= new DeviceModel());
}

/** Add attributes given as plain show functions or full specs. */
export function addAttrs(kobj: Kobject, attrs: AttrMap): void {
  for (const [name, a] of Object.entries(attrs)) {
    if (typeof a === 'function') kobj.attr(name, a);
    else kobj.attr(name, a.show, a.store, a.mode);
  }
}

const devText = (devt: number) => `${(devt >>> 8) & 0xfff}:${(devt & 0xff) | ((devt >>> 12) & ~0xff)}`;

/** device_create for a class device: see the header for what it builds. */
export function classDeviceAdd(k: Kernel, cls: string, name: string, opts: ClassDeviceOptions = {}): Kobject {
  const m = deviceModel(k);
  const kset = m.classKset(cls);
  const parent = opts.parent ?? m.virtual.dir(cls);
  const dev = new Kobject(name).add(parent);
  dev.link('subsystem', kset);
  if (opts.devt !== undefined) {
    const text = devText(opts.devt);
    dev.attr('dev', () => text + '\n');
    (opts.block ? m.devBlock : m.devChar).link(text, dev);
  }
  dev.attr(
    'uevent',
    () => {
      const lines: string[] = [];
      if (opts.devt !== undefined) {
        const [maj, min] = devText(opts.devt).split(':');
        lines.push(`MAJOR=${maj}`, `MINOR=${min}`, `DEVNAME=${name}`);
      }
      lines.push(...(opts.uevent?.() ?? []));
      return lines.map((l) => l + '\n').join('');
    },
    () => 0,
    0o644,
  );
  if (opts.attrs) addAttrs(dev, opts.attrs);
  kset.link(name, dev);
  m.ueventSeqnum++; // the "add" uevent
  return dev;
}

/** device_unregister: the device, its class link and its /sys/dev link go. */
export function classDeviceRemove(k: Kernel, dev: Kobject): void {
  const m = deviceModel(k);
  for (const kset of m.classes.children.values()) {
    for (const [n, target] of kset.links) if (target === dev) kset.links.delete(n);
  }
  for (const d of [m.devChar, m.devBlock]) for (const [n, target] of d.links) if (target === dev) d.links.delete(n);
  dev.del();
  m.ueventSeqnum++; // the "remove" uevent
}
