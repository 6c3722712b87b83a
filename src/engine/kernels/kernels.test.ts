// Every host kernel against the composed tfjs ops it replaces (layers.ts with the host kernels
// turned off): values and gradients with respect to every input, on cpu and on wasm.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import { setBackend } from "../backend";
import {
  applyRope,
  attention,
  bloomGelu,
  layerNorm,
  loraLinear,
  rmsNorm,
  ropeInvFreq,
  ropeRowTables,
  ropeTables,
  swigluProduct,
  type FrozenLinear,
} from "../layers";
import { causalLmLossFromHidden } from "../loss";
import { hostKernelsActive, setHostKernels } from "./host";
import { hostRowAttention } from "./rowAttention";
import { headsOf, valueAndGrads, values } from "./compare.testutil";

async function expectSame(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], digits = 4) {
  const host = await valueAndGrads(f, inputs, true);
  const composed = await valueAndGrads(f, inputs, false);
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

/** For the kernels of generation's pass, which takes no gradient: f's values with the host kernels and with the composed ops. */
async function expectSameValues(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  const run = async (host: boolean) => {
    setHostKernels(host);
    const out = f(...inputs);
    setHostKernels(true);
    const data = Array.from(await out.data());
    out.dispose();
    return data;
  };
  const [host, composed] = [await run(true), await run(false)];
  expect(host.length).toBeGreaterThan(0);
  host.forEach((x, i) => expect(x).toBeCloseTo(composed[i], 4));
  tf.dispose(inputs);
}

describe.each(["cpu", "wasm"] as const)("host kernels on %s", (backend) => {
  it("are the active path", async () => {
    await setBackend(backend);
    expect(hostKernelsActive()).toBe(true);
  });

  it("RMSNorm over the last axis (2-D rows and per-head 4-D)", async () => {
    await setBackend(backend);
    // The weights are frozen, as LoRA leaves them: the gradient is the input's.
    const [w8, w4] = [values([8], 2), values([4], 4)];
    await expectSame((x) => rmsNorm(x, w8, 1e-5), [values([6, 8], 1)]);
    await expectSame((x) => rmsNorm(x, w4, 1e-6), [values([1, 3, 2, 4], 3)]);
    tf.dispose([w8, w4]);
  });

  it("attention over a KV cache (forward only): causal and padding bias, grouped-query heads, ALiBi-style per-head bias", async () => {
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
    const run = (bias: tf.Tensor) => (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
      attention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, bias);
    // Llama-like: 4 query heads over 2 kv heads, batch 2 with the second example right-padded.
    const bias = causal(2, 5, 2);
    await expectSameValues(run(bias), [values([2, 4, 5, 3], 1), values([2, 2, 5, 3], 2), values([2, 2, 5, 3], 3)]);
    // A generated token: one query over five cached keys (the last row of the causal bias).
    const last = tf.slice(bias, [0, 0, 4, 0], [2, 1, 1, 5]);
    await expectSameValues(run(last), [values([2, 4, 1, 3], 8), values([2, 2, 5, 3], 9), values([2, 2, 5, 3], 10)]);
    // BLOOM-like: a full per-head bias [B, nH, T, Tk].
    const perHead = tf.add(causal(1, 4, 0), values([1, 2, 4, 4], 4));
    await expectSameValues(run(perHead), [values([1, 2, 4, 8], 5), values([1, 2, 4, 8], 6), values([1, 2, 4, 8], 7)]);
    tf.dispose([bias, last, perHead]);
  });

  it("row attention: Llama's q, k, v rows with rotary embeddings and BLOOM's fused rows, as reshape, rotate and attend", async () => {
    await setBackend(backend);
    const [B, T, nH, nKV, d] = [2, 5, 4, 2, 6];
    const bias = tf.tensor4d(
      Array.from({ length: B * T * T }, (_, i) => {
        const [b, t, j] = [Math.floor(i / (T * T)), Math.floor(i / T) % T, i % T];
        return j <= t && !(b === 1 && j >= T - 2) ? 0 : -1e9; // example 1 right-padded by two
      }),
      [B, 1, T, T],
    );
    const invFreq = ropeInvFreq(d, 10000, { type: "default" }, "F32");
    const rope = ropeTables(invFreq, 0, T);
    const heads = (rows: tf.Tensor, n: number, part = 0, parts = 1) => headsOf(rows, [B, T, n, d], part, parts);
    const flat = (ctx: tf.Tensor) => tf.reshape(ctx, [B * T, nH * d]);
    const llamaWith = (r: { cos: tf.Tensor2D; sin: tf.Tensor2D }) => (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
      hostKernelsActive()
        ? hostRowAttention([q, k, v] as tf.Tensor2D[], bias, r, { B, T, nH, nKV, d })
        : flat(attention(applyRope(heads(q, nH), r.cos, r.sin), applyRope(heads(k, nKV), r.cos, r.sin), heads(v, nKV), bias));
    const qkv = () => [values([B * T, nH * d], 1), values([B * T, nKV * d], 2), values([B * T, nKV * d], 3)];
    await expectSame(llamaWith(rope), qkv());
    // Packed rows: each row's own positions, restarting where a sequence starts ([B·T, d] tables).
    const packed = ropeRowTables(invFreq, [
      [0, 1, 2, 0, 1],
      [0, 1, 0, 1, 2],
    ]);
    await expectSame(llamaWith(packed), qkv());
    const bloom = (qkv: tf.Tensor) =>
      hostKernelsActive()
        ? hostRowAttention([qkv as tf.Tensor2D], bias, null, { B, T, nH, nKV: nH, d })
        : flat(attention(heads(qkv, nH, 0, 3), heads(qkv, nH, 1, 3), heads(qkv, nH, 2, 3), bias));
    await expectSame(bloom, [values([B * T, nH * 3 * d], 4)]);
    tf.dispose([bias, rope.cos, rope.sin, packed.cos, packed.sin]);
  });

  it("rotary embeddings (generation's, forward only), SwiGLU and BLOOM's GELU", async () => {
    await setBackend(backend);
    // Head size 12: each half is a four-lane vector and a scalar tail of two; positions 2…6.
    const { cos, sin } = ropeTables(ropeInvFreq(12, 10000, { type: "default" }, "F32"), 2, 5);
    await expectSameValues((x) => applyRope(x as tf.Tensor4D, cos, sin), [values([2, 3, 5, 12], 1)]);
    // Each batch row's own positions (packed rows): tables [B·T, d].
    const rows = ropeRowTables(ropeInvFreq(12, 10000, { type: "default" }, "F32"), [
      [0, 1, 2, 3, 0],
      [0, 0, 1, 2, 3],
    ]);
    await expectSameValues((x) => applyRope(x as tf.Tensor4D, rows.cos, rows.sin), [values([2, 3, 5, 12], 1)]);
    await expectSame((g, u) => swigluProduct(g, u), [values([4, 7], 2), values([4, 7], 3)]);
    // 15 values: three four-lane vectors and a scalar tail; large gates reach exp's clamped range.
    await expectSame((g, u) => swigluProduct(g, u), [tf.mul(values([3, 5], 8), 40), values([3, 5], 9)]);
    await expectSame((x) => bloomGelu(x), [values([3, 9], 4)]);
    tf.dispose([cos, sin]);
  });

  it("LoRA linear: the low-rank branch forward and backward, beside a frozen weight and bias", async () => {
    await setBackend(backend);
    const lora = (x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, frozen: FrozenLinear) =>
      loraLinear(x as tf.Tensor2D, a as tf.Variable, b as tf.Variable, 2, frozen);
    // Sizes off the vector width (5 inputs, r = 3, 6 outputs), then past it (12 inputs, r = 8, 10 outputs).
    const small = { w: values([6, 5], 1) as tf.Tensor2D, b: values([6], 2) };
    await expectSame((x, a, b) => lora(x, a, b, small), [values([4, 5], 3), values([3, 5], 4), values([6, 3], 5)]);
    const wide = { w: values([10, 12], 6) as tf.Tensor2D };
    await expectSame((x, a, b) => lora(x, a, b, wide), [values([7, 12], 7), values([8, 12], 8), values([10, 8], 9)]);
    tf.dispose([small.w, small.b, wide.w]);
  });

  it("cross-entropy over the vocabulary: the loss from hidden states, its gradient to them and to the head", async () => {
    await setBackend(backend);
    // V = 203: blocks of 64 logits, four-lane vectors and a scalar tail; two of the six positions ignored.
    const labels = [[5, -100, 17, 202, -100, 0]];
    const scaled = (x: tf.Tensor) => tf.mul(x, 3); // logits of a few units, as a trained head gives
    await expectSame(
      (h, w) => causalLmLossFromHidden(scaled(h) as tf.Tensor2D, { blocks: [w as tf.Tensor2D], frozen: null }, labels),
      [values([6, 7], 1), values([203, 7], 2)],
    );
  });

  it("LayerNorm with weight and bias", async () => {
    await setBackend(backend);
    const [w, b] = [values([12], 6), values([12], 7)]; // frozen, as LoRA leaves them
    await expectSame((x) => layerNorm(x, w, b, 1e-5), [values([5, 12], 5)]);
    tf.dispose([w, b]);
  });
});

afterAll(() => setBackend("cpu"));
