// Number-for-number agreement with the PyTorch/PEFT references in test/fixtures.

import * as tf from "@tensorflow/tfjs-core";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { exportAdapter, importAdapter } from "./adapter";
import type { FixtureName } from "../../test/fixtures/location";
import { FIXTURE_NAMES, fixtureFile, loadFixture, loadFixtureAdapter, maxAbsDiff, readReference, useCpu } from "./fixtures.testutil";
import { generateGreedy } from "./generate";
import { lossAndGrads } from "./gradients";
import { causalLmLoss } from "./loss";
import { disposeLora } from "./lora";
import { forward } from "./model";
import { setBlockBytesLimit } from "./vocabBlocks";
import { disposeModel, embeddingName, type CausalLM } from "./weights";

beforeAll(useCpu);

/**
 * "whole": every tensor as one; "in blocks": the backend's largest buffer forced to a third of the
 * embedding, so the vocabulary matrices are row blocks (vocabBlocks.ts), as bloom-560m's on a small GPU.
 */
const LAYOUTS = ["whole", "in blocks"] as const;

/** The fixture model in the layout; for "in blocks", checks that the embedding really is split. */
async function loadIn(name: FixtureName, layout: (typeof LAYOUTS)[number]): Promise<CausalLM> {
  if (layout === "whole") return loadFixture(name);
  const probe = await loadFixture(name);
  const { vocabSize: V, hiddenSize: H } = probe.config;
  disposeModel(probe);
  setBlockBytesLimit(Math.ceil(V / 3) * H * 4);
  try {
    const model = await loadFixture(name);
    expect(model.vocabBlocks.get(embeddingName(model.config))?.length).toBe(3);
    expect(model.weights.has(embeddingName(model.config))).toBe(false);
    return model;
  } finally {
    setBlockBytesLimit(null);
  }
}

describe.each(FIXTURE_NAMES.flatMap((name) => LAYOUTS.map((layout) => [name, layout] as const)))("%s, vocabulary %s", (name, layout) => {
  const ref = readReference(name);

  it("base logits, loss and greedy tokens match the reference", async () => {
    const model = await loadIn(name, layout);
    const { logits, loss } = tf.tidy(() => {
      const l = forward(model, [ref.input_ids]);
      return { logits: l.arraySync()[0], loss: causalLmLoss(l, [ref.labels]).dataSync()[0] };
    });
    const logitsDiff = maxAbsDiff(logits, ref.logits);
    console.log(
      `${name} (${layout}) base: max |Δlogits| = ${logitsDiff.toExponential(2)}, |Δloss| = ${Math.abs(loss - ref.loss).toExponential(2)}`,
    );
    expect(logitsDiff).toBeLessThan(1e-4);
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4);
    expect(await generateGreedy(model, ref.greedy_prompt, { maxNewTokens: 8, stopAtEos: false })).toEqual(ref.greedy_new_tokens);
    disposeModel(model);
  });

  it("adapter logits, loss and LoRA gradients match the reference", async () => {
    const model = await loadIn(name, layout);
    const lora = await loadFixtureAdapter(name, model);
    const logits = tf.tidy(() => forward(model, [ref.input_ids], { lora }).arraySync()[0]);
    const batch = { inputIds: [ref.input_ids], labels: [ref.labels], attentionMask: [ref.input_ids.map(() => 1)] };
    const { loss, grads } = lossAndGrads(model, lora, batch);
    const logitsDiff = maxAbsDiff(logits, ref.lora.logits);
    expect(logitsDiff).toBeLessThan(1e-4);
    expect(Math.abs(loss - ref.lora.loss)).toBeLessThan(1e-4);
    expect([...grads.keys()].sort()).toEqual(Object.keys(ref.lora.grads).sort());
    let worst = 0;
    for (const [key, g] of grads) {
      const want = ref.lora.grads[key];
      const scale = Math.max(...want.flat().map(Math.abs));
      const rel = maxAbsDiff(g.arraySync() as number[][], want) / scale;
      worst = Math.max(worst, rel);
      expect(rel, key).toBeLessThan(1e-4);
    }
    console.log(
      `${name} (${layout}) lora: max |Δlogits| = ${logitsDiff.toExponential(2)}, |Δloss| = ${Math.abs(loss - ref.lora.loss).toExponential(2)}, worst grad Δ/max = ${worst.toExponential(2)}`,
    );
    tf.dispose([...grads.values()]);
    disposeLora(lora);
    disposeModel(model);
  });

  it("an exported adapter re-imports bit-identically and re-exports the same bytes", async () => {
    const model = await loadIn(name, layout);
    const lora = await loadFixtureAdapter(name, model);
    const files = await exportAdapter(model, lora);
    // Same tensors, same order, same header layout as the Python safetensors writer.
    expect(
      Buffer.from(files["adapter_model.safetensors"]).equals(readFileSync(fixtureFile(name, "adapter/adapter_model.safetensors"))),
    ).toBe(true);
    const again = await importAdapter(model, files["adapter_config.json"], files["adapter_model.safetensors"]);
    for (const [path, m] of lora.modules) {
      const n = again.modules.get(path)!;
      expect(Buffer.from((await n.A.data()).buffer).equals(Buffer.from((await m.A.data()).buffer))).toBe(true);
      expect(Buffer.from((await n.B.data()).buffer).equals(Buffer.from((await m.B.data()).buffer))).toBe(true);
    }
    expect(again.scaling).toBe(lora.scaling);
    const files2 = await exportAdapter(model, again);
    expect(Buffer.from(files2["adapter_model.safetensors"]).equals(Buffer.from(files["adapter_model.safetensors"]))).toBe(true);
    expect(files2["adapter_config.json"]).toBe(files["adapter_config.json"]);
    disposeLora(lora);
    disposeLora(again);
    disposeModel(model);
  });
});
