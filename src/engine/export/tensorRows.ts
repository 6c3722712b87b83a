// Reading a merged tensor a block of rows at a time, so that converting it (to another dtype, to a
// ggml type) holds one block of float32 values besides the tensor, never a float32 copy of the whole.

import { decodeBf16, decodeF16, decodeF32 } from "../../core/float16";
import type { MergedTensor } from "./merge";

/** Values per block of rows: about 4 MB of float32. */
const BLOCK_VALUES = 1 << 20;

/** [rows, values per row] of a shape (a vector is one value per row). */
export function rowsAndWidth(shape: readonly number[]): [number, number] {
  return [shape[0] ?? 1, shape.slice(1).reduce((a, b) => a * b, 1)];
}

/** Row ranges [first, count] of at most about BLOCK_VALUES values each. */
export function rowBlocks(shape: readonly number[]): Array<[number, number]> {
  const [rows, width] = rowsAndWidth(shape);
  const per = Math.max(1, Math.floor(BLOCK_VALUES / width));
  const out: Array<[number, number]> = [];
  for (let first = 0; first < rows; first += per) out.push([first, Math.min(per, rows - first)]);
  return out;
}

const DECODE = { F32: decodeF32, F16: decodeF16, BF16: decodeBf16 } as const;
const BYTES = { F32: 4, F16: 2, BF16: 2 } as const;

/** Rows `first` … `first + count - 1` as float32 (a view of merged values, or decoded from the stored bytes). */
export function rowReader(t: MergedTensor): (first: number, count: number) => Float32Array {
  const [, width] = rowsAndWidth(t.shape);
  if (t.data) {
    const data = t.data;
    return (first, count) => data.subarray(first * width, (first + count) * width);
  }
  const raw = t.raw!;
  const size = BYTES[t.storedAs] * width;
  return (first, count) => DECODE[t.storedAs](raw.subarray(first * size, (first + count) * size));
}
