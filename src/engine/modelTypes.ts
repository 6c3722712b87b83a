// The types every layer of the engine shares: the normalised config, a loaded model, and the
// contract each architecture module (architectures/*.ts) implements. This module imports no
// family and no registry, so the families, the registry and their users can all depend on it
// without an import cycle.

import type * as tf from "@tensorflow/tfjs-core";
import type { LoraAdapter } from "./loraConfig";

/** A registered family's name (architectures/index.ts), e.g. "bloom", "qwen3". */
export type Family = string;

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

/** One nn.Linear of the model, named by its module path as PEFT sees it. */
export interface LinearModule {
  path: string;
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}

/** A loaded base model: frozen float32 weights keyed by their transformers names. */
export interface CausalLM {
  config: ModelConfig;
  weights: Map<string, tf.Tensor>;
  /**
   * Frozen matrices kept transposed as well, by weight name ([in, out] for a linear's [out, in], [H, V]
   * for the head): see transposedWeights in weights.ts. Not checkpoint tensors: never exported,
   * disposed with the model. Empty for a model too large to keep twice.
   */
  transposed: Map<string, tf.Tensor2D>;
  /** The frozen matmuls' backward avoids XNNPACK's packed copies: see leanBackward in weights.ts. */
  leanBackward: boolean;
  /**
   * Vocabulary matrices too large for one tensor on this backend, as row blocks (vocabBlocks.ts),
   * by weight name; such a matrix is not in `weights`. Empty where every tensor fits.
   */
  vocabBlocks: Map<string, tf.Tensor2D[]>;
}

/** What a forward pass needs besides the activations: frozen weights and the optional adapter. */
export interface LayerContext {
  weights: Map<string, tf.Tensor>;
  /** CausalLM.transposed: the fast operand of frozenMatMul where one is kept. */
  transposed: Map<string, tf.Tensor2D>;
  /** CausalLM.leanBackward. */
  leanBackward: boolean;
  lora: LoraAdapter | null;
  /** Seed for LoRA dropout while training; null in evaluation (dropout off). */
  dropoutSeed: number | null;
}

/** Per-layer key/value cache for incremental decoding: k/v [B, nKV, Tpast, d]. */
export interface LayerCache {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

/** An architecture's forward pass up to (not including) the LM head, which model.ts applies. */
export type DecoderForward = (
  ctx: LayerContext,
  c: ModelConfig,
  /** [B, T]: new positions only. */
  ids: tf.Tensor2D,
  /** [B, Tpast+T]: 1 = real token, 0 = padding. */
  mask: number[][],
  /** One entry per layer (or empty to start one) to reuse past keys; null = no cache. */
  cache: LayerCache[] | null,
  /** [V, H] as row blocks (vocabBlocks.ts: one unless the backend keeps it in several), with any trainable new-token rows swapped in. */
  embedding: tf.Tensor2D[],
  /**
   * The rows of the flattened [B·T] output the caller reads (the loss's counted rows), or null for
   * all. The last layer takes these rows right after its attention: what follows (output
   * projection, MLP, final norm) is per position, and only the attention reads other positions.
   */
  outputRows: number[] | null,
) => { hidden: tf.Tensor2D; cache: LayerCache[] | null };

/**
 * Everything the engine knows about one model family. Each architectures/<family>.ts exports one
 * of these and architectures/index.ts lists them; nothing else branches on the family.
 */
export interface Architecture {
  /** Registry key, stored as ModelConfig.family. */
  readonly family: Family;
  /** The config.json architectures[0] names this family reads (transformers class names). */
  readonly hfArchitectures: readonly string[];
  /** PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING entry for the model type. */
  readonly defaultTargetModules: readonly string[];
  /** Checkpoint name of the input embedding (also the LM head when tied). */
  readonly embeddingName: string;
  /**
   * config.json (already JSON-parsed) → ModelConfig with this family's field names and defaults;
   * `architecture` is the architectures[0] name, `where` names the file in error messages.
   */
  parseConfig(json: unknown, architecture: string, where: string): ModelConfig;
  /** Every tensor the checkpoint must provide, with its shape. */
  tensorShapes(c: ModelConfig): Map<string, number[]>;
  /** The nn.Linear modules LoRA may target, in model order (lm_head excluded, as PEFT's "all-linear"). */
  linearModules(c: ModelConfig): LinearModule[];
  /** ids [B, T], mask [B, Tpast+T] → final hidden states [B·T, H] (or the output rows') after the last norm. */
  forward: DecoderForward;
}
