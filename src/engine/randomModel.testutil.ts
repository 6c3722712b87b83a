// Test-only: randomly initialised models of any supported shape, written to safetensors bytes in
// the chosen storage dtype and loaded through the normal loader (so storage paths get exercised).

import { Rng } from "./rng";
import { writeSafetensors, type F32Tensor, type StorageDtype } from "./safetensors";
import { parseModelConfig } from "./config";
import { loadModelFromFiles, tensorShapes, type CausalLM } from "./weights";

export interface RandomModelSpec {
  arch: "BloomForCausalLM" | "LlamaForCausalLM" | "Qwen2ForCausalLM" | "Qwen3ForCausalLM";
  vocab?: number;
  hidden?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  intermediate?: number;
  tied?: boolean;
  dtype?: StorageDtype;
  /** Std of the random weights; larger than HF's 0.02 makes attention patterns non-trivial. */
  std?: number;
  seed?: number;
  eos?: number;
  extra?: Record<string, unknown>;
}

export function randomConfigJson(s: RandomModelSpec): Record<string, unknown> {
  const common = {
    architectures: [s.arch],
    vocab_size: s.vocab ?? 64,
    hidden_size: s.hidden ?? 32,
    tie_word_embeddings: s.tied ?? false,
    eos_token_id: s.eos ?? 2,
    bos_token_id: 1,
  };
  if (s.arch === "BloomForCausalLM")
    return { ...common, n_layer: s.layers ?? 2, n_head: s.heads ?? 4, layer_norm_epsilon: 1e-5, ...s.extra };
  return {
    ...common,
    num_hidden_layers: s.layers ?? 2,
    num_attention_heads: s.heads ?? 4,
    num_key_value_heads: s.kvHeads ?? s.heads ?? 4,
    intermediate_size: s.intermediate ?? 48,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    hidden_act: "silu",
    ...(s.headDim ? { head_dim: s.headDim } : {}),
    ...s.extra,
  };
}

/** Random weights for `configJson`: norms near 1, everything else N(0, std²). */
export function randomWeights(configJson: Record<string, unknown>, std: number, seed: number, dtype: StorageDtype): Map<string, F32Tensor> {
  const rng = new Rng(seed);
  const out = new Map<string, F32Tensor>();
  for (const [name, shape] of tensorShapes(parseModelConfig(configJson))) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = /norm\.weight$|layernorm\.weight$|ln_f\.weight$/.test(name);
    const data = new Float32Array(n).map(() => (isNorm ? 1 + 0.1 * rng.normal() : std * rng.normal()));
    out.set(name, { shape, data, storedAs: dtype });
  }
  return out;
}

export async function randomModel(
  spec: RandomModelSpec,
): Promise<{ model: CausalLM; configJson: Record<string, unknown>; bytes: Uint8Array }> {
  const configJson = randomConfigJson(spec);
  const bytes = writeSafetensors(randomWeights(configJson, spec.std ?? 0.2, spec.seed ?? 1, spec.dtype ?? "F32"));
  const model = await loadModelFromFiles(configJson, [{ name: "random.safetensors", source: bytes }]);
  return { model, configJson, bytes };
}
