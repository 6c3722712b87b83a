// Shared by the kernel tests in Node (kernels.test.ts) and in the browser (e2e/harness/engineHarness.ts):
// a kernel's value and gradients against the composed tfjs ops it replaces, on the active backend.
import * as tf from "@tensorflow/tfjs-core";
import { setHostKernels } from "./host";

/** A deterministic tensor of this shape, values in [−1.5, 1.5]. */
export const values = (shape: number[], seed: number) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 1.5),
    shape,
  );

/**
 * The composed reference of row attention's input layout: heads [B, n, T, d] of rows [B·T, n·parts·d],
 * part `part` of `parts` interleaved per head (BLOOM's fused q/k/v: parts 3), by reshape, slice and transpose.
 */
export function headsOf(rows: tf.Tensor, [B, T, n, d]: number[], part = 0, parts = 1): tf.Tensor4D {
  const split = tf.reshape(rows, [B, T, n, parts, d]); // [B, T, n, parts, d]
  const one = tf.reshape(tf.slice(split, [0, 0, 0, part, 0], [B, T, n, 1, d]), [B, T, n, d]);
  return tf.transpose(one, [0, 2, 1, 3]) as tf.Tensor4D; // [B, n, T, d]
}

/** Value and gradients of Σ f(inputs)·probe, with the host kernels on or off (read asynchronously, as WebGPU needs). */
export async function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], host: boolean) {
  setHostKernels(host);
  let kept: tf.Tensor[];
  try {
    kept = tf.tidy(() => {
      const out = f(...inputs);
      const probe = values(out.shape, 99); // weights every output differently, so each gradient is distinct
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), probe)) as tf.Scalar)(inputs);
      return [out, value, ...grads];
    });
  } finally {
    setHostKernels(true);
  }
  const [out, value, ...grads] = await Promise.all(kept.map(async (t) => Array.from(await t.data())));
  tf.dispose(kept);
  return { out, value: value[0], grads };
}

/**
 * The largest difference between the fused path on the active backend and `reference` (the composed
 * path, computed where the caller chose: on cpu, the plain tfjs path): in the outputs and in any
 * input's gradient (relative where the values pass 100), and the outputs' largest value.
 */
export async function fusedDifference(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  reference: Awaited<ReturnType<typeof valueAndGrads>>,
): Promise<{ out: number; outScale: number; grads: number; gradScale: number }> {
  const fused = await valueAndGrads(f, inputs, true);
  const worst = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
  const scale = (a: number[]) => Math.max(...a.map(Math.abs));
  // A difference where the values pass 100 in units of a hundredth of their largest: float32 sums in
  // another order differ by their magnitude's rounding.
  const relative = (a: number[], b: number[]) => worst(a, b) / Math.max(1, scale(b) / 100);
  return {
    out: relative(fused.out, reference.out),
    outScale: scale(reference.out),
    grads: Math.max(...fused.grads.map((g, k) => relative(g, reference.grads[k]))),
    gradScale: Math.min(...reference.grads.map((g) => Math.max(...g.map(Math.abs)))),
  };
}
