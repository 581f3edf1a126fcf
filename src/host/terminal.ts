// The host terminal while a machine is booted: in raw mode, so every key
// (^C, ^Z, arrows) reaches the guest's console as the serial line would
// carry it, and put back however the run ends. As with QEMU's
// `-serial mon:stdio`, Ctrl-A is an escape: Ctrl-A x ends the run, Ctrl-A h
// lists the escapes, Ctrl-A Ctrl-A sends one Ctrl-A. A SIGINT sent to tuxglass itself is passed on
// as ^C; a second one soon after ends the run.

const CTRL_A = 0x01,
  CTRL_C = 0x03;
/** Ctrl-A h: the escapes, in QEMU's words where they mean the same (the terminal is raw: \r\n). */
const ESCAPE_HELP = '\r\nC-a h    print this help\r\nC-a x    exit emulator\r\nC-a C-a  sends C-a\r\n';
/** A second SIGINT within this many ms ends the run. */
const SIGINT_WINDOW_MS = 2000;

export interface HostTerminal {
  /** What of the typed bytes reaches the guest (the escape sequences taken out). */
  filter(d: Uint8Array): Uint8Array;
  /** Put the terminal back and stop listening for signals. */
  restore(): void;
}

/**
 * Take the terminal for a booted machine. `quit` ends the run (Ctrl-A x,
 * a second SIGINT); `inject` feeds bytes to the guest console.
 */
export function takeTerminal(quit: (why: string) => void, inject: (d: Uint8Array) => void): HostTerminal {
  const raw = !!process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (raw) {
      try {
        process.stdin.setRawMode(false);
      } catch {
        /* stdin already gone */
      }
    }
    process.removeListener('exit', restore);
    process.removeListener('SIGINT', onInt);
    for (const s of ['SIGTERM', 'SIGHUP'] as const) process.removeListener(s, onFatal);
  };
  // Whatever ends the process (exit, an uncaught error, a signal), the terminal is given back.
  const onFatal = (sig: NodeJS.Signals) => {
    restore();
    process.exit(128 + (sig === 'SIGHUP' ? 1 : 15));
  };
  let lastInt = 0;
  const onInt = () => {
    const now = Date.now();
    if (now - lastInt < SIGINT_WINDOW_MS) {
      quit('terminated by a second SIGINT');
      return;
    }
    lastInt = now;
    inject(Uint8Array.of(CTRL_C));
  };
  process.on('exit', restore);
  process.on('SIGINT', onInt);
  for (const s of ['SIGTERM', 'SIGHUP'] as const) process.on(s, onFatal);
  let escape = false;
  const filter = (d: Uint8Array): Uint8Array => {
    if (!escape && !d.includes(CTRL_A)) return d;
    const out: number[] = [];
    for (const b of d) {
      if (escape) {
        escape = false;
        if (b === 0x78 /* x */) {
          quit('Terminated');
          break;
        }
        if (b === CTRL_A) out.push(CTRL_A);
        else if (b === 0x68 /* h */) process.stdout.write(ESCAPE_HELP);
        // Other keys after the escape do nothing, as in QEMU.
      } else if (b === CTRL_A) escape = true;
      else out.push(b);
    }
    return Uint8Array.from(out);
  };
  return { filter, restore };
}
