// Merging a PEFT LoRA adapter into its base, a tensor at a time, as PEFT's merge_and_unload does
// (peft/tuners/lora/layer.py Linear.get_delta_weight): W' = W + scaling · B · A with scaling =
// lora_alpha / r, or lora_alpha / √r with rsLoRA. Tokens the run added grow the embedding (and an
// untied head) the way loading the adapter does (weights.ts resizeTokenEmbeddings: new rows are the
// mean of the old), and the adapter's trained rows replace theirs (trainable_token_indices, or the
// whole embedding from modules_to_save). No tfjs: plain Float32Arrays, so the page's export worker
// holds one tensor of the base at a time and never the model.

import { PREFIX, adapterVocabSize, loraKeys, parsedAdapterConfig, tokenDeltaKey } from "../adapter";
import { architectureFor } from "../architectures";
import { parseModelConfig } from "../config";
import { AdapterError, MissingTensorError } from "../errors";
import { loraScaling } from "../loraConfig";
import { resolveTargets } from "../lora";
import type { ModelConfig } from "../modelTypes";
import type { F32Tensor, StorageDtype, TensorEntry } from "../safetensors";
import { openSafetensors, readAllTensors, type OpenSafetensors, type SafetensorsSource } from "../safetensorsSources";

/** The base checkpoint: config.json and its safetensors files (bytes or Blobs, read a tensor at a time). */
export interface BaseCheckpoint {
  config: string | object;
  shards: Array<{ name: string; source: SafetensorsSource }>;
}

/** A PEFT adapter folder's two files. */
export interface AdapterCheckpoint {
  config: string | object;
  weights: SafetensorsSource;
}

/** One tensor of the merged checkpoint, under the base checkpoint's name. */
export interface PlannedTensor {
  name: string;
  /** The engine's name for it (the module path LoRA and the architectures use). */
  canonical: string;
  shape: number[];
  /** The base checkpoint's dtype for it. */
  storedAs: StorageDtype;
}

/**
 * One tensor of the merged model: the checkpoint's own bytes where the merge leaves it as it is (most
 * tensors, so they go out without a float32 copy), else its merged values.
 */
export interface MergedTensor {
  shape: number[];
  storedAs: StorageDtype;
  raw: Uint8Array | null;
  data: Float32Array | null;
}

export interface MergePlan {
  /** The merged model's config (the vocabulary grown for added tokens). */
  config: ModelConfig;
  /** config.json of the merged folder: the base's, with vocab_size updated. */
  hfConfig: Record<string, unknown>;
  /** Every tensor the model needs, in the base files' order. */
  tensors: PlannedTensor[];
  /** One planned tensor, merged; the arrays are fresh and the caller's. */
  read(t: PlannedTensor): Promise<MergedTensor>;
}

interface Located {
  file: OpenSafetensors;
  entry: TensorEntry;
  /** The engine's name (transformers' with the model prefix), which LoRA module paths use. */
  canonical: string;
}

/** `B · A` scaled, added to W in place: W [out, in] += s · B [out, r] · A [r, in], one output row at a time. */
export function addLoraDelta(
  w: Float32Array,
  a: Float32Array,
  b: Float32Array,
  out: number,
  inF: number,
  r: number,
  scaling: number,
): void {
  const acc = new Float64Array(inF);
  for (let o = 0; o < out; o++) {
    acc.fill(0);
    for (let k = 0; k < r; k++) {
      const bk = b[o * r + k];
      if (bk === 0) continue;
      const row = k * inF;
      for (let i = 0; i < inF; i++) acc[i] += bk * a[row + i];
    }
    const base = o * inF;
    for (let i = 0; i < inF; i++) w[base + i] = Math.fround(w[base + i] + scaling * acc[i]);
  }
}

/** [V, H] → [V', H] with the new rows the mean of the old ones (resizeTokenEmbeddings' rows). */
function growRows(data: Float32Array, V: number, H: number, newV: number): Float32Array {
  const out = new Float32Array(newV * H);
  out.set(data);
  const mean = new Float64Array(H);
  for (let v = 0; v < V; v++) for (let h = 0; h < H; h++) mean[h] += data[v * H + h];
  for (let h = 0; h < H; h++) mean[h] = Math.fround(mean[h] / V);
  for (let v = V; v < newV; v++) for (let h = 0; h < H; h++) out[v * H + h] = mean[h];
  return out;
}

/**
 * Reads the base's headers and the adapter (small), and plans the merged checkpoint; `adapter` null
 * plans the base as it is. `vocabSize`: the rows the model trained with, when the run added tokens without training their rows
 * (the worker grew the embedding to the tokenizer's size all the same, with mean rows); never shrinks.
 */
export async function planMerge(base: BaseCheckpoint, adapter: AdapterCheckpoint | null, vocabSize = 0): Promise<MergePlan> {
  const baseConfig = parseModelConfig(base.config);
  const shapes = architectureFor(baseConfig).tensorShapes(baseConfig);
  const located = new Map<string, Located>();
  for (const shard of base.shards) {
    const file = await openSafetensors(shard.source, shard.name);
    for (const entry of file.header.entries) {
      const canonical = [entry.name, `transformer.${entry.name}`, `model.${entry.name}`].find((n) => shapes.has(n));
      if (canonical) located.set(entry.name, { file, entry, canonical });
    }
  }
  const found = new Set([...located.values()].map((l) => l.canonical));
  const missing = [...shapes.keys()].filter((n) => !found.has(n));
  if (missing.length)
    throw new MissingTensorError(`the base checkpoint lacks ${missing.length} tensor(s) its config.json needs, first: ${missing[0]}`);

  const adapterConfig = adapter ? parsedAdapterConfig(adapter.config, "adapter_config.json") : null;
  const adapterTensors = adapter ? await readAllTensors(adapter.weights, "adapter_model.safetensors") : new Map<string, F32Tensor>();
  const grownVocab = Math.max(baseConfig.vocabSize, adapter ? adapterVocabSize(adapter.config) : 0, vocabSize);
  const config: ModelConfig = { ...baseConfig, vocabSize: grownVocab };
  const H = config.hiddenSize;
  const embedding = architectureFor(config).embeddingName;
  const vocabNames = new Set(config.tieWordEmbeddings ? [embedding] : [embedding, "lm_head.weight"]);

  const deltas = new Map<string, { A: F32Tensor; B: F32Tensor }>();
  if (adapterConfig) {
    const take = (key: string, shape: number[]) => {
      const t = adapterTensors.get(key);
      if (!t || t.shape.join(",") !== shape.join(","))
        throw new AdapterError(
          `adapter_model.safetensors: "${key}" is ${t ? `[${t.shape}]` : "missing"}, expected [${shape}]; the adapter was trained on another model.`,
        );
      return t;
    };
    for (const l of resolveTargets(config, adapterConfig.config.target_modules)) {
      const [a, b] = loraKeys(l.path);
      deltas.set(`${l.path}.weight`, {
        A: take(a, [adapterConfig.config.r, l.inFeatures]),
        B: take(b, [l.outFeatures, adapterConfig.config.r]),
      });
    }
  }
  const scaling = adapterConfig ? loraScaling(adapterConfig.config) : 0;

  /** The adapter's trained embedding rows: [start, rows [n, H]], or null. */
  const trainedRows = (): { start: number; rows: F32Tensor } | null => {
    const start = adapterConfig?.config.trainNewTokenRows ?? null;
    if (start === null || !adapterConfig) return null;
    if (adapterConfig.wholeEmbedding) return { start, rows: adapterTensors.get(`${PREFIX}${embedding}`)! };
    const rows = adapterTensors.get(tokenDeltaKey({ config }));
    if (!rows)
      throw new AdapterError(
        `adapter_model.safetensors lacks "${tokenDeltaKey({ config })}", the trained token rows adapter_config.json names.`,
      );
    return { start, rows };
  };

  const plan: PlannedTensor[] = [];
  const byName = new Map<string, Located>();
  for (const [name, l] of located) {
    const shape = vocabNames.has(l.canonical) ? [grownVocab, H] : l.entry.shape;
    plan.push({ name, canonical: l.canonical, shape, storedAs: l.entry.dtype });
    byName.set(name, l);
  }
  plan.sort((a, b) => byName.get(a.name)!.entry.begin - byName.get(b.name)!.entry.begin);

  const hfConfig = { ...(typeof base.config === "string" ? JSON.parse(base.config) : base.config) } as Record<string, unknown>;
  hfConfig.vocab_size = grownVocab;

  return {
    config,
    hfConfig,
    tensors: plan,
    async read(t) {
      const l = byName.get(t.name)!;
      const delta = deltas.get(l.canonical);
      const vocab = vocabNames.has(l.canonical);
      const trained = l.canonical === embedding ? trainedRows() : null;
      if (!delta && !(vocab && (grownVocab > l.entry.shape[0] || trained)))
        return { shape: t.shape, storedAs: t.storedAs, raw: await l.file.bytes(l.entry), data: null };
      let data = (await l.file.read(l.entry)).data;
      if (delta) {
        const [out, inF] = l.entry.shape;
        addLoraDelta(data, delta.A.data, delta.B.data, out, inF, adapterConfig!.config.r, scaling);
      }
      if (vocab) {
        if (grownVocab > l.entry.shape[0]) data = growRows(data, l.entry.shape[0], H, grownVocab);
        if (trained) data.set(trained.rows.data, trained.start * H);
      }
      return { shape: t.shape, storedAs: t.storedAs, raw: null, data };
    },
  };
}
