// A Trainer-like loop that advances one optimizer step per call, so a worker can stream progress
// and pause/resume between steps. Defaults are HF TrainingArguments' defaults.

import * as tf from "@tensorflow/tfjs-core";
import type { StepMetrics } from "../core/protocol";
import { packExamples, type PackedRow } from "../core/packing";
import { evaluationDue, optimizerSteps, stepsPerEpoch, type EvalStrategy } from "../core/stepPlan";
import { HF_TRAINING_DEFAULTS, type SftPackingArguments, type TrainingArguments } from "../core/settings/trainerDefaults";
import type { TrainExample } from "../core/types";
import { batchTokens, collate, type Batch } from "./batch";
import { evaluationLoss } from "./evaluation";
import { lossAndGradTensors } from "./gradients";
import { countedTokens } from "./loss";
import { trainableVariables, type LoraAdapter } from "./lora";
import { AdamW, scheduleFactor, warmupStepsFor, type AdamWState } from "./optimizer";
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

/**
 * The Trainer's eval_dataset and when to evaluate it (TrainingArguments' eval_strategy, eval_steps),
 * as toHf's evalArguments give them. The examples are evaluated unpacked.
 */
export interface EvaluationPlan {
  examples: TrainExample[];
  eval_strategy: EvalStrategy;
  eval_steps: number;
}

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
    private evaluation: EvaluationPlan | null = null,
  ) {
    if (!examples.length) throw new Error("training data is empty; add at least one example");
    this.args = { ...HF_TRAINING_DEFAULTS, pad_token_id: 0, ...args };
    if (this.args.lr_scheduler_type === "cosine_with_min_lr" && this.args.lr_scheduler_kwargs.min_lr_rate === undefined) {
      // transformers' get_scheduler refuses it likewise.
      throw new Error(
        "lr_scheduler_type cosine_with_min_lr needs lr_scheduler_kwargs.min_lr_rate (the floor as a fraction of learning_rate)",
      );
    }
    this.data = this.args.packing ? packedRows(examples, this.args) : examples;
    const { per_device_train_batch_size: bs, gradient_accumulation_steps: gas } = this.args;
    this.stepsPerEpoch = stepsPerEpoch(this.data.length, bs, gas);
    this.total = optimizerSteps(this.data.length, bs, this.args.num_train_epochs, this.args.max_steps, gas);
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

  /**
   * The batches of one optimizer step: gradient_accumulation_steps of them, fewer at the end of an
   * epoch (transformers' inner loop takes the epoch's remaining batches into its last update).
   */
  private nextBatches(): Batch[] {
    const batches: Batch[] = [];
    do batches.push(collate(this.nextExamples(), this.args.pad_token_id));
    while (batches.length < this.args.gradient_accumulation_steps && this.cursor < this.order.length);
    return batches;
  }

  /** The learning rate of the next step: get_scheduler(lr_scheduler_type) over the current schedule's steps. */
  private learningRate(): number {
    const { learning_rate: peak, warmup_steps, warmup_ratio, lr_scheduler_type: type, lr_scheduler_kwargs } = this.args;
    const totalSteps = this.total - this.scheduleStart;
    // get_warmup_steps is taken of the schedule's own steps, also for `extend`'s new schedule.
    const warmupSteps = warmupStepsFor(warmup_steps, warmup_ratio, totalSteps);
    const minLrRate = lr_scheduler_kwargs.min_lr_rate;
    return peak * scheduleFactor(type, this.globalStep - this.scheduleStart, { warmupSteps, totalSteps, minLrRate });
  }

  /**
   * The loss and gradients of the step's batches together, normalised by all their trained tokens
   * (transformers >= 4.46 passes num_items_in_batch to the loss, so the sum of the micro-batches'
   * losses is the mean over the whole accumulated batch): each micro-batch's mean and gradients
   * weighted by its share of the tokens. Batch 4 and batch 1 × accumulation 4 give the same update.
   */
  private accumulatedLossAndGrads(batches: Batch[], counts: number[]): { loss: tf.Scalar; grads: tf.Tensor[] } {
    const dropoutSeed = () => (this.lora.config.lora_dropout > 0 ? this.rng.int() : null);
    const total = counts.reduce((a, b) => a + b, 0);
    // One batch, or nothing trained at all (a NaN loss, as torch's 0/0, which the run reports).
    // Its gradients go to the optimizer as they are, so the backward may write them into its state (collect).
    if (batches.length === 1 || total === 0)
      return this.optimizer.collect(() => lossAndGradTensors(this.model, this.lora, batches[0], dropoutSeed()));
    let lossSum: tf.Tensor = tf.scalar(0);
    let gradSums: tf.Tensor[] = trainableVariables(this.lora).map((v) => tf.zerosLike(v));
    for (const [i, batch] of batches.entries()) {
      // A micro-batch with no trained token adds nothing to the sum (and its own mean would be NaN).
      if (counts[i] === 0) continue;
      const { loss, grads } = lossAndGradTensors(this.model, this.lora, batch, dropoutSeed());
      const share = counts[i] / total;
      const next = tf.tidy(() => [lossSum, ...gradSums].map((acc, k) => tf.add(acc, tf.mul(k === 0 ? loss : grads[k - 1], share))));
      tf.dispose([lossSum, ...gradSums, loss, ...grads]);
      [lossSum, ...gradSums] = next;
    }
    return { loss: lossSum as tf.Scalar, grads: gradSums };
  }

  /** Runs one optimizer step (and the evaluation due after it); resolves after the update is applied. */
  async step(): Promise<StepMetrics> {
    if (this.done) throw new Error(`training already finished (${this.totalSteps} steps)`);
    const start = performance.now();
    const batches = this.nextBatches();
    const counts = batches.map((b) => countedTokens(b.labels));
    const lr = this.learningRate();
    const { loss, grads } = this.accumulatedLossAndGrads(batches, counts);
    // One asynchronous read per step for both numbers: a GPU round trip is the expensive part.
    const stats = tf.tidy(() => tf.stack([loss, this.optimizer.gradientNorm(grads)]));
    const [lossValue, gradNorm] = await stats.data();
    stats.dispose();
    const maxNorm = this.args.max_grad_norm;
    // torch clip_grad_norm_: coef = max_norm / (norm + 1e-6), applied only when below 1; 0 = no clipping.
    const clipCoef = maxNorm > 0 ? Math.min(1, maxNorm / (gradNorm + 1e-6)) : 1;
    this.optimizer.step(grads, lr, clipCoef);
    tf.dispose([loss, ...grads]);
    this.globalStep++;
    const tokens = counts.reduce((a, b) => a + b, 0);
    const inputTokens = batches.reduce((n, b) => n + batchTokens(b), 0);
    const msPerStep = performance.now() - start;
    const perSecond = (n: number) => (msPerStep > 0 ? (n * 1000) / msPerStep : 0);
    const metrics: StepMetrics = {
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
    const evalLoss = await this.evaluateIfDue();
    return evalLoss === null ? metrics : { ...metrics, evalLoss };
  }

  /** The eval loss when the evaluation plan has one due after this step (its time is not in msPerStep). */
  private async evaluateIfDue(): Promise<number | null> {
    const plan = this.evaluation;
    if (!plan?.examples.length) return null;
    if (!evaluationDue(this.globalStep, plan.eval_strategy, plan.eval_steps, this.stepsPerEpoch)) return null;
    const { per_device_eval_batch_size: batchSize, pad_token_id: padTokenId } = this.args;
    return (await evaluationLoss(this.model, this.lora, plan.examples, { batchSize, padTokenId })).loss;
  }

  /**
   * Where the run is, in plain values, for a checkpoint: what transformers' _save_checkpoint writes
   * besides the model (optimizer.pt, scheduler.pt, trainer_state.json, rng_state.pth). Taken between
   * steps, so a restored Trainer's next step is the one this Trainer would have taken.
   */
  async saveState(): Promise<TrainerState> {
    return {
      globalStep: this.globalStep,
      totalSteps: this.total,
      scheduleStart: this.scheduleStart,
      order: [...this.order],
      cursor: this.cursor,
      rngState: this.rng.savedState,
      dataSize: this.data.length,
      optimizer: await this.optimizer.saveState(),
    };
  }

  /**
   * Continues from a saved state, as resume_from_checkpoint does, but exactly: transformers reseeds
   * and skips the epoch's first batches (_load_rng_state, skip_first_batches), while this restores
   * the epoch's order, the position in it and the generator, so the same batches and dropout masks
   * follow. The adapter's weights are the caller's (engine/checkpoint.ts); throws on other data.
   */
  loadState(state: TrainerState): void {
    const n = this.data.length;
    if (state.dataSize !== n || state.order.some((i) => !Number.isInteger(i) || i < 0 || i >= n) || state.cursor > state.order.length)
      throw new Error(
        `the checkpoint was trained on ${state.dataSize} ${this.args.packing ? "packed rows" : "examples"} and this run has ${n}; resume with the data and settings it was trained with`,
      );
    this.optimizer.loadState(state.optimizer);
    this.globalStep = state.globalStep;
    this.total = state.totalSteps;
    this.scheduleStart = state.scheduleStart;
    this.order = [...state.order];
    this.cursor = state.cursor;
    this.rng = Rng.fromState(state.rngState);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** A Trainer between two steps (Trainer.saveState), everything but the adapter's weights. */
export interface TrainerState {
  globalStep: number;
  totalSteps: number;
  /** Where the current learning-rate schedule began (0, or where `extend` started one). */
  scheduleStart: number;
  /** The epoch's order of examples (or packed rows) and how far into it the run is. */
  order: number[];
  cursor: number;
  /** The shuffling and dropout generator (Rng.savedState). */
  rngState: number;
  /** How many examples or packed rows the order indexes: a resume on other data is refused. */
  dataSize: number;
  optimizer: AdamWState;
}
