// How many optimizer steps a run takes, counted as transformers' Trainer counts them (the engine's
// Trainer and the page's estimate before a run both call this), and what a dataset-sized run is.

/** max_steps when > 0, else ceil(epochs × batches an epoch), a batch being ceil(rows / batch size). */
export function optimizerSteps(rows: number, batchSize: number, epochs: number, maxSteps: number): number {
  if (maxSteps > 0) return maxSteps;
  return Math.ceil(epochs * Math.ceil(rows / Math.max(1, batchSize)));
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
