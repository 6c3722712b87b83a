// PEFT adapter files: adapter_config.json + adapter_model.safetensors, as written by
// PeftModel.save_pretrained and read by PeftModel.from_pretrained. Tensor keys are
// "base_model.model.<module path>.lora_A.weight" [r, in] and ".lora_B.weight" [out, r]
// (the adapter name "default" is dropped on save, as PEFT does).

import { firstIssue } from "../core/firstIssue";
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { AdapterError } from "./errors";
import { loraScaling, resolveTargets, type LoraAdapter, type LoraConfig, type LoraModule } from "./lora";
import { writeSafetensors, type F32Tensor } from "./safetensors";
import { readAllTensors, type SafetensorsSource } from "./safetensorsSources";
import { embeddingName, wholeVocabMatrix, type CausalLM } from "./weights";

export const PREFIX = "base_model.model.";

export interface AdapterFiles {
  "adapter_config.json": string;
  "adapter_model.safetensors": Uint8Array;
}

/** PEFT keys of a LoRA module's two matrices, A then B, as in adapter_model.safetensors. */
export function loraKeys(path: string): [string, string] {
  return [`${PREFIX}${path}.lora_A.weight`, `${PREFIX}${path}.lora_B.weight`];
}

/** PEFT key of the new-token rows (LoraConfig.trainable_token_indices → TrainableTokensWrapper). */
export function tokenDeltaKey(model: Pick<CausalLM, "config">): string {
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
    const [a, b] = loraKeys(path);
    tensors.set(a, await toF32(m.A));
    tensors.set(b, await toF32(m.B));
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
    // A list targets the input embedding; a dict names the module: {"embed_tokens": [...]} (PEFT LoraConfig).
    trainable_token_indices: z.union([z.array(z.number().int()), z.record(z.string(), z.array(z.number().int()))]).nullish(),
    modules_to_save: z.array(z.string()).nullish(),
  })
  .passthrough();

type RawAdapterConfig = z.infer<typeof adapterConfigSchema>;

/**
 * Which embedding rows the adapter replaces, as the engine holds them: ids from `start` to the end of
 * the vocabulary. PEFT's trainable_token_indices (>= 0.15: the rows' trained copies in
 * `<embedding>.token_adapter.trainable_tokens_delta`) or, from PEFT before 0.15, modules_to_save naming
 * the embedding (the whole trained matrix in `<embedding>.weight`, i.e. start 0).
 */
function newTokenRowsOf(c: RawAdapterConfig, where: string): { start: number; count: number; wholeEmbedding: boolean } | null {
  const saved = c.modules_to_save ?? [];
  const embeddingSaved = saved.some((m) => EMBEDDING_MODULES.includes(m.split(".").pop()!));
  const others = saved.filter((m) => !EMBEDDING_MODULES.includes(m.split(".").pop()!));
  if (others.length)
    throw new AdapterError(
      `${where}: modules_to_save ${JSON.stringify(others)} is not implemented here (only the input embedding); retrain without it.`,
    );
  let indices = c.trainable_token_indices ?? null;
  if (indices && !Array.isArray(indices)) {
    const entries = Object.entries(indices);
    // lm_head with the same rows is the tied output of the same embedding: PEFT stores nothing for it.
    const own = entries.filter(([name]) => name.split(".").pop() !== "lm_head");
    if (own.length !== 1 || entries.some(([name, ids]) => name.split(".").pop() === "lm_head" && ids.join() !== own[0][1].join()))
      throw new AdapterError(
        `${where}: trainable_token_indices ${JSON.stringify(Object.keys(indices))} must name one input embedding (its tied lm_head may repeat the same ids); retrain with a list of ids.`,
      );
    indices = own[0][1];
  }
  if (indices && indices.length) {
    if (embeddingSaved)
      throw new AdapterError(`${where}: both trainable_token_indices and modules_to_save name the embedding; PEFT refuses that too.`);
    const start = indices[0];
    if (indices.some((id, i) => id !== start + i))
      throw new AdapterError(
        `${where}: trainable_token_indices must be consecutive ids (the added tokens up to the end of the vocabulary), got ${indices.slice(0, 6).join(", ")}…; retrain with the ids the playground exports.`,
      );
    return { start, count: indices.length, wholeEmbedding: false };
  }
  return embeddingSaved ? { start: 0, count: -1, wholeEmbedding: true } : null;
}

/** Embedding module names PEFT's modules_to_save may use for the input embedding (one per architecture family). */
const EMBEDDING_MODULES = ["embed_tokens", "word_embeddings", "wte"];

/** Rows the model's embedding needs for this adapter (the last trainable token id + 1), or 0 when it adds none. */
export function adapterVocabSize(json: string | object, where = "adapter_config.json"): number {
  const rows = newTokenRowsOf(readAdapterConfig(json, where), where);
  return rows && !rows.wholeEmbedding ? rows.start + rows.count : 0;
}

function readAdapterConfig(json: string | object, where: string): RawAdapterConfig {
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
    throw new AdapterError(`${where}: ${firstIssue(parsed.error)}; this does not look like a PEFT LoRA adapter.`);
  }
  return parsed.data;
}

/** Parses adapter_config.json into our LoraConfig, rejecting PEFT features we do not implement. */
export function parseAdapterConfig(json: string | object, where = "adapter_config.json"): LoraConfig {
  return parsedAdapterConfig(json, where).config;
}

/** The adapter's LoraConfig, and how its new token rows are stored (the whole embedding, or `count` rows). */
export function parsedAdapterConfig(
  json: string | object,
  where: string,
): { config: LoraConfig; wholeEmbedding: boolean; rows: { count: number } | null } {
  const c = readAdapterConfig(json, where);
  const unsupported: string[] = [];
  if (c.use_dora) unsupported.push("use_dora");
  if (c.fan_in_fan_out) unsupported.push("fan_in_fan_out");
  if (c.bias !== "none") unsupported.push(`bias="${c.bias}"`);
  if (c.rank_pattern && Object.keys(c.rank_pattern).length) unsupported.push("rank_pattern");
  if (c.alpha_pattern && Object.keys(c.alpha_pattern).length) unsupported.push("alpha_pattern");
  if (c.layers_to_transform !== null && c.layers_to_transform !== undefined) unsupported.push("layers_to_transform");
  if (unsupported.length)
    throw new AdapterError(`${where}: uses ${unsupported.join(", ")}, which this engine does not implement; retrain without it.`);
  const rows = newTokenRowsOf(c, where);
  const config: LoraConfig = {
    r: c.r,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    target_modules: c.target_modules ?? null,
    use_rslora: c.use_rslora,
    trainNewTokenRows: rows ? rows.start : null,
  };
  return { config, wholeEmbedding: rows?.wholeEmbedding ?? false, rows: rows && !rows.wholeEmbedding ? { count: rows.count } : null };
}

/** Loads a PEFT adapter for `model`; every targeted module must have A and B of the right shape. */
export async function importAdapter(
  model: CausalLM,
  configJson: string | object,
  weights: SafetensorsSource,
  where = "adapter_model.safetensors",
): Promise<LoraAdapter> {
  const { config, wholeEmbedding, rows } = parsedAdapterConfig(configJson, "adapter_config.json");
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
      const [keyA, keyB] = loraKeys(l.path);
      const A = take(keyA, [config.r, l.inFeatures]);
      try {
        modules.set(l.path, { A, B: take(keyB, [l.outFeatures, config.r]), index });
      } catch (e) {
        A.dispose();
        throw e;
      }
    });
    if (config.trainNewTokenRows !== null) {
      const start = config.trainNewTokenRows;
      if (start + (rows?.count ?? 0) > model.config.vocabSize)
        throw new AdapterError(
          `${where}: the adapter trains token rows ${start}…${start + (rows?.count ?? 1) - 1}, past this model's vocabulary of ${model.config.vocabSize}; grow the embedding first (resizeTokenEmbeddings to adapterVocabSize(config)), as PEFT needs resize_token_embeddings before from_pretrained.`,
        );
      // modules_to_save saved the whole embedding as "<embedding>.weight" (PEFT strips "modules_to_save.default.").
      const H = model.config.hiddenSize;
      const all = model.config.vocabSize - start;
      if (wholeEmbedding) adapter.newTokenRows = { start, rows: take(`${PREFIX}${embeddingName(model.config)}`, [all, H]) };
      else {
        const count = rows?.count ?? all;
        const delta = take(tokenDeltaKey(model), [count, H]);
        if (count === all) adapter.newTokenRows = { start, rows: delta };
        else {
          // PEFT replaced only these rows; the engine holds every row from `start`, so the rest are the base model's.
          const base = wholeVocabMatrix(model, embeddingName(model.config), "This adapter's new token rows");
          const full = tf.tidy(() => tf.variable(tf.concat([delta, tf.slice(base, [start + count, 0], [all - count, H])], 0), true));
          delta.dispose();
          adapter.newTokenRows = { start, rows: full };
        }
      }
    }
    const unused = [...tensors.keys()].filter((k) => !used.has(k));
    const embeddingKey = unused.find((k) => /(embed_tokens|word_embeddings|wte|lm_head)(\.[\w.]*)?\.weight$/.test(k));
    if (embeddingKey)
      throw new AdapterError(
        `${where}: holds the embedding layer "${embeddingKey}" (PEFT's save_embedding_layers after a resize); save the adapter with save_pretrained(..., save_embedding_layers=False), as the exported train.py does: the playground rebuilds the added rows itself.`,
      );
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
