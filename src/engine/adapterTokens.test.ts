// Bringing back what an exported train.py writes: added tokens' rows as PEFT saves them
// (trainable_token_indices, as a list or a dict, all rows or some; modules_to_save on PEFT < 0.15),
// the vocabulary grown before loading, and a clear refusal of a saved embedding layer.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { adapterVocabSize, exportAdapter, importAdapter } from "./adapter";
import { useCpu } from "./fixtures.testutil";
import { createLora, disposeLora } from "./lora";
import { randomModel } from "./randomModel.testutil";
import { readSafetensors, writeSafetensors, type F32Tensor } from "./safetensors";
import { resizeTokenEmbeddings, type CausalLM } from "./weights";

beforeAll(useCpu);

const VOCAB = 64;
const H = 32;
const DELTA = "base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta";

async function model(): Promise<CausalLM> {
  return (await randomModel({ arch: "Qwen3ForCausalLM", vocab: VOCAB, hidden: H, tied: true })).model;
}

/** An adapter over a model grown by two added tokens, with their rows trained (set to 7s here). */
async function trainedWithTokens() {
  const m = await model();
  resizeTokenEmbeddings(m, VOCAB + 2);
  const lora = createLora(m, { r: 2, lora_alpha: 4, target_modules: ["q_proj"], trainNewTokenRows: VOCAB }, 1);
  lora.newTokenRows!.rows.assign(tf.fill([2, H], 7));
  const files = await exportAdapter(m, lora);
  disposeLora(lora);
  return { files, config: JSON.parse(files["adapter_config.json"]) as Record<string, unknown> };
}

function tensors(bytes: Uint8Array): Map<string, F32Tensor> {
  return readSafetensors(bytes);
}

describe("added tokens in a PEFT adapter", () => {
  it("need the vocabulary grown first, to the last trainable id + 1, as PEFT's resize before from_pretrained", async () => {
    const { files } = await trainedWithTokens();
    expect(adapterVocabSize(files["adapter_config.json"])).toBe(VOCAB + 2);
    const fresh = await model();
    await expect(importAdapter(fresh, files["adapter_config.json"], files["adapter_model.safetensors"])).rejects.toThrow(
      /grow the embedding first/,
    );
    resizeTokenEmbeddings(fresh, adapterVocabSize(files["adapter_config.json"]));
    const lora = await importAdapter(fresh, files["adapter_config.json"], files["adapter_model.safetensors"]);
    expect(lora.newTokenRows!.start).toBe(VOCAB);
    expect(Array.from(await lora.newTokenRows!.rows.data()).every((v) => v === 7)).toBe(true);
  });

  it("load from the dict form {embed_tokens: [...]} as from the list form", async () => {
    const { files, config } = await trainedWithTokens();
    const dict = { ...config, trainable_token_indices: { embed_tokens: config.trainable_token_indices } };
    const m = await model();
    resizeTokenEmbeddings(m, VOCAB + 2);
    const lora = await importAdapter(m, dict, files["adapter_model.safetensors"]);
    expect(lora.newTokenRows!.rows.shape).toEqual([2, H]);
  });

  it("keep the base model's rows where PEFT trained only some of them", async () => {
    const { files, config } = await trainedWithTokens();
    const t = tensors(files["adapter_model.safetensors"]);
    t.set(DELTA, { shape: [1, H], data: new Float32Array(H).fill(7) });
    const m = await model();
    resizeTokenEmbeddings(m, VOCAB + 2);
    const baseRow = Array.from(await tf.slice(m.weights.get("model.embed_tokens.weight")!, [VOCAB + 1, 0], [1, H]).data());
    const lora = await importAdapter(m, { ...config, trainable_token_indices: [VOCAB] }, writeSafetensors(t));
    const rows = (await lora.newTokenRows!.rows.array()) as number[][];
    expect(rows[0].every((v) => v === 7)).toBe(true);
    expect(rows[1]).toEqual(baseRow);
  });

  it("load PEFT < 0.15's modules_to_save embedding as every row trained", async () => {
    const { files, config } = await trainedWithTokens();
    const t = tensors(files["adapter_model.safetensors"]);
    t.delete(DELTA);
    t.set("base_model.model.model.embed_tokens.weight", { shape: [VOCAB, H], data: new Float32Array(VOCAB * H).fill(3) });
    const m = await model();
    const lora = await importAdapter(
      m,
      { ...config, trainable_token_indices: null, modules_to_save: ["embed_tokens"] },
      writeSafetensors(t),
    );
    expect(lora.newTokenRows!.start).toBe(0);
    expect(lora.newTokenRows!.rows.shape).toEqual([VOCAB, H]);
  });

  it("refuse a saved embedding layer, saying to save with save_embedding_layers=False", async () => {
    const { files } = await trainedWithTokens();
    const t = tensors(files["adapter_model.safetensors"]);
    t.set("base_model.model.model.embed_tokens.weight", { shape: [VOCAB + 2, H], data: new Float32Array((VOCAB + 2) * H) });
    const m = await model();
    resizeTokenEmbeddings(m, VOCAB + 2);
    await expect(importAdapter(m, files["adapter_config.json"], writeSafetensors(t))).rejects.toThrow(/save_embedding_layers=False/);
  });

  it("refuse ids that are not consecutive, saying which", async () => {
    const { files, config } = await trainedWithTokens();
    const m = await model();
    resizeTokenEmbeddings(m, VOCAB + 3);
    await expect(
      importAdapter(m, { ...config, trainable_token_indices: [VOCAB, VOCAB + 2] }, files["adapter_model.safetensors"]),
    ).rejects.toThrow(/consecutive ids/);
  });
});
