// The GGUF container (llama.cpp's docs/gguf.md; gguf-py's gguf_writer.py and constants.py): "GGUF",
// version 3, tensor and key/value counts as u64, the key/values, one info per tensor (name, its
// dimensions innermost first, ggml type, offset into the data section), then the data section,
// which starts at, and places every tensor at, a multiple of general.alignment (32 when unset).
// Everything little-endian. This module writes and reads the header; the data is the caller's.

import { concatBytes } from "../../concatBytes";
import { GGML_TYPES, typeBytes, type GgmlTypeName } from "./quantise";

export const GGUF_MAGIC = "GGUF";
export const GGUF_VERSION = 3;
/** GGUF_DEFAULT_ALIGNMENT; we write it as general.alignment too, so no reader has to assume it. */
export const GGUF_ALIGNMENT = 32;

interface NumberCodec {
  /** gguf_type (gguf.h). */
  id: number;
  size: number;
  get(view: DataView, at: number): number;
  set(view: DataView, at: number, value: number): void;
}

/** The numbers a GGUF value can be, each with its DataView accessors (little-endian). */
const NUMBERS = {
  u8: { id: 0, size: 1, get: (v, a) => v.getUint8(a), set: (v, a, x) => v.setUint8(a, x) },
  i8: { id: 1, size: 1, get: (v, a) => v.getInt8(a), set: (v, a, x) => v.setInt8(a, x) },
  u16: { id: 2, size: 2, get: (v, a) => v.getUint16(a, true), set: (v, a, x) => v.setUint16(a, x, true) },
  i16: { id: 3, size: 2, get: (v, a) => v.getInt16(a, true), set: (v, a, x) => v.setInt16(a, x, true) },
  u32: { id: 4, size: 4, get: (v, a) => v.getUint32(a, true), set: (v, a, x) => v.setUint32(a, x, true) },
  i32: { id: 5, size: 4, get: (v, a) => v.getInt32(a, true), set: (v, a, x) => v.setInt32(a, x, true) },
  f32: { id: 6, size: 4, get: (v, a) => v.getFloat32(a, true), set: (v, a, x) => v.setFloat32(a, x, true) },
  u64: { id: 10, size: 8, get: (v, a) => Number(v.getBigUint64(a, true)), set: (v, a, x) => v.setBigUint64(a, BigInt(x), true) },
  i64: { id: 11, size: 8, get: (v, a) => Number(v.getBigInt64(a, true)), set: (v, a, x) => v.setBigInt64(a, BigInt(x), true) },
  f64: { id: 12, size: 8, get: (v, a) => v.getFloat64(a, true), set: (v, a, x) => v.setFloat64(a, x, true) },
} satisfies Record<string, NumberCodec>;
type NumberKind = keyof typeof NUMBERS;
const NUMBER_BY_ID = new Map(Object.values(NUMBERS).map((n) => [n.id, n]));
/** gguf_type ids of the other values. */
const BOOL = 7;
const STRING = 8;
const ARRAY = 9;

type ValueKind = Exclude<GgufValue["kind"], "array">;
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
/** A tensor's bytes in the data section. */
const tensorBytes = (t: GgufTensorInfo) => typeBytes(t.type, product(t.shape));
const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/**
 * The header for `tensors` written in the given order, each padded to the alignment: everything before
 * the data section (padded), each tensor's offset in the data section and its bytes (before the padding
 * that aligns the next), and the data section's length (the last tensor's end, padded).
 */
export function ggufLayout(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[]) {
  const parts: Uint8Array[] = [encoder.encode(GGUF_MAGIC)];
  const number = (kind: NumberKind, x: number) => {
    const bytes = new Uint8Array(NUMBERS[kind].size);
    NUMBERS[kind].set(new DataView(bytes.buffer), 0, x);
    parts.push(bytes);
  };
  const string = (text: string) => {
    const bytes = encoder.encode(text);
    number("u64", bytes.length);
    parts.push(bytes);
  };
  const value = (kind: ValueKind, x: number | string | boolean) => {
    if (kind === "string") string(x as string);
    else if (kind === "bool") number("u8", x ? 1 : 0);
    else number(kind, x as number);
  };
  const typeId = (kind: ValueKind) => (kind === "string" ? STRING : kind === "bool" ? BOOL : NUMBERS[kind].id);
  number("u32", GGUF_VERSION);
  number("u64", tensors.length);
  number("u64", metadata.size);
  for (const [key, v] of metadata) {
    string(key);
    if (v.kind === "array") {
      number("u32", ARRAY);
      number("u32", typeId(v.of));
      number("u64", v.value.length);
      for (let i = 0; i < v.value.length; i++) value(v.of, v.value[i]);
    } else {
      number("u32", typeId(v.kind));
      value(v.kind, v.value);
    }
  }
  const offsets: number[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    string(t.name);
    number("u32", t.shape.length);
    for (const d of [...t.shape].reverse()) number("u64", d);
    number("u32", GGML_TYPES[t.type]);
    number("u64", offset);
    const size = tensorBytes(t);
    offsets.push(offset);
    sizes.push(size);
    offset = align(offset + size, GGUF_ALIGNMENT);
  }
  const written = concatBytes(parts);
  const header = new Uint8Array(align(written.length, GGUF_ALIGNMENT));
  header.set(written);
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
  const read = (kind: NumberKind) => NUMBERS[kind].get(view, need(NUMBERS[kind].size));
  const u32 = () => read("u32");
  const u64 = () => read("u64");
  const decoder = new TextDecoder();
  const str = () => {
    const n = u64();
    return decoder.decode(bytes.subarray(need(n), at));
  };
  const scalar = (type: number): unknown => {
    if (type === BOOL) return read("u8") !== 0;
    if (type === STRING) return str();
    const codec = NUMBER_BY_ID.get(type);
    if (!codec) throw new Error(`${source}: unknown GGUF value type ${type} at byte ${at}; the file is corrupt or newer than this reader.`);
    return codec.get(view, need(codec.size));
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
    if (type === ARRAY) {
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
    const info = { name, shape: ne.reverse(), type };
    tensors.push({ ...info, offset: u64(), bytes: tensorBytes(info) });
  }
  const alignment = Number(metadata.get("general.alignment") ?? GGUF_ALIGNMENT);
  return { version, metadata, tensors, dataStart: align(at, alignment) };
}
