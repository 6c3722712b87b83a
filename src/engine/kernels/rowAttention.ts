// The attention of a training forward (no KV cache) read straight from the projections' output
// rows, as host kernels: q [B·T, nH·d], k/v [B·T, nKV·d] (Llama, with rotary embeddings applied
// inside) or BLOOM's fused query_key_value [B·T, nH·3·d] (q, k, v interleaved per head). Replaces
// the reshapes, slices, transposes and rotary ops between the projections and attention (some
// thirty kernels per layer, forward and backward) with one kernel each way. The core is
// attention's (assembly/index.ts), on head-major copies.

import * as tf from "@tensorflow/tfjs-core";
import { dims, type Dims } from "./attention";
import { registerHostKernel, runHostKernel } from "./host";
import { withSimd, type Arena, type SimdKernels } from "./simd/simd";

export const ROW_ATTENTION = "PlaygroundRowAttention";
export const ROW_ATTENTION_GRAD = "PlaygroundRowAttentionGrad";

export interface RowAttentionAttrs extends Pick<Dims, "B" | "T" | "nH" | "nKV" | "d"> {
  /** One input [B·T, nH·3·d] with q, k, v interleaved per head (BLOOM), instead of three. */
  packed: boolean;
  /** Rotary embeddings on q and k with the cos/sin [T, d] inputs. */
  rope: boolean;
  /** cos/sin are [B·T, d] instead: each batch row's own positions (packed rows, whose positions restart per sequence). */
  ropePerRow?: boolean;
}

// Inputs, always six (the tape saves inputs by name): q, k, v (or query_key_value and two unused
// scalars), bias, cos, sin (unused scalars without rotary embeddings).
export const [BIAS, COS, SIN] = [3, 4, 5];

const sourceCount = (a: RowAttentionAttrs) => (a.packed ? 1 : 3);
const headCounts = (a: RowAttentionAttrs) => [a.nH, a.nKV, a.nKV];

/**
 * Copies q (j = 0), k (1) and v (2) between their rows and head-major arrays [B, n, T, d] in the
 * arena, or adds them back (scatter). Head h of row (b, t) starts at row · rowWidth + h · headStride
 * + j · d in its source: its own tensor, or BLOOM's fused one where the three are interleaved per head.
 */
function reorder(simd: SimdKernels, a: RowAttentionAttrs, rows: number[], heads: number[], scatter: boolean) {
  headCounts(a).forEach((n, j) => {
    const rowWidth = a.packed ? a.nH * 3 * a.d : n * a.d;
    const headStride = a.packed ? 3 * a.d : a.d;
    simd.rowsToHeads(rows[a.packed ? 0 : j], heads[j], a.B, a.T, n, a.d, rowWidth, headStride, a.packed ? j * a.d : 0, scatter);
  });
}

/** Rotary embeddings on head-major q and k (heads[0], heads[1]) when a.rope, into new arrays; `inverse` for their gradients. */
function rotateQK(simd: SimdKernels, m: Arena, a: RowAttentionAttrs, heads: number[], cos: number, sin: number, inverse: boolean) {
  if (!a.rope) return heads;
  return heads.map((p, j) => {
    if (j === 2) return p;
    const rows = a.B * headCounts(a)[j] * a.T;
    const out = m.zeros(rows * a.d);
    simd.rope(p, cos, sin, out, rows, a.T, a.d, inverse, a.ropePerRow ? headCounts(a)[j] * a.T : 0);
    return out;
  });
}

/** Head-major arrays of q, k, v in the arena. */
const headArrays = (m: Arena, a: RowAttentionAttrs) => headCounts(a).map((n) => m.zeros(a.B * n * a.T * a.d));

/**
 * Attention over rows already in the arena (sources: q, k, v or the packed rows; bias, cos, sin:
 * offsets, cos/sin unused without rotary embeddings) into `out` [B·T, nH·d] and `probs` [B, nH, T, T].
 */
export function attendRows(
  simd: SimdKernels,
  m: Arena,
  a: RowAttentionAttrs,
  sources: number[],
  [bias, cos, sin]: number[],
  biasShape: number[],
  [out, probs]: number[],
): void {
  const heads = headArrays(m, a);
  reorder(simd, a, sources, heads, false);
  const [q, k, v] = rotateQK(simd, m, a, heads, cos, sin, false);
  const D = dims([a.B, a.nH, a.T, a.d], [a.B, a.nKV, a.T, a.d], biasShape);
  simd.attentionForward(q, k, v, bias, out, probs, m.zeros(D.Tk), D.B, D.nH, D.nKV, D.T, D.Tk, D.d, D.bb, D.bh, D.bt);
}

/** attendRows' gradient: dOut and probs (offsets) → a gradient per source, added into `grads`. */
export function attendRowsBack(
  simd: SimdKernels,
  m: Arena,
  a: RowAttentionAttrs,
  dOut: number,
  probs: number,
  sources: number[],
  [cos, sin]: number[],
  grads: number[],
): void {
  const heads = headArrays(m, a);
  reorder(simd, a, sources, heads, false);
  const [q, k, v] = rotateQK(simd, m, a, heads, cos, sin, false);
  const d = headArrays(m, a);
  simd.attentionBackward(dOut, probs, q, k, v, d[0], d[1], d[2], m.zeros(a.T * a.T), a.B, a.nH, a.nKV, a.T, a.T, a.d);
  reorder(simd, a, grads, rotateQK(simd, m, a, d, cos, sin, true), true);
}

// The six inputs → context [B·T, nH·d], probabilities [B, nH, T, T].
registerHostKernel<RowAttentionAttrs>(
  ROW_ATTENTION,
  (_shapes, a) => [
    [a.B * a.T, a.nH * a.d],
    [a.B, a.nH, a.T, a.T],
  ],
  (inputs, [out, probs], a, shapes) =>
    withSimd((simd, m) => {
      const sources = inputs.slice(0, sourceCount(a)).map((t) => m.put(t));
      const tables = [inputs[BIAS], inputs[COS], inputs[SIN]].map((t) => m.put(t));
      const results = [m.zeros(out.length), m.zeros(probs.length)];
      attendRows(simd, m, a, sources, tables, shapes[BIAS], results);
      m.get(results[0], out);
      m.get(results[1], probs);
    }),
);

// dOut, probs, the six inputs → a gradient per source.
registerHostKernel<RowAttentionAttrs>(
  ROW_ATTENTION_GRAD,
  (shapes, a) => shapes.slice(2, 2 + sourceCount(a)),
  (all, grads, a) =>
    withSimd((simd, m) => {
      const [dOut, probs, ...inputs] = all;
      const sources = inputs.slice(0, sourceCount(a)).map((t) => m.put(t));
      const [cos, sin, pdOut, pProbs] = [inputs[COS], inputs[SIN], dOut, probs].map((t) => m.put(t));
      const pGrads = grads.map((g) => m.zeros(g.length));
      attendRowsBack(simd, m, a, pdOut, pProbs, sources, [cos, sin], pGrads);
      pGrads.forEach((p, i) => m.get(p, grads[i]));
    }),
);

tf.registerGradient({
  kernelName: ROW_ATTENTION,
  inputsToSave: ["0", "1", "2", "3", "4", "5"],
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const a = attrs as unknown as RowAttentionAttrs;
    const probs = saved[saved.length - 1];
    const dOut = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    // Computed once, here (see runHostKernel in host.ts).
    const grads = runHostKernel(ROW_ATTENTION_GRAD, [dOut, probs, ...saved.slice(0, -1)], attrs);
    return Object.fromEntries(grads.slice(0, sourceCount(a)).map((g, i) => [String(i), () => g]));
  },
});

/** Whether rotary tables hold a block per batch row ([B·T, d], packed rows) rather than one [T, d]. */
export function perRowTables(rope: { cos: tf.Tensor } | null, T: number): boolean {
  return rope !== null && rope.cos.shape[0] !== T;
}

/**
 * Attention over the projections' rows → context [B·T, nH·d]. `sources` is [q, k, v] or BLOOM's
 * [query_key_value]; bias [B|1, nH|1, T, T]; `rope` the cos/sin tables for these T positions.
 */
export function hostRowAttention(
  sources: tf.Tensor2D[],
  bias: tf.Tensor,
  rope: { cos: tf.Tensor2D; sin: tf.Tensor2D } | null,
  shape: Pick<Dims, "B" | "T" | "nH" | "nKV" | "d">,
): tf.Tensor2D {
  const attrs: RowAttentionAttrs = { ...shape, packed: sources.length === 1, rope: rope !== null, ropePerRow: perRowTables(rope, shape.T) };
  if (!attrs.packed && rope) return runHostKernel(ROW_ATTENTION, [...sources, bias, rope.cos, rope.sin], attrs)[0] as tf.Tensor2D;
  // Placeholders for the inputs this call has none for; uploaded only then (Llama has all six).
  return tf.tidy(() => {
    const unused = tf.scalar(0);
    const [q, k, v] = attrs.packed ? [sources[0], unused, unused] : sources;
    return runHostKernel(ROW_ATTENTION, [q, k, v, bias, rope?.cos ?? unused, rope?.sin ?? unused], attrs)[0] as tf.Tensor2D;
  });
}
