// BLOOM decoder (transformers modeling_bloom): embedding LayerNorm, pre-LayerNorm blocks, ALiBi
// position biases instead of position embeddings, fused query_key_value, tanh-GELU MLP, LM head
// tied to the word embeddings.

import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import { ConfigError } from "../errors";
import { fusedKernelActive } from "../kernels/host";
import { hostRowAttention, ROW_ATTENTION } from "../kernels/rowAttention";
import {
  alibiSlopes,
  attention,
  bloomGelu,
  causalPaddingBias,
  embedTokens,
  layerNorm,
  linear,
  normLinears,
  normResidual,
  residualLinear,
  selectRows,
  weight,
} from "../layers";
import type { Architecture, DecoderForward, LayerCache, LayerContext, LinearModule, ModelConfig } from "../modelTypes";
import { parseFields, specialTokenIds, tokenId, tokenIds } from "./configFields";

// BloomConfig accepts both its own names (n_embed, n_layer, n_head) and the generic ones.
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

function parseBloom(json: unknown, architecture: string, where: string): ModelConfig {
  const c = parseFields(bloomSchema, json, where);
  // BloomConfig's own defaults (64 hidden, 8 heads, 2 layers) when a field is absent.
  const hidden = c.hidden_size ?? c.n_embed ?? 64;
  const heads = c.n_head ?? c.num_attention_heads ?? 8;
  const layers = c.n_layer ?? c.num_hidden_layers ?? 2;
  if (hidden % heads !== 0) throw new ConfigError(`${where}: hidden_size ${hidden} is not divisible by n_head ${heads}.`);
  return {
    family: "bloom",
    architecture,
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
    ...specialTokenIds(c),
  };
}

function bloomTensorShapes(c: ModelConfig): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const H = c.hiddenSize;
  s.set("transformer.word_embeddings.weight", [c.vocabSize, H]);
  const norms = ["transformer.word_embeddings_layernorm", "transformer.ln_f"];
  for (let i = 0; i < c.numLayers; i++) norms.push(`transformer.h.${i}.input_layernorm`, `transformer.h.${i}.post_attention_layernorm`);
  for (const n of norms) {
    s.set(`${n}.weight`, [H]);
    s.set(`${n}.bias`, [H]);
  }
  for (const l of bloomLinears(c)) {
    s.set(`${l.path}.weight`, [l.outFeatures, l.inFeatures]);
    s.set(`${l.path}.bias`, [l.outFeatures]);
  }
  if (!c.tieWordEmbeddings) s.set("lm_head.weight", [c.vocabSize, H]);
  return s;
}

function bloomLinears(c: ModelConfig): LinearModule[] {
  const H = c.hiddenSize;
  const out: LinearModule[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `transformer.h.${i}`;
    out.push(
      { path: `${p}.self_attention.query_key_value`, inFeatures: H, outFeatures: 3 * H, bias: true },
      { path: `${p}.self_attention.dense`, inFeatures: H, outFeatures: H, bias: true },
      { path: `${p}.mlp.dense_h_to_4h`, inFeatures: H, outFeatures: c.intermediateSize, bias: true },
      { path: `${p}.mlp.dense_4h_to_h`, inFeatures: c.intermediateSize, outFeatures: H, bias: true },
    );
  }
  return out;
}

/**
 * ALiBi bias [B, nH, 1, Tk]: slope_h · position of key j, where positions count real tokens
 * ((cumsum(mask) - 1) · mask, as build_alibi_tensor). Adding a per-row constant would not change
 * the softmax, so a key-only bias equals the paper's slope·(j - i). In packed rows (a mask that
 * numbers the sequences) the count restarts at each sequence: with the block mask a query sees only
 * its own sequence, so this is the bias the sequence has unpacked, to the bit.
 */
function alibiBias(mask: number[][], numHeads: number): tf.Tensor4D {
  const slopes = alibiSlopes(numHeads);
  const B = mask.length;
  const Tk = mask[0].length;
  const out = new Float32Array(B * numHeads * Tk);
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let j = 0; j < Tk; j++) {
      const m = mask[b][j];
      if (m > 0 && j > 0 && m !== mask[b][j - 1]) count = 0;
      count += m > 0 ? 1 : 0;
      const pos = (count - 1) * (m > 0 ? 1 : 0);
      for (let h = 0; h < numHeads; h++) out[(b * numHeads + h) * Tk + j] = Math.fround(slopes[h] * pos);
    }
  }
  return tf.tensor4d(out, [B, numHeads, 1, Tk]);
}

function block(
  ctx: LayerContext,
  c: ModelConfig,
  i: number,
  x: tf.Tensor2D,
  B: number,
  T: number,
  bias: tf.Tensor,
  /** undefined: no KV cache is kept (training, scoring); null: start one; else the past keys/values. */
  cache: LayerCache | null | undefined,
  /** The rows to go on with after the attention (DecoderForward's outputRows), or null for all. */
  rows: number[] | null,
): { out: tf.Tensor2D; kv: LayerCache | null } {
  const p = `transformer.h.${i}`;
  const { numHeads: nH, headDim: d, normEps: eps } = c;
  const norm = (name: string) => [weight(ctx, `${p}.${name}.weight`), weight(ctx, `${p}.${name}.bias`)];
  // The norm and the linear after it (one op on WebGPU, normLinears), unless the residual is the norm's output.
  const normLinear = (input: tf.Tensor2D, name: string, path: string): [tf.Tensor2D, tf.Tensor2D] => {
    if (!c.residualPostLayernorm) {
      const { outs, residual } = normLinears(ctx, input, norm(name), eps, [path]);
      return [outs[0], residual];
    }
    const [ln] = normResidual(input, norm(name), eps);
    return [linear(ctx, path, ln), ln];
  };
  // [B·T, nH·3·d]: HF interleaves q/k/v per head
  const [qkv, residual1] = normLinear(x, "input_layernorm", `${p}.self_attention.query_key_value`);
  let attn: tf.Tensor2D; // [B·T, H]
  let kv: LayerCache | null = null;
  if (cache === undefined && fusedKernelActive(ROW_ATTENTION)) {
    attn = hostRowAttention([qkv], bias, null, { B, T, nH, nKV: nH, d });
  } else {
    const fused = tf.reshape(qkv, [B, T, nH, 3, d]);
    const part = (j: number): tf.Tensor4D =>
      tf.transpose(tf.reshape(tf.slice(fused, [0, 0, 0, j, 0], [B, T, nH, 1, d]), [B, T, nH, d]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, nH, T, d]
    const q = part(0);
    let k = part(1);
    let v = part(2);
    if (cache) {
      k = tf.concat([cache.k, k], 2); // [B, nH, Tpast+T, d]
      v = tf.concat([cache.v, v], 2);
    }
    attn = tf.reshape(attention(q, k, v, bias), [B * T, nH * d]) as tf.Tensor2D;
    kv = { k, v };
  }
  const [residual, mixed] = rows ? [selectRows(residual1, rows), selectRows(attn, rows)] : [residual1, attn];
  const x1 = residualLinear(ctx, `${p}.self_attention.dense`, mixed, residual);
  const [up, residual2] = normLinear(x1, "post_attention_layernorm", `${p}.mlp.dense_h_to_4h`);
  const hidden = bloomGelu(up) as tf.Tensor2D;
  const out = residualLinear(ctx, `${p}.mlp.dense_4h_to_h`, hidden, residual2);
  return { out, kv };
}

/** Same contract as the Llama decoder: ids [B, T], mask [B, Tpast+T] → final hidden states [B·T, H] (or outputRows' rows). */
const bloomForward: DecoderForward = (ctx, c, ids, mask, cache, embedding, outputRows) => {
  const [B, T] = ids.shape;
  const bias = tf.add(causalPaddingBias(mask, T), alibiBias(mask, c.numHeads)); // [B, nH, T, Tk]
  const emb = embedTokens(ctx, embedding, ids); // [B·T, H]
  let x = layerNorm(
    emb,
    weight(ctx, "transformer.word_embeddings_layernorm.weight"),
    weight(ctx, "transformer.word_embeddings_layernorm.bias"),
    c.normEps,
  ) as tf.Tensor2D;
  const newCache: LayerCache[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const last = i === c.numLayers - 1;
    const r = block(ctx, c, i, x, B, T, bias, cache ? (cache[i] ?? null) : undefined, last ? outputRows : null);
    x = r.out;
    if (r.kv) newCache.push(r.kv);
  }
  const hidden = layerNorm(x, weight(ctx, "transformer.ln_f.weight"), weight(ctx, "transformer.ln_f.bias"), c.normEps) as tf.Tensor2D; // [B·T or rows, H]
  return { hidden, cache: cache ? newCache : null };
};

export const bloom: Architecture = {
  family: "bloom",
  hfArchitectures: ["BloomForCausalLM"],
  defaultTargetModules: ["query_key_value"],
  embeddingName: "transformer.word_embeddings.weight",
  parseConfig: parseBloom,
  tensorShapes: bloomTensorShapes,
  linearModules: bloomLinears,
  forward: bloomForward,
};
