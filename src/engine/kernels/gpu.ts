// WebGPU implementations of some host kernels (the same kernel names, registered for the webgpu
// backend): RMSNorm and LayerNorm with their input's gradient (a norm's weight never trains with
// LoRA), BLOOM's GELU and SwiGLU with their backward. Composed from tfjs ops, a LayerNorm is about
// nine dispatches forward and twenty backward; here it is one and one, and each element-wise chain is
// one. WGSL programs run through tfjs-webgpu's program runner (`runWebGPUProgram`), which declares
// the inputs (by `variableNames`), `result` and the uniforms; every program must read each input it binds.

import * as tf from "@tensorflow/tfjs-core";
import { BLOOM_GELU, GELU, GELU_GRAD, SWIGLU, SWIGLU_GRAD } from "./elementwise";
import { elementwise, GROUP, perRow, registerGpu, ROW_STATS, size, threadsProgram, type Uniform, type WebGPUBackend } from "./gpuProgram";
import { dims } from "./attention";
import { LAYER_NORM, NORM_INPUT_GRAD, RMS_NORM, type NormGradAttrs } from "./norms";
import { BIAS, ROW_ATTENTION, ROW_ATTENTION_GRAD, type RowAttentionAttrs } from "./rowAttention";
import { ropeRowAttention, ropeRowAttentionGrad } from "./gpuRopeAttention";
import "./gpuAdamW";
import { record, runMulti, type MultiProgram } from "./gpuPipeline";

const normUniforms = (H: number, eps: number): Uniform[] => [
  { type: "int32", data: [H] },
  { type: "float32", data: [eps] },
];

/** y = (x − mean)·rstd·w (+ b): a workgroup per row, the statistics and the output in one program. */
function normForward(b: WebGPUBackend, x: tf.TensorInfo, w: tf.TensorInfo, bias: tf.TensorInfo | null, eps: number): tf.TensorInfo {
  const H = w.shape[0];
  const program = perRow(
    `norm_${bias !== null}`,
    bias ? ["x", "w", "b"] : ["x", "w"],
    x.shape,
    size(x.shape) / H,
    `${ROW_STATS(bias !== null)}
      for (var k = i32(localId.x); k < H; k = k + ${GROUP}) {
        result[n * H + k] = (x[n * H + k] - mean) * rstd * w[k]${bias ? " + b[k]" : ""};
      }`,
    "eps : f32,",
  );
  return b.runWebGPUProgram(program, bias ? [x, w, bias] : [x, w], "float32", normUniforms(H, eps));
}

/**
 * dy, x, w (, an addend) → dx (+ the addend), a workgroup per row (norms.ts's NORM_INPUT_GRAD). With
 * g = dy·w and x̂ = (x − mean)·rstd: dx = rstd·(g − [centred]·mean(g) − x̂·mean(g·x̂)). The addend is
 * the gradient x's residual stream brings (layers.normResidual), which the tape would add after.
 */
function normInputGrad(b: WebGPUBackend, inputs: tf.TensorInfo[], { eps, centred }: NormGradAttrs): tf.TensorInfo {
  const [, x, w] = inputs;
  const add = inputs.length > 3;
  const H = w.shape[0];
  const program = perRow(
    `norm_input_grad_${centred}_${add}`,
    add ? ["dy", "x", "w", "addend"] : ["dy", "x", "w"],
    x.shape,
    size(x.shape) / H,
    `${ROW_STATS(centred)}
      var g = 0.0;
      var gx = 0.0;
      for (var k = i32(localId.x); k < H; k = k + ${GROUP}) {
        let gk = dy[n * H + k] * w[k];
        g = g + gk;
        gx = gx + gk * (x[n * H + k] - mean) * rstd;
      }
      let meanG = ${centred ? "rowSum(g) / f32(H)" : "0.0"};
      let meanGX = rowSum(gx) / f32(H);
      for (var k = i32(localId.x); k < H; k = k + ${GROUP}) {
        let i = n * H + k;
        result[i] = rstd * (dy[i] * w[k] - meanG - (x[i] - mean) * rstd * meanGX)${add ? " + addend[i]" : ""};
      }`,
    "eps : f32,",
  );
  return b.runWebGPUProgram(program, inputs, "float32", normUniforms(H, eps));
}

registerGpu(RMS_NORM, ([x, w], b, { eps }) => normForward(b, x, w, null, eps));
registerGpu(LAYER_NORM, ([x, w, bias], b, { eps }) => normForward(b, x, w, bias, eps));
registerGpu<NormGradAttrs>(NORM_INPUT_GRAD, (inputs, b, attrs) => normInputGrad(b, inputs, attrs));

const gelu = (x: string) => `tanh(${BLOOM_GELU.sqrt2OverPi} * ${x} * (1.0 + ${BLOOM_GELU.cubic} * ${x} * ${x}))`;
const one = (b: WebGPUBackend, key: string, inputs: tf.TensorInfo[], names: string[], body: string) =>
  b.runWebGPUProgram(elementwise(key, names, inputs[0].shape, body), inputs, "float32", [{ type: "int32", data: [1] }]);

registerGpu(GELU, ([x], b) => one(b, "gelu", [x], ["x"], `let v = x[index]; result[index] = v * 0.5 * (1.0 + ${gelu("v")});`));
registerGpu(GELU_GRAD, ([dy, x], b) =>
  one(
    b,
    "gelu_grad",
    [dy, x],
    ["dy", "x"],
    `let v = x[index];
     let t = ${gelu("v")};
     result[index] = dy[index] * (0.5 * v * ((1.0 - t * t) * (${BLOOM_GELU.sqrt2OverPi} + 0.1070322243 * v * v)) + 0.5 * (1.0 + t));`,
  ),
);
// SwiGLU's forward has two outputs, silu(gate)·up and σ(gate) (which its backward reuses), and its
// backward two, the gradients of gate and up: one program of our own each way (gpuPipeline.ts).
const swigluProgram = (key: string, inputs: string[], outputs: string[], body: string): MultiProgram => ({
  key,
  inputs,
  updated: [],
  outputs,
  uniforms: "",
  body,
});
const SWIGLU_FORWARD = swigluProgram(
  "swiglu",
  ["gate", "up"],
  ["y", "sig"],
  `let g = gate[index];
  let s = 1.0 / (1.0 + exp(-g));
  y[index] = g / (1.0 + exp(-g)) * up[index];
  sig[index] = s;`,
);
const SWIGLU_BACKWARD = swigluProgram(
  "swiglu_grad",
  ["dy", "gate", "up", "sig"],
  ["dGate", "dUp"],
  `let s = sig[index];
  let g = gate[index];
  dGate[index] = dy[index] * up[index] * s * (1.0 + g * (1.0 - s));
  dUp[index] = dy[index] * g * s;`,
);
registerGpu(SWIGLU, ([gate, up], b) => runMulti(b, SWIGLU_FORWARD, [gate, up], [], [gate.shape, gate.shape], [], size(gate.shape)));
registerGpu(SWIGLU_GRAD, (inputs, b) =>
  runMulti(b, SWIGLU_BACKWARD, inputs, [], [inputs[0].shape, inputs[0].shape], [], size(inputs[0].shape)),
);

/**
 * Row attention on BLOOM's fused query_key_value rows [B·T, nH·3·d] (q, k, v interleaved per head),
 * the contract of rowAttention.ts: forward, the probabilities (a thread per query row) and the
 * context (a thread per output); backward, dS = P ⊙ (dP − Σ P·dP) per row and the packed gradient
 * (a thread per element of q, k or v). Four dispatches instead of some sixty composed ops.
 * Llama's separate rows with rotary embeddings: gpuRopeAttention.ts.
 */
/** The programs' uniforms (ATTENTION_UNIFORMS) for a dispatch of `threads` threads. */
function attentionUniforms(a: RowAttentionAttrs, biasShape: number[], threads: number): Uniform[] {
  if (!a.packed || a.rope || a.nKV !== a.nH) throw new Error("internal: WebGPU row attention takes BLOOM's fused rows only");
  const { bb, bh, bt } = dims([a.B, a.nH, a.T, a.d], [a.B, a.nH, a.T, a.d], biasShape);
  return [1, a.T, a.nH, a.d, bb, bh, bt, threads].map((v): Uniform => ({ type: "int32", data: [v] })); // H unused: 1
}
const ATTENTION_UNIFORMS = "T : i32, nH : i32, d : i32, bb : i32, bh : i32, bt : i32, threads : i32,";
/** Query row `index` = (b·nH + h)·T + t, its q at qkv[(b·T + t)·W + h·3d], key j's k at +d, v at +2d. */
const ATTENTION_ROW = `
        let T = uniforms.T;
        let d = uniforms.d;
        let W = uniforms.nH * 3 * d;
        let t = index % T;
        let h = (index / T) % uniforms.nH;
        let b = index / (T * uniforms.nH);
        let scale = inverseSqrt(f32(d));`;
/**
 * A bias at or below −1e8 masks its key (causalPaddingBias writes −1e9; ALiBi adds at most a few
 * hundred): the SIMD module's MASKED, the same threshold in WGSL. −3e38 stands for −∞ below.
 */
const SCORE = `
        fn score(b : i32, h : i32, t : i32, j : i32) -> f32 {
          let T = uniforms.T;
          let d = uniforms.d;
          let W = uniforms.nH * 3 * d;
          let bj = bias[b * uniforms.bb + h * uniforms.bh + t * uniforms.bt + j];
          if (bj <= -1e8) { return -3.0e38; }
          var s = 0.0;
          for (var c = 0; c < d; c = c + 1) { s = s + qkv[(b * T + t) * W + h * 3 * d + c] * qkv[(b * T + j) * W + h * 3 * d + d + c]; }
          return s * inverseSqrt(f32(d)) + bj;
        }`;

const rowProgram = (key: string, names: string[], outputShape: number[], threads: number, helpers: string, body: string) =>
  threadsProgram(key, names, outputShape, threads, ATTENTION_UNIFORMS, helpers, body);

registerGpu<RowAttentionAttrs>(ROW_ATTENTION, (inputs, b, a) => {
  if (!a.packed) return ropeRowAttention(inputs, b, a); // Llama's rows: gpuRopeAttention.ts
  const [qkv, bias] = [inputs[0], inputs[BIAS]];
  // One program of our own (gpuPipeline.ts: two outputs), a thread per query row: its probabilities, then its context row.
  const forward: MultiProgram = {
    key: "attention_forward",
    inputs: ["qkv", "bias"],
    updated: [],
    outputs: ["probs", "context"],
    uniforms: "T : i32, nH : i32, d : i32, bb : i32, bh : i32, bt : i32,",
    helpers: SCORE,
    body: `${ATTENTION_ROW}
        var top = -3.0e38;
        for (var j = 0; j < T; j = j + 1) { top = max(top, score(b, h, t, j)); }
        if (top <= -3.0e38) {
          for (var j = 0; j < T; j = j + 1) { probs[index * T + j] = 1.0 / f32(T); } // every key masked: uniform
        } else {
          var sum = 0.0;
          for (var j = 0; j < T; j = j + 1) { let s = score(b, h, t, j); if (s > -3.0e38) { sum = sum + exp(s - top); } }
          for (var j = 0; j < T; j = j + 1) {
            let s = score(b, h, t, j);
            probs[index * T + j] = select(0.0, exp(s - top) / sum, s > -3.0e38);
          }
        }
        for (var c = 0; c < d; c = c + 1) {
          var s = 0.0;
          for (var j = 0; j < T; j = j + 1) { s = s + probs[index * T + j] * qkv[(b * T + j) * W + h * 3 * d + 2 * d + c]; }
          context[(b * T + t) * uniforms.nH * d + h * d + c] = s;
        }`,
  };
  const [probs, context] = record(
    b,
    forward,
    [qkv, bias],
    [],
    [
      [a.B, a.nH, a.T, a.T],
      [a.B * a.T, a.nH * a.d],
    ],
    attentionUniforms(a, bias.shape, 0).slice(1, 7), // less elementwise's H and the thread count
    a.B * a.nH * a.T,
  );
  return [context, probs];
});

// dOut [B·T, nH·d], probs, the six inputs (qkv first, bias at BIAS) → the packed gradient [B·T, nH·3·d].
registerGpu<RowAttentionAttrs>(ROW_ATTENTION_GRAD, ([dOut, probs, ...inputs], b, a) => {
  if (!a.packed) return ropeRowAttentionGrad(dOut, probs, inputs, b, a);
  const qkv = inputs[0];
  const rows = a.B * a.nH * a.T;
  const biasShape = inputs[BIAS].shape;
  const dS = b.runWebGPUProgram(
    rowProgram(
      "attention_ds",
      ["qkv", "probs", "dOut"],
      [a.B, a.nH, a.T, a.T],
      rows,
      `
        fn dP(b : i32, h : i32, t : i32, j : i32) -> f32 {
          let T = uniforms.T;
          let d = uniforms.d;
          let W = uniforms.nH * 3 * d;
          var s = 0.0;
          for (var c = 0; c < d; c = c + 1) { s = s + dOut[(b * T + t) * uniforms.nH * d + h * d + c] * qkv[(b * T + j) * W + h * 3 * d + 2 * d + c]; }
          return s;
        }`,
      `${ATTENTION_ROW}
        var expected = 0.0;
        for (var j = 0; j < T; j = j + 1) { let p = probs[index * T + j]; if (p != 0.0) { expected = expected + p * dP(b, h, t, j); } }
        for (var j = 0; j < T; j = j + 1) {
          let p = probs[index * T + j];
          result[index * T + j] = select(0.0, p * (dP(b, h, t, j) - expected) * scale, p != 0.0);
        }`,
    ),
    [qkv, probs, dOut],
    "float32",
    attentionUniforms(a, biasShape, rows),
  );
  const dQkv = b.runWebGPUProgram(
    rowProgram(
      "attention_dqkv",
      ["qkv", "probs", "dS", "dOut"],
      qkv.shape,
      size(qkv.shape),
      "",
      `
        let T = uniforms.T;
        let d = uniforms.d;
        let nH = uniforms.nH;
        let W = nH * 3 * d;
        let bt = index / W;
        let h = (index % W) / (3 * d);
        let part = (index % (3 * d)) / d;
        let c = index % d;
        let b = bt / T;
        let t = bt % T;
        var s = 0.0;
        for (var i = 0; i < T; i = i + 1) {
          let row = (b * nH + h) * T;
          if (part == 0) { s = s + dS[(row + t) * T + i] * qkv[(b * T + i) * W + h * 3 * d + d + c]; }      // dq: Σ_j dS[t, j]·k[j]
          else if (part == 1) { s = s + dS[(row + i) * T + t] * qkv[(b * T + i) * W + h * 3 * d + c]; }    // dk: Σ_i dS[i, t]·q[i]
          else { s = s + probs[(row + i) * T + t] * dOut[(b * T + i) * nH * d + h * d + c]; }               // dv: Σ_i P[i, t]·dOut[i]
        }
        result[index] = s;`,
    ),
    [qkv, probs, dS, dOut],
    "float32",
    attentionUniforms(a, biasShape, size(qkv.shape)),
  );
  b.disposeData(dS.dataId);
  return [dQkv];
});
