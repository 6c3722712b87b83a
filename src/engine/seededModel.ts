// A seeded random model: a small Qwen3-architecture model of any vocabulary size, built from a seed
// (no files). The worker-protocol tests and the fault e2e harness train it, because it is real maths at
// a size that runs in seconds; the page's default is the pretrained model under public/ (core/bundledModel.ts).
import * as tf from "@tensorflow/tfjs-core";
import { parseModelConfig } from "./config";
import { Rng } from "./rng";
import { causalLM, storeTensor, tensorShapes, type CausalLM } from "./weights";

export const SEEDED_MODEL_NAME = "seeded random model (Qwen3-style, 2 layers)";

/** config.json of the seeded model; vocab_size comes from the tokenizer (len(tokenizer)). */
export function seededModelConfig(vocabSize: number, eosTokenId: number | null): Record<string, unknown> {
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

export function createSeededModel(vocabSize: number, eosTokenId: number | null, seed = 1234): CausalLM {
  return createRandomModel(seededModelConfig(vocabSize, eosTokenId), seed, { std: INIT_STD, finalNormGain: FINAL_NORM_GAIN });
}

/**
 * Random weights at the shapes of any config.json the engine reads (the bench's bloom-560m at its
 * real size): N(0, std²) for matrices and embeddings, norms at 1 (the final one at finalNormGain), biases 0.
 */
export function createRandomModel(configJson: object, seed: number, init: { std: number; finalNormGain?: number }): CausalLM {
  const config = parseModelConfig(configJson);
  const rng = new Rng(seed);
  const weights = new Map<string, tf.Tensor>();
  const blocks = new Map<string, tf.Tensor2D[]>();
  for (const [name, shape] of tensorShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (/(norm|ln_f)\.weight$/.test(name)) data.fill(name === "model.norm.weight" ? (init.finalNormGain ?? 1) : 1);
    else if (!/bias$/.test(name)) for (let i = 0; i < n; i++) data[i] = init.std * rng.normal();
    storeTensor(config, name, data, shape, weights, blocks);
  }
  return causalLM(config, weights, blocks);
}
