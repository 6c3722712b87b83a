// The causal-LM loss of transformers (loss_utils.ForCausalLMLoss): logits at position t predict
// labels[t+1]; positions labelled -100 are ignored; the mean is over all counted tokens of the
// batch (not per example), which is what Trainer optimises without gradient accumulation.

import * as tf from "@tensorflow/tfjs-core";
import { hostCrossEntropy } from "./kernels/crossEntropy";
import { hostKernelsActive } from "./kernels/host";
import { blockedCrossEntropySum, headLogits, type LmHead } from "./head";

export const IGNORE_INDEX = -100;

/** Shifted labels as the loss sees them: target[b][t] = labels[b][t+1], last position ignored. */
export function shiftLabels(labels: number[][]): number[][] {
  return labels.map((row) => [...row.slice(1), IGNORE_INDEX]);
}

/** logits [B, T, V], labels [B, T] → scalar mean cross-entropy over counted tokens. */
export function causalLmLoss(logits: tf.Tensor3D, labels: number[][]): tf.Scalar {
  const [B, T, V] = logits.shape;
  const shifted = shiftLabels(labels).flat();
  const count = shifted.filter((l) => l !== IGNORE_INDEX).length;
  return tf.tidy(() => {
    const targets = tf.tensor1d(
      shifted.map((l) => (l === IGNORE_INDEX ? -1 : l)),
      "int32",
    ); // -1 → all-zero one-hot row
    const logProbs = tf.logSoftmax(tf.reshape(logits, [B * T, V])); // [B·T, V]
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, V))); // Σ log p(target)
    // An all-ignored batch has loss 0/0 = NaN in torch; we return NaN too rather than hide it.
    return tf.div(tf.neg(picked), count) as tf.Scalar;
  });
}

/**
 * The same loss from the final hidden states [B·T, H] and the head, computing logits only where a
 * label is counted. The LM head is the largest matmul of a small model (V = 151k for Qwen
 * tokenizers) and masked strategies count a few tokens per example, so this skips most of the work;
 * the result is identical because ignored positions never enter the mean. Rows are picked with a
 * one-hot matmul, not tf.gather, whose gradient needs a kernel (UnsortedSegmentSum) the wasm backend
 * lacks. The head's `frozen` form is set when no gradient flows into it (a stored weight):
 * layers.frozenMatMul. Measured on a 151,669 × 64 head (wasm, 2 cores): autograd's backward matmul
 * took 98 ms of a 150 ms training step; frozenMatMul's, 2.8 ms. A head in several blocks
 * (vocabBlocks.ts) never makes the [N, V] logits.
 */
export function causalLmLossFromHidden(hidden: tf.Tensor2D, head: LmHead, labels: number[][]): tf.Scalar {
  const rows = hidden.shape[0];
  const shifted = shiftLabels(labels).flat();
  const counted = shifted.flatMap((l, i) => (l === IGNORE_INDEX ? [] : [i]));
  if (counted.length === 0) return tf.scalar(NaN); // 0/0 as torch gives for an all-ignored batch
  return tf.tidy(() => {
    const select = tf.buffer([counted.length, rows], "float32");
    counted.forEach((row, n) => select.set(1, n, row));
    const picked = tf.matMul(select.toTensor() as tf.Tensor2D, hidden) as tf.Tensor2D; // [N, H]
    const targets = counted.map((i) => shifted[i]);
    if (head.blocks.length > 1) return tf.div(blockedCrossEntropySum(picked, head, targets), counted.length) as tf.Scalar;
    const logits = headLogits(picked, head, true); // [N, V]
    if (hostKernelsActive()) return hostCrossEntropy(logits, targets);
    const logProbs = tf.logSoftmax(logits);
    const total = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(targets, "int32"), logits.shape[1])));
    return tf.div(tf.neg(total), counted.length) as tf.Scalar;
  });
}

/** Number of tokens the loss counts (labels ≠ -100 after the shift). */
export function countedTokens(labels: number[][]): number {
  return shiftLabels(labels)
    .flat()
    .filter((l) => l !== IGNORE_INDEX).length;
}
