// PEFT adapter files: adapter_config.json + adapter_model.safetensors, as written by
// PeftModel.save_pretrained and read by PeftModel.from_pretrained. Tensor keys are
// "base_model.model.<module path>.lora_A.weight" [r, in] and ".lora_B.weight" [out, r]
// (the adapter name "default" is dropped on save, as PEFT does).

import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { AdapterError } from "./errors";
import { loraConfigSchema, loraScaling, resolveTargets, type LoraAdapter, type LoraConfig, type LoraModule } from "./lora";
import { writeSafetensors, type F32Tensor } from "./safetensors";
import { readAllTensors, type SafetensorsSource } from "./safetensorsSources";
import { embeddingName, type CausalLM } from "./weights";

const PREFIX = "base_model.model.";

export interface AdapterFiles {
  "adapter_config.json": string;
  "adapter_model.safetensors": Uint8Array;
}

/** PEFT key of the new-token rows (LoraConfig.trainable_token_indices → TrainableTokensWrapper). */
function tokenDeltaKey(model: CausalLM): string {
  return `${PREFIX}${embeddingName(model.config).replace(/\.weight$/, "")}.token_adapter.trainable_tokens_delta`;
}

async function toF32(t: tf.Tensor): Promise<F32Tensor> {
  return { shape: t.shape, data: (await t.data()) as Float32Array };
}

/**
 * Serialises an adapter. The config lists only fields every PEFT release since 0.6 knows, so
 * older and newer versions both load it; values not listed take PEFT's defaults.
 */
export async function exportAdapter(model: CausalLM, lora: LoraAdapter, baseModelName: string | null = null): Promise<AdapterFiles> {
  const tensors = new Map<string, F32Tensor>();
  for (const [path, m] of lora.modules) {
    tensors.set(`${PREFIX}${path}.lora_A.weight`, await toF32(m.A));
    tensors.set(`${PREFIX}${path}.lora_B.weight`, await toF32(m.B));
  }
  const c = lora.config;
  const targets = [...new Set([...lora.modules.keys()].map((p) => p.split(".").pop()!))].sort();
  const config: Record<string, unknown> = {
    alpha_pattern: {},
    base_model_name_or_path: baseModelName,
    bias: "none",
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    modules_to_save: null,
    peft_type: "LORA",
    r: c.r,
    rank_pattern: {},
    revision: null,
    // Explicit module names rather than "all-linear", so the file says exactly what was adapted.
    target_modules: targets,
    task_type: "CAUSAL_LM",
    use_dora: false,
    use_rslora: c.use_rslora,
  };
  if (lora.newTokenRows) {
    const { start, rows } = lora.newTokenRows;
    const indices = Array.from({ length: rows.shape[0] }, (_, i) => start + i);
    config.trainable_token_indices = indices;
    tensors.set(tokenDeltaKey(model), await toF32(rows));
  }
  return {
    "adapter_config.json": JSON.stringify(config, null, 2) + "\n",
    "adapter_model.safetensors": writeSafetensors(tensors),
  };
}

const adapterConfigSchema = z
  .object({
    peft_type: z.literal("LORA").optional(),
    r: z.number().int().positive(),
    lora_alpha: z.number().positive(),
    lora_dropout: z.number().min(0).lt(1).default(0),
    target_modules: z.union([z.array(z.string()), z.string()]).nullish(),
    use_rslora: z.boolean().default(false),
    use_dora: z.boolean().default(false),
    fan_in_fan_out: z.boolean().default(false),
    bias: z.string().default("none"),
    rank_pattern: z.record(z.string(), z.unknown()).nullish(),
    alpha_pattern: z.record(z.string(), z.unknown()).nullish(),
    layers_to_transform: z.unknown().nullish(),
    trainable_token_indices: z.array(z.number().int()).nullish(),
  })
  .passthrough();

/** Parses adapter_config.json into our LoraConfig, rejecting PEFT features we do not implement. */
export function parseAdapterConfig(json: string | object, where = "adapter_config.json"): LoraConfig {
  let raw: unknown = json;
  if (typeof json === "string") {
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new AdapterError(`${where}: not valid JSON (${(e as Error).message}).`);
    }
  }
  const parsed = adapterConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AdapterError(`${where}: field "${issue.path.join(".")}": ${issue.message}; this does not look like a PEFT LoRA adapter.`);
  }
  const c = parsed.data;
  const unsupported: string[] = [];
  if (c.use_dora) unsupported.push("use_dora");
  if (c.fan_in_fan_out) unsupported.push("fan_in_fan_out");
  if (c.bias !== "none") unsupported.push(`bias="${c.bias}"`);
  if (c.rank_pattern && Object.keys(c.rank_pattern).length) unsupported.push("rank_pattern");
  if (c.alpha_pattern && Object.keys(c.alpha_pattern).length) unsupported.push("alpha_pattern");
  if (c.layers_to_transform !== null && c.layers_to_transform !== undefined) unsupported.push("layers_to_transform");
  if (unsupported.length)
    throw new AdapterError(`${where}: uses ${unsupported.join(", ")}, which this engine does not implement; retrain without it.`);
  const idx = c.trainable_token_indices ?? null;
  return loraConfigSchema.parse({
    r: c.r,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    target_modules: c.target_modules ?? null,
    use_rslora: c.use_rslora,
    trainNewTokenRows: idx && idx.length ? idx[0] : null,
  });
}

/** Loads a PEFT adapter for `model`; every targeted module must have A and B of the right shape. */
export async function importAdapter(
  model: CausalLM,
  configJson: string | object,
  weights: SafetensorsSource,
  where = "adapter_model.safetensors",
): Promise<LoraAdapter> {
  const config = parseAdapterConfig(configJson);
  const tensors = await readAllTensors(weights, where);
  const used = new Set<string>();
  const take = (key: string, shape: number[]): tf.Variable => {
    const t = tensors.get(key);
    if (!t) throw new AdapterError(`${where}: missing tensor "${key}"; the adapter does not match adapter_config.json or this model.`);
    if (t.shape.join(",") !== shape.join(",")) {
      throw new AdapterError(
        `${where}: tensor "${key}" has shape [${t.shape}], expected [${shape}] for this model; the adapter was trained on another model.`,
      );
    }
    used.add(key);
    return tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape), true));
  };
  const modules = new Map<string, LoraModule>();
  const adapter: LoraAdapter = { config, scaling: loraScaling(config), modules, newTokenRows: null };
  try {
    resolveTargets(model.config, config.target_modules).forEach((l, index) => {
      const A = take(`${PREFIX}${l.path}.lora_A.weight`, [config.r, l.inFeatures]);
      try {
        modules.set(l.path, { A, B: take(`${PREFIX}${l.path}.lora_B.weight`, [l.outFeatures, config.r]), index });
      } catch (e) {
        A.dispose();
        throw e;
      }
    });
    if (config.trainNewTokenRows !== null) {
      const start = config.trainNewTokenRows;
      adapter.newTokenRows = { start, rows: take(tokenDeltaKey(model), [model.config.vocabSize - start, model.config.hiddenSize]) };
    }
    const unused = [...tensors.keys()].filter((k) => !used.has(k));
    if (unused.length) {
      throw new AdapterError(
        `${where}: ${unused.length} tensor(s) not used by adapter_config.json's target_modules, first: "${unused[0]}"; the config and weights disagree.`,
      );
    }
  } catch (e) {
    for (const m of modules.values()) {
      m.A.dispose();
      m.B.dispose();
    }
    adapter.newTokenRows?.rows.dispose();
    throw e;
  }
  return adapter;
}
