// LoRA with PEFT's semantics (peft/tuners/lora/config.py, layer.py): for every targeted nn.Linear,
// y = base(x) + lora_B(lora_A(dropout(x))) · scaling with scaling = lora_alpha / r (or
// lora_alpha / √r with rsLoRA). lora_A starts Kaiming-uniform(a=√5), lora_B at zero, so a fresh
// adapter leaves the model unchanged. Only adapter tensors are tf.Variables, so only they train.

import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import type { Family, ModelConfig } from "./config";
import { AdapterError } from "./errors";
import { Rng } from "./rng";
import { linearModules, type CausalLM, type LinearModule } from "./weights";

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

/** PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING for the families we support. */
export const DEFAULT_TARGET_MODULES: Record<Family, string[]> = {
  bloom: ["query_key_value"],
  llama: ["q_proj", "v_proj"],
  qwen2: ["q_proj", "v_proj"],
  qwen3: ["q_proj", "v_proj"],
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

/** Which linear modules `target_modules` selects, in model order. */
export function resolveTargets(model: ModelConfig, target: LoraConfig["target_modules"]): LinearModule[] {
  const linears = linearModules(model);
  const t = target ?? DEFAULT_TARGET_MODULES[model.family];
  let chosen: LinearModule[];
  if (t === "all-linear") chosen = linears;
  else if (typeof t === "string") {
    const re = new RegExp(`^(?:${t})$`);
    chosen = linears.filter((l) => re.test(l.path));
  } else {
    chosen = linears.filter((l) => t.some((name) => l.path === name || l.path.endsWith(`.${name}`)));
  }
  if (!chosen.length) {
    const names = [...new Set(linears.map((l) => l.path.split(".").pop()))].join(", ");
    throw new AdapterError(`target_modules ${JSON.stringify(t)} matches no linear layer of ${model.architecture}; available: ${names}, or "all-linear".`);
  }
  return chosen;
}

/**
 * A fresh adapter: A ~ U(-1/√in, 1/√in) (torch's kaiming_uniform_ with a=√5 gives bound
 * √(6/((1+5)·in)) = 1/√in), B = 0. New-token rows start from the current embedding rows.
 */
export function createLora(model: CausalLM, config: Partial<LoraConfig> = {}, seed = 42): LoraAdapter {
  const c = loraConfigSchema.parse({ ...LORA_DEFAULTS, ...config });
  const rng = new Rng(seed);
  const modules = new Map<string, LoraModule>();
  resolveTargets(model.config, c.target_modules).forEach((l, index) => {
    const bound = 1 / Math.sqrt(l.inFeatures);
    const a = new Float32Array(c.r * l.inFeatures).map(() => rng.uniform(-bound, bound));
    modules.set(l.path, {
      A: tf.tidy(() => tf.variable(tf.tensor2d(a, [c.r, l.inFeatures]), true)),
      B: tf.tidy(() => tf.variable(tf.zeros([l.outFeatures, c.r]), true)),
      index,
    });
  });
  return { config: c, scaling: loraScaling(c), modules, newTokenRows: newTokenRows(model, c) };
}

export function newTokenRows(model: CausalLM, c: LoraConfig): LoraAdapter["newTokenRows"] {
  const start = c.trainNewTokenRows;
  if (start === null || start >= model.config.vocabSize) return null;
  const emb = model.weights.get(model.config.family === "bloom" ? "transformer.word_embeddings.weight" : "model.embed_tokens.weight")!;
  const rows = tf.tidy(() => tf.variable(tf.slice(emb, [start, 0], [model.config.vocabSize - start, model.config.hiddenSize]), true));
  return { start, rows };
}

/** Every trainable variable of the adapter, in a stable order. */
export function trainableVariables(lora: LoraAdapter): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const m of lora.modules.values()) vars.push(m.A, m.B);
  if (lora.newTokenRows) vars.push(lora.newTokenRows.rows);
  return vars;
}

export function disposeLora(lora: LoraAdapter): void {
  for (const v of trainableVariables(lora)) v.dispose();
}
