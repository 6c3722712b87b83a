// RMSNorm and LayerNorm over the last axis as host kernels, forward and backward: one kernel each
// way instead of about a dozen ops forward and twenty backward (RMSNorm's in SIMD, assembly/index.ts).
// The backward recomputes the per-row statistics from x rather than saving them (a row costs one pass).

import * as tf from "@tensorflow/tfjs-core";
import { fusedKernelActive, registerHostKernel, runHostKernel } from "./host";
import { withSimd } from "./simd/simd";

export const RMS_NORM = "PlaygroundRmsNorm";
export const RMS_NORM_GRAD = "PlaygroundRmsNormGrad";
export const LAYER_NORM = "PlaygroundLayerNorm";
export const LAYER_NORM_GRAD = "PlaygroundLayerNormGrad";

export interface NormAttrs {
  eps: number;
}

/** Per row of x [N, H]: the mean and 1 / √(biased variance + eps). */
function layerStats(x: Float32Array, row: number, H: number, eps: number): [number, number] {
  let s = 0;
  for (let i = row * H; i < (row + 1) * H; i++) s += x[i];
  const mean = s / H;
  let v = 0;
  for (let i = row * H; i < (row + 1) * H; i++) v += (x[i] - mean) * (x[i] - mean);
  return [mean, 1 / Math.sqrt(v / H + eps)];
}

// Inputs x (any shape, normalised over its last axis), w [H]: y = x · rstd · w (assembly/index.ts).
registerHostKernel<NormAttrs>(
  RMS_NORM,
  ([x]) => [x],
  ([x, w], [y], { eps }) =>
    withSimd((k, m) => {
      const [px, pw, py] = [m.put(x), m.put(w), m.zeros(x.length)];
      k.rmsNorm(px, pw, py, x.length / w.length, w.length, eps);
      m.get(py, y);
    }),
);

// Inputs dy, x, w → dx, dw: dx = r·w·dy − x·r³/H · Σ w·dy·x; dw = Σ_rows dy·x·r.
registerHostKernel<NormAttrs>(
  RMS_NORM_GRAD,
  ([dy, , w]) => [dy, w],
  ([dy, x, w], [dx, dw], { eps }) =>
    withSimd((k, m) => {
      const [pdy, px, pw, pdx, pdw] = [m.put(dy), m.put(x), m.put(w), m.zeros(dy.length), m.zeros(w.length)];
      k.rmsNormGrad(pdy, px, pw, pdx, pdw, x.length / w.length, w.length, eps);
      m.get(pdx, dx);
      m.get(pdw, dw);
    }),
);

// Inputs x, w [H], b [H]: y = (x − mean) · rstd · w + b.
registerHostKernel<NormAttrs>(
  LAYER_NORM,
  ([x]) => [x],
  ([x, w, b], [y], { eps }) => {
    const H = w.length;
    for (let n = 0; n < x.length / H; n++) {
      const [mean, r] = layerStats(x, n, H, eps);
      for (let i = 0, o = n * H; i < H; i++) y[o + i] = (x[o + i] - mean) * r * w[i] + b[i];
    }
  },
);

// Inputs dy, x, w → dx, dw, db, with g = dy·w and x̂ = (x − mean)·rstd:
// dx = rstd · (g − mean(g) − x̂ · mean(g·x̂)); dw = Σ_rows dy·x̂; db = Σ_rows dy.
registerHostKernel<NormAttrs>(
  LAYER_NORM_GRAD,
  ([dy, , w]) => [dy, w, w],
  ([dy, x, w], [dx, dw, db], { eps }) => {
    const H = w.length;
    for (let n = 0; n < x.length / H; n++) {
      const o = n * H;
      const [mean, r] = layerStats(x, n, H, eps);
      let sumG = 0;
      let sumGX = 0;
      for (let i = 0; i < H; i++) {
        const g = dy[o + i] * w[i];
        sumG += g;
        sumGX += g * (x[o + i] - mean) * r;
      }
      for (let i = 0; i < H; i++) {
        const xhat = (x[o + i] - mean) * r;
        dx[o + i] = r * (dy[o + i] * w[i] - sumG / H - (xhat * sumGX) / H);
        dw[i] += dy[o + i] * xhat;
        db[i] += dy[o + i];
      }
    }
  },
);

/**
 * The backward in parts, for a backend that implements them (kernels/gpu.ts on WebGPU): the input's
 * gradient (NORM_INPUT_GRAD: dx, a row at a time), the weight's (NORM_WEIGHT_GRAD: dw, a sum over the
 * rows) and LayerNorm's bias's (a tfjs sum). The tape asks only for the gradients of inputs that lead to a
 * trained variable, and a norm's weight never trains with LoRA (only the adapter's tensors are
 * variables), so each part runs lazily, when asked: a frozen norm's backward is one program.
 */
export const NORM_INPUT_GRAD = "PlaygroundNormInputGrad";
export const NORM_WEIGHT_GRAD = "PlaygroundNormWeightGrad";

export interface NormGradAttrs extends NormAttrs {
  /** LayerNorm (subtracts the mean; its weight's gradient comes with the bias's) rather than RMSNorm. */
  centred: boolean;
}

function normGrad(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor, attrs: NormAttrs, centred: boolean): Record<string, () => tf.Tensor> {
  const a: NormGradAttrs = { eps: attrs.eps, centred };
  if (fusedKernelActive(NORM_INPUT_GRAD)) {
    return {
      "0": () => runHostKernel(NORM_INPUT_GRAD, [dy, x, w], a)[0],
      "1": () => runHostKernel(NORM_WEIGHT_GRAD, [dy, x], a)[0],
      ...(centred ? { "2": () => tf.sum(tf.reshape(dy, [-1, w.shape[0]]), 0) } : {}), // db = Σ_rows dy
    };
  }
  const [dx, dw, db] = runHostKernel(centred ? LAYER_NORM_GRAD : RMS_NORM_GRAD, [dy, x, w], attrs);
  return { "0": () => dx, "1": () => dw, ...(centred ? { "2": () => db } : {}) };
}

tf.registerGradient({
  kernelName: RMS_NORM,
  inputsToSave: ["0", "1"],
  gradFunc: (dy, saved, attrs) => normGrad(dy as tf.Tensor, saved[0], saved[1], attrs as unknown as NormAttrs, false),
});

tf.registerGradient({
  kernelName: LAYER_NORM,
  inputsToSave: ["0", "1"],
  gradFunc: (dy, saved, attrs) => normGrad(dy as tf.Tensor, saved[0], saved[1], attrs as unknown as NormAttrs, true),
});

export const hostRmsNorm = (x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor => runHostKernel(RMS_NORM, [x, w], { eps })[0];

export const hostLayerNorm = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor =>
  runHostKernel(LAYER_NORM, [x, w, b], { eps })[0];
