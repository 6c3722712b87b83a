// Properties that must hold for any shape, checked on random models of shapes the fixtures do
// not cover: odd head counts, GQA ratios, Qwen3 q/k norms, tied/untied heads, F16/BF16 storage.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useCpu, maxAbsDiff } from "./fixtures.testutil";
import { generateGreedy, teacherForced } from "./generate";
import { lossAndGrads } from "./gradients";
import { alibiSlopes } from "./layers";
import { causalLmLoss } from "./loss";
import { createLora, disposeLora, trainableVariables, type LoraAdapter } from "./lora";
import { forward } from "./model";
import { Rng } from "./rng";
import { randomConfigJson, randomModel, randomWeights, type RandomModelSpec } from "./randomModel.testutil";
import { writeSafetensors } from "./safetensors";
import { disposeModel, loadModelFromFiles, resizeTokenEmbeddings, type CausalLM } from "./weights";

beforeAll(useCpu);

const SPECS: Record<string, RandomModelSpec> = {
  "llama 8q/2kv untied BF16": { arch: "LlamaForCausalLM", hidden: 32, heads: 8, kvHeads: 2, dtype: "BF16" },
  "qwen2 6q/3kv tied F16": { arch: "Qwen2ForCausalLM", hidden: 48, heads: 6, kvHeads: 3, tied: true, dtype: "F16" },
  "qwen3 4q/1kv head_dim 12": { arch: "Qwen3ForCausalLM", hidden: 32, heads: 4, kvHeads: 1, headDim: 12, tied: true },
  "llama3 rope scaling + biases": {
    arch: "LlamaForCausalLM",
    hidden: 32,
    heads: 4,
    kvHeads: 4,
    extra: {
      attention_bias: true,
      mlp_bias: true,
      rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8 },
    },
  },
  "bloom 6 heads F16": { arch: "BloomForCausalLM", hidden: 36, heads: 6, dtype: "F16" },
  "bloom 3 heads untied": { arch: "BloomForCausalLM", hidden: 24, heads: 3, tied: false },
};

/** Gives B random non-zero values so gradients w.r.t. A are non-trivial. */
function randomizeB(lora: LoraAdapter, seed: number): void {
  const rng = new Rng(seed);
  for (const m of lora.modules.values())
    m.B.assign(
      tf.tensor(
        new Float32Array(m.B.size).map(() => 0.3 * rng.normal()),
        m.B.shape,
      ),
    );
}

describe.each(Object.entries(SPECS))("%s", (_, spec) => {
  const prompt = [3, 14, 15, 9, 26, 5];

  it("KV-cache greedy generation equals the argmax of a full forward pass", async () => {
    const { model } = await randomModel(spec);
    const lora = createLora(model, { r: 2, target_modules: "all-linear" }, 3);
    randomizeB(lora, 4);
    const tensorsBefore = tf.memory().numTensors;
    const generated = await generateGreedy(model, prompt, { maxNewTokens: 6, stopAtEos: false, lora });
    expect(tf.memory().numTensors).toBe(tensorsBefore); // the KV cache is freed
    const full = [...prompt, ...generated];
    const predicted = await teacherForced(model, full, lora);
    expect(predicted.slice(prompt.length - 1, full.length - 1)).toEqual(generated);
    disposeLora(lora);
    disposeModel(model);
  });

  it("right-padded batch gives the same logits and loss per example as unbatched", async () => {
    const { model } = await randomModel(spec);
    const seqs = [prompt, prompt.slice(0, 3), [7, 8, 9, 10, 11]];
    const T = Math.max(...seqs.map((s) => s.length));
    const ids = seqs.map((s) => [...s, ...new Array<number>(T - s.length).fill(0)]);
    const mask = seqs.map((s) => [...s.map(() => 1), ...new Array<number>(T - s.length).fill(0)]);
    const labels = seqs.map((s) => [...s, ...new Array<number>(T - s.length).fill(-100)]);
    tf.tidy(() => {
      const batched = forward(model, ids, { attentionMask: mask });
      seqs.forEach((s, b) => {
        const alone = forward(model, [s]);
        const row = tf.slice(batched, [b, 0, 0], [1, s.length, batched.shape[2]]) as tf.Tensor3D;
        expect(maxAbsDiff(row.dataSync(), alone.dataSync())).toBeLessThan(1e-5);
        const lossRow = causalLmLoss(row, [labels[b].slice(0, s.length)]).dataSync()[0];
        const lossPadded = causalLmLoss(tf.slice(batched, [b, 0, 0], [1, T, batched.shape[2]]) as tf.Tensor3D, [labels[b]]).dataSync()[0];
        expect(Math.abs(lossRow - causalLmLoss(alone, [s]).dataSync()[0])).toBeLessThan(1e-5);
        expect(Math.abs(lossPadded - lossRow)).toBeLessThan(1e-5);
      });
    });
    disposeModel(model);
  });

  it("LoRA gradients match central finite differences", async () => {
    const { model } = await randomModel({ ...spec, layers: 1 });
    const lora = createLora(model, { r: 2, lora_alpha: 4, target_modules: "all-linear" }, 5);
    randomizeB(lora, 6);
    const batch = { inputIds: [prompt], labels: [[-100, ...prompt.slice(1)]], attentionMask: [prompt.map(() => 1)] };
    const { grads } = lossAndGrads(model, lora, batch);
    const vars = trainableVariables(lora);
    const eps = 1e-3;
    const loss = () => tf.tidy(() => causalLmLoss(forward(model, batch.inputIds, { lora }), batch.labels).dataSync()[0]);
    [...grads.values()].slice(0, 4).forEach((g, i) => {
      const analytic = g.dataSync();
      const scale = Math.max(...Array.from(analytic, Math.abs));
      // The three largest entries: finite differences in float32 are too noisy for tiny ones.
      const picks = Array.from(analytic.keys())
        .sort((a, b) => Math.abs(analytic[b]) - Math.abs(analytic[a]))
        .slice(0, 3);
      for (const j of picks) {
        const original = vars[i].dataSync().slice();
        const at = (delta: number) => {
          const w = original.slice();
          w[j] += delta;
          vars[i].assign(tf.tensor(w, vars[i].shape));
          return loss();
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        vars[i].assign(tf.tensor(original, vars[i].shape));
        expect(Math.abs(fd - analytic[j])).toBeLessThan(1e-2 * scale + 1e-4);
      }
    });
    tf.dispose([...grads.values()]);
    disposeLora(lora);
    disposeModel(model);
  });
});

/** The same weights with every K/V head repeated nH/nKV times, as plain multi-head attention. */
function repeatKvHeads(json: Record<string, unknown>, weights: ReturnType<typeof randomWeights>, headDim: number, group: number) {
  const mha = { ...json, num_key_value_heads: json.num_attention_heads };
  const out = new Map(weights);
  for (const [name, t] of weights) {
    if (!/\.(k_proj|v_proj)\.(weight|bias)$/.test(name)) continue;
    const rowLen = t.shape.length === 2 ? t.shape[1] : 1;
    const kvHeads = t.shape[0] / headDim;
    const data = new Float32Array(t.data.length * group);
    for (let h = 0; h < kvHeads * group; h++) {
      const src = Math.floor(h / group);
      data.set(t.data.subarray(src * headDim * rowLen, (src + 1) * headDim * rowLen), h * headDim * rowLen);
    }
    out.set(name, { shape: t.shape.length === 2 ? [t.shape[0] * group, rowLen] : [t.shape[0] * group], data });
  }
  return { mha, out };
}

it.each([
  ["llama", { arch: "LlamaForCausalLM", hidden: 32, heads: 8, kvHeads: 2 }],
  ["qwen2 with biases", { arch: "Qwen2ForCausalLM", hidden: 36, heads: 6, kvHeads: 3 }],
] as const)("GQA (%s) equals the same model with K/V heads repeated as full MHA", async (_, spec) => {
  const json = randomConfigJson(spec);
  const weights = randomWeights(json, 0.2, 7, "F32");
  const gqa = await loadModelFromFiles(json, [{ name: "gqa", source: writeSafetensors(weights) }]);
  const { mha, out } = repeatKvHeads(json, weights, spec.hidden / spec.heads, spec.heads / spec.kvHeads);
  const full = await loadModelFromFiles(mha, [{ name: "mha", source: writeSafetensors(out) }]);
  expect(full.config.numKvHeads).toBe(spec.heads);
  const ids = [[1, 5, 9, 2, 7, 3, 3, 8]];
  const diff = tf.tidy(() => maxAbsDiff(forward(gqa, ids).dataSync(), forward(full, ids).dataSync()));
  expect(diff).toBeLessThan(1e-5);
  disposeModel(gqa);
  disposeModel(full);
});

it("ALiBi slopes follow HF for non-power-of-two head counts", () => {
  expect(Array.from(alibiSlopes(6))).toEqual([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]);
  expect(Array.from(alibiSlopes(4))).toEqual([0.25, 0.0625, 0.015625, 0.00390625]);
});

it("resizing the vocabulary initialises new rows to the mean of the old ones", async () => {
  const { model } = await randomModel({ arch: "LlamaForCausalLM", vocab: 20, tied: false });
  const before = tf.tidy(() => tf.mean(model.weights.get("model.embed_tokens.weight")!, 0).dataSync());
  resizeTokenEmbeddings(model, 23);
  const emb = model.weights.get("model.embed_tokens.weight")!;
  expect(emb.shape).toEqual([23, 32]);
  expect(model.weights.get("lm_head.weight")!.shape).toEqual([23, 32]);
  const newRow = tf.tidy(() => tf.slice(emb, [22, 0], [1, 32]).dataSync());
  expect(maxAbsDiff(newRow, before)).toBeLessThan(1e-6);
  // New rows can be trained by the adapter: they get gradients, other rows stay frozen.
  const lora = createLora(model, { trainNewTokenRows: 20 }, 1);
  const { grads } = lossAndGrads(model, lora, { inputIds: [[1, 21, 22, 3]], labels: [[1, 21, 22, 3]], attentionMask: [[1, 1, 1, 1]] });
  const rowGrad = [...grads.values()].at(-1)!;
  expect(rowGrad.shape).toEqual([3, 32]);
  expect(Math.max(...Array.from(rowGrad.dataSync(), Math.abs))).toBeGreaterThan(0);
  tf.dispose([...grads.values()]);
  disposeLora(lora);
  disposeModel(model as CausalLM);
});
