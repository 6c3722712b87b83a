// Packing (core/packing.ts) in training: one step on bfd-packed rows gives the loss and gradients of
// the same examples unpacked in one batch (the loss is the mean over the batch's counted tokens either
// way), because the block-diagonal mask keeps each sequence to itself, RoPE positions restart at each
// sequence (ALiBi's count for BLOOM), and the label at each sequence start is not a target.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packExamples } from "../core/packing";
import { IGNORE_INDEX, type TrainExample } from "../core/types";
import { setHostLayer } from "./architectures/llamaHostLayer";
import { collate, type Batch } from "./batch";
import { useCpu } from "./fixtures.testutil";
import { lossAndGradTensors } from "./gradients";
import { packedPositions } from "./layers";
import { createLora, disposeLora, trainableVariables, type LoraAdapter } from "./lora";
import { randomModel, type RandomModelSpec } from "./randomModel.testutil";
import { Trainer } from "./trainer";
import type { CausalLM } from "./weights";

beforeAll(useCpu);
afterAll(() => setHostLayer("auto"));

/**
 * Four examples of 3 to 9 tokens, each with its prompt masked. At 11: 9 → row A (room 2), 7 → B (room 4),
 * 5 → C (room 6), 3 → B: rows of 9, 10 and 5 tokens, so the batch pads two of them.
 */
const EXAMPLES: TrainExample[] = [
  [1, 5, 41, 14, 3, 22, 8, 2, 9],
  [1, 50, 30, 11, 2],
  [1, 7, 2],
  [1, 12, 13, 60, 33, 2, 6],
].map((ids) => ({ inputIds: ids, labels: ids.map((id, t) => (t < 2 ? IGNORE_INDEX : id)) }));
const MAX_LENGTH = 11;

async function setup(spec: RandomModelSpec): Promise<{ model: CausalLM; lora: LoraAdapter }> {
  const { model } = await randomModel(spec);
  const lora = createLora(model, { r: 4, lora_alpha: 8, target_modules: "all-linear" }, 3);
  // B not zero (as after some training), so that every adapter matrix has a gradient.
  let k = 0;
  for (const m of lora.modules.values()) {
    m.B.assign(
      tf.tensor(
        Float32Array.from({ length: m.B.size }, (_, i) => 0.3 * Math.sin(i + 7 * k)),
        m.B.shape,
      ),
    );
    k++;
  }
  return { model, lora };
}

function step(model: CausalLM, lora: LoraAdapter, batch: Batch): { loss: number; grads: number[][] } {
  const { loss, grads } = lossAndGradTensors(model, lora, batch);
  const out = { loss: loss.dataSync()[0], grads: grads.map((g) => Array.from(g.dataSync())) };
  tf.dispose([loss, ...grads]);
  expect(out.grads).toHaveLength(trainableVariables(lora).length);
  return out;
}

function expectWithin(a: { loss: number; grads: number[][] }, b: { loss: number; grads: number[][] }, tolerance: number) {
  expect(Number.isFinite(a.loss)).toBe(true);
  expect(Math.abs(a.loss - b.loss)).toBeLessThan(tolerance);
  a.grads.forEach((g, i) => {
    expect(Math.max(...b.grads[i].map(Math.abs))).toBeGreaterThan(1e-4);
    g.forEach((x, j) => expect(Math.abs(x - b.grads[i][j])).toBeLessThan(tolerance));
  });
}

const MODELS: Array<[string, RandomModelSpec]> = [
  ["Llama (grouped-query attention, biases)", { arch: "LlamaForCausalLM", heads: 4, kvHeads: 2, extra: { attention_bias: true } }],
  ["Qwen3 (q/k norms)", { arch: "Qwen3ForCausalLM", heads: 4, kvHeads: 2, headDim: 8 }],
  ["BLOOM (ALiBi)", { arch: "BloomForCausalLM", heads: 4 }],
];

describe("a step on bfd-packed rows", () => {
  const rows = packExamples(EXAMPLES, MAX_LENGTH, "bfd");

  it("packs the examples into fewer rows than examples, of unequal lengths, each row holding whole sequences", () => {
    expect(rows.map((r) => r.inputIds.length)).toEqual([9, 10, 5]);
    expect(rows.flatMap((r) => r.sequences.map((s) => s.example)).sort()).toEqual([0, 1, 2, 3]);
  });

  it("gives the model TRL's position ids: restarting at each sequence, read back from the batch's mask", () => {
    const batch = collate(rows);
    const T = batch.inputIds[0].length;
    // Padding (to the longest row) has position 0, as TRL's collator pads position_ids with 0.
    expect(packedPositions(batch.attentionMask)).toEqual(
      rows.map((r) => [...r.positionIds, ...new Array<number>(T - r.positionIds.length).fill(0)]),
    );
    expect(rows.some((r) => r.positionIds.filter((p) => p === 0).length > 1)).toBe(true);
  });

  it.each(MODELS)("gives the unpacked batch's loss and gradients within 1e-5: %s", async (_name, spec) => {
    const { model, lora } = await setup(spec);
    for (const layer of ["auto", "off"] as const) {
      // "auto": the fused host layer (packed rows with per-row rotary tables); "off": the composed ops.
      setHostLayer(layer);
      expectWithin(step(model, lora, collate(rows)), step(model, lora, collate(EXAMPLES)), 1e-5);
    }
    setHostLayer("auto");
    disposeLora(lora);
  });

  it("differs when the packed sequences may attend to each other (the block mask is what makes them equal)", async () => {
    const { model, lora } = await setup(MODELS[0][1]);
    const crossing = collate(rows.map(({ inputIds, labels }) => ({ inputIds, labels })));
    expect(Math.abs(step(model, lora, crossing).loss - step(model, lora, collate(EXAMPLES)).loss)).toBeGreaterThan(1e-3);
    disposeLora(lora);
  });

  it("is what the Trainer runs with TRL's packing arguments: its first step has the unpacked step's loss", async () => {
    const { model, lora } = await setup(MODELS[0][1]);
    const expected = step(model, lora, collate(EXAMPLES)).loss;
    const args = { per_device_train_batch_size: rows.length, max_steps: 1, learning_rate: 1e-3 };
    const trainer = new Trainer(model, lora, EXAMPLES, { ...args, packing: true, packing_strategy: "bfd", max_length: MAX_LENGTH });
    expect(trainer.totalSteps).toBe(1);
    const metrics = await trainer.step();
    expect(Math.abs(metrics.loss - expected)).toBeLessThan(1e-5);
    // Counted tokens are the unpacked batch's; input tokens the examples' own (no padding in packed rows).
    expect(metrics.inputTokens).toBe(EXAMPLES.reduce((n, e) => n + e.inputIds.length, 0));
    trainer.dispose();
    disposeLora(lora);
  });
});
