// RMSNorm and LayerNorm over the last axis as host kernels, forward and the input's gradient: one
// kernel each way instead of about a dozen ops forward and twenty backward (RMSNorm's in SIMD,
// assembly/index.ts). The backward recomputes the per-row statistics from x rather than saving them
// (a row costs one pass).

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

// Inputs dy, x, w → dx: dx = r·w·dy − x·r³/H · Σ w·dy·x. The SIMD kernel makes the weight's
// gradient dw = Σ_rows dy·x·r in the same pass; nothing reads it (see NORM_INPUT_GRAD).
registerHostKernel<NormAttrs>(
  RMS_NORM_GRAD,
  ([dy]) => [dy],
  ([dy, x, w], [dx], { eps }) =>
    withSimd((k, m) => {
      const [pdy, px, pw, pdx, pdw] = [m.put(dy), m.put(x), m.put(w), m.zeros(dy.length), m.zeros(w.length)];
      k.rmsNormGrad(pdy, px, pw, pdx, pdw, x.length / w.length, w.length, eps);
      m.get(pdx, dx);
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

// Inputs dy, x, w → dx, with g = dy·w and x̂ = (x − mean)·rstd: dx = rstd · (g − mean(g) − x̂ · mean(g·x̂)).
registerHostKernel<NormAttrs>(
  LAYER_NORM_GRAD,
  ([dy]) => [dy],
  ([dy, x, w], [dx], { eps }) => {
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
      for (let i = 0; i < H; i++) dx[o + i] = r * (dy[o + i] * w[i] - sumG / H - ((x[o + i] - mean) * r * sumGX) / H);
    }
  },
);

/**
 * The input's gradient as its own kernel, for a backend that implements it (kernels/gpu.ts on WebGPU;
 * layers.normResidual adds the residual stream's gradient in it). Only the input's: the tape asks for
 * the gradients of inputs that lead to a trained variable, and a norm's weight and bias never train
 * with LoRA (only the adapter's tensors are variables), so a frozen norm's backward is one program.
 */
export const NORM_INPUT_GRAD = "PlaygroundNormInputGrad";

export interface NormGradAttrs extends NormAttrs {
  /** LayerNorm (subtracts the mean) rather than RMSNorm. */
  centred: boolean;
}

function normGrad(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor, attrs: NormAttrs, centred: boolean): Record<string, () => tf.Tensor> {
  const a: NormGradAttrs = { eps: attrs.eps, centred };
  const kernel = fusedKernelActive(NORM_INPUT_GRAD) ? NORM_INPUT_GRAD : centred ? LAYER_NORM_GRAD : RMS_NORM_GRAD;
  return { "0": () => runHostKernel(kernel, [dy, x, w], a)[0] };
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
