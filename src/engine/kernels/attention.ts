// Scaled dot-product attention as host kernels: scores, additive bias (causal, padding, ALiBi),
// softmax and the weighted sum in one kernel, its backward in another, instead of some twenty-five
// ops forward and as many backward. Grouped-query heads read kv head ⌊h / (nH / nKV)⌋, as
// layers.attention does. The forward also returns the probabilities, which the backward reuses.

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";

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

/** A bias at or below this masks its key (causalPaddingBias writes −1e9; ALiBi adds at most a few hundred). */
const MASKED = -1e8;

/** softmax(q·kᵀ/√d + bias)·v on head-major q [B, nH, T, d], k/v [B, nKV, Tk, d] → out [B, T, nH·d], probs. */
export function forwardCore(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  bias: Float32Array,
  D: Dims,
  out: Float32Array,
  probs: Float32Array,
) {
  const { B, nH, nKV, T, Tk, d, bb, bh, bt } = D;
  const group = nH / nKV;
  const scale = 1 / Math.sqrt(d);
  const row = new Float64Array(Tk);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < nH; h++) {
      const kv = (b * nKV + Math.floor(h / group)) * Tk * d;
      for (let t = 0; t < T; t++) {
        const qo = ((b * nH + h) * T + t) * d;
        const bo = b * bb + h * bh + t * bt;
        let max = -Infinity;
        for (let j = 0; j < Tk; j++) {
          // A masked key (causalPaddingBias's −1e9) gets weight exp(−1e9 − max) = 0: skip its dot product.
          if (bias[bo + j] <= MASKED) {
            row[j] = -Infinity;
            continue;
          }
          let s = 0;
          for (let c = 0, ko = kv + j * d; c < d; c++) s += q[qo + c] * k[ko + c];
          row[j] = s * scale + bias[bo + j];
          if (row[j] > max) max = row[j];
        }
        if (max === -Infinity) for (let j = 0; j < Tk; j++) row[j] = 0; // every key masked: uniform, as softmax of equal scores
        let sum = 0;
        for (let j = 0; j < Tk; j++) sum += row[j] = Math.exp(row[j] - max);
        const po = ((b * nH + h) * T + t) * Tk;
        const oo = (b * T + t) * nH * d + h * d;
        for (let j = 0; j < Tk; j++) {
          const p = row[j] / sum;
          probs[po + j] = p;
          if (p === 0) continue; // a masked key
          for (let c = 0, vo = kv + j * d; c < d; c++) out[oo + c] += p * v[vo + c];
        }
      }
    }
}

/**
 * The backward of forwardCore, into head-major dq, dk, dv. With dP = dOut·vᵀ and the softmax
 * backward dS = P ⊙ (dP − Σⱼ P·dP): dq = dS·k/√d, dk = dSᵀ·q/√d, dv = Pᵀ·dOut (summed over a kv group).
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
  const { B, nH, nKV, T, Tk, d } = D;
  const group = nH / nKV;
  const scale = 1 / Math.sqrt(d);
  const dp = new Float64Array(Tk);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < nH; h++) {
      const kv = (b * nKV + Math.floor(h / group)) * Tk * d;
      for (let t = 0; t < T; t++) {
        const qo = ((b * nH + h) * T + t) * d;
        const po = ((b * nH + h) * T + t) * Tk;
        const oo = (b * T + t) * nH * d + h * d;
        let dot = 0;
        for (let j = 0; j < Tk; j++) {
          const p = probs[po + j];
          if (p === 0) {
            dp[j] = 0;
            continue;
          }
          let s = 0;
          const vo = kv + j * d;
          for (let c = 0; c < d; c++) {
            s += dOut[oo + c] * v[vo + c];
            dv[vo + c] += p * dOut[oo + c];
          }
          dp[j] = s;
          dot += p * s;
        }
        for (let j = 0; j < Tk; j++) {
          const ds = probs[po + j] * (dp[j] - dot) * scale;
          if (ds === 0) continue;
          for (let c = 0, ko = kv + j * d; c < d; c++) {
            dq[qo + c] += ds * k[ko + c];
            dk[ko + c] += ds * q[qo + c];
          }
        }
      }
    }
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
