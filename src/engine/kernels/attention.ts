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

/** Σ a[ao + c]·b[bo + c] over c < n, four at a time (independent sums the JIT can overlap). */
function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < n; c += 4) {
    s0 += a[ao + c] * b[bo + c];
    s1 += a[ao + c + 1] * b[bo + c + 1];
    s2 += a[ao + c + 2] * b[bo + c + 2];
    s3 += a[ao + c + 3] * b[bo + c + 3];
  }
  for (; c < n; c++) s0 += a[ao + c] * b[bo + c];
  return s0 + s1 + s2 + s3;
}

/**
 * out[oo + c] += Σⱼ w[j]·m[mo + j·stride + c] for c < d and j < n: four output channels at a time,
 * summed over j in registers (a row-by-row update would read and write `out` n times).
 */
function addWeightedRows(
  w: Float64Array,
  n: number,
  m: Float32Array,
  mo: number,
  stride: number,
  d: number,
  out: Float32Array,
  oo: number,
) {
  let c = 0;
  for (; c + 3 < d; c += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n; j++) {
      const x = w[j];
      if (x === 0) continue; // a masked key
      const o = mo + j * stride + c;
      s0 += x * m[o];
      s1 += x * m[o + 1];
      s2 += x * m[o + 2];
      s3 += x * m[o + 3];
    }
    out[oo + c] += s0;
    out[oo + c + 1] += s1;
    out[oo + c + 2] += s2;
    out[oo + c + 3] += s3;
  }
  for (; c < d; c++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += w[j] * m[mo + j * stride + c];
    out[oo + c] += s;
  }
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
          row[j] = dot(q, qo, k, kv + j * d, d) * scale + bias[bo + j];
          if (row[j] > max) max = row[j];
        }
        if (max === -Infinity) {
          row.fill(0); // every key masked: uniform, as the softmax of equal scores
          max = 0;
        }
        let sum = 0;
        for (let j = 0; j < Tk; j++) sum += row[j] = Math.exp(row[j] - max);
        const po = ((b * nH + h) * T + t) * Tk;
        const oo = (b * T + t) * nH * d + h * d;
        for (let j = 0; j < Tk; j++) probs[po + j] = row[j] /= sum;
        addWeightedRows(row, Tk, v, kv, d, d, out, oo);
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
  const row = nH * d; // dOut's stride between queries
  const ds = new Float64Array(T * Tk); // one head's dS
  const column = new Float64Array(T);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < nH; h++) {
      const kv = (b * nKV + Math.floor(h / group)) * Tk * d;
      const qh = (b * nH + h) * T * d;
      const ph = (b * nH + h) * T * Tk;
      const oh = b * T * row + h * d;
      for (let t = 0; t < T; t++) {
        const po = ph + t * Tk;
        let expected = 0; // Σⱼ P·dP
        for (let j = 0; j < Tk; j++) {
          const dp = probs[po + j] === 0 ? 0 : dot(dOut, oh + t * row, v, kv + j * d, d);
          ds[t * Tk + j] = dp;
          expected += probs[po + j] * dp;
        }
        for (let j = 0; j < Tk; j++) ds[t * Tk + j] = probs[po + j] * (ds[t * Tk + j] - expected) * scale;
        addWeightedRows(ds.subarray(t * Tk, (t + 1) * Tk), Tk, k, kv, d, d, dq, qh + t * d);
      }
      // Per key: dv = Σ_t P[t, j]·dOut[t], dk = Σ_t dS[t, j]·q[t], from the columns of P and dS.
      for (let j = 0; j < Tk; j++) {
        for (let t = 0; t < T; t++) column[t] = probs[ph + t * Tk + j];
        addWeightedRows(column, T, dOut, oh, row, d, dv, kv + j * d);
        for (let t = 0; t < T; t++) column[t] = ds[t * Tk + j];
        addWeightedRows(column, T, q, qh, d, d, dk, kv + j * d);
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
