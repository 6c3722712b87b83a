// The ggml tensor types a GGUF export writes, and their encodings. q8_0 and q4_0 follow ggml's
// reference quantisers, the ones its converter uses for deterministic files (ggml/src/ggml-quants.c,
// quantize_row_q8_0_ref and quantize_row_q4_0_ref; blocks defined in ggml-common.h): 32 values per
// block, one fp16 scale `d` first. Every step is rounded through float32 (Math.fround), as the C code
// computes in `float`.

import { decodeBf16, decodeF16, decodeF32, f16ToF32, f32ToBf16, f32ToF16 } from "../../float16";

/** ggml_type ids (ggml.h) of the types written here. */
export const GGML_TYPES = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, BF16: 30 } as const;
export type GgmlTypeName = keyof typeof GGML_TYPES;

/** The CLI's and the page's names (llama.cpp's --outtype) → ggml type. */
export const GGUF_OUT_TYPES = ["f32", "f16", "bf16", "q8_0", "q4_0"] as const;
export type GgufOutType = (typeof GGUF_OUT_TYPES)[number];
export const OUT_TYPE_GGML: Record<GgufOutType, GgmlTypeName> = { f32: "F32", f16: "F16", bf16: "BF16", q8_0: "Q8_0", q4_0: "Q4_0" };

/** general.file_type (llama.cpp's LLAMA_FTYPE_ALL_F32, MOSTLY_F16, MOSTLY_Q4_0, MOSTLY_Q8_0, MOSTLY_BF16). */
export const FILE_TYPE: Record<GgufOutType, number> = { f32: 0, f16: 1, q4_0: 2, q8_0: 7, bf16: 32 };

/** Values per block and bytes per block (ggml's type_traits blck_size and type_size). */
export const BLOCK: Record<GgmlTypeName, { values: number; bytes: number }> = {
  F32: { values: 1, bytes: 4 },
  F16: { values: 1, bytes: 2 },
  BF16: { values: 1, bytes: 2 },
  Q8_0: { values: 32, bytes: 2 + 32 },
  Q4_0: { values: 32, bytes: 2 + 16 },
};

const QK = 32;

/** Bytes of `count` values stored as `type`; block types need whole blocks. */
export function typeBytes(type: GgmlTypeName, count: number): number {
  const b = BLOCK[type];
  if (count % b.values !== 0) throw new Error(`${count} values are not a whole number of ${type} blocks of ${b.values}`);
  return (count / b.values) * b.bytes;
}

/** C's roundf: halves away from zero (Math.round takes -2.5 to -2). */
const roundf = (x: number) => Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
const f = Math.fround;

/** quantize_row_q8_0_ref: d = amax / 127, q = roundf(x / d) as int8. */
function quantiseQ8_0(x: Float32Array, out: DataView): void {
  for (let b = 0; b < x.length / QK; b++) {
    const at = b * QK;
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[at + j]));
    const d = f(amax / 127);
    const id = d ? f(1 / d) : 0;
    const o = b * 34;
    out.setUint16(o, f32ToF16(d), true);
    for (let j = 0; j < QK; j++) out.setInt8(o + 2 + j, roundf(f(x[at + j] * id)));
  }
}

/**
 * quantize_row_q4_0_ref: d = (the value of largest magnitude, with its sign) / -8; q = min(15,
 * trunc(x / d + 8.5)); byte j holds value j in its low nibble and value j + 16 in its high one.
 */
function quantiseQ4_0(x: Float32Array, out: DataView): void {
  for (let b = 0; b < x.length / QK; b++) {
    const at = b * QK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = x[at + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f(max / -8);
    const id = d ? f(1 / d) : 0;
    const o = b * 18;
    out.setUint16(o, f32ToF16(d), true);
    const nibble = (v: number) => Math.min(15, Math.trunc(f(f(v * id) + 8.5)));
    for (let j = 0; j < QK / 2; j++) out.setUint8(o + 2 + j, nibble(x[at + j]) | (nibble(x[at + QK / 2 + j]) << 4));
  }
}

/** float32 values → the bytes of each type, little-endian, written into `out`. */
const ENCODE: Record<GgmlTypeName, (x: Float32Array, out: DataView) => void> = {
  F32: (x, out) => x.forEach((v, i) => out.setFloat32(4 * i, v, true)),
  F16: (x, out) => x.forEach((v, i) => out.setUint16(2 * i, f32ToF16(v), true)),
  BF16: (x, out) => x.forEach((v, i) => out.setUint16(2 * i, f32ToBf16(v), true)),
  Q8_0: quantiseQ8_0,
  Q4_0: quantiseQ4_0,
};

/** float32 values → the bytes of `type`, little-endian. */
export function encodeGgml(x: Float32Array, type: GgmlTypeName): Uint8Array {
  const out = new Uint8Array(typeBytes(type, x.length));
  ENCODE[type](x, new DataView(out.buffer));
  return out;
}

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** ggml's dequantize_row_q8_0: d · q. */
function dequantiseQ8_0(bytes: Uint8Array, count: number): Float32Array {
  const [view, y] = [viewOf(bytes), new Float32Array(count)];
  for (let b = 0; b < count / QK; b++) {
    const d = f16ToF32(view.getUint16(b * 34, true));
    for (let j = 0; j < QK; j++) y[b * QK + j] = f(d * view.getInt8(b * 34 + 2 + j));
  }
  return y;
}

/** ggml's dequantize_row_q4_0: d · (q − 8), the low nibbles first. */
function dequantiseQ4_0(bytes: Uint8Array, count: number): Float32Array {
  const [view, y] = [viewOf(bytes), new Float32Array(count)];
  for (let b = 0; b < count / QK; b++) {
    const d = f16ToF32(view.getUint16(b * 18, true));
    for (let j = 0; j < QK / 2; j++) {
      const q = view.getUint8(b * 18 + 2 + j);
      y[b * QK + j] = f(d * ((q & 0x0f) - 8));
      y[b * QK + QK / 2 + j] = f(d * ((q >> 4) - 8));
    }
  }
  return y;
}

/** The bytes of `count` values of each type → float32. */
const DECODE: Record<GgmlTypeName, (bytes: Uint8Array, count: number) => Float32Array> = {
  F32: (bytes, count) => decodeF32(bytes.subarray(0, 4 * count)),
  F16: (bytes, count) => decodeF16(bytes.subarray(0, 2 * count)),
  BF16: (bytes, count) => decodeBf16(bytes.subarray(0, 2 * count)),
  Q8_0: dequantiseQ8_0,
  Q4_0: dequantiseQ4_0,
};

/** The bytes of `count` values of `type` → float32. */
export function decodeGgml(bytes: Uint8Array, type: GgmlTypeName, count: number): Float32Array {
  return DECODE[type](bytes, count);
}
