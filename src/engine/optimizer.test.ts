// AdamW, schedule and clipping against torch's formulas, computed by hand in float64.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { setBackend } from "./backend";
import { useCpu } from "./fixtures.testutil";
import { hostKernelsActive, setHostKernels } from "./kernels/host";
import { AdamW, globalNorm, globalNormTensor, scheduleFactor } from "./optimizer";

beforeAll(useCpu);

/** get_linear_schedule_with_warmup's multiplier (every schedule against PyTorch: schedule.test.ts). */
const linear = (step: number, warmupSteps: number, totalSteps: number) => scheduleFactor("linear", step, { warmupSteps, totalSteps });

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
    const lr = 0.1 * linear(k, 0, 3);
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
  expect([0, 1, 2, 3, 4, 5].map((s) => linear(s, 2, 6))).toEqual([0, 0.5, 1, 0.75, 0.5, 0.25]);
  expect([0, 1, 2].map((s) => linear(s, 0, 3))).toEqual([1, 2 / 3, 1 / 3]);
  const g = [tf.tensor1d([3]), tf.tensor2d([[4]])];
  expect(await globalNorm(g)).toBeCloseTo(5, 6);
  tf.dispose(g);
});

describe.each(["cpu", "wasm"] as const)("the host kernels on %s give the composed ops' update", (backend) => {
  const run = (host: boolean) => {
    setHostKernels(host);
    const init = [tf.tensor2d([0.5, -1, 2, 0.25, -0.75, 1.5], [2, 3]), tf.tensor1d([3, -0.5]), tf.tensor2d([[0.1]])];
    const vars = init.map((t) => tf.variable(t, true));
    const opt = new AdamW(vars, { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 });
    const norms: number[] = [];
    for (let step = 0; step < 4; step++) {
      const grads = vars.map((v, i) => tf.tidy(() => tf.sin(tf.add(tf.mul(v, 3 + i), step))));
      norms.push(globalNormTensor(grads).dataSync()[0]);
      opt.step(grads, 0.05 * linear(step, 1, 4), step === 2 ? 0.5 : 1);
      tf.dispose(grads);
    }
    const values = vars.map((v) => Array.from(v.dataSync()));
    opt.dispose();
    tf.dispose([...init, ...vars]);
    setHostKernels(true);
    return { norms, values };
  };

  it("AdamW with decay and clipping, and the global norm, over four steps", async () => {
    await setBackend(backend);
    expect(hostKernelsActive()).toBe(true);
    const [host, composed] = [run(true), run(false)];
    host.norms.forEach((n, i) => expect(n).toBeCloseTo(composed.norms[i], 5));
    host.values.flat().forEach((x, i) => expect(x).toBeCloseTo(composed.values.flat()[i], 5));
    // The update moved every parameter (the comparison is not between two unchanged copies).
    expect(host.values.flat()[0]).not.toBeCloseTo(0.5, 3);
    await setBackend("cpu");
  });
});
