// The causal-LM loss of transformers (loss_utils.ForCausalLMLoss): logits at position t predict
// labels[t+1]; positions labelled -100 are ignored; the mean is over all counted tokens of the
// batch (not per example), which is what Trainer optimises without gradient accumulation.

import * as tf from "@tensorflow/tfjs-core";
import { hostCrossEntropy } from "./kernels/crossEntropy";
import { hostKernelsActive } from "./kernels/host";
import { blockedCrossEntropySum, headLogits, type LmHead } from "./head";
import { selectRows } from "./layers";
import { IGNORE_INDEX } from "../core/types";

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
 * What the loss reads of a batch: the positions it needs per example (`length`: a causal model's
 * later positions reach no counted logit, so the forward pass can stop there) and the counted rows of
 * the flattened [B·length] hidden states with their targets. Null when nothing is counted.
 */
export interface LossRows {
  length: number;
  rows: number[];
  targets: number[];
}

export function lossRows(labels: number[][]): LossRows | null {
  const shifted = shiftLabels(labels);
  const last = Math.max(...shifted.map((row) => row.findLastIndex((l) => l !== IGNORE_INDEX)));
  if (last < 0) return null;
  const { rows, targets } = countedRows(shifted, last + 1);
  return { length: last + 1, rows, targets };
}

/**
 * The counted positions among each example's first `length` shifted labels, as rows of their
 * concatenation (b·length + t when every example has that many), with their targets.
 */
function countedRows(shifted: number[][], length: number): Omit<LossRows, "length"> & { positions: number } {
  const rows: number[] = [];
  const targets: number[] = [];
  let positions = 0;
  for (const row of shifted)
    for (const l of row.slice(0, length)) {
      if (l !== IGNORE_INDEX) {
        rows.push(positions);
        targets.push(l);
      }
      positions++;
    }
  return { rows, targets, positions };
}

/**
 * The same loss from the final hidden states [B·T, H] and the head, computing logits only where a
 * label is counted. The LM head is the largest matmul of a small model (V = 151k for Qwen
 * tokenizers) and masked strategies count a few tokens per example, so this skips most of the work;
 * the result is identical because ignored positions never enter the mean.
 */
export function causalLmLossFromHidden(hidden: tf.Tensor2D, head: LmHead, labels: number[][]): tf.Scalar {
  const { rows, targets, positions } = countedRows(shiftLabels(labels), Infinity);
  if (rows.length === 0) return tf.scalar(NaN); // 0/0 as torch gives for an all-ignored batch
  if (hidden.shape[0] !== positions) {
    throw new Error(`the loss got ${hidden.shape[0]} hidden rows for ${labels.length} examples of ${positions} labels in all`);
  }
  return tf.tidy(() => countedRowsLoss(selectRows(hidden, rows), head, targets));
}

/**
 * The mean loss of hidden states already picked at the counted rows [N, H] against their targets.
 * The head's `frozen` form is set when no gradient flows into it (a stored weight):
 * layers.frozenMatMul. Measured on a 151,669 × 64 head (wasm, 2 cores): autograd's backward matmul
 * took 98 ms of a 150 ms training step; frozenMatMul's, 2.8 ms. A head in several blocks
 * (vocabBlocks.ts) never makes the [N, V] logits.
 */
export function countedRowsLoss(picked: tf.Tensor2D, head: LmHead, targets: number[]): tf.Scalar {
  return tf.tidy(() => {
    if (head.blocks.length > 1) return tf.div(blockedCrossEntropySum(picked, head, targets), targets.length) as tf.Scalar;
    const logits = headLogits(picked, head, true); // [N, V]
    if (hostKernelsActive()) return hostCrossEntropy(logits, targets);
    const logProbs = tf.logSoftmax(logits);
    const total = tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(targets, "int32"), logits.shape[1])));
    return tf.div(tf.neg(total), targets.length) as tf.Scalar;
  });
}

/** Number of tokens the loss counts (labels ≠ -100 after the shift). */
export function countedTokens(labels: number[][]): number {
  return shiftLabels(labels)
    .flat()
    .filter((l) => l !== IGNORE_INDEX).length;
}
