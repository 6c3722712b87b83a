// Scaled dot-product attention as host kernels: scores, additive bias (causal, padding, ALiBi),
// softmax and the weighted sum in one kernel, its backward in another, instead of some twenty-five
// ops forward and as many backward. Grouped-query heads read kv head ⌊h / (nH / nKV)⌋, as
// layers.attention does. The forward also returns the probabilities, which the backward reuses.

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";
import { withSimd } from "./simd/simd";

const ATTENTION = "PlaygroundAttention";
const ATTENTION_GRAD = "PlaygroundAttentionGrad";

/** Sizes of q [B, nH, T, d], k/v [B, nKV, Tk, d], and the bias's strides over [B, nH, T, Tk]. */
export interface Dims {
  B: number;
  nH: number;
  nKV: number;
  T: number;
  Tk: number;
  d: number;
  /** Strides of the bias [B|1, nH|1, T|1, Tk] along B, heads and queries; 0 where it broadcasts. */
  bb: number;
  bh: number;
  bt: number;
}

export function dims(q: number[], k: number[], bias: number[]): Dims {
  const [B, nH, T, d] = q;
  const [, nKV, Tk] = k;
  const [b0, b1, b2] = bias;
  return { B, nH, nKV, T, Tk, d, bt: b2 === 1 ? 0 : Tk, bh: b1 === 1 ? 0 : b2 * Tk, bb: b0 === 1 ? 0 : b1 * b2 * Tk };
}

/** softmax(q·kᵀ/√d + bias)·v on head-major q [B, nH, T, d], k/v [B, nKV, Tk, d] → out [B, T, nH·d] (added to), probs. */
export function forwardCore(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array,
  D: Dims,
  out: Float32Array,
  probs: Float32Array,
) {
  withSimd((simd, m) => {
    const [pq, pk, pv, pb, po] = [q, k, v, bias, out].map((t) => m.put(t));
    const [pp, row] = [m.zeros(probs.length), m.zeros(D.Tk)];
    simd.attentionForward(pq, pk, pv, pb, po, pp, row, D.B, D.nH, D.nKV, D.T, D.Tk, D.d, D.bb, D.bh, D.bt);
    m.get(po, out);
    m.get(pp, probs);
  });
}

/**
 * The backward of forwardCore, into head-major dq, dk, dv (added to). With dP = dOut·vᵀ and the
 * softmax backward dS = P ⊙ (dP − Σⱼ P·dP): dq = dS·k/√d, dk = dSᵀ·q/√d, dv = Pᵀ·dOut (summed
 * over a kv group).
 */
export function backwardCore(
  dOut: Float32Array,
  probs: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  D: Dims,
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
) {
  withSimd((simd, m) => {
    const [pdo, pp, pq, pk, pv, pdq, pdk, pdv] = [dOut, probs, q, k, v, dq, dk, dv].map((t) => m.put(t));
    const ds = m.zeros(D.T * D.Tk);
    simd.attentionBackward(pdo, pp, pq, pk, pv, pdq, pdk, pdv, ds, D.B, D.nH, D.nKV, D.T, D.Tk, D.d);
    m.get(pdq, dq);
    m.get(pdk, dk);
    m.get(pdv, dv);
  });
}

// q, k, v, bias → context [B, T, nH·d] (heads side by side, as the output projection reads them)
// and probabilities [B, nH, T, Tk].
registerHostKernel<object>(
  ATTENTION,
  ([q, k, , bias]) => {
    const { B, nH, T, Tk, d } = dims(q, k, bias);
    return [
      [B, T, nH * d],
      [B, nH, T, Tk],
    ];
  },
  ([q, k, v, bias], [out, probs], _attrs, shapes) => forwardCore(q, k, v, bias, dims(shapes[0], shapes[1], shapes[3]), out, probs),
);

// dOut [B, T, nH·d], probs, q, k, v, bias → dq, dk, dv.
registerHostKernel<object>(
  ATTENTION_GRAD,
  ([, , q, k, v]) => [q, k, v],
  ([dOut, probs, q, k, v], [dq, dk, dv], _attrs, shapes) =>
    backwardCore(dOut, probs, q, k, v, dims(shapes[2], shapes[3], shapes[5]), dq, dk, dv),
);

tf.registerGradient({
  kernelName: ATTENTION,
  inputsToSave: ["0", "1", "2", "3"],
  outputsToSave: [false, true],
  gradFunc: (dys, saved) => {
    const [q, k, v, bias, probs] = saved;
    const dOut = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    // Computed once, here: the tape asks for each input's gradient in its own tidy (see host.ts).
    const [dq, dk, dv] = runHostKernel(ATTENTION_GRAD, [dOut, probs, q, k, v, bias]);
    return { "0": () => dq, "1": () => dk, "2": () => dv };
  },
});

/** layers.attention's contract: q [B, nH, T, d], k/v [B, nKV, Tk, d], bias → [B, T, nH·d]. */
export function hostAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor): tf.Tensor3D {
  return runHostKernel(ATTENTION, [q, k, v, bias])[0] as tf.Tensor3D;
}
