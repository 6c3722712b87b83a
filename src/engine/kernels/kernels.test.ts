// Every host kernel against the composed tfjs ops it replaces (layers.ts with the host kernels
// turned off): values and gradients with respect to every input, on cpu and on wasm.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import { setBackend } from "../backend";
import { applyRope, attention, bloomGelu, layerNorm, rmsNorm, ropeInvFreq, ropeTables, swigluProduct } from "../layers";
import { hostKernelsActive, setHostKernels } from "./host";

const values = (shape: number[], seed: number) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233) * 1.5),
    shape,
  );

/** Value and gradients of Σ f(inputs)·probe, with the host kernels on or off. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], host: boolean) {
  setHostKernels(host);
  try {
    return tf.tidy(() => {
      const out = f(...inputs);
      const probe = values(out.shape, 99); // weights every output differently, so each gradient is distinct
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), probe)) as tf.Scalar)(inputs);
      return { out: Array.from(out.dataSync()), value: value.dataSync()[0], grads: grads.map((g) => Array.from(g.dataSync())) };
    });
  } finally {
    setHostKernels(true);
  }
}

function expectSame(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], digits = 4) {
  const host = valueAndGrads(f, inputs, true);
  const composed = valueAndGrads(f, inputs, false);
  expect(host.out.length).toBe(composed.out.length);
  host.out.forEach((x, i) => expect(x).toBeCloseTo(composed.out[i], digits));
  expect(host.value).toBeCloseTo(composed.value, digits - 1);
  host.grads.forEach((g, k) => {
    expect(g.length).toBe(inputs[k].size);
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-3); // a real gradient, not zeros on both sides
    g.forEach((x, i) => expect(x).toBeCloseTo(composed.grads[k][i], digits));
  });
  tf.dispose(inputs);
}

describe.each(["cpu", "wasm"] as const)("host kernels on %s", (backend) => {
  it("are the active path", async () => {
    await setBackend(backend);
    expect(hostKernelsActive()).toBe(true);
  });

  it("RMSNorm over the last axis (2-D rows and per-head 4-D)", async () => {
    await setBackend(backend);
    expectSame((x, w) => rmsNorm(x, w, 1e-5), [values([6, 8], 1), values([8], 2)]);
    expectSame((x, w) => rmsNorm(x, w, 1e-6), [values([1, 3, 2, 4], 3), values([4], 4)]);
  });

  it("attention: causal and padding bias, grouped-query heads, ALiBi-style per-head bias", async () => {
    await setBackend(backend);
    const causal = (B: number, T: number, pad: number) =>
      tf.tensor4d(
        Array.from({ length: B * T * T }, (_, i) => {
          const [b, t, j] = [Math.floor(i / (T * T)), Math.floor(i / T) % T, i % T];
          // Example 1 is right-padded; its first query also sees no key at all (the softmax is then uniform).
          return j <= t && !(b === 1 && (j >= T - pad || t === 0)) ? 0 : -1e9;
        }),
        [B, 1, T, T],
      );
    const run = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor) =>
      attention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, bias);
    // Llama-like: 4 query heads over 2 kv heads, batch 2 with the second example right-padded.
    const bias = causal(2, 5, 2);
    expectSame((q, k, v) => run(q, k, v, bias), [values([2, 4, 5, 3], 1), values([2, 2, 5, 3], 2), values([2, 2, 5, 3], 3)]);
    // BLOOM-like: a full per-head bias [B, nH, T, Tk].
    const perHead = tf.add(causal(1, 4, 0), values([1, 2, 4, 4], 4));
    expectSame((q, k, v) => run(q, k, v, perHead), [values([1, 2, 4, 8], 5), values([1, 2, 4, 8], 6), values([1, 2, 4, 8], 7)]);
    tf.dispose([bias, perHead]);
  });

  it("rotary embeddings, SwiGLU and BLOOM's GELU", async () => {
    await setBackend(backend);
    const { cos, sin } = ropeTables(ropeInvFreq(6, 10000, { type: "default" }, "F32"), 2, 5); // positions 2…6
    expectSame((x) => applyRope(x as tf.Tensor4D, cos, sin), [values([2, 3, 5, 6], 1)]);
    expectSame((g, u) => swigluProduct(g, u), [values([4, 7], 2), values([4, 7], 3)]);
    expectSame((x) => bloomGelu(x), [values([3, 9], 4)]);
    tf.dispose([cos, sin]);
  });

  it("LayerNorm with weight and bias", async () => {
    await setBackend(backend);
    expectSame((x, w, b) => layerNorm(x, w, b, 1e-5), [values([5, 12], 5), values([12], 6), values([12], 7)]);
  });
});

afterAll(() => setBackend("cpu"));
