// The linears with a hand-written gradient (frozenMatMul, loraLinear) against tfjs autograd of the
// plain formula: value and gradients for x, A and B, with and without the transposed weight, on cpu.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useCpu } from "./fixtures.testutil";
import { frozenMatMul, loraLinear } from "./layers";

beforeAll(useCpu);

const values = (shape: number[], seed: number) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 12.9898 + seed * 78.233)),
    shape,
  );

const list = (t: tf.Tensor) => Array.from(t.dataSync());

function expectClose(a: number[], b: number[]) {
  expect(a.length).toBe(b.length);
  expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-3);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 4));
}

describe("hand-written linear gradients", () => {
  const [N, inF, outF, r, s] = [5, 6, 4, 3, 2.5];
  const frozen = () => ({ w: values([outF, inF], 1) as tf.Tensor2D, bias: values([outF], 2), probe: values([N, outF], 3) });

  it.each([
    [false, undefined],
    [true, undefined],
    [false, "copy"],
    [false, "in-place"],
  ] as const)("frozenMatMul with bias (transposed weight kept: %s, lean backward: %s)", (kept, lean) => {
    const { w, bias, probe } = frozen();
    const x = values([N, inF], 4) as tf.Tensor2D;
    const wT = kept ? (tf.transpose(w) as tf.Tensor2D) : undefined;
    const fast = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(frozenMatMul(t as tf.Tensor2D, { w, wT, b: bias, lean }), probe)))(x);
    const auto = tf.valueAndGrad((t: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(t, w, false, true), bias), probe)))(x);
    expect(fast.value.dataSync()[0]).toBeCloseTo(auto.value.dataSync()[0], 4);
    expectClose(list(fast.grad), list(auto.grad));
  });

  it("loraLinear: value and the gradients for x, A and B (B not zero, as after training)", () => {
    const { w, bias, probe } = frozen();
    const x = values([N, inF], 5) as tf.Tensor2D;
    const A = tf.variable(values([r, inF], 6));
    const B = tf.variable(values([outF, r], 7));
    const plain = () =>
      tf.sum(
        tf.mul(
          tf.add(tf.add(tf.matMul(x, w, false, true), bias), tf.mul(tf.matMul(tf.matMul(x, A, false, true), B, false, true), s)),
          probe,
        ),
      );
    const fused = () => tf.sum(tf.mul(loraLinear(x, A, B, s, { w, wT: tf.transpose(w) as tf.Tensor2D, b: bias }), probe));
    const a = tf.variableGrads(plain as () => tf.Scalar, [A, B]);
    const b = tf.variableGrads(fused as () => tf.Scalar, [A, B]);
    expect(b.value.dataSync()[0]).toBeCloseTo(a.value.dataSync()[0], 4);
    expectClose(list(b.grads[A.name]), list(a.grads[A.name]));
    expectClose(list(b.grads[B.name]), list(a.grads[B.name]));
    const dxPlain = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.matMul(t, w, false, true), tf.mul(tf.matMul(tf.matMul(t, A, false, true), B, false, true), s)), probe)),
    )(x);
    const dxFused = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(loraLinear(t as tf.Tensor2D, A, B, s, { w }), probe)))(x);
    expectClose(list(dxFused), list(dxPlain));
  });
});
