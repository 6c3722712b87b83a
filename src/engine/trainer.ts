// A Trainer-like loop that advances one optimizer step per call, so a worker can stream progress
// and pause/resume between steps. Defaults are HF TrainingArguments' defaults.

import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { HF_TRAINING_DEFAULTS } from "../core/settings/trainerDefaults";
import { collate, type Example } from "./batch";
import { lossAndGradTensors } from "./gradients";
import { countedTokens } from "./loss";
import { trainableVariables, type LoraAdapter } from "./lora";
import { AdamW, globalNormTensor, linearScheduleFactor } from "./optimizer";
import { Rng } from "./rng";
import type { CausalLM } from "./weights";

export const trainingArgsSchema = z.object({
  /** Peak learning rate of AdamW (TrainingArguments.learning_rate). */
  learning_rate: z.number().positive(),
  /** Passes over the data; ignored when max_steps > 0. */
  num_train_epochs: z.number().positive(),
  /** Total optimizer steps; > 0 overrides num_train_epochs, as in HF. */
  max_steps: z.number().int(),
  /** Examples per step (no gradient accumulation). */
  per_device_train_batch_size: z.number().int().positive(),
  /** Linear warmup steps from lr 0; takes precedence over warmup_ratio when > 0. */
  warmup_steps: z.number().int().nonnegative(),
  /** Warmup as a fraction of the total steps. */
  warmup_ratio: z.number().min(0).max(1),
  /** Decoupled weight decay of AdamW. */
  weight_decay: z.number().nonnegative(),
  adam_beta1: z.number().min(0).lt(1),
  adam_beta2: z.number().min(0).lt(1),
  adam_epsilon: z.number().positive(),
  /** Clip gradients to this global L2 norm; 0 disables clipping. */
  max_grad_norm: z.number().nonnegative(),
  /** Seeds shuffling and LoRA dropout (not torch's RNG stream: same seed, different numbers). */
  seed: z.number().int(),
  /** Token id used to right-pad input ids (masked out, so any valid id works). */
  pad_token_id: z.number().int().nonnegative(),
});
export type TrainingArgs = z.infer<typeof trainingArgsSchema>;

/** HF TrainingArguments' defaults (one definition, in core: the export writes the same values). */
export const TRAINING_DEFAULTS: TrainingArgs = { ...HF_TRAINING_DEFAULTS, pad_token_id: 0 };

export interface StepResult {
  /** 1-based index of the step just taken. */
  step: number;
  epoch: number;
  loss: number;
  /** Learning rate used for this step. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Tokens counted by the loss in this step's batch. */
  tokens: number;
  /** Tokens the model read in this step's batch (padding excluded). */
  inputTokens: number;
  ms: number;
}

/**
 * Owns the optimizer state for one adapter. Batches follow a per-epoch permutation from a seeded
 * RNG; like the HF DataLoader the last batch of an epoch may be smaller. The permutation cannot
 * equal torch's RandomSampler for the same seed (different generators), only be deterministic.
 */
export class Trainer {
  readonly args: TrainingArgs;
  private total: number;
  private warmup: number;
  /** The global step the current learning-rate schedule began at (0, or where `extend` started one). */
  private scheduleStart = 0;
  private optimizer: AdamW;
  private rng: Rng;
  private order: number[] = [];
  private cursor = 0;
  private stepsPerEpoch: number;
  globalStep = 0;

  constructor(
    private model: CausalLM,
    private lora: LoraAdapter,
    private data: Example[],
    args: Partial<TrainingArgs> = {},
  ) {
    if (!data.length) throw new Error("training data is empty; add at least one example");
    this.args = trainingArgsSchema.parse({ ...TRAINING_DEFAULTS, ...args });
    const bs = this.args.per_device_train_batch_size;
    this.stepsPerEpoch = Math.ceil(data.length / bs);
    this.total = this.args.max_steps > 0 ? this.args.max_steps : Math.ceil(this.args.num_train_epochs * this.stepsPerEpoch);
    this.warmup = this.warmupFor(this.total);
    this.rng = new Rng(this.args.seed);
    this.optimizer = new AdamW(trainableVariables(lora), {
      lr: this.args.learning_rate,
      beta1: this.args.adam_beta1,
      beta2: this.args.adam_beta2,
      eps: this.args.adam_epsilon,
      weightDecay: this.args.weight_decay,
    });
  }

  get totalSteps(): number {
    return this.total;
  }

  get warmupSteps(): number {
    return this.warmup;
  }

  get done(): boolean {
    return this.globalStep >= this.total;
  }

  private warmupFor(steps: number): number {
    return this.args.warmup_steps > 0 ? this.args.warmup_steps : Math.ceil(this.args.warmup_ratio * steps);
  }

  /** Steps in `epochs` passes over the data (a fraction trains part of the last pass). */
  stepsFor(epochs: number): number {
    return Math.ceil(epochs * this.stepsPerEpoch);
  }

  /**
   * Trains `steps` more on the same adapter and optimizer state, as a second `trainer.train()` does in
   * transformers: Trainer._inner_training_loop drops the scheduler it created and builds a new one for
   * the new number of steps (warmup included), while create_optimizer keeps the existing AdamW, its
   * moments and step count. The step count here keeps growing, so the loss curve continues.
   */
  extend(steps: number): void {
    this.scheduleStart = this.globalStep;
    this.total = this.globalStep + steps;
    this.warmup = this.warmupFor(steps);
  }

  private nextExamples(): Example[] {
    const bs = this.args.per_device_train_batch_size;
    if (this.cursor >= this.order.length) {
      this.order = this.rng.permutation(this.data.length);
      this.cursor = 0;
    }
    const idx = this.order.slice(this.cursor, this.cursor + bs);
    this.cursor += bs;
    return idx.map((i) => this.data[i]);
  }

  /** Runs one optimizer step; resolves after the update is applied. */
  async step(): Promise<StepResult> {
    if (this.done) throw new Error(`training already finished (${this.totalSteps} steps)`);
    const start = performance.now();
    const batch = collate(this.nextExamples(), this.args.pad_token_id);
    const lr =
      this.args.learning_rate * linearScheduleFactor(this.globalStep - this.scheduleStart, this.warmup, this.total - this.scheduleStart);
    const dropoutSeed = this.lora.config.lora_dropout > 0 ? this.rng.int() : null;
    const { loss, grads } = lossAndGradTensors(this.model, this.lora, batch, dropoutSeed);
    // One asynchronous read per step for both numbers: a GPU round trip is the expensive part.
    const stats = tf.tidy(() => tf.stack([loss, globalNormTensor(grads)]));
    const [lossValue, gradNorm] = await stats.data();
    stats.dispose();
    const maxNorm = this.args.max_grad_norm;
    // torch clip_grad_norm_: coef = max_norm / (norm + 1e-6), applied only when below 1.
    const clipCoef = maxNorm > 0 ? Math.min(1, maxNorm / (gradNorm + 1e-6)) : 1;
    this.optimizer.step(grads, lr, clipCoef);
    tf.dispose([loss, ...grads]);
    this.globalStep++;
    return {
      step: this.globalStep,
      epoch: this.globalStep / this.stepsPerEpoch,
      loss: lossValue,
      lr,
      gradNorm,
      tokens: countedTokens(batch.labels),
      inputTokens: batch.attentionMask.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0),
      ms: performance.now() - start,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
