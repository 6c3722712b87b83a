// A whole Llama decoder layer (RMSNorm, q/k/v with LoRA, rotary attention, o, RMSNorm, SwiGLU MLP,
// both residuals) as one host kernel each way, on the SIMD module: its frozen matrices stay in the
// module's memory across steps (simd.ts, withResidentSimd) and the activations never leave it within
// the layer. What the backward needs goes out as one packed tensor. One kernel replaces about thirty
// kernel dispatches forward and backward, whose bookkeeping cost a small model more than its
// arithmetic; the products run at XNNPACK's speed here (gemmNN's blocks, assembly/index.ts).

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";
import { attendRows, attendRowsBack, perRowTables, type RowAttentionAttrs } from "./rowAttention";
import type { LinearModule } from "../modelTypes";
import { RESIDENT_MAX_BYTES, withResidentSimd, type Arena, type ResidentMatrix, type SimdKernels } from "./simd/simd";

export const LLAMA_LAYER = "PlaygroundLlamaLayer";
export const LLAMA_LAYER_GRAD = "PlaygroundLlamaLayerGrad";

/** The layer's linears in input order: q, k, v, o, gate, up, down. */
export const PROJECTION_COUNT = 7;
export const [Q, K, V, O, GATE, UP, DOWN] = [0, 1, 2, 3, 4, 5, 6];

export interface LlamaLayerAttrs extends Pick<RowAttentionAttrs, "B" | "T" | "nH" | "nKV" | "d" | "ropePerRow"> {
  hidden: number;
  intermediate: number;
  eps: number;
  /** lora_alpha / r (or / √r). */
  scaling: number;
  /** The rows of [B·T] to go on with after the attention; all when empty (the layer's rows are never none). */
  rows: number[];
  /** Per projection: whether its bias and its LoRA pair are among the inputs. */
  biases: boolean[];
  loras: boolean[];
  /** Whether the backward computes the gradient into x (else it stays zero). */
  inputGrad: boolean;
}

/** Whether a model's linears fit the SIMD module's kept memory twice (wᵀ for the forward, w for the backward), as this kernel keeps them. */
export function llamaLayerFits(linears: LinearModule[]): boolean {
  return 2 * 4 * linears.reduce((n, l) => n + l.inFeatures * l.outFeatures, 0) <= RESIDENT_MAX_BYTES;
}

/** Fixed inputs: x [B·T, H], the two norm weights, the attention bias [B|1, nH|1, T, T], cos and sin [T, d] (or [B·T, d]). */
const [X, W_IN, W_POST, BIAS, COS, SIN, FIRST_PROJECTION] = [0, 1, 2, 3, 4, 5, 6];

/** Where each projection's inputs are: its weight [out, in], bias, A [r, in] and B [out, r] (-1: none). */
function projectionInputs(a: LlamaLayerAttrs): Array<{ w: number; b: number; A: number; B: number }> {
  let next = FIRST_PROJECTION;
  return a.biases.map((hasBias, j) => {
    const w = next++;
    const b = hasBias ? next++ : -1;
    const [A, B] = a.loras[j] ? [next++, next++] : [-1, -1];
    return { w, b, A, B };
  });
}

/** Every dimension the layer needs, from its attributes and the LoRA ranks. */
function sizes(a: LlamaLayerAttrs, shapes: number[][]) {
  const N = a.B * a.T;
  const R = a.rows.length || N;
  const [H, I, qD, kvD] = [a.hidden, a.intermediate, a.nH * a.d, a.nKV * a.d];
  const ins = [H, H, H, qD, H, H, I];
  const outs = [qD, kvD, kvD, H, I, I, H];
  // Rows each projection runs on: all positions before the attention, the kept rows after.
  const M = [N, N, N, R, R, R, R];
  const ranks = projectionInputs(a).map((p) => (p.A >= 0 ? shapes[p.A][0] : 0));
  return { N, R, H, I, qD, kvD, ins, outs, M, ranks };
}

type Sizes = ReturnType<typeof sizes>;

/** The packed activations the backward reads, in order, with their lengths. */
function savedLayout(a: LlamaLayerAttrs, s: Sizes): Array<[string, number]> {
  return [
    ["h", s.N * s.H],
    ["q", s.N * s.qD],
    ["k", s.N * s.kvD],
    ["v", s.N * s.kvD],
    ["probs", a.B * a.nH * a.T * a.T],
    ["mixed", s.R * s.qD],
    ["x1", s.R * s.H],
    ["h2", s.R * s.H],
    ["gate", s.R * s.I],
    ["up", s.R * s.I],
    ["sig", s.R * s.I],
    ["act", s.R * s.I],
    ...s.ranks.map((r, j): [string, number] => [`down${j}`, s.M[j] * r]),
  ];
}

/** Offsets of the saved activations in one block of the arena starting at `base`. */
function savedOffsets(layout: Array<[string, number]>, base: number): Record<string, number> {
  const at: Record<string, number> = {};
  let next = base;
  for (const [name, n] of layout) {
    at[name] = next;
    next += 4 * n;
  }
  return at;
}

const total = (layout: Array<[string, number]>) => layout.reduce((n, [, len]) => n + len, 0);

/** The frozen weights as kept matrices: wᵀ [in, out] for the forward (x·wᵀ as a plain product), w [out, in] for the backward. */
function weights(a: LlamaLayerAttrs, s: Sizes, inputs: Float32Array[], ids: object[], transposed: boolean): ResidentMatrix[] {
  return projectionInputs(a).map((p, j) => ({ key: ids[p.w], values: () => inputs[p.w], rows: s.outs[j], cols: s.ins[j], transposed }));
}

/** Copies the kept rows (or all) of `from` [N, width] to `to` [R, width]; `back` adds them back instead. */
function pickRows(m: Arena, simd: SimdKernels, a: LlamaLayerAttrs, to: number, from: number, width: number, N: number, back: boolean) {
  const rows = a.rows.length ? a.rows : null;
  if (!rows) return back ? simd.addTo(to, from, N * width) : m.copy(to, from, N * width);
  rows.forEach((row, n) => {
    if (back) simd.addTo(to + 4 * row * width, from + 4 * n * width, width);
    else m.copy(to + 4 * n * width, from + 4 * row * width, width);
  });
}

// Inputs (see X … FIRST_PROJECTION, projectionInputs) → y [R, H] and the packed activations.
registerHostKernel<LlamaLayerAttrs>(
  LLAMA_LAYER,
  (shapes, a) => {
    const s = sizes(a, shapes);
    return [[s.R, s.H], [total(savedLayout(a, s))]];
  },
  (inputs, [y, saved], a, shapes, ids) => {
    const s = sizes(a, shapes);
    const P = projectionInputs(a);
    withResidentSimd(weights(a, s, inputs, ids, true), (simd, m, wT) => {
      const layout = savedLayout(a, s);
      const base = m.zeros(total(layout));
      const at = savedOffsets(layout, base);
      const [x, wIn, wPost, bias, cos, sin] = [X, W_IN, W_POST, BIAS, COS, SIN].map((i) => m.put(inputs[i]));
      // A column of ones: b added to every row as the product ones [M, 1] · b [1, out]; only with biases.
      const ones = a.biases.some((b) => b) ? m.put(new Float32Array(s.N).fill(1)) : -1;
      // dst [M, out] += x·wᵀ + b + s·(x·Aᵀ)·Bᵀ, saving x·Aᵀ for the backward.
      const project = (j: number, from: number, dst: number) => {
        const [Mj, inF, outF, p] = [s.M[j], s.ins[j], s.outs[j], P[j]];
        simd.gemmNN(from, wT[j], dst, Mj, outF, inF, 1);
        if (p.b >= 0) simd.gemmNN(ones, m.put(inputs[p.b]), dst, Mj, outF, 1, 1);
        if (p.A < 0) return;
        const down = at[`down${j}`];
        // Aᵀ and Bᵀ copied in transposed, for the blocked product (gemmNT's dot products are slower).
        simd.gemmNN(from, m.putTransposed(inputs[p.A], s.ranks[j], inF), down, Mj, s.ranks[j], inF, 1);
        simd.gemmNN(down, m.putTransposed(inputs[p.B], outF, s.ranks[j]), dst, Mj, outF, s.ranks[j], a.scaling);
      };
      simd.rmsNorm(x, wIn, at.h, s.N, s.H, a.eps);
      [Q, K, V].forEach((j) => project(j, at.h, at[["q", "k", "v"][j]]));
      const context = m.zeros(s.N * s.qD);
      const attention = { ...a, packed: false, rope: true };
      attendRows(simd, m, attention, [at.q, at.k, at.v], [bias, cos, sin], shapes[BIAS], [context, at.probs]);
      pickRows(m, simd, a, at.mixed, context, s.qD, s.N, false);
      pickRows(m, simd, a, at.x1, x, s.H, s.N, false); // the residual
      project(O, at.mixed, at.x1);
      simd.rmsNorm(at.x1, wPost, at.h2, s.R, s.H, a.eps);
      project(GATE, at.h2, at.gate);
      project(UP, at.h2, at.up);
      simd.swiglu(at.gate, at.up, at.act, at.sig, s.R * s.I);
      const out = m.zeros(s.R * s.H);
      m.copy(out, at.x1, s.R * s.H);
      project(DOWN, at.act, out);
      m.get(out, y);
      m.get(base, saved);
    });
  },
);

// dy [R, H], the packed activations, the forward's inputs → dx [B·T, H] and dA, dB per LoRA pair.
registerHostKernel<LlamaLayerAttrs>(
  LLAMA_LAYER_GRAD,
  (shapes, a) => {
    const inputs = shapes.slice(2);
    return [inputs[X], ...projectionInputs(a).flatMap((p) => (p.A >= 0 ? [inputs[p.A], inputs[p.B]] : []))];
  },
  (all, [dx, ...loraGrads], a, allShapes, allIds) => {
    const [dy, saved, ...inputs] = all;
    const shapes = allShapes.slice(2);
    const s = sizes(a, shapes);
    const P = projectionInputs(a);
    withResidentSimd(weights(a, s, inputs, allIds.slice(2), false), (simd, m, w) => {
      const at = savedOffsets(savedLayout(a, s), m.put(saved));
      const [x, wIn, wPost, cos, sin] = [X, W_IN, W_POST, COS, SIN].map((i) => m.put(inputs[i]));
      const grads: number[] = [];
      // Given dY [M, out] and the projection's input [M, in]: dx += dY·w + s·(dY·B)·A (when dx is
      // wanted), dA = s·(dY·B)ᵀ·input, dB = s·dYᵀ·(input·Aᵀ).
      const back = (j: number, dY: number, input: number, dxAt: number | null) => {
        const [Mj, inF, outF, r, p] = [s.M[j], s.ins[j], s.outs[j], s.ranks[j], P[j]];
        if (dxAt !== null) simd.gemmNN(dY, w[j], dxAt, Mj, inF, outF, 1);
        if (p.A < 0) return;
        const [A, B] = [m.put(inputs[p.A]), m.put(inputs[p.B])];
        const u = m.zeros(Mj * r);
        simd.gemmNN(dY, B, u, Mj, r, outF, 1);
        if (dxAt !== null) simd.gemmNN(u, A, dxAt, Mj, inF, r, a.scaling);
        const [dA, dB] = [m.zeros(r * inF), m.zeros(outF * r)];
        simd.gemmTN(u, input, dA, r, inF, Mj, a.scaling);
        simd.gemmTN(dY, at[`down${j}`], dB, outF, r, Mj, a.scaling);
        grads[j] = dA;
        grads[j + PROJECTION_COUNT] = dB;
      };
      const rmsNormBackInto = (target: number, dNorm: number, input: number, weight: number, rows: number) => {
        const part = m.zeros(rows * s.H);
        simd.rmsNormGrad(dNorm, input, weight, part, m.zeros(s.H), rows, s.H, a.eps);
        simd.addTo(target, part, rows * s.H);
      };
      const g = m.put(dy); // [R, H]; becomes dx1 once the MLP's input gradient is added
      const dAct = m.zeros(s.R * s.I);
      back(DOWN, g, at.act, dAct);
      const [dGate, dUp] = [m.zeros(s.R * s.I), m.zeros(s.R * s.I)];
      simd.swigluGrad(dAct, at.gate, at.up, at.sig, dGate, dUp, s.R * s.I);
      const dh2 = m.zeros(s.R * s.H);
      back(GATE, dGate, at.h2, dh2);
      back(UP, dUp, at.h2, dh2);
      rmsNormBackInto(g, dh2, at.x1, wPost, s.R);
      const dMixed = m.zeros(s.R * s.qD);
      back(O, g, at.mixed, dMixed);
      const [dContext, dResidual] = [m.zeros(s.N * s.qD), m.zeros(s.N * s.H)];
      pickRows(m, simd, a, dContext, dMixed, s.qD, s.N, true);
      pickRows(m, simd, a, dResidual, g, s.H, s.N, true);
      const dqkv = [m.zeros(s.N * s.qD), m.zeros(s.N * s.kvD), m.zeros(s.N * s.kvD)];
      attendRowsBack(simd, m, { ...a, packed: false, rope: true }, dContext, at.probs, [at.q, at.k, at.v], [cos, sin], dqkv);
      const dh = a.inputGrad ? m.zeros(s.N * s.H) : null;
      [Q, K, V].forEach((j) => back(j, dqkv[j], at.h, dh));
      if (dh !== null) {
        rmsNormBackInto(dResidual, dh, x, wIn, s.N);
        m.get(dResidual, dx);
      }
      let n = 0;
      P.forEach((p, j) => {
        if (p.A < 0) return;
        m.get(grads[j], loraGrads[n++]);
        m.get(grads[j + PROJECTION_COUNT], loraGrads[n++]);
      });
    });
  },
);

/** One of the layer's linears as the kernel takes it: the frozen weight [out, in], its bias, its LoRA pair. */
export interface LayerProjection {
  w: tf.Tensor;
  b?: tf.Tensor;
  lora: { A: tf.Tensor; B: tf.Tensor } | null;
}

/** The layer's tensors: its input x [B·T, H], norm weights, attention bias and rotary tables, and its linears in PROJECTION order. */
export interface LayerTensors {
  x: tf.Tensor2D;
  wIn: tf.Tensor;
  wPost: tf.Tensor;
  bias: tf.Tensor;
  cos: tf.Tensor;
  sin: tf.Tensor;
  projections: LayerProjection[];
}

/**
 * The layer as one differentiable op: y [R, H] (R = the rows kept, or all B·T), with gradients into
 * x and the LoRA pairs. The tensors made outside that the backward reads (x, the bias and rotary
 * tables) are saved with the packed activations; the weights and LoRA pairs outlive the step.
 */
export function llamaLayer(t: LayerTensors, dims: Omit<LlamaLayerAttrs, "biases" | "loras">): tf.Tensor2D {
  if (t.projections.length !== PROJECTION_COUNT) throw new Error(`internal: ${t.projections.length} projections for the layer kernel`);
  const inputs: tf.Tensor[] = [t.x, t.wIn, t.wPost, t.bias, t.cos, t.sin];
  for (const p of t.projections) inputs.push(p.w, ...(p.b ? [p.b] : []), ...(p.lora ? [p.lora.A, p.lora.B] : []));
  const attrs: LlamaLayerAttrs = {
    ...dims,
    biases: t.projections.map((p) => p.b !== undefined),
    loras: t.projections.map((p) => p.lora !== null),
    ropePerRow: perRowTables(t, dims.T),
  };
  const trained = t.projections.flatMap((p) => (p.lora ? [p.lora.A, p.lora.B] : []));
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [y, packed] = runHostKernel(LLAMA_LAYER, inputs, attrs);
    save([t.x, t.bias, t.cos, t.sin, packed]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [x, bias, cos, sin, packedS]: tf.Tensor[]) => {
        const all = [...inputs];
        [all[X], all[BIAS], all[COS], all[SIN]] = [x, bias, cos, sin];
        return runHostKernel(LLAMA_LAYER_GRAD, [dy, packedS, ...all], attrs);
      },
    };
  });
  return op(t.x, ...trained) as tf.Tensor2D;
}
