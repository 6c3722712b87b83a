// AdamW, schedule and clipping against torch's formulas, computed by hand in float64.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, expect, it } from "vitest";
import { useCpu } from "./fixtures.testutil";
import { AdamW, globalNorm, linearScheduleFactor } from "./optimizer";

beforeAll(useCpu);

it("AdamW matches torch.optim.AdamW step by step (bias correction, decoupled decay)", () => {
  const p = tf.variable(tf.tensor1d([0.5, -1]));
  const opt = new AdamW([p], { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  let w = [0.5, -1];
  const m = [0, 0];
  const v = [0, 0];
  const gradsSeq = [
    [1, -2],
    [0.5, 0.25],
    [-3, 1],
  ];
  gradsSeq.forEach((g, k) => {
    const t = k + 1;
    const lr = 0.1 * linearScheduleFactor(k, 0, 3);
    const grad = tf.tensor1d(g);
    opt.step([grad], lr);
    grad.dispose();
    w = w.map((wi, i) => {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2;
      const decayed = wi * (1 - lr * 0.01);
      return decayed - (lr / (1 - 0.9 ** t)) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8));
    });
    Array.from(p.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(w[i], 6));
  });
  opt.dispose();
  p.dispose();
});

it("linear schedule with warmup and the global gradient norm follow HF/torch", async () => {
  expect([0, 1, 2, 3, 4, 5].map((s) => linearScheduleFactor(s, 2, 6))).toEqual([0, 0.5, 1, 0.75, 0.5, 0.25]);
  expect([0, 1, 2].map((s) => linearScheduleFactor(s, 0, 3))).toEqual([1, 2 / 3, 1 / 3]);
  const g = [tf.tensor1d([3]), tf.tensor2d([[4]])];
  expect(await globalNorm(g)).toBeCloseTo(5, 6);
  tf.dispose(g);
});
