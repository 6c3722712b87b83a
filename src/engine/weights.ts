// Turning checkpoint tensors into the engine's CausalLM: shape checks against the tensors the
// config's family needs (architectures/), with clear errors, and embedding resizing for added tokens.

import * as tf from "@tensorflow/tfjs-core";
import { architectureFor } from "./architectures";
import { WASM_MEMORY_BYTES } from "./backend";
import { parseModelConfig } from "./config";
import { MissingTensorError } from "./errors";
import type { CausalLM, LinearModule, ModelConfig } from "./modelTypes";
import type { F32Tensor } from "./safetensors";
import { forEachTensor, type SafetensorsSource } from "./safetensorsSources";
import { blocksFromData, rowsPerBlock } from "./vocabBlocks";

export type { CausalLM, LinearModule } from "./modelTypes";

export function tensorShapes(c: ModelConfig): Map<string, number[]> {
  return architectureFor(c).tensorShapes(c);
}

export function linearModules(c: ModelConfig): LinearModule[] {
  return architectureFor(c).linearModules(c);
}

export function embeddingName(c: ModelConfig): string {
  return architectureFor(c).embeddingName;
}

/** A named safetensors source: `name` is used in error messages (e.g. the file name). */
export interface NamedSource {
  name: string;
  source: SafetensorsSource;
}

/**
 * Loads config + safetensors shards into a CausalLM. Tensors the config does not need (e.g. a
 * duplicated lm_head of a tied model) are skipped; checkpoints saved from the bare base model
 * (keys without "transformer."/"model.", as bigscience/bloom-560m) are accepted too.
 */
export interface LoadOptions {
  /**
   * Dtype to round the RoPE inv_freq buffer through: "storage" (default) = the checkpoint's dtype,
   * matching a PyTorch model cast to its storage dtype and back (how the reference fixtures were
   * made); "F32" = a model instantiated directly in float32. Differences are ~1e-6 in logits.
   */
  ropeBufferDtype?: "storage" | "F32";
}

export async function loadModelFromFiles(
  configJson: string | object,
  sources: NamedSource[],
  options: LoadOptions = {},
): Promise<CausalLM> {
  const names = sources.map((s) => s.name).join(", ");
  return loadModelFromTensors(configJson, names, options, async (visit) => {
    for (const { name: file, source } of sources) await forEachTensor(source, file, (rawName, t) => visit(rawName, t, file));
  });
}

/**
 * The model of `configJson` over the tensors `each` hands to its visitor (checkpoint names; `file`
 * names their source in messages): safetensors shards, or a GGUF's tensors renamed back.
 */
export async function loadModelFromTensors(
  configJson: string | object,
  sourceNames: string,
  options: LoadOptions,
  each: (visit: (rawName: string, t: F32Tensor, file: string) => void) => Promise<void>,
): Promise<CausalLM> {
  let config = parseModelConfig(configJson);
  const shapes = tensorShapes(config);
  const weights = new Map<string, tf.Tensor>();
  const blocks = new Map<string, tf.Tensor2D[]>();
  try {
    await each((rawName, t, file) => {
      const name = [rawName, `transformer.${rawName}`, `model.${rawName}`].find((n) => shapes.has(n));
      if (!name) return;
      const want = shapes.get(name)!;
      if (want.join(",") !== t.shape.join(",")) {
        throw new MissingTensorError(
          `${file}: tensor "${rawName}" has shape [${t.shape}] but config.json implies [${want}]; the weights do not belong to this config.`,
        );
      }
      if (name === embeddingName(config) && options.ropeBufferDtype !== "F32" && t.storedAs) {
        config = { ...config, ropeBufferDtype: t.storedAs };
      }
      // A tensor a later shard repeats replaces the earlier one, whichever form each took.
      weights.get(name)?.dispose();
      blocks.get(name)?.forEach((b) => b.dispose());
      weights.delete(name);
      blocks.delete(name);
      storeTensor(config, name, t.data, t.shape, weights, blocks);
    });
    const missing = [...shapes.keys()].filter((n) => !weights.has(n) && !blocks.has(n));
    if (missing.length) {
      throw new MissingTensorError(
        `${sourceNames}: missing ${missing.length} tensor(s) required by config.json (${config.architecture}), first: ${missing.slice(0, 3).join(", ")}; check that the weights and config.json come from the same model.`,
      );
    }
  } catch (e) {
    for (const w of weights.values()) w.dispose();
    for (const b of blocks.values()) b.forEach((t) => t.dispose());
    throw e;
  }
  return causalLM(config, weights, blocks);
}

/** The [V, H] matrices: the embedding, and the head when it is not tied to it. */
export function vocabMatrixNames(config: ModelConfig): string[] {
  return config.tieWordEmbeddings ? [embeddingName(config)] : [embeddingName(config), "lm_head.weight"];
}

/** Makes a checkpoint tensor: a vocabulary matrix past the backend's largest buffer goes into row blocks. */
export function storeTensor(
  config: ModelConfig,
  name: string,
  data: Float32Array,
  shape: number[],
  weights: Map<string, tf.Tensor>,
  blocks: Map<string, tf.Tensor2D[]>,
): void {
  const [V, H] = shape;
  if (vocabMatrixNames(config).includes(name) && rowsPerBlock(V, H) < V) blocks.set(name, blocksFromData(data, V, H));
  else weights.set(name, tf.tensor(data, shape));
}

/** The model over its loaded weights, with what the engine derives from them once (transposes, lean backward). */
export function causalLM(config: ModelConfig, weights: Map<string, tf.Tensor>, vocabBlocks = new Map<string, tf.Tensor2D[]>()): CausalLM {
  return { config, weights, transposed: transposedWeights(config, weights), leanBackward: leanBackward(config), vocabBlocks };
}

/**
 * A vocabulary matrix as one tensor, for what needs it whole (training new token rows, growing the
 * vocabulary); throws when the backend keeps it in blocks.
 */
export function wholeVocabMatrix(model: CausalLM, name: string, what: string): tf.Tensor2D {
  const blocks = model.vocabBlocks.get(name);
  if (blocks) {
    const bytes = blocks.reduce((n, b) => n + b.size, 0) * 4;
    throw new Error(
      `${what} needs "${name}" as one tensor, but it takes ${(bytes / 1e6).toFixed(0)} MB, more than the ${tf.getBackend()} backend's largest buffer, so it is kept in ${blocks.length} blocks; train without new token rows, or on the wasm backend.`,
    );
  }
  return model.weights.get(name) as tf.Tensor2D;
}

/**
 * Frozen matrices are kept transposed as well while the copies total at most this many elements
 * (64 MB of float32): the output head first, then every linear in model order. The wasm backend
 * (XNNPACK) multiplies fast only a plain a·b, packing b once per tensor; a·bᵀ falls back to a scalar
 * loop. Measured on wasm: a 151,669 × 64 head, 19 ms → 3 ms per call; a [35, 128] · [384, 128]ᵀ linear,
 * 1.03 ms → 0.11 ms. Larger models (bloom-560m's head alone is 1 GB) are not doubled.
 */
export const TRANSPOSED_MAX_ELEMENTS = 16 * 1024 * 1024;

export function transposedWeights(config: ModelConfig, weights: Map<string, tf.Tensor>): Map<string, tf.Tensor2D> {
  const names = [headName(config), ...linearModules(config).map((l) => `${l.path}.weight`)];
  const kept = new Map<string, tf.Tensor2D>();
  let total = 0;
  for (const name of names) {
    const w = weights.get(name);
    if (!w || total + w.size > TRANSPOSED_MAX_ELEMENTS) continue;
    total += w.size;
    kept.set(name, tf.transpose(w as tf.Tensor2D));
  }
  return kept;
}

/**
 * Whether the frozen matmuls' backward (dx = dy · w) must run without XNNPACK's packed copy of each w.
 * On wasm that matmul packs w once and keeps the packing as long as w lives: a second copy of every
 * matrix. When weights and copies would pass three quarters of wasm's 4 GiB (bloom-560m: 2.2 GB of
 * weights), the backward takes the form wasm computes in place instead (slower, no copy).
 */
export function leanBackward(config: ModelConfig): boolean {
  if (tf.getBackend() !== "wasm") return false;
  let elements = 0;
  for (const shape of tensorShapes(config).values()) elements += shape.reduce((a, b) => a * b, 1);
  return 2 * elements * 4 > 0.75 * WASM_MEMORY_BYTES;
}

/** The model's head matrix name: the embedding when tied. */
export function headName(config: ModelConfig): string {
  return config.tieWordEmbeddings ? embeddingName(config) : "lm_head.weight";
}

/** Every weight's element count, summed (the frozen base; LoRA is counted by its adapter). */
export function parameterCount(model: CausalLM): number {
  let n = 0;
  for (const w of model.weights.values()) n += w.size;
  for (const blocks of model.vocabBlocks.values()) for (const b of blocks) n += b.size;
  return n;
}

export function disposeModel(model: CausalLM): void {
  for (const w of model.weights.values()) w.dispose();
  model.weights.clear();
  for (const t of model.transposed.values()) t.dispose();
  model.transposed.clear();
  for (const blocks of model.vocabBlocks.values()) for (const b of blocks) b.dispose();
  model.vocabBlocks.clear();
}

/**
 * Grows the vocabulary to `newVocabSize` for added tokens. transformers' resize_token_embeddings
 * (mean_resizing=True) samples new rows from N(mean, 1e-5·cov) of the old rows; we use the mean
 * itself, i.e. the centre of that distribution, which keeps this deterministic and seed-free.
 * An untied lm_head is grown the same way.
 */
export function resizeTokenEmbeddings(model: CausalLM, newVocabSize: number): void {
  const old = model.config.vocabSize;
  if (newVocabSize <= old) return;
  const names = [embeddingName(model.config)];
  if (!model.config.tieWordEmbeddings) names.push("lm_head.weight");
  for (const name of names) {
    const w = wholeVocabMatrix(model, name, "Adding tokens to the vocabulary");
    const grown = tf.tidy(() => {
      const mean = tf.mean(w, 0, true); // [1, H]
      return tf.concat([w, tf.tile(mean, [newVocabSize - old, 1])], 0); // [V', H]
    });
    w.dispose();
    model.weights.set(name, grown);
  }
  model.config = { ...model.config, vocabSize: newVocabSize };
  for (const t of model.transposed.values()) t.dispose();
  model.transposed = transposedWeights(model.config, model.weights);
  model.leanBackward = leanBackward(model.config);
}
