// Refusing a run that cannot fit before it starts: the largest step's memory, estimated from the
// model's shapes and the longest batch, against what the backend can hold. An estimate, not a
// measurement; it errs high, so what it lets through may still fail mid-run (then the run fails
// with kind "out-of-memory" and keeps its steps, see trainingRun.ts).
import type { MemoryLimits } from "../backend";
import type { ModelConfig } from "../modelTypes";
import { FLOAT } from "../vocabBlocks";
import { parameterCount, type CausalLM } from "../weights";

/** What to do about a run that does not fit: said before it starts and when it runs out mid-step. */
export const MEMORY_NEXT_STEP =
  "Lower the batch size or max_seq_length (or pick a smaller model), then train again; gradient_accumulation_steps keeps the same update with a smaller batch.";

export interface StepMemory {
  batch: number;
  tokens: number;
  /** The logits of one step, [batch, tokens, vocab] in float32: the largest tensor. */
  logitsBytes: number;
  /** Weights, logits with their softmax and gradient, saved activations, LoRA and AdamW state. */
  totalBytes: number;
}

/**
 * `copies`: elements of the frozen matrices' copies besides the weights (frozenCopies). Measured:
 * bloom-560m (head 250,880 × 1,024, 1 GB) with a packed copy of every matrix aborted the wasm backend
 * at batch 1 × 20 tokens.
 */
export function estimateStep(
  config: ModelConfig,
  batch: number,
  tokens: number,
  parameters: number,
  trainable: number,
  copies: number,
): StepMemory {
  const positions = batch * tokens;
  const logitsBytes = positions * config.vocabSize * FLOAT;
  // Kept for backward per layer: the norms' inputs, q/k/v/o, the MLP's gate/up/product, and the
  // attention probabilities (one [tokens, tokens] map per head).
  const perLayer = positions * (6 * config.hiddenSize + 3 * config.intermediateSize) + batch * config.numHeads * tokens * tokens;
  const activations = perLayer * config.numLayers * FLOAT;
  const totalBytes = (parameters + copies) * FLOAT + 3 * logitsBytes + 2 * activations + 4 * trainable * FLOAT;
  return { batch, tokens, logitsBytes, totalBytes };
}

/**
 * Elements the frozen matrices take again: each kept transpose and the packing wasm makes of it for
 * the forward, and, unless the backward is lean, the packing of every matrix for dy · w (an upper
 * bound on wasm, where XNNPACK keeps them; other backends make none, so this errs high there).
 */
export function frozenCopies(model: CausalLM): number {
  let transposed = 0;
  for (const t of model.transposed.values()) transposed += t.size;
  return 2 * transposed + (model.leanBackward ? 0 : parameterCount(model));
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GB`;

/** null when the step fits; else a message saying what does not fit and what to change. */
export function memoryRefusal(step: StepMemory, limits: MemoryLimits, vocabSize: number): string | null {
  const shape = `batch ${step.batch} × ${step.tokens} tokens × vocabulary ${vocabSize.toLocaleString("en-US")}`;
  const next = MEMORY_NEXT_STEP;
  if (limits.tensorBytes !== null && step.logitsBytes > limits.tensorBytes)
    return `This run's logits (${shape}) take ${gb(step.logitsBytes)}, more than the largest buffer the ${limits.backend} backend allows (${gb(limits.tensorBytes)}). ${next}`;
  if (limits.totalBytes !== null && step.totalBytes > limits.totalBytes)
    return `This run needs about ${gb(step.totalBytes)} at its largest step (${shape}), more than the ${limits.backend} backend can hold (${gb(limits.totalBytes)}). ${next}`;
  return null;
}

/**
 * The refusal for training `model` (with `trainable` LoRA parameters) on sequences of these lengths
 * in batches of `batchSize`, or null: what the worker checks before a run and the bench before it measures.
 */
export function trainingMemoryRefusal(
  model: CausalLM,
  lengths: readonly number[],
  batchSize: number,
  trainable: number,
  limits: MemoryLimits,
): string | null {
  const step = estimateStep(
    model.config,
    Math.min(batchSize, lengths.length),
    Math.max(...lengths),
    parameterCount(model),
    trainable,
    frozenCopies(model),
  );
  return memoryRefusal(step, limits, model.config.vocabSize);
}
