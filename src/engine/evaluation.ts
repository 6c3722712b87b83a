// The eval loss: the causal-LM loss of the held-out examples with the adapter as it is, forward only
// (no tape: tf.variableGrads is never entered, so nothing is kept for a backward pass).

import type { TrainExample } from "../core/types";
import { collate } from "./batch";
import { batchLoss } from "./gradients";
import { countedTokens } from "./loss";
import type { LoraAdapter } from "./lora";
import type { CausalLM } from "./weights";

export interface EvalLoss {
  /** transformers' eval_loss: each batch's mean loss, averaged with the batch's size as its weight. */
  loss: number;
  /** Label tokens the loss counted over every eval example. */
  tokens: number;
}

/**
 * transformers' Trainer.evaluation_loop on one process: batches of per_device_eval_batch_size in
 * order, each loss a mean over that batch's trained tokens (prediction_step passes no
 * num_items_in_batch), repeated batch-size times, then the mean. A batch with no trained token has
 * a NaN loss there; here it is left out of the mean rather than turning it NaN. NaN when no
 * example has a trained token.
 */
export async function evaluationLoss(
  model: CausalLM,
  lora: LoraAdapter,
  examples: TrainExample[],
  { batchSize, padTokenId }: { batchSize: number; padTokenId: number },
): Promise<EvalLoss> {
  let weighted = 0;
  let weights = 0;
  let tokens = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const batch = collate(examples.slice(i, i + batchSize), padTokenId);
    const counted = countedTokens(batch.labels);
    if (counted === 0) continue;
    const loss = batchLoss(model, lora, batch);
    // Read asynchronously: a synchronous read on WebGPU in a worker misbehaves (optimizer.ts globalNorm).
    const value = (await loss.data())[0];
    loss.dispose();
    weighted += value * batch.labels.length;
    weights += batch.labels.length;
    tokens += counted;
  }
  return { loss: weights > 0 ? weighted / weights : Number.NaN, tokens };
}
