// Test-only: a random model with a trained-looking adapter (B non-zero, optionally rsLoRA and added
// token rows), the logits of base + adapter as the engine computes them, and an export's bytes.
import * as tf from "@tensorflow/tfjs-core";
import { exportAdapter, importAdapter, adapterVocabSize } from "../adapter";
import { createLora, disposeLora } from "../lora";
import { forward } from "../model";
import { randomModel, type RandomModelSpec } from "../randomModel.testutil";
import { Rng } from "../rng";
import { loadModelFromFiles, resizeTokenEmbeddings, disposeModel } from "../weights";
import type { AdapterCheckpoint, BaseCheckpoint } from "./merge";
import type { OutputFile } from "./hfFolder";

export const IDS = [[1, 5, 9, 14, 3, 7, 30, 62, 63]];

export interface Case {
  spec: RandomModelSpec;
  rslora?: boolean;
  /** Tokens the run added (their rows trained). */
  added?: number;
  /** Tokens the run added without training their rows (the embedding grown with mean rows all the same). */
  grown?: number;
}

export async function caseFiles(
  c: Case,
): Promise<{ base: BaseCheckpoint; adapter: AdapterCheckpoint; logits: Float32Array; vocabSize: number }> {
  const { model, configJson, bytes } = await randomModel(c.spec);
  const vocab = c.spec.vocab ?? 64;
  const vocabSize = vocab + (c.added ?? 0) + (c.grown ?? 0);
  resizeTokenEmbeddings(model, vocabSize);
  const lora = createLora(
    model,
    { r: 4, lora_alpha: 8, target_modules: "all-linear", use_rslora: c.rslora ?? false, trainNewTokenRows: c.added ? vocab : null },
    3,
  );
  const rng = new Rng(9);
  for (const m of lora.modules.values())
    m.B.assign(
      tf.tensor(
        Float32Array.from({ length: m.B.size }, () => 0.3 * rng.normal()),
        m.B.shape,
      ),
    );
  if (lora.newTokenRows) {
    const rows = lora.newTokenRows.rows;
    rows.assign(
      tf.tensor(
        Float32Array.from({ length: rows.size }, () => rng.normal()),
        rows.shape,
      ),
    );
  }
  const files = await exportAdapter(model, lora);
  disposeLora(lora);
  disposeModel(model);
  // The reference: the base loaded afresh, grown, with the adapter imported, as `generate --adapter` does.
  const ref = await loadModelFromFiles(configJson, [{ name: "base", source: bytes }]);
  resizeTokenEmbeddings(ref, Math.max(vocabSize, adapterVocabSize(files["adapter_config.json"])));
  const imported = await importAdapter(ref, files["adapter_config.json"], files["adapter_model.safetensors"]);
  const logits = tf.tidy(() => forward(ref, IDS, { lora: imported }).dataSync() as Float32Array);
  disposeLora(imported);
  disposeModel(ref);
  return {
    base: { config: configJson, shards: [{ name: "base.safetensors", source: bytes }] },
    adapter: { config: files["adapter_config.json"], weights: files["adapter_model.safetensors"] },
    logits,
    vocabSize,
  };
}

export async function collect(file: OutputFile): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of file.chunks()) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
