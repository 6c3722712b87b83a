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

/** A tensor llama.cpp wants that no checkpoint holds, computed from the config. */
export interface GgufExtraTensor {
  gguf: string;
  values: Float32Array;
}

/**
 * Llama 3.1's RoPE scaling as llama.cpp takes it: a rope_freqs tensor of one factor per frequency
 * (LlamaModel.generate_extra_tensors): 1 for wavelengths under original_max / high_freq_factor, `factor`
 * above original_max / low_freq_factor, and the smooth blend 1 / ((1 − s) / factor + s) between.
 */
export function llama3RopeFactors(c: ModelConfig): Float32Array {
  const r = c.ropeScaling;
  if (r.type !== "llama3") throw new Error("llama3RopeFactors needs a llama3 rope scaling");
  const dim = c.headDim;
  const lowWavelen = r.originalMaxPositionEmbeddings / r.lowFreqFactor;
  const highWavelen = r.originalMaxPositionEmbeddings / r.highFreqFactor;
  return Float32Array.from({ length: dim / 2 }, (_, i) => {
    const freq = Math.fround(1 / Math.fround(c.ropeTheta ** Math.fround((2 * i) / dim)));
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen < highWavelen) return 1;
    if (wavelen > lowWavelen) return r.factor;
    const smooth = (r.originalMaxPositionEmbeddings / wavelen - r.lowFreqFactor) / (r.highFreqFactor - r.lowFreqFactor);
    return 1 / ((1 - smooth) / r.factor + smooth);
  });
}

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

/** The checkpoint's rows back from the GGUF's order (row r of `data` is checkpoint row rowOf[r]). */
export function unpermuteRows(data: Float32Array, rowOf: Int32Array, width: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rowOf.length; r++) out.set(data.subarray(r * width, (r + 1) * width), rowOf[r] * width);
  return out;
}

function rename(name: string, table: Array<[RegExp, string]>): string {
  for (const [re, to] of table) if (re.test(name)) return name.replace(re, to);
  throw new Error(`no GGUF name for tensor "${name}"`);
}

type Key = [key: string, kind: "u32" | "f32" | "string", value: number | string];
/** Reads the architecture's key `key` (throws naming it when it is missing). */
type Num = (key: string) => number;

/** What llama.cpp calls a family and how it lays it out; one entry per family the engine runs. */
interface GgufFamily {
  /** general.architecture (gguf-py MODEL_ARCH_NAMES). */
  arch: string;
  names: Array<[RegExp, string]>;
  /** Tensors whose rows GGUF orders differently: the pattern, and the order for `rows` rows. */
  rowOrders: Array<[RegExp, (c: ModelConfig, rows: number) => Int32Array]>;
  /** BLOOM: the tied embedding is written again as output.weight. */
  tiedOutputCopy: boolean;
  /** Tensors computed from the config (Llama 3.1's rope_freqs). */
  extraTensors(c: ModelConfig): GgufExtraTensor[];
  keys(c: ModelConfig, hf: Record<string, unknown>): Key[];
  /** config.json's fields (besides the vocabulary and special ids) from the keys and the tensor names. */
  hfConfig(num: Num, has: (key: string) => boolean, tensors: ReadonlySet<string>): Record<string, unknown>;
}

function llamaLike(arch: string, hfArchitecture: string, rowOrders: GgufFamily["rowOrders"]): GgufFamily {
  return {
    arch,
    names: LLAMA_NAMES,
    rowOrders,
    tiedOutputCopy: false,
    extraTensors: (c) => (c.ropeScaling.type === "llama3" ? [{ gguf: "rope_freqs.weight", values: llama3RopeFactors(c) }] : []),
    keys(c, hf) {
      const keys: Key[] = [
        ["context_length", "u32", typeof hf.max_position_embeddings === "number" ? hf.max_position_embeddings : 2048],
        ["embedding_length", "u32", c.hiddenSize],
        ["feed_forward_length", "u32", c.intermediateSize],
        ["block_count", "u32", c.numLayers],
        ["attention.head_count", "u32", c.numHeads],
        ["attention.head_count_kv", "u32", c.numKvHeads],
        ["rope.freq_base", "f32", c.ropeTheta],
        ["attention.layer_norm_rms_epsilon", "f32", c.normEps],
        ["attention.key_length", "u32", c.headDim],
        ["attention.value_length", "u32", c.headDim],
        ["rope.dimension_count", "u32", c.headDim],
        ["vocab_size", "u32", c.vocabSize],
      ];
      if (c.ropeScaling.type === "linear")
        keys.push(["rope.scaling.type", "string", "linear"], ["rope.scaling.factor", "f32", c.ropeScaling.factor]);
      return keys;
    },
    hfConfig(num, has, tensors) {
      const hidden = num("embedding_length");
      const heads = num("attention.head_count");
      return {
        architectures: [hfArchitecture],
        hidden_size: hidden,
        intermediate_size: num("feed_forward_length"),
        num_hidden_layers: num("block_count"),
        num_attention_heads: heads,
        num_key_value_heads: num("attention.head_count_kv"),
        head_dim: has("attention.key_length") ? num("attention.key_length") : hidden / heads,
        max_position_embeddings: num("context_length"),
        rms_norm_eps: num("attention.layer_norm_rms_epsilon"),
        rope_theta: num("rope.freq_base"),
        rope_scaling: has("rope.scaling.factor") ? { rope_type: "linear", factor: num("rope.scaling.factor") } : null,
        tie_word_embeddings: !tensors.has("output.weight"),
        // Llama's and Qwen3's attention_bias puts biases on q, k, v and o; Qwen2's q/k/v biases need no flag.
        attention_bias: tensors.has("blk.0.attn_output.bias"),
        mlp_bias: tensors.has("blk.0.ffn_up.bias"),
      };
    },
  };
}

const GGUF_FAMILIES: Record<string, GgufFamily> = {
  llama: llamaLike("llama", "LlamaForCausalLM", [
    [/\.q_proj\./, (c, rows) => llamaRopeRows(rows, c.numHeads)],
    [/\.k_proj\./, (c, rows) => llamaRopeRows(rows, c.numKvHeads)],
  ]),
  qwen2: llamaLike("qwen2", "Qwen2ForCausalLM", []),
  qwen3: llamaLike("qwen3", "Qwen3ForCausalLM", []),
  bloom: {
    arch: "bloom",
    names: BLOOM_NAMES,
    rowOrders: [[/\.query_key_value\./, (c) => bloomQkvRows(c.numHeads, c.headDim)]],
    tiedOutputCopy: true,
    extraTensors: () => [],
    keys: (c, hf) => [
      ["context_length", "u32", typeof hf.seq_length === "number" ? hf.seq_length : c.hiddenSize],
      ["embedding_length", "u32", c.hiddenSize],
      ["feed_forward_length", "u32", 4 * c.hiddenSize],
      ["block_count", "u32", c.numLayers],
      ["attention.head_count", "u32", c.numHeads],
      ["attention.head_count_kv", "u32", c.numHeads],
      ["attention.layer_norm_epsilon", "f32", c.normEps],
    ],
    hfConfig: (num) => ({
      architectures: ["BloomForCausalLM"],
      hidden_size: num("embedding_length"),
      n_layer: num("block_count"),
      n_head: num("attention.head_count"),
      layer_norm_epsilon: num("attention.layer_norm_epsilon"),
      // output.weight is always there (a copy when tied): read as an untied head, which computes the same.
      tie_word_embeddings: false,
    }),
  },
};

function ggufFamily(c: ModelConfig): GgufFamily {
  const f = GGUF_FAMILIES[c.family];
  if (!f) throw new Error(`GGUF export knows ${Object.keys(GGUF_FAMILIES).join(", ")}; this model is ${c.family}.`);
  return f;
}

/** general.architecture of a model with config `c`. */
export const ggufArch = (c: ModelConfig) => ggufFamily(c).arch;

/** The GGUF tensors of a model with config `c`, in the engine's tensor order. */
export function ggufTensors(c: ModelConfig): GgufTensorMap[] {
  const family = ggufFamily(c);
  const out: GgufTensorMap[] = [];
  for (const [source, shape] of architectureFor(c).tensorShapes(c)) {
    const order = family.rowOrders.find(([re]) => re.test(source));
    out.push({ gguf: rename(source, family.names), source, shape, rowOf: order ? order[1](c, shape[0]) : null });
  }
  if (family.tiedOutputCopy && c.tieWordEmbeddings)
    out.push({ gguf: "output.weight", source: architectureFor(c).embeddingName, shape: [c.vocabSize, c.hiddenSize], rowOf: null });
  return out;
}

/** The tensors llama.cpp wants beyond the checkpoint's. */
export const ggufExtraTensors = (c: ModelConfig) => ggufFamily(c).extraTensors(c);

/** The architecture's hyper-parameter keys. */
export function ggufHyperParameters(c: ModelConfig, hf: Record<string, unknown>): GgufMetadata {
  const { arch, keys } = ggufFamily(c);
  const md: GgufMetadata = new Map();
  for (const [key, kind, value] of keys(c, hf))
    md.set(`${arch}.${key}`, kind === "string" ? { kind, value: String(value) } : { kind, value: Number(value) });
  return md;
}

/** config.json (transformers' names) of a GGUF's model, from its keys: the inverse of ggufHyperParameters. */
export function hfConfigFromGguf(md: Map<string, unknown>, tensorNames: ReadonlySet<string>, source: string): Record<string, unknown> {
  const arch = String(md.get("general.architecture"));
  if (tensorNames.has("rope_freqs.weight"))
    throw new Error(
      `${source}: has per-frequency RoPE factors (rope_freqs, Llama 3.1's scaling), which this reader cannot turn back into config.json.`,
    );
  const family = Object.values(GGUF_FAMILIES).find((f) => f.arch === arch);
  if (!family) throw new Error(`${source}: architecture "${arch}"; the engine reads ${Object.keys(GGUF_FAMILIES).join(", ")} GGUF files.`);
  const has = (key: string) => md.has(`${arch}.${key}`);
  const num = (key: string) => {
    const v = md.get(`${arch}.${key}`);
    if (typeof v !== "number") throw new Error(`${source}: the key ${arch}.${key} is missing; the file is not a complete ${arch} GGUF.`);
    return v;
  };
  const opt = (key: string) => (md.has(key) ? Number(md.get(key)) : null);
  const tokens = md.get("tokenizer.ggml.tokens");
  return {
    ...family.hfConfig(num, has, tensorNames),
    vocab_size: has("vocab_size") ? num("vocab_size") : Array.isArray(tokens) ? tokens.length : 0,
    bos_token_id: opt("tokenizer.ggml.bos_token_id"),
    eos_token_id: opt("tokenizer.ggml.eos_token_id"),
    pad_token_id: opt("tokenizer.ggml.padding_token_id"),
  };
}
