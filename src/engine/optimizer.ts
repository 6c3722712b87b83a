// The optimisation step of HF Trainer's defaults: torch.optim.AdamW (decoupled weight decay,
// bias-corrected moments), gradient clipping by global norm (torch.nn.utils.clip_grad_norm_), and
// the learning-rate schedules of transformers' get_scheduler.

import * as tf from "@tensorflow/tfjs-core";
import type { LrSchedulerType } from "../core/settings/trainerDefaults";
import { ADAMW, SUM_OF_SQUARES, type AdamWAttrs, type AdamWOptions } from "./kernels/adamw";
import { ADAMW_GATHER, ADAMW_NORM, ADAMW_UPDATE, flatOffsets, withGradientSink } from "./kernels/gpuAdamW";
import { fusedKernelActive, runHostKernel } from "./kernels/host";

/**
 * get_warmup_steps (transformers TrainingArguments): warmup_steps when > 0, else warmup_ratio of the
 * planned steps, rounded up.
 */
export function warmupStepsFor(warmupSteps: number, warmupRatio: number, totalSteps: number): number {
  return warmupSteps > 0 ? warmupSteps : Math.ceil(totalSteps * warmupRatio);
}

/**
 * Multiplier of the peak lr at optimizer step `step` (0-based), as LambdaLR evaluates the lambdas of
 * transformers' optimization.py: _get_linear_schedule_with_warmup_lr_lambda,
 * _get_cosine_schedule_with_warmup_lr_lambda (num_cycles 0.5), _get_cosine_with_min_lr_schedule_with_warmup_lr_lambda,
 * _get_constant_schedule_with_warmup_lr_lambda, and get_constant_schedule (which ignores warmup).
 */
export function scheduleFactor(
  type: LrSchedulerType,
  step: number,
  { warmupSteps, totalSteps, minLrRate = 0 }: { warmupSteps: number; totalSteps: number; minLrRate?: number },
): number {
  if (type === "constant") return 1;
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  switch (type) {
    case "constant_with_warmup":
      return 1;
    case "linear":
      return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    case "cosine":
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    case "cosine_with_min_lr":
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)) * (1 - minLrRate) + minLrRate);
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Global L2 norm of `grads` as a scalar tensor (the pre-clip norm Trainer logs as grad_norm). */
export function globalNormTensor(grads: tf.Tensor[]): tf.Scalar {
  if (fusedKernelActive(SUM_OF_SQUARES)) return tf.tidy(() => tf.sqrt(runHostKernel(SUM_OF_SQUARES, grads)[0]) as tf.Scalar);
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
  /**
   * On WebGPU, every variable's gradient and moments in one flat tensor [g | m | v] instead of m and v
   * (kernels/gpuAdamW.ts: seven tensors a dispatch); null elsewhere.
   */
  private flat: tf.Tensor1D | null;
  /** The gradients gradientNorm last copied into `flat`'s g third, which step() then need not copy again. */
  private gathered: tf.Tensor[] | null = null;
  /** The gradients the last collect()'s backward wrote into `flat` itself (by data, with their offsets). */
  private written = new Map<tf.DataId, number>();
  /** Each variable's offset in a third of `flat`, and a third's length. */
  private readonly layout: { offsets: number[]; total: number };
  /** Number of updates applied so far (torch's per-parameter `step`). */
  t = 0;

  constructor(
    private vars: tf.Variable[],
    private opts: AdamWOptions,
  ) {
    const flat = fusedKernelActive(ADAMW_UPDATE);
    this.layout = flatOffsets(vars.map((v) => v.shape));
    this.flat = flat ? tf.zeros([3 * this.layout.total]) : null;
    this.m = flat ? [] : vars.map((v) => tf.zerosLike(v));
    this.v = flat ? [] : vars.map((v) => tf.zerosLike(v));
  }

  /**
   * The global L2 norm of `grads` (globalNormTensor). On WebGPU it copies them into the flat state on
   * the way, so that step() with the same gradients starts from there.
   */
  gradientNorm(grads: tf.Tensor[]): tf.Scalar {
    if (!this.flat) return globalNormTensor(grads);
    this.gather(grads);
    return tf.tidy(() => tf.sqrt(runHostKernel(ADAMW_NORM, [this.flat!], { total: this.layout.total })[0]) as tf.Scalar);
  }

  /**
   * f(), a backward pass whose gradients gradientNorm or step is given next, with the flat state open
   * to the WebGPU gradient programs (gpuAdamW.ts's GradientSink): they write each adapter tensor's
   * gradient there as they make it, and the gather copies only the others.
   */
  collect<T>(f: () => T): T {
    if (!this.flat) return f();
    const { offsets } = this.layout;
    const sink = { state: this.flat, offsets: new Map<tf.Tensor, number>(this.vars.map((v, i) => [v, offsets[i]])), written: new Map() };
    this.written = sink.written;
    return withGradientSink(sink, f);
  }

  private gather(grads: tf.Tensor[]): void {
    const { offsets } = this.layout;
    const copy = grads.flatMap((g, i) => (this.written.get(g.dataId) === offsets[i] ? [] : [i]));
    if (copy.length > 0)
      runHostKernel(ADAMW_GATHER, [this.flat!, ...copy.map((i) => grads[i])], { offsets: copy.map((i) => offsets[i]) })[0].dispose(); // the state, shared
    this.written = new Map();
    this.gathered = grads;
  }

  /** One update with learning rate `lr`; `clipCoef` scales the gradients first (1 = no clip). */
  step(grads: tf.Tensor[], lr: number, clipCoef = 1): void {
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    const attrs: AdamWAttrs = { n: this.vars.length, lr, beta1, beta2, eps, weightDecay, bc1, bc2, clipCoef };
    if (this.flat) return this.flatStep(grads, attrs);
    if (fusedKernelActive(ADAMW)) return this.hostStep(grads, attrs);
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
    this.assignAll(out);
  }

  /** The parameters updated in place, their moments in the flat state (gpuAdamW.ts). */
  private flatStep(grads: tf.Tensor[], attrs: AdamWAttrs): void {
    if (this.gathered !== grads) this.gather(grads);
    this.gathered = null;
    const out = runHostKernel(ADAMW_UPDATE, [...this.vars, this.flat!], attrs);
    out.pop()!.dispose(); // the state, shared
    this.assignAll(out);
  }

  private assignAll(params: tf.Tensor[]): void {
    this.vars.forEach((p, i) => {
      p.assign(params[i]);
      params[i].dispose();
    });
  }

  /**
   * torch's optimizer.state_dict() in values: per parameter exp_avg (m) and exp_avg_sq (v), and the
   * step count, read as float32 copies so a checkpoint restores them bit for bit.
   */
  async saveState(): Promise<AdamWState> {
    const read = (ts: tf.Tensor[]) => Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
    if (!this.flat) return { step: this.t, expAvg: await read(this.m), expAvgSq: await read(this.v) };
    const all = (await this.flat.data()) as Float32Array;
    const { offsets, total } = this.layout;
    const third = (k: number) => this.vars.map((v, i) => all.slice(k * total + offsets[i], k * total + offsets[i] + v.size));
    return { step: this.t, expAvg: third(1), expAvgSq: third(2) };
  }

  /** Replaces the moments and step count with a saved state's (load_state_dict); throws on a mismatch. */
  loadState(state: AdamWState): void {
    const sizes = this.vars.map((p) => p.size);
    const fits = (xs: Float32Array[]) => xs.length === sizes.length && xs.every((x, i) => x.length === sizes[i]);
    if (!fits(state.expAvg) || !fits(state.expAvgSq))
      throw new Error(
        `the optimizer state holds ${state.expAvg.length} moments of other sizes than this adapter's ${sizes.length} parameters; resume with the settings (r, target_modules) the checkpoint was trained with`,
      );
    this.t = state.step;
    if (this.flat) {
      const { offsets, total } = this.layout;
      const all = new Float32Array(3 * total);
      offsets.forEach((o, i) => {
        all.set(state.expAvg[i], total + o);
        all.set(state.expAvgSq[i], 2 * total + o);
      });
      this.flat.dispose();
      this.flat = tf.tensor1d(all);
      this.gathered = null;
      return;
    }
    const next = (xs: Float32Array[]) => xs.map((x, i) => tf.tensor(x, this.vars[i].shape));
    const [m, v] = [next(state.expAvg), next(state.expAvgSq)];
    for (const t of [...this.m, ...this.v]) t.dispose();
    [this.m, this.v] = [m, v];
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
    this.flat?.dispose();
  }
}

/** AdamW's state as plain arrays, in the optimizer's parameter order (trainableVariables). */
export interface AdamWState {
  step: number;
  expAvg: Float32Array[];
  expAvgSq: Float32Array[];
}
