// PEFT's LoraConfig fields and the shape of an adapter, apart from lora.ts so that the forward
// pass (layers.ts, the architectures) can name an adapter without importing the registry that
// lora.ts itself needs; that would be an import cycle.

import type * as tf from "@tensorflow/tfjs-core";
import type { PeftLoraConfig } from "../core/settings/trainerDefaults";

/**
 * PEFT's LoraConfig (core/settings/hf.ts's toHf() gives it, validated by the settings table's schema
 * or, for a PEFT adapter file, by adapter.ts), and the embedding rows to train: those of ids ≥
 * trainNewTokenRows (tokens added to the vocabulary; null = none), which the export writes as PEFT's
 * trainable_token_indices.
 */
export type LoraConfig = PeftLoraConfig & { trainNewTokenRows: number | null };

export interface LoraModule {
  /** [r, in] */
  A: tf.Variable;
  /** [out, r] */
  B: tf.Variable;
  /** Position in the module list, used to derive distinct dropout seeds. */
  index: number;
}

export interface LoraAdapter {
  config: LoraConfig;
  scaling: number;
  /** Module path (e.g. "model.layers.0.self_attn.q_proj") → its A/B pair. */
  modules: Map<string, LoraModule>;
  /** Trainable embedding rows [V - start, H] for ids ≥ start, when trainNewTokenRows is set. */
  newTokenRows: { start: number; rows: tf.Variable } | null;
}

export function loraScaling(c: LoraConfig): number {
  return c.use_rslora ? c.lora_alpha / Math.sqrt(c.r) : c.lora_alpha / c.r;
}
