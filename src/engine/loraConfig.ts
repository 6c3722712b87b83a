// PEFT's LoraConfig fields and the shape of an adapter, apart from lora.ts so that the forward
// pass (layers.ts, the architectures) can name an adapter without importing the registry that
// lora.ts itself needs; that would be an import cycle.

import type * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";

export const loraConfigSchema = z.object({
  /** Rank of the update matrices. */
  r: z.number().int().positive(),
  /** Numerator of the scaling factor: scaling = lora_alpha / r. */
  lora_alpha: z.number().positive(),
  /** Dropout probability on the LoRA input during training. */
  lora_dropout: z.number().min(0).lt(1),
  /** Module names to adapt (suffix match, as PEFT), a regex string (full match), or "all-linear"; null = PEFT's default for the architecture. */
  target_modules: z.union([z.array(z.string()).nonempty(), z.string()]).nullable(),
  /** rsLoRA: scale by lora_alpha / sqrt(r), which keeps update size stable as r grows. */
  use_rslora: z.boolean(),
  /** Train the embedding rows of ids ≥ this value (tokens added to the vocabulary); null = none. */
  trainNewTokenRows: z.number().int().nonnegative().nullable(),
});
export type LoraConfig = z.infer<typeof loraConfigSchema>;

/** PEFT's LoraConfig defaults (r=8, lora_alpha=8, dropout 0). */
export const LORA_DEFAULTS: LoraConfig = {
  r: 8,
  lora_alpha: 8,
  lora_dropout: 0,
  target_modules: null,
  use_rslora: false,
  trainNewTokenRows: null,
};

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
