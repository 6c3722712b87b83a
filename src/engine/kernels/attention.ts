// Scaled dot-product attention as a host kernel: scores, additive bias (causal, padding, ALiBi),
// softmax and the weighted sum in one kernel instead of some twenty-five ops. Grouped-query heads
// read kv head ⌊h / (nH / nKV)⌋, as layers.attention does.

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";
import { withSimd } from "./simd/simd";

const ATTENTION = "PlaygroundAttention";

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

// q, k, v, bias → context [B, T, nH·d] (heads side by side, as the output projection reads them).
// Generation's attention over its KV cache: training and scoring read the projections' rows
// (rowAttention.ts, which has the backward), so this kernel has no gradient.
registerHostKernel<object>(
  ATTENTION,
  ([q, k, , bias]) => {
    const { B, nH, T, d } = dims(q, k, bias);
    return [[B, T, nH * d]];
  },
  ([q, k, v, bias], [out], _attrs, shapes) => {
    const D = dims(shapes[0], shapes[1], shapes[3]);
    withSimd((simd, m) => {
      const [pq, pk, pv, pb, po] = [q, k, v, bias, out].map((t) => m.put(t));
      const [probs, row] = [m.zeros(D.B * D.nH * D.T * D.Tk), m.zeros(D.Tk)];
      simd.attentionForward(pq, pk, pv, pb, po, probs, row, D.B, D.nH, D.nKV, D.T, D.Tk, D.d, D.bb, D.bh, D.bt);
      m.get(po, out);
    });
  },
);

/** layers.attention's contract: q [B, nH, T, d], k/v [B, nKV, Tk, d], bias → [B, T, nH·d]. */
export function hostAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor): tf.Tensor3D {
  return runHostKernel(ATTENTION, [q, k, v, bias])[0] as tf.Tensor3D;
}
