// futex(2): what the remaining arguments mean depends on the operation.
import type { Call, DecoderTable } from './call.js';
import { hex } from './fmt.js';
import { xval } from './xlat.js';
import { printTimespec } from './struct-time.js';
import { FUTEX_CMDS, FUTEX_WAKE_CMPS, FUTEX_WAKE_OPS } from './tables-proc.js';

const PRIVATE = 0x80,
  CLOCK_REALTIME = 0x100,
  FD = 2;

/** "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME", or hex for an unknown operation. */
function opName(op: number): string {
  const cmd = op & 0x7f;
  const base = FUTEX_CMDS[cmd];
  if (!base || op & ~(0x7f | PRIVATE | CLOCK_REALTIME)) return `${hex(op >>> 0)} /* FUTEX_??? */`;
  let s: string = base;
  if (op & PRIVATE) s += cmd === FD ? '|FUTEX_PRIVATE_FLAG' : '_PRIVATE';
  if (op & CLOCK_REALTIME) s += '|FUTEX_CLOCK_REALTIME';
  return s;
}

/** FUTEX_WAKE_OP's encoded operation: "FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1". */
function wakeOp(v: number): string {
  const op = (v >>> 28) & 0xf;
  const shift = op & 8 ? 'FUTEX_OP_OPARG_SHIFT<<28|' : '';
  return (
    `${shift}${xval(FUTEX_WAKE_OPS, op & 7, 'FUTEX_OP_???')}<<28|${hex((v >>> 12) & 0xfff)}<<12|` +
    `${xval(FUTEX_WAKE_CMPS, (v >>> 24) & 0xf, 'FUTEX_OP_CMP_???')}<<24|${hex(v & 0xfff)}`
  );
}

function bitset(v: number): string {
  return v === 0xffffffff ? 'FUTEX_BITSET_MATCH_ANY' : hex(v);
}

export const futexDecoders: DecoderTable = {
  futex: {
    enter(c: Call) {
      const op = c.int(1);
      c.pushPtr(0);
      c.push(opName(op));
      const tmo = () => c.push(printTimespec(c.mem, c.a(3)));
      const known = FUTEX_CMDS[op & 0x7f] && !(op & ~(0x7f | PRIVATE | CLOCK_REALTIME));
      if (!known) {
        c.pushUint(2);
        c.pushPtr(3);
        c.pushPtr(4);
        c.push(hex(c.uint(5)));
        return;
      }
      switch (FUTEX_CMDS[op & 0x7f]) {
        case 'FUTEX_WAIT':
          c.pushUint(2);
          tmo();
          break;
        case 'FUTEX_WAKE':
        case 'FUTEX_FD':
          c.pushUint(2);
          break;
        case 'FUTEX_REQUEUE':
          c.pushUint(2);
          c.pushUint(3);
          c.pushPtr(4);
          break;
        case 'FUTEX_CMP_REQUEUE':
        case 'FUTEX_CMP_REQUEUE_PI':
          c.pushUint(2);
          c.pushUint(3);
          c.pushPtr(4);
          c.pushUint(5);
          break;
        case 'FUTEX_WAKE_OP':
          c.pushUint(2);
          c.pushUint(3);
          c.pushPtr(4);
          c.push(wakeOp(c.uint(5)));
          break;
        case 'FUTEX_LOCK_PI':
        case 'FUTEX_LOCK_PI2':
          tmo();
          break;
        case 'FUTEX_UNLOCK_PI':
        case 'FUTEX_TRYLOCK_PI':
          break;
        case 'FUTEX_WAIT_BITSET':
          c.pushUint(2);
          tmo();
          c.push(bitset(c.uint(5)));
          break;
        case 'FUTEX_WAKE_BITSET':
          c.pushUint(2);
          c.push(bitset(c.uint(5)));
          break;
        case 'FUTEX_WAIT_REQUEUE_PI':
          c.pushUint(2);
          tmo();
          c.pushPtr(4);
          break;
      }
    },
  },
};
