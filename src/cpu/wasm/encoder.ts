// A small writer of the WebAssembly binary format: just what the block
// compiler emits (one type section, imports of memory, table and functions,
// functions with locals, exports). Opcode numbers are the spec's; see Op.
//
// Bytes go into one growable buffer per function body; nothing here knows
// about RISC-V.

/** Value types. */
export const enum T {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
}

/** Opcodes used by the compiler (WebAssembly core spec, section 5.4). */
export const enum Op {
  Unreachable = 0x00,
  Nop = 0x01,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  CallIndirect = 0x11,
  ReturnCall = 0x12,
  ReturnCallIndirect = 0x13,
  Drop = 0x1a,
  Select = 0x1b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  I32Load = 0x28,
  I64Load = 0x29,
  F32Load = 0x2a,
  F64Load = 0x2b,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I64Load8S = 0x30,
  I64Load8U = 0x31,
  I64Load16S = 0x32,
  I64Load16U = 0x33,
  I64Load32S = 0x34,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  F32Store = 0x38,
  F64Store = 0x39,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I64Store8 = 0x3c,
  I64Store16 = 0x3d,
  I64Store32 = 0x3e,
  I32Const = 0x41,
  I64Const = 0x42,
  F32Const = 0x43,
  F64Const = 0x44,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LtU = 0x49,
  I32GtS = 0x4a,
  I32GtU = 0x4b,
  I32LeS = 0x4c,
  I32LeU = 0x4d,
  I32GeS = 0x4e,
  I32GeU = 0x4f,
  I64Eqz = 0x50,
  I64Eq = 0x51,
  I64Ne = 0x52,
  I64LtS = 0x53,
  I64LtU = 0x54,
  I64GtS = 0x55,
  I64GtU = 0x56,
  I64LeS = 0x57,
  I64LeU = 0x58,
  I64GeS = 0x59,
  I64GeU = 0x5a,
  F32Eq = 0x5b,
  F32Ne = 0x5c,
  F32Lt = 0x5d,
  F32Gt = 0x5e,
  F32Le = 0x5f,
  F32Ge = 0x60,
  F64Eq = 0x61,
  F64Ne = 0x62,
  F64Lt = 0x63,
  F64Gt = 0x64,
  F64Le = 0x65,
  F64Ge = 0x66,
  I32Clz = 0x67,
  I32Ctz = 0x68,
  I32Popcnt = 0x69,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32DivS = 0x6d,
  I32DivU = 0x6e,
  I32RemS = 0x6f,
  I32RemU = 0x70,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
  I32Rotl = 0x77,
  I32Rotr = 0x78,
  I64Clz = 0x79,
  I64Ctz = 0x7a,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivS = 0x7f,
  I64DivU = 0x80,
  I64RemS = 0x81,
  I64RemU = 0x82,
  I64And = 0x83,
  I64Or = 0x84,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I64Rotl = 0x89,
  I64Rotr = 0x8a,
  F32Abs = 0x8b,
  F32Neg = 0x8c,
  F32Sqrt = 0x91,
  F32Add = 0x92,
  F32Sub = 0x93,
  F32Mul = 0x94,
  F32Div = 0x95,
  F64Abs = 0x99,
  F64Neg = 0x9a,
  F64Ceil = 0x9b,
  F64Floor = 0x9c,
  F64Trunc = 0x9d,
  F64Nearest = 0x9e,
  F64Sqrt = 0x9f,
  F64Add = 0xa0,
  F64Sub = 0xa1,
  F64Mul = 0xa2,
  F64Div = 0xa3,
  F64Min = 0xa4,
  F64Max = 0xa5,
  F64Copysign = 0xa6,
  I32WrapI64 = 0xa7,
  I32TruncF64S = 0xaa,
  I32TruncF64U = 0xab,
  I64ExtendI32S = 0xac,
  I64ExtendI32U = 0xad,
  I64TruncF64S = 0xb0,
  I64TruncF64U = 0xb1,
  F32DemoteF64 = 0xb6,
  F64ConvertI32S = 0xb7,
  F64ConvertI32U = 0xb8,
  F64ConvertI64S = 0xb9,
  F64ConvertI64U = 0xba,
  F64PromoteF32 = 0xbb,
  I32ReinterpretF32 = 0xbc,
  I64ReinterpretF64 = 0xbd,
  F32ReinterpretI32 = 0xbe,
  F64ReinterpretI64 = 0xbf,
  I32Extend8S = 0xc0,
  I32Extend16S = 0xc1,
  I64Extend8S = 0xc2,
  I64Extend16S = 0xc3,
  I64Extend32S = 0xc4,
}

/** Block type "no result". */
export const VOID = 0x40;

/** A growable byte buffer with the format's integer encodings. */
export class Bytes {
  buf = new Uint8Array(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.len++] = b;
    return this;
  }

  bytes(src: Uint8Array): this {
    this.room(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
    return this;
  }

  /** unsigned LEB128 of a value below 2^32 */
  u32(v: number): this {
    this.room(5);
    v >>>= 0;
    do {
      let b = v & 127;
      v >>>= 7;
      if (v !== 0) b |= 128;
      this.buf[this.len++] = b;
    } while (v !== 0);
    return this;
  }

  /** signed LEB128 of an int32 */
  s32(v: number): this {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 127;
      v >>= 7;
      if ((v === 0 && (b & 64) === 0) || (v === -1 && (b & 64) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 128;
    }
  }

  /** signed LEB128 of a 64-bit value given as int32 halves */
  s64(lo: number, hi: number): this {
    if (hi === lo >> 31) return this.s32(lo); // fits an int32: same encoding
    this.room(10);
    lo >>>= 0;
    hi |= 0;
    for (;;) {
      const b = lo & 127;
      // shift the 64-bit value right by 7 (arithmetic)
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>= 7;
      if ((hi === 0 && lo === 0 && (b & 64) === 0) || (hi === -1 && lo === 0xffffffff && (b & 64) !== 0)) {
        this.buf[this.len++] = b;
        return this;
      }
      this.buf[this.len++] = b | 128;
    }
  }

  f64(v: number): this {
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  name(s: string): this {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
    return this;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

interface FuncType {
  params: T[];
  results: T[];
}
interface Import {
  module: string;
  name: string;
  kind: 0 | 1 | 2;
  type: number;
  minimum?: number;
}
interface Func {
  type: number;
  locals: T[];
  body: Uint8Array;
}

/**
 * A module in the making. Imported functions take the first function
 * indices, so import them all before adding functions.
 */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: Import[] = [];
  private readonly funcs: Func[] = [];
  private readonly exports: { name: string; index: number }[] = [];
  private funcImports = 0;

  type(params: T[], results: T[]): number {
    const key = `${params.join(',')}:${results.join(',')}`;
    let i = this.typeKeys.get(key);
    if (i === undefined) {
      i = this.types.length;
      this.types.push({ params, results });
      this.typeKeys.set(key, i);
    }
    return i;
  }

  importMemory(module: string, name: string, pages: number): void {
    this.imports.push({ module, name, kind: 2, type: 0, minimum: pages });
  }

  importTable(module: string, name: string, minimum: number): void {
    this.imports.push({ module, name, kind: 1, type: 0, minimum });
  }

  /** Returns the function index. */
  importFunc(module: string, name: string, type: number): number {
    if (this.funcs.length) throw new Error('wasm: imports must come before functions');
    this.imports.push({ module, name, kind: 0, type });
    return this.funcImports++;
  }

  /** Returns the function index. */
  func(type: number, locals: T[], body: Uint8Array): number {
    this.funcs.push({ type, locals, body });
    return this.funcImports + this.funcs.length - 1;
  }

  export(name: string, index: number): void {
    this.exports.push({ name, index });
  }

  /** Function names for profilers and stack traces (the "name" custom section). */
  private readonly names: { index: number; name: string }[] = [];
  name(index: number, name: string): void {
    this.names.push({ index, name });
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const out = new Bytes();
    out.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const section = (id: number, body: Bytes) => {
      out.byte(id).u32(body.len).bytes(body.view());
    };

    let s = new Bytes().u32(this.types.length);
    for (const t of this.types) {
      s.byte(0x60).u32(t.params.length);
      for (const p of t.params) s.byte(p);
      s.u32(t.results.length);
      for (const r of t.results) s.byte(r);
    }
    section(1, s);

    if (this.imports.length) {
      s = new Bytes().u32(this.imports.length);
      for (const im of this.imports) {
        s.name(im.module).name(im.name).byte(im.kind);
        if (im.kind === 0) s.u32(im.type);
        else if (im.kind === 1)
          s.byte(0x70).byte(0).u32(im.minimum!); // funcref, no maximum
        else s.byte(0).u32(im.minimum!);
      }
      section(2, s);
    }

    s = new Bytes().u32(this.funcs.length);
    for (const f of this.funcs) s.u32(f.type);
    section(3, s);

    if (this.exports.length) {
      s = new Bytes().u32(this.exports.length);
      for (const e of this.exports) s.name(e.name).byte(0).u32(e.index);
      section(7, s);
    }

    s = new Bytes().u32(this.funcs.length);
    for (const f of this.funcs) {
      // locals as runs of one type
      const runs: [number, T][] = [];
      for (const l of f.locals) {
        if (runs.length && runs[runs.length - 1][1] === l) runs[runs.length - 1][0]++;
        else runs.push([1, l]);
      }
      const head = new Bytes().u32(runs.length);
      for (const [n, t] of runs) head.u32(n).byte(t);
      s.u32(head.len + f.body.length)
        .bytes(head.view())
        .bytes(f.body);
    }
    section(10, s);

    if (this.names.length) {
      const sub = new Bytes().u32(this.names.length);
      for (const n of this.names) sub.u32(n.index).name(n.name);
      s = new Bytes().name('name').byte(1).u32(sub.len).bytes(sub.view());
      section(0, s);
    }
    return out.view().slice() as Uint8Array<ArrayBuffer>;
  }
}

/** Natural alignment (log2) of each memory access opcode, for its memarg. */
function alignOf(op: Op): number {
  switch (op) {
    case Op.I64Load:
    case Op.F64Load:
    case Op.I64Store:
    case Op.F64Store:
      return 3;
    case Op.I32Load:
    case Op.F32Load:
    case Op.I32Store:
    case Op.F32Store:
    case Op.I64Load32S:
    case Op.I64Load32U:
    case Op.I64Store32:
      return 2;
    case Op.I32Load16S:
    case Op.I32Load16U:
    case Op.I64Load16S:
    case Op.I64Load16U:
    case Op.I32Store16:
    case Op.I64Store16:
      return 1;
    default:
      return 0;
  }
}

/** A function body being written: instructions with their immediates. */
export class Body extends Bytes {
  op(o: Op): this {
    return this.byte(o);
  }
  get(l: number): this {
    return this.byte(Op.LocalGet).u32(l);
  }
  set(l: number): this {
    return this.byte(Op.LocalSet).u32(l);
  }
  tee(l: number): this {
    return this.byte(Op.LocalTee).u32(l);
  }
  i32(v: number): this {
    return this.byte(Op.I32Const).s32(v);
  }
  /** a 64-bit constant from int32 halves (hi defaults to the sign of lo) */
  i64(lo: number, hi = lo >> 31): this {
    return this.byte(Op.I64Const).s64(lo, hi);
  }
  f64c(v: number): this {
    return this.byte(Op.F64Const).f64(v);
  }
  /** a load or store with a constant byte offset (below 2^32) */
  mem(op: Op, offset: number): this {
    return this.byte(op).u32(alignOf(op)).u32(offset);
  }
  block(type: number = VOID): this {
    return this.byte(Op.Block).byte(type);
  }
  loop(type: number = VOID): this {
    return this.byte(Op.Loop).byte(type);
  }
  if_(type: number = VOID): this {
    return this.byte(Op.If).byte(type);
  }
  else_(): this {
    return this.byte(Op.Else);
  }
  end(): this {
    return this.byte(Op.End);
  }
  br(depth: number): this {
    return this.byte(Op.Br).u32(depth);
  }
  brIf(depth: number): this {
    return this.byte(Op.BrIf).u32(depth);
  }
  brTable(depths: number[], dflt: number): this {
    this.byte(Op.BrTable).u32(depths.length);
    for (const d of depths) this.u32(d);
    return this.u32(dflt);
  }
  call(f: number): this {
    return this.byte(Op.Call).u32(f);
  }
  returnCall(f: number): this {
    return this.byte(Op.ReturnCall).u32(f);
  }
  callIndirect(type: number, table = 0): this {
    return this.byte(Op.CallIndirect).u32(type).u32(table);
  }
  returnCallIndirect(type: number, table = 0): this {
    return this.byte(Op.ReturnCallIndirect).u32(type).u32(table);
  }
}
