// config.json (as written by transformers) → one normalised ModelConfig for the engine.
// Field names and defaults follow the transformers config classes of each architecture; both the
// v4 layout (rope_theta / rope_scaling at top level) and the v5 layout (rope_parameters) are read.

import { z } from "zod";
import { ConfigError } from "./errors";

export type Family = "bloom" | "llama" | "qwen2" | "qwen3";

/** RoPE frequency scaling: none, linear position interpolation, or Llama 3.1's banded scaling. */
export type RopeScaling =
  | { type: "default" }
  | { type: "linear"; factor: number }
  | { type: "llama3"; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

export interface ModelConfig {
  family: Family;
  /** The architectures[0] name from config.json, kept for messages and export. */
  architecture: string;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Key/value heads; fewer than numHeads means grouped-query attention. */
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  /** Epsilon of RMSNorm (Llama family) or LayerNorm (BLOOM). */
  normEps: number;
  tieWordEmbeddings: boolean;
  /** Biases on q/k/v projections (Qwen2 always; Llama/Qwen3 with attention_bias). */
  qkvBias: boolean;
  /** Bias on the attention output projection (Llama/Qwen3 attention_bias). */
  oBias: boolean;
  mlpBias: boolean;
  /** Qwen3's per-head RMSNorm on queries and keys before RoPE. */
  qkNorm: boolean;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  /** BLOOM: residual taken after the LayerNorm instead of before. */
  residualPostLayernorm: boolean;
  /**
   * Dtype the RoPE inv_freq buffer was rounded through (see layers.ropeInvFreq). The loader sets
   * it to the checkpoint's storage dtype, which reproduces a PyTorch model that was cast to that
   * dtype and back; "F32" reproduces a model built directly in float32.
   */
  ropeBufferDtype: "F32" | "F16" | "BF16";
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
}

export const SUPPORTED_ARCHITECTURES = ["BloomForCausalLM", "LlamaForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"] as const;

const tokenId = z.number().int().nullish();
const tokenIds = z.union([z.number().int(), z.array(z.number().int())]).nullish();

const ropeScalingSchema = z
  .object({
    type: z.string().optional(),
    rope_type: z.string().optional(),
    rope_theta: z.number().optional(),
    factor: z.number().optional(),
    low_freq_factor: z.number().optional(),
    high_freq_factor: z.number().optional(),
    original_max_position_embeddings: z.number().optional(),
  })
  .passthrough();

const llamaSchema = z
  .object({
    vocab_size: z.number().int().positive(),
    hidden_size: z.number().int().positive(),
    intermediate_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    num_key_value_heads: z.number().int().positive().nullish(),
    head_dim: z.number().int().positive().nullish(),
    hidden_act: z.string().default("silu"),
    rms_norm_eps: z.number().positive().default(1e-6),
    rope_theta: z.number().positive().optional(),
    rope_scaling: ropeScalingSchema.nullish(),
    rope_parameters: ropeScalingSchema.nullish(),
    tie_word_embeddings: z.boolean().optional(),
    attention_bias: z.boolean().default(false),
    mlp_bias: z.boolean().default(false),
    bos_token_id: tokenId,
    eos_token_id: tokenIds,
    pad_token_id: tokenId,
  })
  .passthrough();

const bloomSchema = z
  .object({
    vocab_size: z.number().int().positive(),
    hidden_size: z.number().int().positive().optional(),
    n_embed: z.number().int().positive().optional(),
    n_layer: z.number().int().positive().optional(),
    num_hidden_layers: z.number().int().positive().optional(),
    n_head: z.number().int().positive().optional(),
    num_attention_heads: z.number().int().positive().optional(),
    layer_norm_epsilon: z.number().positive().default(1e-5),
    apply_residual_connection_post_layernorm: z.boolean().default(false),
    tie_word_embeddings: z.boolean().default(true),
    bos_token_id: tokenId,
    eos_token_id: tokenIds,
    pad_token_id: tokenId,
  })
  .passthrough();

function eosList(v: number | number[] | null | undefined): number[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function fail(where: string, error: z.ZodError): never {
  const issue = error.issues[0];
  throw new ConfigError(`${where}: field "${issue.path.join(".")}": ${issue.message}; fix config.json.`);
}

function ropeScaling(raw: z.infer<typeof ropeScalingSchema> | null | undefined, where: string): RopeScaling {
  const type = raw?.rope_type ?? raw?.type ?? "default";
  if (type === "default") return { type: "default" };
  const factor = raw?.factor ?? 1;
  if (type === "linear") return { type: "linear", factor };
  if (type === "llama3") {
    const r = raw!;
    if (r.low_freq_factor === undefined || r.high_freq_factor === undefined || r.original_max_position_embeddings === undefined) {
      throw new ConfigError(`${where}: rope scaling "llama3" needs factor, low_freq_factor, high_freq_factor and original_max_position_embeddings.`);
    }
    return {
      type: "llama3",
      factor,
      lowFreqFactor: r.low_freq_factor,
      highFreqFactor: r.high_freq_factor,
      originalMaxPositionEmbeddings: r.original_max_position_embeddings,
    };
  }
  throw new ConfigError(`${where}: rope scaling type "${type}" is not supported (supported: default, linear, llama3).`);
}

function parseLlamaFamily(json: unknown, family: Family, architecture: string, where: string): ModelConfig {
  const parsed = llamaSchema.safeParse(json);
  if (!parsed.success) fail(where, parsed.error);
  const c = parsed.data;
  if (c.hidden_act !== "silu") {
    throw new ConfigError(`${where}: hidden_act "${c.hidden_act}" is not supported for ${architecture} (only "silu").`);
  }
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new ConfigError(`${where}: num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${numKvHeads}.`);
  }
  // Qwen3Config defaults head_dim to 128 (not hidden/heads); the others derive it.
  const headDim = c.head_dim ?? (family === "qwen3" ? 128 : c.hidden_size / c.num_attention_heads);
  if (!Number.isInteger(headDim)) {
    throw new ConfigError(`${where}: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}; set head_dim.`);
  }
  const rope = c.rope_parameters ?? c.rope_scaling;
  return {
    family,
    architecture,
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numLayers: c.num_hidden_layers,
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    intermediateSize: c.intermediate_size,
    normEps: c.rms_norm_eps,
    // LlamaConfig, Qwen2Config and Qwen3Config all default tie_word_embeddings to false.
    tieWordEmbeddings: c.tie_word_embeddings ?? false,
    qkvBias: family === "qwen2" ? true : c.attention_bias,
    oBias: family === "qwen2" ? false : c.attention_bias,
    mlpBias: family === "llama" ? c.mlp_bias : false,
    qkNorm: family === "qwen3",
    ropeTheta: c.rope_parameters?.rope_theta ?? c.rope_theta ?? 10000,
    ropeScaling: ropeScaling(rope, where),
    residualPostLayernorm: false,
    ropeBufferDtype: "F32",
    bosTokenId: c.bos_token_id ?? null,
    eosTokenIds: eosList(c.eos_token_id),
    padTokenId: c.pad_token_id ?? null,
  };
}

function parseBloom(json: unknown, where: string): ModelConfig {
  const parsed = bloomSchema.safeParse(json);
  if (!parsed.success) fail(where, parsed.error);
  const c = parsed.data;
  const hidden = c.hidden_size ?? c.n_embed ?? 64;
  const heads = c.n_head ?? c.num_attention_heads ?? 8;
  const layers = c.n_layer ?? c.num_hidden_layers ?? 2;
  if (hidden % heads !== 0) throw new ConfigError(`${where}: hidden_size ${hidden} is not divisible by n_head ${heads}.`);
  return {
    family: "bloom",
    architecture: "BloomForCausalLM",
    vocabSize: c.vocab_size,
    hiddenSize: hidden,
    numLayers: layers,
    numHeads: heads,
    numKvHeads: heads,
    headDim: hidden / heads,
    intermediateSize: 4 * hidden,
    normEps: c.layer_norm_epsilon,
    tieWordEmbeddings: c.tie_word_embeddings,
    qkvBias: true,
    oBias: true,
    mlpBias: true,
    qkNorm: false,
    ropeTheta: 0,
    ropeScaling: { type: "default" },
    residualPostLayernorm: c.apply_residual_connection_post_layernorm,
    ropeBufferDtype: "F32",
    bosTokenId: c.bos_token_id ?? null,
    eosTokenIds: eosList(c.eos_token_id),
    padTokenId: c.pad_token_id ?? null,
  };
}

/** Parses config.json text or object; `where` names the file in error messages. */
export function parseModelConfig(input: string | object, where = "config.json"): ModelConfig {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ConfigError(`${where}: not valid JSON (${(e as Error).message}).`);
    }
  }
  const archs = (json as { architectures?: unknown }).architectures;
  const arch = Array.isArray(archs) && typeof archs[0] === "string" ? archs[0] : undefined;
  switch (arch) {
    case "BloomForCausalLM":
      return parseBloom(json, where);
    case "LlamaForCausalLM":
      return parseLlamaFamily(json, "llama", arch, where);
    case "Qwen2ForCausalLM":
      return parseLlamaFamily(json, "qwen2", arch, where);
    case "Qwen3ForCausalLM":
      return parseLlamaFamily(json, "qwen3", arch, where);
    default:
      throw new ConfigError(
        `${where}: architecture ${arch === undefined ? "(missing \"architectures\")" : `"${arch}"`} is not supported; supported: ${SUPPORTED_ARCHITECTURES.join(", ")}.`,
      );
  }
}
