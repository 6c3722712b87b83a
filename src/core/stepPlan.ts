// How many optimizer steps a run takes, counted as transformers' Trainer counts them (the engine's
// Trainer and the page's estimate before a run both call this), and what a dataset-sized run is.

import type { TRAINING_FIELDS } from "./settings/trainingSettings";

/**
 * Optimizer steps in one epoch: ceil(batches / gradient_accumulation_steps), a batch being
 * ceil(rows / batch size); the last step of an epoch takes the batches left (transformers >= 4.46
 * Trainer.set_initial_training_values: len_dataloader // gas + int(len_dataloader % gas > 0)).
 */
export function stepsPerEpoch(rows: number, batchSize: number, accumulation = 1): number {
  return Math.max(1, Math.ceil(Math.ceil(rows / Math.max(1, batchSize)) / Math.max(1, accumulation)));
}

/** max_steps when > 0, else ceil(epochs × steps an epoch). */
export function optimizerSteps(rows: number, batchSize: number, epochs: number, maxSteps: number, accumulation = 1): number {
  if (maxSteps > 0) return maxSteps;
  return Math.ceil(epochs * stepsPerEpoch(rows, batchSize, accumulation));
}

/** transformers' IntervalStrategy values, as the settings table lists them. */
export type EvalStrategy = (typeof TRAINING_FIELDS.evalStrategy.options)[number];

/**
 * Whether transformers' DefaultFlowCallback evaluates after optimizer step `step` (1-based):
 * eval_strategy "steps" when step % eval_steps == 0, "epoch" at the end of each epoch. Neither
 * evaluates before the first step (eval_on_start is off) nor adds one at the end of training.
 */
export function evaluationDue(step: number, strategy: EvalStrategy, evalSteps: number, epochSteps: number): boolean {
  const due: Record<EvalStrategy, boolean> = { no: false, steps: step % evalSteps === 0, epoch: step % epochSteps === 0 };
  return due[strategy];
}

/**
 * The epochs a dataset of `examples` gets when it replaces the notebook's five: the notebook's 15
 * epochs suit 5 examples (75 steps); on a real dataset the usual SFT choice is 1–3 (LLaMA-Factory's
 * and Unsloth's examples use 3 and 1), fewer as the data grows. null: keep what is set.
 */
export function datasetEpochs(examples: number): number | null {
  if (examples <= 20) return null;
  return examples <= 500 ? 3 : examples <= 5000 ? 2 : 1;
}

/**
 * Which training prompts are answered while training: all of a small set, else `count` spread evenly
 * over the examples (the same ones every time), so a 1,000-example run does not generate 1,000
 * answers at every answer step.
 */
export function answeredPromptIndexes(examples: number, count = 5): number[] {
  if (examples <= count) return Array.from({ length: examples }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.round((k * (examples - 1)) / (count - 1)));
}
