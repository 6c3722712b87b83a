// A Trainer-like loop that advances one optimizer step per call, so a worker can stream progress
// and pause/resume between steps. Defaults are HF TrainingArguments' defaults.

import * as tf from "@tensorflow/tfjs-core";
import type { StepMetrics } from "../core/protocol";
import { packExamples, type PackedRow } from "../core/packing";
import { optimizerSteps } from "../core/stepPlan";
import { HF_TRAINING_DEFAULTS, type SftPackingArguments, type TrainingArguments } from "../core/settings/trainerDefaults";
import type { TrainExample } from "../core/types";
import { batchTokens, collate } from "./batch";
import { lossAndGradTensors } from "./gradients";
import { countedTokens } from "./loss";
import { trainableVariables, type LoraAdapter } from "./lora";
import { AdamW, globalNormTensor, linearScheduleFactor } from "./optimizer";
import { Rng } from "./rng";
import type { CausalLM } from "./weights";

/**
 * TrainingArguments as core/settings/hf.ts's toHf() gives them (validated where they entered: the
 * settings table's schema), and the id that right-pads input ids (masked out, so any valid id works).
 * The seed drives shuffling and LoRA dropout, not torch's RNG stream: same seed, other numbers.
 * With TRL's packing arguments (toHf's sftArguments) the Trainer packs the examples once and its
 * batches, steps and epochs are of packed rows, as SFTTrainer's are.
 */
export type TrainingArgs = TrainingArguments & { pad_token_id: number } & Partial<SftPackingArguments>;

/** SFTTrainer's packing (core/packing.ts), which TRL also refuses without a max_length. */
function packedRows(
  examples: TrainExample[],
  { max_length: length, packing_strategy: strategy = "bfd" }: Partial<TrainingArgs>,
): PackedRow[] {
  if (length === undefined) throw new Error("packing needs max_length (the rows' length); set max_seq_length");
  return packExamples(examples, length, strategy);
}

/**
 * Owns the optimizer state for one adapter. Batches follow a per-epoch permutation from a seeded
 * RNG; like the HF DataLoader the last batch of an epoch may be smaller. The permutation cannot
 * equal torch's RandomSampler for the same seed (different generators), only be deterministic.
 */
export class Trainer {
  readonly args: TrainingArgs;
  private total: number;
  /** The global step the current learning-rate schedule began at (0, or where `extend` started one). */
  private scheduleStart = 0;
  private optimizer: AdamW;
  private rng: Rng;
  private order: number[] = [];
  /** The examples, or the packed rows they became. */
  private data: Array<TrainExample | PackedRow>;
  private cursor = 0;
  private stepsPerEpoch: number;
  globalStep = 0;

  constructor(
    private model: CausalLM,
    private lora: LoraAdapter,
    examples: TrainExample[],
    args: Partial<TrainingArgs> = {},
  ) {
    if (!examples.length) throw new Error("training data is empty; add at least one example");
    this.args = { ...HF_TRAINING_DEFAULTS, pad_token_id: 0, ...args };
    this.data = this.args.packing ? packedRows(examples, this.args) : examples;
    const bs = this.args.per_device_train_batch_size;
    this.stepsPerEpoch = Math.ceil(this.data.length / bs);
    this.total = optimizerSteps(this.data.length, bs, this.args.num_train_epochs, this.args.max_steps);
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

  get done(): boolean {
    return this.globalStep >= this.total;
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
  }

  private nextExamples(): Array<TrainExample | PackedRow> {
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
  async step(): Promise<StepMetrics> {
    if (this.done) throw new Error(`training already finished (${this.totalSteps} steps)`);
    const start = performance.now();
    const batch = collate(this.nextExamples(), this.args.pad_token_id);
    // HF's get_warmup_steps is warmup_steps (warmup_ratio is left out, see HF_TRAINING_DEFAULTS), also for `extend`'s schedule.
    const { learning_rate: peak, warmup_steps: warmup } = this.args;
    const lr = peak * linearScheduleFactor(this.globalStep - this.scheduleStart, warmup, this.total - this.scheduleStart);
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
    const tokens = countedTokens(batch.labels);
    const inputTokens = batchTokens(batch);
    const msPerStep = performance.now() - start;
    const perSecond = (n: number) => (msPerStep > 0 ? (n * 1000) / msPerStep : 0);
    return {
      step: this.globalStep,
      totalSteps: this.total,
      epoch: this.globalStep / this.stepsPerEpoch,
      loss: lossValue,
      learningRate: lr,
      gradNorm,
      tokens,
      tokensPerSecond: perSecond(tokens),
      inputTokens,
      inputTokensPerSecond: perSecond(inputTokens),
      msPerStep,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
