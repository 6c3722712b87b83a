// Turning checkpoint tensors into the engine's CausalLM: shape checks against the tensors the
// config's family needs (architectures/), with clear errors, and embedding resizing for added tokens.

import * as tf from "@tensorflow/tfjs-core";
import { architectureFor } from "./architectures";
import { parseModelConfig } from "./config";
import { MissingTensorError } from "./errors";
import type { CausalLM, LinearModule, ModelConfig } from "./modelTypes";
import { forEachTensor, type SafetensorsSource } from "./safetensorsSources";

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
  let config = parseModelConfig(configJson);
  const shapes = tensorShapes(config);
  const weights = new Map<string, tf.Tensor>();
  try {
    for (const { name: file, source } of sources) {
      await forEachTensor(source, file, (rawName, t) => {
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
        weights.get(name)?.dispose();
        weights.set(name, tf.tensor(t.data, t.shape));
      });
    }
    const missing = [...shapes.keys()].filter((n) => !weights.has(n));
    if (missing.length) {
      throw new MissingTensorError(
        `${sources.map((s) => s.name).join(", ")}: missing ${missing.length} tensor(s) required by config.json (${config.architecture}), first: ${missing.slice(0, 3).join(", ")}; check that the weights and config.json come from the same model.`,
      );
    }
  } catch (e) {
    for (const w of weights.values()) w.dispose();
    throw e;
  }
  return { config, weights, headT: transposedHead(config, weights) };
}

/**
 * Heads up to this many elements (64 MB of float32: the bundled default's 151,669 × 64 is 39 MB) are
 * kept transposed as well. The logits matmul hidden · headᵀ then multiplies by a stored [H, V] tensor
 * instead of transposing the head on every call: measured on wasm, 19 ms → 3 ms per call for the
 * bundled default. Larger heads (bloom-560m's is 1 GB) are not doubled.
 */
export const TRANSPOSED_HEAD_MAX_ELEMENTS = 16 * 1024 * 1024;

export function transposedHead(config: ModelConfig, weights: Map<string, tf.Tensor>): tf.Tensor2D | null {
  const head = weights.get(config.tieWordEmbeddings ? embeddingName(config) : "lm_head.weight");
  if (!head || head.size > TRANSPOSED_HEAD_MAX_ELEMENTS) return null;
  return tf.transpose(head as tf.Tensor2D); // [H, V]
}

/** Every weight's element count, summed (the frozen base; LoRA is counted by its adapter). */
export function parameterCount(model: CausalLM): number {
  let n = 0;
  for (const w of model.weights.values()) n += w.size;
  return n;
}

export function disposeModel(model: CausalLM): void {
  for (const w of model.weights.values()) w.dispose();
  model.weights.clear();
  model.headT?.dispose();
  model.headT = null;
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
    const w = model.weights.get(name)!;
    const grown = tf.tidy(() => {
      const mean = tf.mean(w, 0, true); // [1, H]
      return tf.concat([w, tf.tile(mean, [newVocabSize - old, 1])], 0); // [V', H]
    });
    w.dispose();
    model.weights.set(name, grown);
  }
  model.config = { ...model.config, vocabSize: newVocabSize };
  model.headT?.dispose();
  model.headT = transposedHead(model.config, model.weights);
}
