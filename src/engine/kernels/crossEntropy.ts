// The mean cross-entropy of logits rows against their targets as host kernels: softmax, the picked
// log-probability and the mean in one kernel (SIMD, assembly/index.ts), its gradient in another,
// instead of some twenty ops each way over [N, V] (log-softmax, one-hot, product, sum, division).

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";
import { withSimd } from "./simd/simd";

const CROSS_ENTROPY = "PlaygroundCrossEntropy";
const CROSS_ENTROPY_GRAD = "PlaygroundCrossEntropyGrad";

interface CrossEntropyAttrs {
  /** The target id of each row. */
  targets: number[];
}

// logits [N, V] → mean over rows of −log softmax(row)[target] (a scalar), and the softmax [N, V].
registerHostKernel<CrossEntropyAttrs>(
  CROSS_ENTROPY,
  ([logits]) => [[], logits],
  ([logits], [loss, probs], { targets }, [[N, V]]) =>
    withSimd((k, m) => {
      const [pl, pp] = [m.put(logits), m.zeros(logits.length)];
      let total = 0;
      for (let n = 0; n < N; n++) total += k.crossEntropyRow(pl + 4 * n * V, pp + 4 * n * V, V, targets[n]);
      loss[0] = total / N;
      m.get(pp, probs);
    }),
);

// dLoss (a scalar), probs [N, V] → dLogits = dLoss / N · (probs − onehot(targets)).
registerHostKernel<CrossEntropyAttrs>(
  CROSS_ENTROPY_GRAD,
  ([, probs]) => [probs],
  ([dLoss, probs], [dLogits], { targets }, [, [N, V]]) =>
    withSimd((k, m) => {
      const [pp, pg] = [m.put(probs), m.zeros(probs.length)];
      for (let n = 0; n < N; n++) k.crossEntropyRowGrad(pp + 4 * n * V, pg + 4 * n * V, V, targets[n], dLoss[0] / N);
      m.get(pg, dLogits);
    }),
);

tf.registerGradient({
  kernelName: CROSS_ENTROPY,
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const dLoss = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const [dLogits] = runHostKernel(CROSS_ENTROPY_GRAD, [dLoss, saved[0]], attrs);
    return { "0": () => dLogits };
  },
});

/** Mean over rows of −log softmax(logits [N, V])[targets[n]], as a scalar. */
export function hostCrossEntropy(logits: tf.Tensor2D, targets: number[]): tf.Scalar {
  return runHostKernel(CROSS_ENTROPY, [logits], { targets })[0] as tf.Scalar;
}
