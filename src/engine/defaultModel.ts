// The bundled default model: a small Qwen3-architecture model over the bundled tokenizer's
// vocabulary, built from a seed in the worker (no download, works offline). Its weights are random,
// so it starts from nothing but learns the notebook's five answers in a few dozen steps; a trained
// small model can replace it later without changing anything else (same tokenizer, same config path).
import * as tf from "@tensorflow/tfjs-core";
import { parseModelConfig } from "./config";
import { Rng } from "./rng";
import { writeSafetensors, type F32Tensor } from "./safetensors";
import { tensorShapes, transposedHead, type CausalLM } from "./weights";

export const DEFAULT_MODEL_NAME = "bundled default (random Qwen3-style, 2 layers)";

/** config.json of the default model; vocab_size comes from the tokenizer (len(tokenizer)). */
export function defaultModelConfig(vocabSize: number, eosTokenId: number | null): Record<string, unknown> {
  return {
    architectures: ["Qwen3ForCausalLM"],
    vocab_size: vocabSize,
    hidden_size: 64,
    intermediate_size: 192,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 16,
    hidden_act: "silu",
    rms_norm_eps: 1e-6,
    rope_theta: 1_000_000,
    max_position_embeddings: 4096,
    tie_word_embeddings: true,
    attention_bias: false,
    bos_token_id: null,
    eos_token_id: eosTokenId,
  };
}

/**
 * Weight scale of the random model. transformers initialises with N(0, 0.02²), which in a model
 * this small leaves every logit near zero and gives LoRA (B = 0 at start) almost no gradient; 0.1
 * gives attention and logits some structure to adapt.
 */
const INIT_STD = 0.1;
/**
 * Weight of the final RMSNorm. With RMSNorm the hidden state has norm √hidden (8), and embedding
 * rows have norm INIT_STD·√hidden (0.8), so no logit could exceed ~6.4: not enough to pick one
 * token out of 151k (log 151669 ≈ 12). A gain of 3 lets a learned direction reach a logit of ~19.
 */
const FINAL_NORM_GAIN = 3;

export function createDefaultModel(vocabSize: number, eosTokenId: number | null, seed = 1234): CausalLM {
  const config = parseModelConfig(defaultModelConfig(vocabSize, eosTokenId));
  const rng = new Rng(seed);
  const weights = new Map<string, tf.Tensor>();
  for (const [name, shape] of tensorShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = /norm\.weight$/.test(name);
    const gain = name === "model.norm.weight" ? FINAL_NORM_GAIN : 1;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = isNorm ? gain : INIT_STD * rng.normal();
    weights.set(name, tf.tensor(data, shape));
  }
  return { config, weights, headT: transposedHead(config, weights) };
}

/**
 * The bundled model as a transformers folder's two files, so an export can train the same random
 * model outside the tab: config.json (model_type "qwen3", which AutoConfig needs) and model.safetensors
 * with every weight in float32 under transformers' names (tied: no lm_head.weight).
 */
export async function defaultModelFiles(
  model: CausalLM,
  vocabSize: number,
  eosTokenId: number | null,
): Promise<{ "config.json": string; "model.safetensors": Uint8Array }> {
  const config = { model_type: "qwen3", ...defaultModelConfig(vocabSize, eosTokenId), torch_dtype: "float32" };
  const tensors = new Map<string, F32Tensor>();
  for (const [name, t] of model.weights) tensors.set(name, { shape: t.shape, data: (await t.data()) as Float32Array });
  return { "config.json": `${JSON.stringify(config, null, 2)}\n`, "model.safetensors": writeSafetensors(tensors) };
}
