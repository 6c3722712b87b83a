// The optimisation step of HF Trainer's defaults: torch.optim.AdamW (decoupled weight decay,
// bias-corrected moments), gradient clipping by global norm (torch.nn.utils.clip_grad_norm_), and
// the linear schedule with warmup (transformers get_linear_schedule_with_warmup).

import * as tf from "@tensorflow/tfjs-core";
import { hostKernelsActive, registerHostKernel, runHostKernel } from "./kernels/host";
import { withSimd } from "./kernels/simd/simd";

export interface AdamWOptions {
  /** Peak learning rate. */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Multiplier of the peak lr at optimizer step `step` (0-based), as LambdaLR evaluates it. */
export function linearScheduleFactor(step: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** Σ x² over every input: one host kernel for the global norm instead of three ops per gradient. */
const SUM_OF_SQUARES = "PlaygroundSumOfSquares";
registerHostKernel<object>(
  SUM_OF_SQUARES,
  () => [[]],
  (inputs, [out]) => {
    let s = 0;
    for (const x of inputs) for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    out[0] = s;
  },
);

interface AdamWAttrs {
  /** Variables in the update. */
  n: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** The bias corrections 1 − βᵗ. */
  bc1: number;
  bc2: number;
  clipCoef: number;
}

/**
 * torch.optim.AdamW's update (the single-tensor path of torch/optim/adamw.py) for every variable in
 * one host kernel: inputs p₀…, g₀…, m₀…, v₀…; outputs p'₀…, m'₀…, v'₀…. Same order of operations as
 * the composed path below, in float32 as torch computes it (SIMD, assembly/index.ts).
 */
const ADAMW = "PlaygroundAdamW";
registerHostKernel<AdamWAttrs>(
  ADAMW,
  (shapes, { n }) => [...shapes.slice(0, n), ...shapes.slice(0, n), ...shapes.slice(0, n)],
  (inputs, outputs, a) =>
    withSimd((k, m) => {
      for (let i = 0; i < a.n; i++) {
        const [p, g, mi, vi] = [inputs[i], inputs[a.n + i], inputs[2 * a.n + i], inputs[3 * a.n + i]].map((t) => m.put(t));
        const [decay, step] = [1 - a.lr * a.weightDecay, a.lr / a.bc1];
        k.adamw(
          p,
          g,
          mi,
          vi,
          inputs[i].length,
          a.clipCoef,
          a.beta1,
          a.beta2,
          1 - a.beta1,
          1 - a.beta2,
          a.eps,
          decay,
          step,
          Math.sqrt(a.bc2),
        );
        m.get(p, outputs[i]);
        m.get(mi, outputs[a.n + i]);
        m.get(vi, outputs[2 * a.n + i]);
      }
    }),
);

/** Global L2 norm of `grads` as a scalar tensor (the pre-clip norm Trainer logs as grad_norm). */
export function globalNormTensor(grads: tf.Tensor[]): tf.Scalar {
  if (hostKernelsActive()) return tf.tidy(() => tf.sqrt(runHostKernel(SUM_OF_SQUARES, grads)[0]) as tf.Scalar);
  // Summed pairwise, not with tf.addN: WebGPU's AddN binds every input as a storage buffer, and
  // adapters have more parameters than a compute stage may bind (8 on SwiftShader).
  return tf.tidy(() => tf.sqrt(grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))) as tf.Scalar);
}

/**
 * The same as a number. Read asynchronously: on WebGPU a synchronous read goes through a canvas
 * and, in a worker under SwiftShader, returned zeros and then lost the device.
 */
export async function globalNorm(grads: tf.Tensor[]): Promise<number> {
  const norm = globalNormTensor(grads);
  const value = (await norm.data())[0];
  norm.dispose();
  return value;
}

/** torch.optim.AdamW over tf.Variables; state tensors are kept and replaced each step. */
export class AdamW {
  private m: tf.Tensor[];
  private v: tf.Tensor[];
  /** Number of updates applied so far (torch's per-parameter `step`). */
  t = 0;

  constructor(
    private vars: tf.Variable[],
    private opts: AdamWOptions,
  ) {
    this.m = vars.map((v) => tf.zerosLike(v));
    this.v = vars.map((v) => tf.zerosLike(v));
  }

  /** One update with learning rate `lr`; `clipCoef` scales the gradients first (1 = no clip). */
  step(grads: tf.Tensor[], lr: number, clipCoef = 1): void {
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    if (hostKernelsActive()) return this.hostStep(grads, { n: this.vars.length, lr, beta1, beta2, eps, weightDecay, bc1, bc2, clipCoef });
    this.vars.forEach((p, i) => {
      const [m, v, next] = tf.tidy(() => {
        const g = clipCoef === 1 ? grads[i] : tf.mul(grads[i], clipCoef);
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        const decayed = weightDecay ? tf.mul(p, 1 - lr * weightDecay) : p;
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
        return [m, v, tf.sub(decayed, tf.mul(tf.div(m, denom), lr / bc1))];
      });
      this.m[i].dispose();
      this.v[i].dispose();
      this.m[i] = m;
      this.v[i] = v;
      p.assign(next);
      next.dispose();
    });
  }

  private hostStep(grads: tf.Tensor[], attrs: AdamWAttrs): void {
    const n = this.vars.length;
    const out = runHostKernel(ADAMW, [...this.vars, ...grads, ...this.m, ...this.v], attrs);
    for (const t of [...this.m, ...this.v]) t.dispose();
    this.m = out.slice(n, 2 * n);
    this.v = out.slice(2 * n);
    this.vars.forEach((p, i) => {
      p.assign(out[i]);
      out[i].dispose();
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
