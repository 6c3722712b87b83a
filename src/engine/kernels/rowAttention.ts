// The attention of a training forward (no KV cache) read straight from the projections' output
// rows, as host kernels: q [B·T, nH·d], k/v [B·T, nKV·d] (Llama, with rotary embeddings applied
// inside) or BLOOM's fused query_key_value [B·T, nH·3·d] (q, k, v interleaved per head). Replaces
// the reshapes, slices, transposes and rotary ops between the projections and attention (some
// thirty kernels per layer, forward and backward) with one kernel each way. The core is
// attention.ts's, on head-major copies.

import * as tf from "@tensorflow/tfjs-core";
import { backwardCore, dims, forwardCore, type Dims } from "./attention";
import { rope } from "./elementwise";
import { registerHostKernel, runHostKernel } from "./host";

const ROW_ATTENTION = "PlaygroundRowAttention";
const ROW_ATTENTION_GRAD = "PlaygroundRowAttentionGrad";

export interface RowAttentionAttrs extends Pick<Dims, "B" | "T" | "nH" | "nKV" | "d"> {
  /** One input [B·T, nH·3·d] with q, k, v interleaved per head (BLOOM), instead of three. */
  packed: boolean;
  /** Rotary embeddings on q and k with the cos/sin [T, d] inputs. */
  rope: boolean;
}

// Inputs, always six (the tape saves inputs by name): q, k, v (or query_key_value and two unused
// scalars), bias, cos, sin (unused scalars without rotary embeddings).
const [BIAS, COS, SIN] = [3, 4, 5];

/**
 * Copies q, k, v from their rows into head-major arrays [B, n, T, d], or adds them back (scatter).
 * Head h of row (b, t) of q (j = 0), k (1) or v (2) starts at row · rowWidth + h · headStride + j · d
 * in its source: its own tensor, or BLOOM's fused one where the three are interleaved per head.
 */
function reorder(a: RowAttentionAttrs, rows: Float32Array[], heads: Float32Array[], scatter: boolean) {
  const d = a.d;
  for (let j = 0; j < 3; j++) {
    const n = j === 0 ? a.nH : a.nKV;
    const src = rows[a.packed ? 0 : j];
    const dst = heads[j];
    const rowWidth = a.packed ? a.nH * 3 * d : n * d;
    const headStride = a.packed ? 3 * d : d;
    const offset = a.packed ? j * d : 0;
    for (let b = 0; b < a.B; b++)
      for (let h = 0; h < n; h++)
        for (let t = 0; t < a.T; t++) {
          const o = (b * a.T + t) * rowWidth + h * headStride + offset;
          const ho = ((b * n + h) * a.T + t) * d;
          if (scatter) for (let c = 0; c < d; c++) src[o + c] += dst[ho + c];
          else dst.set(src.subarray(o, o + d), ho);
        }
  }
}

function headArrays(a: RowAttentionAttrs): Float32Array[] {
  return [a.nH, a.nKV, a.nKV].map((n) => new Float32Array(a.B * n * a.T * a.d));
}

/** Rotary embeddings on head-major q and k (heads[0], heads[1]) when a.rope; `inverse` for their gradients. */
function rotateQK(a: RowAttentionAttrs, heads: Float32Array[], cos: Float32Array, sin: Float32Array, inverse: boolean) {
  if (!a.rope) return;
  for (const j of [0, 1]) {
    const out = new Float32Array(heads[j].length);
    rope(heads[j], cos, sin, out, [a.B, j === 0 ? a.nH : a.nKV, a.T, a.d], inverse);
    heads[j] = out;
  }
}

/** Head-major q, k, v from the sources, q and k rotated when a.rope. */
function gather(a: RowAttentionAttrs, sources: Float32Array[], cos: Float32Array, sin: Float32Array) {
  const heads = headArrays(a);
  reorder(a, sources, heads, false);
  rotateQK(a, heads, cos, sin, false);
  return heads;
}

const sourceCount = (a: RowAttentionAttrs) => (a.packed ? 1 : 3);

// The six inputs → context [B·T, nH·d], probabilities [B, nH, T, T].
registerHostKernel<RowAttentionAttrs>(
  ROW_ATTENTION,
  (_shapes, a) => [
    [a.B * a.T, a.nH * a.d],
    [a.B, a.nH, a.T, a.T],
  ],
  (inputs, [out, probs], a, shapes) => {
    const [q, k, v] = gather(a, inputs.slice(0, sourceCount(a)), inputs[COS], inputs[SIN]);
    const D = dims([a.B, a.nH, a.T, a.d], [a.B, a.nKV, a.T, a.d], shapes[BIAS]);
    forwardCore(q, k, v, inputs[BIAS], D, out, probs);
  },
);

// dOut, probs, the six inputs → a gradient per source.
registerHostKernel<RowAttentionAttrs>(
  ROW_ATTENTION_GRAD,
  (shapes, a) => shapes.slice(2, 2 + sourceCount(a)),
  (all, grads, a, allShapes) => {
    const [dOut, probs, ...inputs] = all;
    const [cos, sin] = [inputs[COS], inputs[SIN]];
    const [q, k, v] = gather(a, inputs.slice(0, sourceCount(a)), cos, sin);
    const D = dims([a.B, a.nH, a.T, a.d], [a.B, a.nKV, a.T, a.d], allShapes[2 + BIAS]);
    const d = headArrays(a);
    backwardCore(dOut, probs, q, k, v, D, d[0], d[1], d[2]);
    rotateQK(a, d, cos, sin, true);
    reorder(a, grads, d, true);
  },
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
  const attrs: RowAttentionAttrs = { ...shape, packed: sources.length === 1, rope: rope !== null };
  if (!attrs.packed && rope) return runHostKernel(ROW_ATTENTION, [...sources, bias, rope.cos, rope.sin], attrs)[0] as tf.Tensor2D;
  // Placeholders for the inputs this call has none for; uploaded only then (Llama has all six).
  return tf.tidy(() => {
    const unused = tf.scalar(0);
    const [q, k, v] = attrs.packed ? [sources[0], unused, unused] : sources;
    return runHostKernel(ROW_ATTENTION, [q, k, v, bias, rope?.cos ?? unused, rope?.sin ?? unused], attrs)[0] as tf.Tensor2D;
  });
}
