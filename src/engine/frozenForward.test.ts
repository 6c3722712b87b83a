// A frozen linear's forward on wasm when its transposed weight is not kept (a real model's linears):
// computed as (w · xᵀ)ᵀ so that XNNPACK runs it, it must equal x · wᵀ + b as the cpu backend computes
// it, for shapes that fill no SIMD block evenly.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";
import { setBackend } from "./backend";
import { frozenForward, matMulTransposedWeight } from "./layers";

function random(shape: number[], seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  });
}

describe("frozenForward without a kept wT", () => {
  afterAll(() => setBackend("cpu"));

  it.each([
    [7, 13, 9, true],
    [1, 64, 130, false],
    [33, 5, 3, true],
  ])("x [%i, %i] · wᵀ for w of %i rows (bias %s) equals the cpu backend's x · wᵀ + b", async (n, inDim, outDim, withBias) => {
    const xs = random([n, inDim], 1);
    const ws = random([outDim, inDim], 2);
    const bs = random([outDim], 3);
    await setBackend("cpu");
    const expected = tf.tidy(() => {
      const y = tf.matMul(tf.tensor2d(xs, [n, inDim]), tf.tensor2d(ws, [outDim, inDim]), false, true);
      return withBias ? tf.add(y, tf.tensor1d(bs)) : y;
    });
    const want = await expected.data();
    expected.dispose();
    await setBackend("wasm");
    const got = tf.tidy(() =>
      frozenForward(tf.tensor2d(xs, [n, inDim]), {
        w: tf.tensor2d(ws, [outDim, inDim]),
        ...(withBias ? { b: tf.tensor1d(bs) } : {}),
      }),
    );
    expect(got.shape).toEqual([n, outDim]);
    const values = await got.data();
    got.dispose();
    values.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it("passes the gradient with respect to x as x · wᵀ does (the blocked LM head trains through it on the tape)", async () => {
    await setBackend("wasm");
    const x = tf.tensor2d(random([5, 7], 4), [5, 7]);
    const w = tf.tensor2d(random([3, 7], 5), [3, 7]);
    const loss = (f: (a: tf.Tensor2D) => tf.Tensor) => tf.grad((a: tf.Tensor) => tf.sum(tf.square(f(a as tf.Tensor2D))))(x);
    const got = await loss((a) => matMulTransposedWeight(a, w)).data();
    const want = await loss((a) => tf.matMul(a, w, false, true)).data();
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    tf.dispose([x, w]);
  });
});
