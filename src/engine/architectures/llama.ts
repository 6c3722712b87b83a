// Llama-family decoder (LlamaForCausalLM, and through `llamaLike` Qwen2ForCausalLM and
// Qwen3ForCausalLM), following transformers' modeling_llama / modeling_qwen2 / modeling_qwen3:
// pre-RMSNorm blocks, rotary positions, grouped-query attention, SwiGLU MLP. Qwen2 adds q/k/v
// biases; Qwen3 adds a per-head RMSNorm on q and k. Differences are flags on ModelConfig, never
// special cases of shapes.

import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { ConfigError } from "../errors";
import { hostKernelsActive } from "../kernels/host";
import { hostRowAttention } from "../kernels/rowAttention";
import { gpuRopeAttentionApplies } from "../kernels/gpuRopeAttention";
import { hostDecoderLayer, hostLayerApplies } from "./llamaHostLayer";
import {
  applyRope,
  attention,
  causalPaddingBias,
  embedTokens,
  normLinears,
  packedPositions,
  residualLinear,
  rmsNorm,
  ropeInvFreq,
  ropeRowTables,
  ropeTables,
  selectRows,
  swiglu,
  weight,
} from "../layers";
import type { Architecture, DecoderForward, Family, LayerCache, LayerContext, LinearModule, ModelConfig } from "../modelTypes";
import { parseFields, ropeScaling, ropeScalingSchema, specialTokenIds, tokenId, tokenIds } from "./configFields";

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

/** What a Llama-like family's transformers config class does differently from LlamaConfig. */
export interface LlamaVariant {
  family: Family;
  hfArchitectures: readonly string[];
  defaultTargetModules: readonly string[];
  /** head_dim when config.json leaves it out. */
  defaultHeadDim(hiddenSize: number, numHeads: number): number;
  /** The bias and q/k-norm switches, from the config fields or fixed by the modeling file. */
  flags(c: { attention_bias: boolean; mlp_bias: boolean }): Pick<ModelConfig, "qkvBias" | "oBias" | "mlpBias" | "qkNorm">;
}

function parseLlamaLike(v: LlamaVariant, json: unknown, architecture: string, where: string): ModelConfig {
  const c = parseFields(llamaSchema, json, where);
  if (c.hidden_act !== "silu") {
    throw new ConfigError(`${where}: hidden_act "${c.hidden_act}" is not supported for ${architecture} (only "silu").`);
  }
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0) {
    throw new ConfigError(`${where}: num_attention_heads ${c.num_attention_heads} is not a multiple of num_key_value_heads ${numKvHeads}.`);
  }
  const headDim = c.head_dim ?? v.defaultHeadDim(c.hidden_size, c.num_attention_heads);
  if (!Number.isInteger(headDim)) {
    throw new ConfigError(
      `${where}: hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}; set head_dim.`,
    );
  }
  const rope = c.rope_parameters ?? c.rope_scaling;
  return {
    family: v.family,
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
    ...v.flags(c),
    ropeTheta: c.rope_parameters?.rope_theta ?? c.rope_theta ?? 10000,
    ropeScaling: ropeScaling(rope, where),
    residualPostLayernorm: false,
    ropeBufferDtype: "F32",
    ...specialTokenIds(c),
  };
}

/** Every tensor the checkpoint must provide, with its shape. */
function llamaTensorShapes(c: ModelConfig): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const H = c.hiddenSize;
  s.set("model.embed_tokens.weight", [c.vocabSize, H]);
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    s.set(`${p}.input_layernorm.weight`, [H]);
    s.set(`${p}.post_attention_layernorm.weight`, [H]);
    if (c.qkNorm) {
      s.set(`${p}.self_attn.q_norm.weight`, [c.headDim]);
      s.set(`${p}.self_attn.k_norm.weight`, [c.headDim]);
    }
  }
  for (const l of llamaLinears(c)) {
    s.set(`${l.path}.weight`, [l.outFeatures, l.inFeatures]);
    if (l.bias) s.set(`${l.path}.bias`, [l.outFeatures]);
  }
  s.set("model.norm.weight", [H]);
  if (!c.tieWordEmbeddings) s.set("lm_head.weight", [c.vocabSize, H]);
  return s;
}

/** The nn.Linear modules of the decoder layers (lm_head excluded, as PEFT's "all-linear" does). */
function llamaLinears(c: ModelConfig): LinearModule[] {
  const H = c.hiddenSize;
  const q = c.numHeads * c.headDim;
  const kv = c.numKvHeads * c.headDim;
  const out: LinearModule[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const a = `model.layers.${i}.self_attn`;
    const m = `model.layers.${i}.mlp`;
    out.push(
      { path: `${a}.q_proj`, inFeatures: H, outFeatures: q, bias: c.qkvBias },
      { path: `${a}.k_proj`, inFeatures: H, outFeatures: kv, bias: c.qkvBias },
      { path: `${a}.v_proj`, inFeatures: H, outFeatures: kv, bias: c.qkvBias },
      { path: `${a}.o_proj`, inFeatures: q, outFeatures: H, bias: c.oBias },
      { path: `${m}.gate_proj`, inFeatures: H, outFeatures: c.intermediateSize, bias: c.mlpBias },
      { path: `${m}.up_proj`, inFeatures: H, outFeatures: c.intermediateSize, bias: c.mlpBias },
      { path: `${m}.down_proj`, inFeatures: c.intermediateSize, outFeatures: H, bias: c.mlpBias },
    );
  }
  return out;
}

/**
 * Hidden states → next hidden states for one decoder layer. x [B·T, H]; `cache` holds the keys
 * and values of earlier positions (generation) and receives this call's.
 */
function decoderLayer(
  ctx: LayerContext,
  c: ModelConfig,
  i: number,
  x: tf.Tensor2D,
  B: number,
  T: number,
  /** cos/sin [T, d], or [B·T, d] for packed rows (their own positions). */
  rope: { cos: tf.Tensor2D; sin: tf.Tensor2D },
  bias: tf.Tensor4D,
  /** undefined: no KV cache is kept (training, scoring); null: start one; else the past keys/values. */
  cache: LayerCache | null | undefined,
  /** The rows to go on with after the attention (DecoderForward's outputRows), or null for all. */
  rows: number[] | null,
): { out: tf.Tensor2D; kv: LayerCache | null } {
  const p = `model.layers.${i}`;
  const d = c.headDim;
  const sa = `${p}.self_attn`;
  // [B·T, nH·d], [B·T, nKV·d], [B·T, nKV·d] from the norm of x; xr: x, the residual stream
  const { outs, residual: xr } = normLinears(ctx, x, [weight(ctx, `${p}.input_layernorm.weight`)], c.normEps, [
    `${sa}.q_proj`,
    `${sa}.k_proj`,
    `${sa}.v_proj`,
  ]);
  const [qRows, kRows, vRows] = outs;
  const heads = (t: tf.Tensor2D, n: number, norm: string | null): tf.Tensor4D => {
    let r: tf.Tensor = tf.reshape(t, [B, T, n, d]); // [B, T, n, d]
    if (norm) r = rmsNorm(r, weight(ctx, norm), c.normEps); // Qwen3: per-head norm before RoPE
    return tf.transpose(r, [0, 2, 1, 3]) as tf.Tensor4D; // [B, n, T, d]
  };
  let attn: tf.Tensor2D; // [B·T, nH·d]
  let kv: LayerCache | null = null;
  // Row attention reads the projections' rows; Qwen3's per-head norm is then applied to them as rows
  // of d (the fused norm, one program each way). A pass with a KV cache attends over it by heads.
  if (cache === undefined && (gpuRopeAttentionApplies(d) || hostKernelsActive())) {
    const headNorm = (rows: tf.Tensor2D, n: number, name: string) =>
      tf.reshape(rmsNorm(tf.reshape(rows, [B * T * n, d]), weight(ctx, `${sa}.${name}.weight`), c.normEps), [B * T, n * d]) as tf.Tensor2D;
    const [qn, kn] = c.qkNorm ? [headNorm(qRows, c.numHeads, "q_norm"), headNorm(kRows, c.numKvHeads, "k_norm")] : [qRows, kRows];
    attn = hostRowAttention([qn, kn, vRows], bias, rope, { B, T, nH: c.numHeads, nKV: c.numKvHeads, d });
  } else {
    const q = heads(qRows, c.numHeads, c.qkNorm ? `${p}.self_attn.q_norm.weight` : null);
    const k = heads(kRows, c.numKvHeads, c.qkNorm ? `${p}.self_attn.k_norm.weight` : null);
    const v = heads(vRows, c.numKvHeads, null);
    const qr = applyRope(q, rope.cos, rope.sin);
    let kr = applyRope(k, rope.cos, rope.sin);
    let vAll = v;
    if (cache) {
      kr = tf.concat([cache.k, kr], 2); // [B, nKV, Tpast+T, d]
      vAll = tf.concat([cache.v, v], 2);
    }
    attn = tf.reshape(attention(qr, kr, vAll, bias), [B * T, c.numHeads * d]) as tf.Tensor2D;
    kv = { k: kr, v: vAll };
  }
  const [residual, mixed] = rows ? [selectRows(xr, rows), selectRows(attn, rows)] : [xr, attn];
  const x1 = residualLinear(ctx, `${p}.self_attn.o_proj`, mixed, residual);
  const out = swiglu(ctx, `${p}.mlp`, x1, [weight(ctx, `${p}.post_attention_layernorm.weight`)], c.normEps);
  return { out, kv };
}

/**
 * ids [B, T] (new positions only), mask [B, Tpast+T] (1 = real token) → final hidden states
 * [B·T, H] after the last norm, or outputRows' rows of them (model.ts applies the LM head).
 * With `cache` (one entry per layer, or empty to start one), past keys are reused and the new
 * keys/values are returned for the next call.
 */
const llamaForward: DecoderForward = (ctx, c, ids, mask, cache, embedding, outputRows) => {
  const [B, T] = ids.shape;
  const past = mask[0].length - T;
  const invFreq = ropeInvFreq(c.headDim, c.ropeTheta, c.ropeScaling, c.ropeBufferDtype);
  // Packed rows (a mask that numbers their sequences): RoPE positions restart at each sequence, as
  // TRL's padding-free position_ids do, and causalPaddingBias keeps each sequence to its own keys.
  const positions = past === 0 ? packedPositions(mask) : null;
  const rope = positions ? ropeRowTables(invFreq, positions) : ropeTables(invFreq, past, T);
  const bias = causalPaddingBias(mask, T);
  let x = embedTokens(ctx, embedding, ids); // [B·T, H]
  const newCache: LayerCache[] = [];
  let linears: LinearModule[] | null = null; // made only for the host layer, not on every generated token
  for (let i = 0; i < c.numLayers; i++) {
    const rows = i === c.numLayers - 1 ? outputRows : null;
    if (!cache && hostLayerApplies()) {
      // Nothing upstream of layer 0 trains unless the adapter trains new embedding rows.
      const inputGrad = i > 0 || ctx.lora?.newTokenRows != null;
      const dims = { B, T, nH: c.numHeads, nKV: c.numKvHeads, d: c.headDim };
      linears ??= llamaLinears(c);
      x = hostDecoderLayer(ctx, c, i, x, dims, rope, bias, rows, inputGrad, linears);
      continue;
    }
    const r = decoderLayer(ctx, c, i, x, B, T, rope, bias, cache ? (cache[i] ?? null) : undefined, rows);
    x = r.out;
    if (r.kv) newCache.push(r.kv);
  }
  const hidden = rmsNorm(x, weight(ctx, "model.norm.weight"), c.normEps) as tf.Tensor2D; // [B·T or rows, H]
  return { hidden, cache: cache ? newCache : null };
};

/** An Architecture that runs the Llama decoder above, with the variant's config differences. */
export function llamaLike(v: LlamaVariant): Architecture {
  return {
    family: v.family,
    hfArchitectures: v.hfArchitectures,
    defaultTargetModules: v.defaultTargetModules,
    embeddingName: "model.embed_tokens.weight",
    parseConfig: (json, architecture, where) => parseLlamaLike(v, json, architecture, where),
    tensorShapes: llamaTensorShapes,
    linearModules: llamaLinears,
    forward: llamaForward,
  };
}

export const llama: Architecture = llamaLike({
  family: "llama",
  hfArchitectures: ["LlamaForCausalLM"],
  defaultTargetModules: ["q_proj", "v_proj"],
  defaultHeadDim: (hidden, heads) => hidden / heads,
  flags: (c) => ({ qkvBias: c.attention_bias, oBias: c.attention_bias, mlpBias: c.mlp_bias, qkNorm: false }),
});
