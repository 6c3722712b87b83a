// The causal-LM loss of transformers (loss_utils.ForCausalLMLoss): logits at position t predict
// labels[t+1]; positions labelled -100 are ignored; the mean is over all counted tokens of the
// batch (not per example), which is what Trainer optimises without gradient accumulation.

import * as tf from "@tensorflow/tfjs-core";

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
    const targets = tf.tensor1d(shifted.map((l) => (l === IGNORE_INDEX ? -1 : l)), "int32"); // -1 → all-zero one-hot row
    const logProbs = tf.logSoftmax(tf.reshape(logits, [B * T, V])); // [B·T, V]
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, V))); // Σ log p(target)
    // An all-ignored batch has loss 0/0 = NaN in torch; we return NaN too rather than hide it.
    return tf.div(tf.neg(picked), count) as tf.Scalar;
  });
}

/** Number of tokens the loss counts (labels ≠ -100 after the shift). */
export function countedTokens(labels: number[][]): number {
  return shiftLabels(labels).flat().filter((l) => l !== IGNORE_INDEX).length;
}
