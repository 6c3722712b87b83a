// How llama.cpp names, lays out and describes each family the engine runs, both ways: our checkpoint
// tensors → GGUF tensors with the hyper-parameter keys (export), and back (reading a GGUF into the
// engine). The reference is llama.cpp's converter at ggml-org/llama.cpp@0024aa7 (convert_hf_to_gguf.py)
// and gguf-py/gguf/constants.py (MODEL_TENSOR names) and tensor_mapping.py (which HF name maps to each):
//   - names: tensor_mapping.py TensorNameMap (token_embd, blk.N.attn_q, …, output_norm, output);
//   - Llama's Q/K rows: LlamaModel.modify_tensors permutes q_proj with LlamaModel.permute(w, n_head,
//     n_head) and k_proj with permute(w, n_head, n_kv_head): per head, rows (half, pair) → (pair, half),
//     because ggml's LLAMA rope rotates adjacent pairs where transformers rotates the two halves.
//     Qwen2/Qwen3 are converted unpermuted (their GGUF archs use ggml's NEOX rope, which rotates halves);
//   - BLOOM: BloomModel.modify_tensors reorders query_key_value from per-head [q k v] to [all q; all k;
//     all v] (weights and biases), and writes the tied embedding again as output.weight, because
//     llama.cpp's BLOOM graph needs an output tensor; Llama/Qwen write output.weight only when untied:
//     llama.cpp falls back to token_embd for them (llama-model.cpp, TENSOR_DUPLICATED);
//   - hyper-parameters: TextModel.set_gguf_parameters (context_length, embedding_length,
//     feed_forward_length, head_count, head_count_kv, rope.freq_base, layer_norm_rms_epsilon,
//     key_length/value_length), LlamaModel's vocab_size and rope.dimension_count, BloomModel's
//     (context_length = seq_length or n_embed, feed_forward_length = 4·n_embed, layer_norm_epsilon).

import type { GgufMetadata } from "../../core/export/gguf/ggufFormat";
import { architectureFor } from "../architectures";
import type { ModelConfig } from "../modelTypes";

/** One GGUF tensor: its name, the checkpoint tensor it holds, and the reordering between the two (a row permutation). */
export interface GgufTensorMap {
  gguf: string;
  /** The engine's tensor name (architectures' tensorShapes). */
  source: string;
  shape: number[];
  /** GGUF row r holds checkpoint row rowOf[r]; null keeps the order. */
  rowOf: Int32Array | null;
}

/** llama.cpp's architecture name per family (gguf-py MODEL_ARCH_NAMES). */
export const GGUF_ARCH: Record<string, string> = { llama: "llama", qwen2: "qwen2", qwen3: "qwen3", bloom: "bloom" };

const LLAMA_NAMES: Array<[RegExp, string]> = [
  [/^model\.embed_tokens\./, "token_embd."],
  [/^model\.norm\./, "output_norm."],
  [/^lm_head\./, "output."],
  [/^model\.layers\.(\d+)\.input_layernorm\./, "blk.$1.attn_norm."],
  [/^model\.layers\.(\d+)\.self_attn\.q_proj\./, "blk.$1.attn_q."],
  [/^model\.layers\.(\d+)\.self_attn\.k_proj\./, "blk.$1.attn_k."],
  [/^model\.layers\.(\d+)\.self_attn\.v_proj\./, "blk.$1.attn_v."],
  [/^model\.layers\.(\d+)\.self_attn\.o_proj\./, "blk.$1.attn_output."],
  [/^model\.layers\.(\d+)\.self_attn\.q_norm\./, "blk.$1.attn_q_norm."],
  [/^model\.layers\.(\d+)\.self_attn\.k_norm\./, "blk.$1.attn_k_norm."],
  [/^model\.layers\.(\d+)\.post_attention_layernorm\./, "blk.$1.ffn_norm."],
  [/^model\.layers\.(\d+)\.mlp\.gate_proj\./, "blk.$1.ffn_gate."],
  [/^model\.layers\.(\d+)\.mlp\.up_proj\./, "blk.$1.ffn_up."],
  [/^model\.layers\.(\d+)\.mlp\.down_proj\./, "blk.$1.ffn_down."],
];

const BLOOM_NAMES: Array<[RegExp, string]> = [
  [/^transformer\.word_embeddings\./, "token_embd."],
  [/^transformer\.word_embeddings_layernorm\./, "token_embd_norm."],
  [/^transformer\.ln_f\./, "output_norm."],
  [/^lm_head\./, "output."],
  [/^transformer\.h\.(\d+)\.input_layernorm\./, "blk.$1.attn_norm."],
  [/^transformer\.h\.(\d+)\.self_attention\.query_key_value\./, "blk.$1.attn_qkv."],
  [/^transformer\.h\.(\d+)\.self_attention\.dense\./, "blk.$1.attn_output."],
  [/^transformer\.h\.(\d+)\.post_attention_layernorm\./, "blk.$1.ffn_norm."],
  [/^transformer\.h\.(\d+)\.mlp\.dense_h_to_4h\./, "blk.$1.ffn_up."],
  [/^transformer\.h\.(\d+)\.mlp\.dense_4h_to_h\./, "blk.$1.ffn_down."],
];

/** LlamaModel.permute's row order for `heads` heads of `rows / heads` rows: GGUF row h·d + 2b + a holds row h·d + a·d/2 + b. */
export function llamaRopeRows(rows: number, heads: number): Int32Array {
  const d = rows / heads;
  const rowOf = new Int32Array(rows);
  for (let h = 0; h < heads; h++)
    for (let a = 0; a < 2; a++) for (let b = 0; b < d / 2; b++) rowOf[h * d + 2 * b + a] = h * d + (a * d) / 2 + b;
  return rowOf;
}

/** BLOOM's fused rows: GGUF row (p·heads + h)·d + i (p = q, k, v) holds checkpoint row (h·3 + p)·d + i. */
export function bloomQkvRows(heads: number, headDim: number): Int32Array {
  const rowOf = new Int32Array(3 * heads * headDim);
  for (let p = 0; p < 3; p++)
    for (let h = 0; h < heads; h++) for (let i = 0; i < headDim; i++) rowOf[(p * heads + h) * headDim + i] = (h * 3 + p) * headDim + i;
  return rowOf;
}

/** Applies a row order: out row r = data row rowOf[r] (rows of `width` values). */
export function permuteRows(data: Float32Array, rowOf: Int32Array, width: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rowOf.length; r++) out.set(data.subarray(rowOf[r] * width, (rowOf[r] + 1) * width), r * width);
  return out;
}

/** Undoes permuteRows. */
export function unpermuteRows(data: Float32Array, rowOf: Int32Array, width: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rowOf.length; r++) out.set(data.subarray(r * width, (r + 1) * width), rowOf[r] * width);
  return out;
}

function rename(name: string, table: Array<[RegExp, string]>): string {
  for (const [re, to] of table) if (re.test(name)) return name.replace(re, to);
  throw new Error(`no GGUF name for tensor "${name}"`);
}

/** The GGUF tensors of a model with config `c`, in the engine's tensor order. */
export function ggufTensors(c: ModelConfig): GgufTensorMap[] {
  const bloom = c.family === "bloom";
  const table = bloom ? BLOOM_NAMES : LLAMA_NAMES;
  const out: GgufTensorMap[] = [];
  for (const [source, shape] of architectureFor(c).tensorShapes(c)) {
    let rowOf: Int32Array | null = null;
    if (c.family === "llama" && /\.q_proj\./.test(source)) rowOf = llamaRopeRows(shape[0], c.numHeads);
    if (c.family === "llama" && /\.k_proj\./.test(source)) rowOf = llamaRopeRows(shape[0], c.numKvHeads);
    if (bloom && /\.query_key_value\./.test(source)) rowOf = bloomQkvRows(c.numHeads, c.headDim);
    out.push({ gguf: rename(source, table), source, shape, rowOf });
  }
  if (bloom && c.tieWordEmbeddings)
    out.push({ gguf: "output.weight", source: architectureFor(c).embeddingName, shape: [c.vocabSize, c.hiddenSize], rowOf: null });
  return out;
}

/** The architecture's hyper-parameter keys. */
export function ggufHyperParameters(c: ModelConfig, hf: Record<string, unknown>): GgufMetadata {
  const arch = GGUF_ARCH[c.family];
  if (!arch) throw new Error(`GGUF export knows llama, qwen2, qwen3 and bloom; this model is ${c.family}.`);
  const md: GgufMetadata = new Map();
  const u32 = (key: string, value: number) => md.set(`${arch}.${key}`, { kind: "u32", value });
  const f32 = (key: string, value: number) => md.set(`${arch}.${key}`, { kind: "f32", value });
  if (c.family === "bloom") {
    u32("context_length", typeof hf.seq_length === "number" ? hf.seq_length : c.hiddenSize);
    u32("embedding_length", c.hiddenSize);
    u32("feed_forward_length", 4 * c.hiddenSize);
    u32("block_count", c.numLayers);
    u32("attention.head_count", c.numHeads);
    u32("attention.head_count_kv", c.numHeads);
    f32("attention.layer_norm_epsilon", c.normEps);
    return md;
  }
  u32("context_length", typeof hf.max_position_embeddings === "number" ? hf.max_position_embeddings : 2048);
  u32("embedding_length", c.hiddenSize);
  u32("feed_forward_length", c.intermediateSize);
  u32("block_count", c.numLayers);
  u32("attention.head_count", c.numHeads);
  u32("attention.head_count_kv", c.numKvHeads);
  f32("rope.freq_base", c.ropeTheta);
  f32("attention.layer_norm_rms_epsilon", c.normEps);
  u32("attention.key_length", c.headDim);
  u32("attention.value_length", c.headDim);
  u32("rope.dimension_count", c.headDim);
  u32("vocab_size", c.vocabSize);
  if (c.ropeScaling.type === "linear") {
    md.set(`${arch}.rope.scaling.type`, { kind: "string", value: "linear" });
    f32("rope.scaling.factor", c.ropeScaling.factor);
  }
  if (c.ropeScaling.type === "llama3")
    throw new Error(
      "GGUF export does not write Llama 3.1's rope scaling (llama.cpp keeps it as a rope_freqs tensor); export the merged folder and convert it with llama.cpp's convert_hf_to_gguf.py.",
    );
  return md;
}

/** config.json (transformers' names) of a GGUF's model, from its keys: the inverse of ggufHyperParameters. */
export function hfConfigFromGguf(md: Map<string, unknown>, tensorNames: ReadonlySet<string>, source: string): Record<string, unknown> {
  const arch = String(md.get("general.architecture"));
  const family = Object.keys(GGUF_ARCH).find((f) => GGUF_ARCH[f] === arch);
  if (!family) throw new Error(`${source}: architecture "${arch}"; the engine reads llama, qwen2, qwen3 and bloom GGUF files.`);
  const num = (key: string) => {
    const v = md.get(`${arch}.${key}`);
    if (typeof v !== "number") throw new Error(`${source}: the key ${arch}.${key} is missing; the file is not a complete ${arch} GGUF.`);
    return v;
  };
  const opt = (key: string) => (md.has(key) ? Number(md.get(key)) : null);
  const tokens = md.get("tokenizer.ggml.tokens");
  const ids = {
    vocab_size: md.has(`${arch}.vocab_size`) ? num("vocab_size") : Array.isArray(tokens) ? tokens.length : 0,
    bos_token_id: opt("tokenizer.ggml.bos_token_id"),
    eos_token_id: opt("tokenizer.ggml.eos_token_id"),
    pad_token_id: opt("tokenizer.ggml.padding_token_id"),
  };
  if (family === "bloom")
    return {
      architectures: ["BloomForCausalLM"],
      ...ids,
      hidden_size: num("embedding_length"),
      n_layer: num("block_count"),
      n_head: num("attention.head_count"),
      layer_norm_epsilon: num("attention.layer_norm_epsilon"),
      // output.weight is always there (a copy when tied): read as an untied head, which computes the same.
      tie_word_embeddings: false,
    };
  const hidden = num("embedding_length");
  const heads = num("attention.head_count");
  const scaling = md.get(`${arch}.rope.scaling.type`) === "linear" ? { rope_type: "linear", factor: num("rope.scaling.factor") } : null;
  return {
    architectures: [{ llama: "LlamaForCausalLM", qwen2: "Qwen2ForCausalLM", qwen3: "Qwen3ForCausalLM" }[family]],
    ...ids,
    hidden_size: hidden,
    intermediate_size: num("feed_forward_length"),
    num_hidden_layers: num("block_count"),
    num_attention_heads: heads,
    num_key_value_heads: num("attention.head_count_kv"),
    head_dim: md.has(`${arch}.attention.key_length`) ? num("attention.key_length") : hidden / heads,
    max_position_embeddings: num("context_length"),
    rms_norm_eps: num("attention.layer_norm_rms_epsilon"),
    rope_theta: num("rope.freq_base"),
    rope_scaling: scaling,
    tie_word_embeddings: !tensorNames.has("output.weight"),
    attention_bias: tensorNames.has("blk.0.attn_q.bias") && family !== "qwen2",
    mlp_bias: tensorNames.has("blk.0.ffn_up.bias"),
  };
}
