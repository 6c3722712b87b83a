// The LM head, hidden states → logits, over the head's row blocks (vocabBlocks.ts): one stored
// weight in the common case, where the frozen matmul's fast forms apply (layers.frozenMatMul).

import * as tf from "@tensorflow/tfjs-core";
import { frozenForward, frozenMatMul, matMulTransposedWeight, type FrozenLinear } from "./layers";
import { blockBytesLimit, FLOAT, offsets } from "./vocabBlocks";

/** The LM head: its row blocks in vocabulary order and, when it is one stored weight, that weight as a frozen linear. */
export interface LmHead {
  blocks: tf.Tensor2D[];
  frozen: FrozenLinear | null;
}

/**
 * hidden [N, H] → logits [N, V]. `differentiable`: through frozenMatMul, whose backward is written
 * out (training); else the plain forward (evaluation, generation).
 */
export function headLogits(hidden: tf.Tensor2D, head: LmHead, differentiable: boolean): tf.Tensor2D {
  if (head.frozen) return differentiable ? frozenMatMul(hidden, head.frozen) : frozenForward(hidden, head.frozen);
  const parts = head.blocks.map((b) => matMulTransposedWeight(hidden, b)); // [N, V_b] each
  return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
}

/**
 * Σ over rows of −log softmax(hidden·headᵀ)[target] for a head in several blocks, without the
 * [N, V] logits: each block's logits (rows taken in chunks that keep them within the limit) give
 * their log-sum-exp and the target's logit where the block holds it.
 */
export function blockedCrossEntropySum(hidden: tf.Tensor2D, head: LmHead, targets: number[]): tf.Scalar {
  const limit = blockBytesLimit();
  const widest = Math.max(...head.blocks.map((b) => b.shape[0]));
  const rowsPerChunk = limit === null ? targets.length : Math.max(1, Math.floor(limit / (widest * FLOAT)));
  const starts = offsets(head.blocks);
  const chunks: tf.Scalar[] = [];
  for (let r = 0; r < targets.length; r += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, targets.length - r);
    const rows = tf.slice(hidden, [r, 0], [n, hidden.shape[1]]);
    const lses: tf.Tensor[] = [];
    const picked: tf.Tensor[] = [];
    head.blocks.forEach((b, k) => {
      const logits = matMulTransposedWeight(rows, b); // [n, V_b]
      lses.push(tf.logSumExp(logits, 1)); // [n]
      const local = targets.slice(r, r + n).map((t) => (t >= starts[k] && t < starts[k] + b.shape[0] ? t - starts[k] : -1));
      picked.push(tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(local, "int32"), b.shape[0])), 1)); // [n], 0 where not held
    });
    const lse = tf.logSumExp(tf.stack(lses, 1), 1); // [n]
    chunks.push(tf.sum(tf.sub(lse, tf.addN(picked))));
  }
  return (chunks.length === 1 ? chunks[0] : tf.addN(chunks)) as tf.Scalar;
}
