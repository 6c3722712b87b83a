// WebGPU row attention for Llama-family layers (rowAttention.ts's contract with separate q, k, v rows
// and rotary embeddings): q [B·T, nH·d], k and v [B·T, nKV·d] read straight from the projections'
// rows, rotary embeddings applied as they are read, grouped-query heads (query head h reads key/value
// head h / (nH / nKV), as layers.attention groups them), the causal and padding bias. Forward: the
// probabilities and the context row, a thread per query row; backward: dS and dq (a thread per query
// row), then dk with dv (a thread per element of each). Three dispatches a layer (the two-output
// programs are our own, gpuPipeline.ts) in place of the composed path's reshapes, transposes, rotary
// slices and concats, matmuls and softmax (some seventy). [B, nH, T, T] is kept (the probabilities the backward reads), as the host kernel does.
// The rotation is HF's rotate_half (modeling_llama.apply_rotary_pos_emb): r[c] = x[c]·cos[c] +
// (c < d/2 ? −x[c + d/2] : x[c − d/2])·sin[c]; its gradient is the transposed rotation.

import * as tf from "@tensorflow/tfjs-core";
import { dims } from "./attention";
import { size, type WebGPUBackend } from "./gpuProgram";
import { ints, record, type MultiProgram } from "./gpuPipeline";
import { fusedKernelActive } from "./host";
import { BIAS, COS, SIN, ROW_ATTENTION, type RowAttentionAttrs } from "./rowAttention";

/** Longest head a thread keeps in registers (its rotated query or its dOut row). */
export const MAX_GPU_HEAD_DIM = 256;

/** Whether the active backend runs this attention for heads of `headDim` (webgpu, kernels on; gpu.ts registers it). */
export function gpuRopeAttentionApplies(headDim: number): boolean {
  return tf.getBackend() === "webgpu" && fusedKernelActive(ROW_ATTENTION) && headDim <= MAX_GPU_HEAD_DIM && headDim % 2 === 0;
}

/** T, nH, nKV, d, the bias's strides and whether the rotary tables are per row: the programs' own uniforms. */
function attentionValues(a: RowAttentionAttrs, biasShape: number[]): number[] {
  if (a.packed || !a.rope || a.d > MAX_GPU_HEAD_DIM || a.d % 2 !== 0)
    throw new Error("internal: WebGPU rotary attention takes separate q, k, v rows with rotary tables and an even head of at most 256");
  const { bb, bh, bt } = dims([a.B, a.nH, a.T, a.d], [a.B, a.nKV, a.T, a.d], biasShape);
  return [a.T, a.nH, a.nKV, a.d, bb, bh, bt, a.ropePerRow ? 1 : 0];
}
/** A two-output program of our own (gpuPipeline.ts) with attentionValues' uniforms. */
const ownProgram = (key: string, inputs: string[], outputs: string[], helpers: string, body: string): MultiProgram => ({
  key,
  inputs,
  updated: [],
  outputs,
  uniforms: "T : i32, nH : i32, nKV : i32, d : i32, bb : i32, bh : i32, bt : i32, perRow : i32,",
  helpers,
  body,
});

/**
 * `rotated(x, width)`: element c of head `head` at row (b, t) of rows x [B·T, width·d] after the
 * rotation (or its transpose, `sign` −1); reads ropeCos and ropeSin (WGSL's own cos and sin stay unshadowed), so a program using it binds both.
 */
const rotation = (name: string, x: string, width: string, sign: "" | "-") => `
  fn ${name}(b : i32, t : i32, head : i32, c : i32) -> f32 {
    let d = uniforms.d;
    let half = d / 2;
    let base = (b * uniforms.T + t) * ${width} * d + head * d;
    let r = select(t, b * uniforms.T + t, uniforms.perRow == 1) * d;
    var partner = 0.0;
    if (c < half) { partner = ${sign === "-" ? `${x}(b, t, head, c + half) * ropeSin[r + c + half]` : `-${x}[base + c + half] * ropeSin[r + c]`}; }
    else { partner = ${sign === "-" ? `-${x}(b, t, head, c - half) * ropeSin[r + c - half]` : `${x}[base + c - half] * ropeSin[r + c]`}; }
    return ${sign === "-" ? `${x}(b, t, head, c)` : `${x}[base + c]`} * ropeCos[r + c] + partner;
  }`;

/** Query row `index` = (b·nH + h)·T + t and its key/value head. */
const QUERY_ROW = `
    let T = uniforms.T;
    let d = uniforms.d;
    let t = index % T;
    let h = (index / T) % uniforms.nH;
    let b = index / (T * uniforms.nH);
    let kvh = h / (uniforms.nH / uniforms.nKV);
    let scale = inverseSqrt(f32(d));`;

/** The six inputs (q, k, v, bias, cos, sin) → context [B·T, nH·d], probabilities [B, nH, T, T]. */
export function ropeRowAttention(inputs: tf.TensorInfo[], b: WebGPUBackend, a: RowAttentionAttrs): tf.TensorInfo[] {
  const [q, k, v, bias, cos, sin] = [inputs[0], inputs[1], inputs[2], inputs[BIAS], inputs[COS], inputs[SIN]];
  // One program of our own (gpuPipeline.ts: two outputs), a thread per query row: the scores into its
  // row of `probs`, softmax in place, then its context row. A bias at or below −1e8 masks its key
  // (gpu.ts's SCORE: the host kernels' threshold), and a row with every key masked is uniform.
  const forward = ownProgram(
    "rope_attention_forward",
    ["q", "k", "v", "bias", "ropeCos", "ropeSin"],
    ["probs", "context"],
    `${rotation("rq", "q", "uniforms.nH", "")}
       ${rotation("rk", "k", "uniforms.nKV", "")}`,
    `${QUERY_ROW}
        var qr : array<f32, ${MAX_GPU_HEAD_DIM}>;
        for (var c = 0; c < d; c = c + 1) { qr[c] = rq(b, t, h, c); }
        var top = -3.0e38;
        for (var j = 0; j < T; j = j + 1) {
          let bj = bias[b * uniforms.bb + h * uniforms.bh + t * uniforms.bt + j];
          var s = -3.0e38;
          if (bj > -1e8) {
            var acc = 0.0;
            for (var c = 0; c < d; c = c + 1) { acc = acc + qr[c] * rk(b, j, kvh, c); }
            s = acc * scale + bj;
          }
          probs[index * T + j] = s;
          top = max(top, s);
        }
        if (top <= -3.0e38) {
          for (var j = 0; j < T; j = j + 1) { probs[index * T + j] = 1.0 / f32(T); }
        } else {
          var sum = 0.0;
          for (var j = 0; j < T; j = j + 1) { let s = probs[index * T + j]; if (s > -3.0e38) { sum = sum + exp(s - top); } }
          for (var j = 0; j < T; j = j + 1) {
            let s = probs[index * T + j];
            probs[index * T + j] = select(0.0, exp(s - top) / sum, s > -3.0e38);
          }
        }
        for (var c = 0; c < d; c = c + 1) {
          var s = 0.0;
          for (var j = 0; j < T; j = j + 1) {
            let p = probs[index * T + j];
            if (p != 0.0) { s = s + p * v[(b * T + j) * uniforms.nKV * d + kvh * d + c]; }
          }
          context[(b * T + t) * uniforms.nH * d + h * d + c] = s;
        }`,
  );
  const [probs, context] = record(
    b,
    forward,
    [q, k, v, bias, cos, sin],
    [],
    [
      [a.B, a.nH, a.T, a.T],
      [a.B * a.T, a.nH * a.d],
    ],
    ints(...attentionValues(a, bias.shape)),
    a.B * a.nH * a.T,
  );
  return [context, probs];
}

/** dOut [B·T, nH·d], probs, the six inputs → dq, dk, dv. */
export function ropeRowAttentionGrad(
  dOut: tf.TensorInfo,
  probs: tf.TensorInfo,
  inputs: tf.TensorInfo[],
  b: WebGPUBackend,
  a: RowAttentionAttrs,
) {
  const [q, k, v, cos, sin] = [inputs[0], inputs[1], inputs[2], inputs[COS], inputs[SIN]];
  const biasShape = inputs[BIAS].shape;
  // A thread per query row (one program of our own, two outputs): dS = P ⊙ (dP − Σ P·dP)·scale with
  // dP = dOut·vᵀ (into the row first, then in place), then the row's dq: the rotated q's gradient
  // dqr = dS·kr for every c, then the transposed rotation (rotation()'s, written out over the row).
  const dsdq = ownProgram(
    "rope_attention_ds_dq",
    ["v", "probs", "dOut", "k", "ropeCos", "ropeSin"],
    ["dS", "dq"],
    rotation("rk", "k", "uniforms.nKV", ""),
    `${QUERY_ROW}
        var g : array<f32, ${MAX_GPU_HEAD_DIM}>;
        for (var c = 0; c < d; c = c + 1) { g[c] = dOut[(b * T + t) * uniforms.nH * d + h * d + c]; }
        var expected = 0.0;
        for (var j = 0; j < T; j = j + 1) {
          let p = probs[index * T + j];
          var dp = 0.0;
          if (p != 0.0) {
            for (var c = 0; c < d; c = c + 1) { dp = dp + g[c] * v[(b * T + j) * uniforms.nKV * d + kvh * d + c]; }
            expected = expected + p * dp;
          }
          dS[index * T + j] = dp;
        }
        for (var j = 0; j < T; j = j + 1) {
          let p = probs[index * T + j];
          dS[index * T + j] = select(0.0, p * (dS[index * T + j] - expected) * scale, p != 0.0);
        }
        for (var c = 0; c < d; c = c + 1) {
          var s = 0.0;
          for (var j = 0; j < T; j = j + 1) { let ds = dS[index * T + j]; if (ds != 0.0) { s = s + ds * rk(b, j, kvh, c); } }
          g[c] = s; // dqr
        }
        let half = d / 2;
        let r = select(t, b * T + t, uniforms.perRow == 1) * d;
        for (var c = 0; c < d; c = c + 1) {
          var partner = 0.0;
          if (c < half) { partner = g[c + half] * ropeSin[r + c + half]; } else { partner = -g[c - half] * ropeSin[r + c - half]; }
          dq[(b * T + t) * uniforms.nH * d + h * d + c] = g[c] * ropeCos[r + c] + partner;
        }`,
  );
  const [dS, dq] = record(
    b,
    dsdq,
    [v, probs, dOut, k, cos, sin],
    [],
    [[a.B, a.nH, a.T, a.T], q.shape],
    ints(...attentionValues(a, biasShape)),
    a.B * a.nH * a.T,
  );
  // An element (b, t, head, c) of rows [B·T, width·d].
  const element = (width: string) => `
        let T = uniforms.T;
        let d = uniforms.d;
        let bt = index / (${width} * d);
        let head = (index % (${width} * d)) / d;
        let c = index % d;
        let b = bt / T;
        let t = bt % T;
        let groupSize = uniforms.nH / uniforms.nKV;`;
  // dk and dv in one program of our own (gpuPipeline.ts: two outputs; k and v have one shape), a thread per element of each.
  const kv = ownProgram(
    "rope_attention_dkv",
    ["q", "dS", "ropeCos", "ropeSin", "probs", "dOut"],
    ["gradK", "gradV"],
    `${rotation("rq", "q", "uniforms.nH", "")}
       fn dkr(b : i32, t : i32, kvh : i32, c : i32) -> f32 {
         let T = uniforms.T;
         let groupSize = uniforms.nH / uniforms.nKV;
         var s = 0.0;
         for (var h = kvh * groupSize; h < (kvh + 1) * groupSize; h = h + 1) {
           let rows = (b * uniforms.nH + h) * T;
           for (var i = 0; i < T; i = i + 1) { let ds = dS[(rows + i) * T + t]; if (ds != 0.0) { s = s + ds * rq(b, i, h, c); } }
         }
         return s;
       }
       ${rotation("dk", "dkr", "uniforms.nKV", "-")}`,
    `${element("uniforms.nKV")}
        gradK[index] = dk(b, t, head, c);
        var s = 0.0;
        for (var h = head * groupSize; h < (head + 1) * groupSize; h = h + 1) {
          let rows = (b * uniforms.nH + h) * T;
          for (var i = 0; i < T; i = i + 1) {
            let p = probs[(rows + i) * T + t];
            if (p != 0.0) { s = s + p * dOut[(b * T + i) * uniforms.nH * d + h * d + c]; }
          }
        }
        gradV[index] = s;`,
  );
  const [dk, dv] = record(
    b,
    kv,
    [q, dS, cos, sin, probs, dOut],
    [],
    [k.shape, v.shape],
    ints(...attentionValues(a, biasShape)),
    size(k.shape),
  );
  b.disposeData(dS.dataId);
  return [dq, dk, dv];
}
