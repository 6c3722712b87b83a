// Loss and gradients with respect to the adapter's parameters only: base weights are plain
// tensors, adapter weights tf.Variables, so tf.variableGrads differentiates just the adapter.

import * as tf from "@tensorflow/tfjs-core";
import { loraKeys, tokenDeltaKey } from "./adapter";
import type { Batch } from "./batch";
import { causalLmLossFromHidden, countedRowsLoss, lossRows } from "./loss";
import { trainableVariables, type LoraAdapter } from "./lora";
import { forwardHidden } from "./model";
import type { CausalLM } from "./weights";

/**
 * Mean causal-LM loss of the batch (training's forward pass, also evaluation's without a tape). Under
 * tf.tidy: only the returned scalar survives.
 */
export function batchLoss(model: CausalLM, lora: LoraAdapter, batch: Batch, dropoutSeed: number | null = null): tf.Scalar {
  return tf.tidy(() => {
    const read = lossRows(batch.labels);
    if (!read) {
      const h = forwardHidden(model, batch.inputIds, { lora, attentionMask: batch.attentionMask, dropoutSeed });
      return causalLmLossFromHidden(h.hidden, h.head, batch.labels); // NaN, as torch's 0/0
    }
    // Only what the loss reads: positions up to the last counted one, and the counted rows out of
    // the last layer (model.ts). The same loss and gradients, with less of the step's work.
    const cut = (m: number[][]) => m.map((row) => row.slice(0, read.length));
    const opts = { lora, attentionMask: cut(batch.attentionMask), dropoutSeed, outputRows: read.rows };
    const h = forwardHidden(model, cut(batch.inputIds), opts);
    return countedRowsLoss(h.hidden, h.head, read.targets);
  });
}

/**
 * Mean causal-LM loss of the batch and d loss / d variable for every trainable variable, in
 * trainableVariables() order. Caller disposes `loss` and `grads`.
 */
export function lossAndGradTensors(
  model: CausalLM,
  lora: LoraAdapter,
  batch: Batch,
  dropoutSeed: number | null = null,
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const vars = trainableVariables(lora);
  const { value, grads } = tf.variableGrads(() => batchLoss(model, lora, batch, dropoutSeed), vars);
  return { loss: value, grads: vars.map((v) => grads[v.name]) };
}

/** PEFT parameter names (as in adapter_model.safetensors), in trainableVariables() order. */
export function peftParameterNames(model: CausalLM, lora: LoraAdapter): string[] {
  const names = [...lora.modules.keys()].flatMap(loraKeys);
  if (lora.newTokenRows) names.push(tokenDeltaKey(model));
  return names;
}

/** Convenience for tests and the CLI: loss as a number and gradients as PEFT-named tensors. */
export function lossAndGrads(model: CausalLM, lora: LoraAdapter, batch: Batch): { loss: number; grads: Map<string, tf.Tensor> } {
  const { loss, grads } = lossAndGradTensors(model, lora, batch);
  const value = loss.dataSync()[0];
  loss.dispose();
  const names = peftParameterNames(model, lora);
  return { loss: value, grads: new Map(names.map((n, i) => [n, grads[i]])) };
}
