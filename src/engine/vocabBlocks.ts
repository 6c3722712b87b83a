// Vocabulary-sized matrices ([V, H]: the embedding, an untied LM head) kept as row blocks when one
// tensor would pass the backend's largest buffer (WebGPU's maxStorageBufferBindingSize /
// maxBufferSize): bloom-560m's embedding is 250,880 × 1,024 floats, 1.03 GB. The lookup gathers
// from each block, the head multiplies each block, and the loss combines the blocks'
// log-sum-exps, so no tensor past the limit is made. A matrix that fits is one block, the plain path.

import * as tf from "@tensorflow/tfjs-core";
import { memoryLimits } from "./backend";

/** Bytes of a float32, the dtype of every weight and activation here. */
export const FLOAT = 4;
let forcedBytes: number | null = null;

/** Splits as if the backend's largest buffer were `bytes` (null: the backend's own limit), to test the split on any backend. */
export function setBlockBytesLimit(bytes: number | null): void {
  forcedBytes = bytes;
}

/** The largest tensor the active backend takes, in bytes, or null where unbounded. */
export function blockBytesLimit(): number | null {
  return forcedBytes ?? memoryLimits().tensorBytes;
}

/** Rows per block of a [V, H] float32 matrix: all of them when it fits. */
export function rowsPerBlock(V: number, H: number): number {
  const limit = blockBytesLimit();
  return limit === null || V * H * FLOAT <= limit ? V : Math.max(1, Math.floor(limit / (H * FLOAT)));
}

/** Row blocks of a [V, H] matrix from its float32 data, each made as its own tensor. */
export function blocksFromData(data: Float32Array, V: number, H: number): tf.Tensor2D[] {
  const rows = rowsPerBlock(V, H);
  const blocks: tf.Tensor2D[] = [];
  for (let start = 0; start < V; start += rows) {
    const n = Math.min(rows, V - start);
    blocks.push(tf.tensor2d(data.subarray(start * H, (start + n) * H), [n, H]));
  }
  return blocks;
}

/** Each block's first row. */
export function offsets(blocks: tf.Tensor2D[]): number[] {
  let at = 0;
  return blocks.map((b) => {
    const o = at;
    at += b.shape[0];
    return o;
  });
}

/** Rows `ids` [N] of a matrix in blocks → [N, H]: each block gathers the ids it holds, zeros for the others. */
export function gatherBlockRows(blocks: tf.Tensor2D[], ids: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const parts = offsets(blocks).map((o, b) => {
      const n = blocks[b].shape[0];
      const local = tf.sub(ids, tf.scalar(o, "int32")) as tf.Tensor1D; // ids as rows of this block
      const inside = tf.logicalAnd(tf.greaterEqual(local, 0), tf.less(local, n)); // [N]
      const rows = tf.gather(blocks[b], tf.cast(tf.clipByValue(local, 0, n - 1), "int32")); // [N, H]
      return tf.mul(rows, tf.expandDims(tf.cast(inside, "float32"), 1));
    });
    return tf.addN(parts) as tf.Tensor2D;
  });
}
