// Refusing a run that cannot fit before it starts: the largest step's memory, estimated from the
// model's shapes and the longest batch, against what the backend can hold. An estimate, not a
// measurement; it errs high, so what it lets through may still fail mid-run (then the run fails
// with kind "out-of-memory" and keeps its steps, see trainingRun.ts).
import type { MemoryLimits } from "../backend";
import type { ModelConfig } from "../modelTypes";
import { parameterCount, type CausalLM } from "../weights";

/** What to do about a run that does not fit: said before it starts and when it runs out mid-step. */
export const MEMORY_NEXT_STEP = "Lower the batch size or max_seq_length (or pick a smaller model), then train again.";

const FLOAT = 4;

export interface StepMemory {
  batch: number;
  tokens: number;
  /** The logits of one step, [batch, tokens, vocab] in float32: the largest tensor. */
  logitsBytes: number;
  /** Weights, logits with their softmax and gradient, saved activations, LoRA and AdamW state. */
  totalBytes: number;
}

/**
 * `headCopies`: copies of the output head a step makes besides the weights. The matmul backends
 * repack a weight they multiply transposed (XNNPACK on wasm), once for the logits and once for their
 * gradient; the engine avoids that only for heads it keeps pre-transposed (weights.ts transposedHead).
 * Measured: bloom-560m (head 250,880 × 1,024, 1 GB) at batch 1 × 20 tokens aborted the wasm backend.
 */
export function estimateStep(
  config: ModelConfig,
  batch: number,
  tokens: number,
  parameters: number,
  trainable: number,
  headCopies = 2,
): StepMemory {
  const positions = batch * tokens;
  const logitsBytes = positions * config.vocabSize * FLOAT;
  // Kept for backward per layer: the norms' inputs, q/k/v/o, the MLP's gate/up/product, and the
  // attention probabilities (one [tokens, tokens] map per head).
  const perLayer = positions * (6 * config.hiddenSize + 3 * config.intermediateSize) + batch * config.numHeads * tokens * tokens;
  const activations = perLayer * config.numLayers * FLOAT;
  const head = headCopies * config.vocabSize * config.hiddenSize * FLOAT;
  const totalBytes = parameters * FLOAT + head + 3 * logitsBytes + 2 * activations + 4 * trainable * FLOAT;
  return { batch, tokens, logitsBytes, totalBytes };
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
  const headCopies = model.headT ? 0 : 2;
  const step = estimateStep(
    model.config,
    Math.min(batchSize, lengths.length),
    Math.max(...lengths),
    parameterCount(model),
    trainable,
    headCopies,
  );
  return memoryRefusal(step, limits, model.config.vocabSize);
}
