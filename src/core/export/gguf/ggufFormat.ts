// The GGUF container (llama.cpp's docs/gguf.md; gguf-py's gguf_writer.py and constants.py): "GGUF",
// version 3, tensor and key/value counts as u64, the key/values, one info per tensor (name, its
// dimensions innermost first, ggml type, offset into the data section), then the data section,
// which starts at, and places every tensor at, a multiple of general.alignment (32 when unset).
// Everything little-endian. This module writes and reads the header; the data is the caller's.

import { GGML_TYPES, typeBytes, type GgmlTypeName } from "./quantise";

export const GGUF_MAGIC = "GGUF";
export const GGUF_VERSION = 3;
/** GGUF_DEFAULT_ALIGNMENT; we write it as general.alignment too, so no reader has to assume it. */
export const GGUF_ALIGNMENT = 32;

/** gguf_type (gguf.h) of the values we write. */
const VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;
type ScalarKind = Exclude<keyof typeof VALUE_TYPE, "array">;

export type GgufValue =
  | { kind: "u32" | "i32" | "f32" | "u64"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "string"; value: string }
  | { kind: "array"; of: "string"; value: string[] }
  | { kind: "array"; of: "i32" | "f32"; value: ArrayLike<number> };

/** Key → value in the order written. */
export type GgufMetadata = Map<string, GgufValue>;

export interface GgufTensorInfo {
  name: string;
  /** Row-major shape, outermost first (as safetensors and numpy have it); the file stores it reversed. */
  shape: number[];
  type: GgmlTypeName;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;
const encoder = new TextEncoder();

/** A growing little-endian byte buffer. */
class Bytes {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  /** Reserves n bytes and returns where they start (call before reading this.view or this.buf: it may replace them). */
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      grown.set(this.buf);
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  u32(v: number) {
    const at = this.room(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number) {
    const at = this.room(4);
    this.view.setInt32(at, v, true);
  }
  f32(v: number) {
    const at = this.room(4);
    this.view.setFloat32(at, v, true);
  }
  u64(v: number) {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  u8(v: number) {
    const at = this.room(1);
    this.view.setUint8(at, v);
  }
  string(s: string) {
    const b = encoder.encode(s);
    this.u64(b.length);
    const at = this.room(b.length);
    this.buf.set(b, at);
  }
  scalar(kind: ScalarKind, v: number | string | boolean) {
    if (kind === "string") this.string(v as string);
    else if (kind === "bool") this.u8(v ? 1 : 0);
    else if (kind === "u32") this.u32(v as number);
    else if (kind === "i32") this.i32(v as number);
    else if (kind === "f32") this.f32(v as number);
    else if (kind === "u64") this.u64(v as number);
    else throw new Error(`GGUF writer: no encoder for ${kind}`);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export interface GgufLayout {
  /** Everything before the data section, padded to the alignment. */
  header: Uint8Array;
  /** Each tensor's offset in the data section. */
  offsets: number[];
  /** Each tensor's bytes (before the padding that aligns the next). */
  sizes: number[];
  /** The data section's length: the last tensor's end, padded. */
  dataBytes: number;
}

/** The header for `tensors` written in the given order, each padded to the alignment. */
export function ggufLayout(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[]): GgufLayout {
  const out = new Bytes();
  encoder.encode(GGUF_MAGIC).forEach((b) => out.u8(b));
  out.u32(GGUF_VERSION);
  out.u64(tensors.length);
  out.u64(metadata.size);
  for (const [key, v] of metadata) {
    out.string(key);
    if (v.kind === "array") {
      out.u32(VALUE_TYPE.array);
      out.u32(VALUE_TYPE[v.of]);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.scalar(v.of, v.value[i]);
    } else {
      out.u32(VALUE_TYPE[v.kind]);
      out.scalar(v.kind, v.value);
    }
  }
  const offsets: number[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    out.string(t.name);
    out.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) out.u64(d);
    out.u32(GGML_TYPES[t.type]);
    out.u64(offset);
    const size = typeBytes(
      t.type,
      t.shape.reduce((a, b) => a * b, 1),
    );
    offsets.push(offset);
    sizes.push(size);
    offset = align(offset + size, GGUF_ALIGNMENT);
  }
  const header = new Uint8Array(align(out.length, GGUF_ALIGNMENT));
  header.set(out.bytes());
  return { header, offsets, sizes, dataBytes: offset };
}

/** A parsed header: plain values by key, and where each tensor's bytes are in the file. */
export interface GgufHeader {
  version: number;
  metadata: Map<string, unknown>;
  tensors: Array<GgufTensorInfo & { offset: number; bytes: number }>;
  /** File offset of the data section. */
  dataStart: number;
}

/** Thrown when `bytes` ends inside the header: read more of the file and parse again. */
export class GgufNeedMore extends Error {}

const TYPE_BY_ID = new Map(Object.entries(GGML_TYPES).map(([k, v]) => [v, k as GgmlTypeName]));

/** Parses the header at the start of `bytes` (the file's first bytes; GgufNeedMore when too few). */
export function readGgufHeader(bytes: Uint8Array, source = "GGUF file"): GgufHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new GgufNeedMore(`${source}: header continues past byte ${bytes.length}`);
    const p = at;
    at += n;
    return p;
  };
  const u32 = () => view.getUint32(need(4), true);
  const u64 = () => Number(view.getBigUint64(need(8), true));
  const decoder = new TextDecoder();
  const str = () => {
    const n = u64();
    return decoder.decode(bytes.subarray(need(n), at));
  };
  const scalar = (type: number): unknown => {
    switch (type) {
      case VALUE_TYPE.u8:
        return view.getUint8(need(1));
      case VALUE_TYPE.i8:
        return view.getInt8(need(1));
      case VALUE_TYPE.u16:
        return view.getUint16(need(2), true);
      case VALUE_TYPE.i16:
        return view.getInt16(need(2), true);
      case VALUE_TYPE.u32:
        return u32();
      case VALUE_TYPE.i32:
        return view.getInt32(need(4), true);
      case VALUE_TYPE.f32:
        return view.getFloat32(need(4), true);
      case VALUE_TYPE.bool:
        return view.getUint8(need(1)) !== 0;
      case VALUE_TYPE.string:
        return str();
      case VALUE_TYPE.u64:
        return u64();
      case VALUE_TYPE.i64:
        return Number(view.getBigInt64(need(8), true));
      case VALUE_TYPE.f64:
        return view.getFloat64(need(8), true);
      default:
        throw new Error(`${source}: unknown GGUF value type ${type} at byte ${at}; the file is corrupt or newer than this reader.`);
    }
  };
  if (decoder.decode(bytes.subarray(need(4), 4)) !== GGUF_MAGIC)
    throw new Error(`${source}: not a GGUF file (no "GGUF" magic at its start).`);
  const version = u32();
  if (version !== 2 && version !== 3) throw new Error(`${source}: GGUF version ${version}; this reader knows versions 2 and 3.`);
  const nTensors = u64();
  const nKv = u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < nKv; i++) {
    const key = str();
    const type = u32();
    if (type === VALUE_TYPE.array) {
      const of = u32();
      const n = u64();
      const values: unknown[] = new Array(n);
      for (let j = 0; j < n; j++) values[j] = scalar(of);
      metadata.set(key, values);
    } else metadata.set(key, scalar(type));
  }
  const tensors: GgufHeader["tensors"] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const dims = u32();
    const ne = Array.from({ length: dims }, u64);
    const typeId = u32();
    const type = TYPE_BY_ID.get(typeId as (typeof GGML_TYPES)[GgmlTypeName]);
    if (!type) throw new Error(`${source}: tensor "${name}" has ggml type ${typeId}; only F32, F16, BF16, Q8_0 and Q4_0 are read here.`);
    const shape = ne.reverse();
    tensors.push({
      name,
      shape,
      type,
      offset: u64(),
      bytes: typeBytes(
        type,
        shape.reduce((a, b) => a * b, 1),
      ),
    });
  }
  const alignment = Number(metadata.get("general.alignment") ?? GGUF_ALIGNMENT);
  return { version, metadata, tensors, dataStart: align(at, alignment) };
}
