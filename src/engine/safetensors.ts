// The safetensors format (https://github.com/huggingface/safetensors#format): 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}} with an
// optional "__metadata__" string map, then the raw little-endian tensor bytes. Offsets are relative
// to the end of the header. We widen every float dtype to float32, the engine's compute dtype.

import { concatBytes } from "../core/concatBytes";
import { SafetensorsError } from "./errors";
import { decodeBf16, decodeF16, decodeF32, f32ToBf16, f32ToF16 } from "../core/float16";

/** Reader limits; the header cap mirrors the reference implementation's 100 MB guard. */
export const SAFETENSORS_LIMITS = {
  /** Largest JSON header we accept, in bytes; larger means a corrupt or hostile file. */
  maxHeaderBytes: 100_000_000,
};

export type StorageDtype = "F32" | "F16" | "BF16";
const BYTES_PER_ELEMENT: Record<StorageDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export interface TensorEntry {
  name: string;
  dtype: StorageDtype;
  shape: number[];
  /** Byte range relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Bytes before the data section: 8 + header length. */
  dataStart: number;
  metadata: Record<string, string>;
  /** Entries sorted by their data offset, which is the order a stream delivers them in. */
  entries: TensorEntry[];
}

/** A decoded tensor: float32 values in row-major order. */
export interface F32Tensor {
  shape: number[];
  data: Float32Array;
  /** The dtype it was stored as, when it came from a file. */
  storedAs?: StorageDtype;
}

/** Reads the header length from the first 8 bytes; `source` names the file in error messages. */
export function readHeaderLength(first8: Uint8Array, totalSize: number, source: string): number {
  if (first8.length < 8) {
    throw new SafetensorsError(
      `${source}: truncated safetensors file (${first8.length} bytes, need at least 8 for the header length); re-download the file.`,
    );
  }
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = Number(view.getBigUint64(0, true));
  if (n > SAFETENSORS_LIMITS.maxHeaderBytes) {
    throw new SafetensorsError(
      `${source}: safetensors header claims ${n} bytes, over the ${SAFETENSORS_LIMITS.maxHeaderBytes}-byte limit; this is not a valid safetensors file (check that you picked the right file).`,
    );
  }
  if (8 + n > totalSize) {
    throw new SafetensorsError(
      `${source}: truncated safetensors file: header needs ${8 + n} bytes but the file has ${totalSize}; re-download the file.`,
    );
  }
  return n;
}

/** Parses and validates the JSON header; `dataSize`, the data section's length, bounds the offsets. */
export function parseHeader(headerBytes: Uint8Array, dataSize: number, source: string): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch (e) {
    throw new SafetensorsError(`${source}: safetensors header is not valid JSON (${(e as Error).message}); the file is corrupt.`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SafetensorsError(`${source}: safetensors header is not a JSON object; the file is corrupt.`);
  }
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info.dtype !== "string" || !(info.dtype in BYTES_PER_ELEMENT)) {
      throw new SafetensorsError(
        `${source}: tensor "${name}" has dtype ${JSON.stringify(info.dtype)}; only F32, F16 and BF16 are supported (convert the checkpoint to one of them).`,
      );
    }
    const dtype = info.dtype as StorageDtype;
    const shape = info.shape as number[];
    const offsets = info.data_offsets as [number, number];
    if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw new SafetensorsError(`${source}: tensor "${name}" lacks a valid shape or data_offsets; the file is corrupt.`);
    }
    const [begin, end] = offsets;
    const expected = shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
    if (!(begin >= 0 && end >= begin) || end - begin !== expected) {
      throw new SafetensorsError(
        `${source}: tensor "${name}" has data_offsets [${begin}, ${end}] but ${dtype}${JSON.stringify(shape)} needs ${expected} bytes; the file is corrupt.`,
      );
    }
    if (end > dataSize) {
      throw new SafetensorsError(
        `${source}: tensor "${name}" ends at data byte ${end}, outside the file's ${dataSize}-byte data section; the file is truncated or corrupt, re-download it.`,
      );
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  return { dataStart: 8 + headerBytes.length, metadata, entries };
}

/** Widens one tensor's raw bytes to float32. */
export function decodeTensor(entry: TensorEntry, bytes: Uint8Array): F32Tensor {
  const data = entry.dtype === "F32" ? decodeF32(bytes) : entry.dtype === "F16" ? decodeF16(bytes) : decodeBf16(bytes);
  return { shape: entry.shape, data, storedAs: entry.dtype };
}

/** Parses the header of an in-memory file. */
export function readHeader(bytes: Uint8Array, source = "safetensors"): SafetensorsHeader {
  const n = readHeaderLength(bytes.subarray(0, 8), bytes.length, source);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, source);
}

/** Decodes every tensor of an in-memory safetensors file. */
export function readSafetensors(bytes: Uint8Array, source = "safetensors"): Map<string, F32Tensor> {
  const header = readHeader(bytes, source);
  const out = new Map<string, F32Tensor>();
  for (const e of header.entries) {
    out.set(e.name, decodeTensor(e, bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end)));
  }
  return out;
}

/** One tensor as a safetensors header lists it: its name, storage dtype and shape. */
export interface TensorLayout {
  name: string;
  dtype: StorageDtype;
  shape: number[];
}

/** Bytes of one tensor stored as `dtype`. */
export function storedBytes(dtype: StorageDtype, shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[dtype];
}

/**
 * The file's first bytes (length + JSON header) for tensors written in the order given, the way the
 * Python library writes them: "__metadata__" first, compact JSON padded with spaces to a multiple of
 * 8 bytes. A streamed writer sends this, then each tensor's encodeTensor bytes in the same order.
 */
export function safetensorsPrefix(layout: readonly TensorLayout[], metadata: Record<string, string> = { format: "pt" }): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const { name, dtype, shape } of layout) {
    const size = storedBytes(dtype, shape);
    header[name] = { dtype, shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  return out;
}

/** float32 values → little-endian bytes of `dtype` (rounded to nearest even). */
export function encodeTensor(data: Float32Array, dtype: StorageDtype): Uint8Array {
  const out = new Uint8Array(data.length * BYTES_PER_ELEMENT[dtype]);
  const view = new DataView(out.buffer);
  if (dtype === "F16") for (let i = 0; i < data.length; i++) view.setUint16(2 * i, f32ToF16(data[i]), true);
  else if (dtype === "BF16") for (let i = 0; i < data.length; i++) view.setUint16(2 * i, f32ToBf16(data[i]), true);
  else for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

/**
 * Serialises tensors as safetensors the way the Python library does: tensors sorted by name, each
 * written as its `storedAs` dtype (rounded to nearest even), F32 when unset.
 */
export function writeSafetensors(tensors: Map<string, F32Tensor>, metadata: Record<string, string> = { format: "pt" }): Uint8Array {
  const layout = [...tensors.keys()].sort().map((name) => {
    const t = tensors.get(name)!;
    return { name, dtype: t.storedAs ?? "F32", shape: t.shape };
  });
  return concatBytes([safetensorsPrefix(layout, metadata), ...layout.map((l) => encodeTensor(tensors.get(l.name)!.data, l.dtype))]);
}
