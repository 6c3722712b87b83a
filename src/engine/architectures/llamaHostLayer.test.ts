// The Llama layer as one op (llamaHostLayer.ts) against the same layer composed of taped ops, and
// the loss that reads only what it needs (gradients.ts) against the whole forward pass: loss and
// every trainable gradient, on a model with grouped-query attention, biases on every linear, LoRA
// on all of them (B not zero, as after training), a padded batch with masked labels.
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Batch } from "../batch";
import { useCpu } from "../fixtures.testutil";
import { lossAndGradTensors } from "../gradients";
import { causalLmLossFromHidden } from "../loss";
import { createLora, disposeLora, trainableVariables, type LoraAdapter } from "../lora";
import { forwardHidden } from "../model";
import { randomModel } from "../randomModel.testutil";
import type { CausalLM } from "../weights";
import { setHostLayer } from "./llamaHostLayer";

beforeAll(useCpu);
afterAll(() => setHostLayer("auto"));

const batch: Batch = {
  inputIds: [
    [1, 5, 41, 14, 3, 22, 8, 2],
    [1, 50, 30, 11, 2, 0, 0, 0],
  ],
  labels: [
    [-100, -100, -100, 14, 3, 22, -100, -100],
    [-100, -100, 30, 11, 2, -100, -100, -100],
  ],
  attentionMask: [
    [1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 0, 0, 0],
  ],
};

async function setup(
  trainNewTokenRows: number | null = null,
  lora_dropout = 0,
  arch: "LlamaForCausalLM" | "Qwen3ForCausalLM" = "LlamaForCausalLM",
): Promise<{ model: CausalLM; lora: LoraAdapter }> {
  const { model } = await randomModel({
    arch,
    heads: 4,
    kvHeads: 2,
    extra: { attention_bias: true, mlp_bias: true },
  });
  const lora = createLora(model, { r: 4, lora_alpha: 8, target_modules: "all-linear", trainNewTokenRows, lora_dropout }, 3);
  let k = 0;
  for (const m of lora.modules.values()) {
    const values = Float32Array.from({ length: m.B.size }, (_, i) => 0.3 * Math.sin(i + 7 * k));
    m.B.assign(tf.tensor(values, m.B.shape));
    k++;
  }
  return { model, lora };
}

function lossAndGrads(model: CausalLM, lora: LoraAdapter, step: () => { loss: tf.Scalar; grads: tf.Tensor[] }) {
  const { loss, grads } = step();
  const out = { loss: loss.dataSync()[0], grads: grads.map((g) => Array.from(g.dataSync())) };
  tf.dispose([loss, ...grads]);
  expect(out.grads).toHaveLength(trainableVariables(lora).length);
  return out;
}

function expectSame(a: { loss: number; grads: number[][] }, b: { loss: number; grads: number[][] }) {
  expect(Number.isFinite(a.loss)).toBe(true);
  expect(a.loss).toBeCloseTo(b.loss, 5);
  a.grads.forEach((g, i) => {
    const scale = Math.max(...b.grads[i].map(Math.abs));
    expect(scale).toBeGreaterThan(1e-6);
    g.forEach((x, j) => expect(Math.abs(x - b.grads[i][j])).toBeLessThan(1e-4 * scale));
  });
}

/** `run` under the host layer `mode` and then composed (mode "off"), the mode put back to auto. */
function fusedAndComposed<T>(mode: "auto" | "ops", run: () => T): { fused: T; composed: T } {
  setHostLayer(mode);
  const fused = run();
  setHostLayer("off");
  const composed = run();
  setHostLayer("auto");
  return { fused, composed };
}

describe("the Llama layer as one kernel or one op", () => {
  it.each([
    ["one kernel", "auto", null],
    ["one kernel", "auto", 40],
    ["one op of host kernels", "ops", null],
    ["one op of host kernels", "ops", 40],
  ] as const)("as %s gives the composed layers' loss and gradients (new token rows from %s)", async (_what, fused, rows) => {
    const { model, lora } = await setup(rows);
    const r = fusedAndComposed(fused, () => lossAndGrads(model, lora, () => lossAndGradTensors(model, lora, batch)));
    expectSame(r.fused, r.composed);
    disposeLora(lora);
  });

  it("as one op of host kernels under LoRA dropout draws the composed layers' masks: the same loss and gradients", async () => {
    const { model, lora } = await setup(null, 0.3);
    const run = (seed?: number) => lossAndGrads(model, lora, () => lossAndGradTensors(model, lora, batch, seed));
    // The layer kernel has no dropout: auto runs the op of host kernels.
    const r = fusedAndComposed("auto", () => run(11));
    expectSame(r.fused, r.composed);
    // The masks do something: another seed, or none, gives another loss.
    expect(Math.abs(run(12).loss - r.fused.loss)).toBeGreaterThan(1e-4);
    expect(Math.abs(run().loss - r.fused.loss)).toBeGreaterThan(1e-4);
    disposeLora(lora);
  });

  it("as one op of host kernels with Qwen3's per-head q/k norms gives the composed layers' loss and gradients", async () => {
    const { model, lora } = await setup(null, 0, "Qwen3ForCausalLM");
    expect(model.config.qkNorm).toBe(true);
    // Norm weights away from 1, so that leaving a norm out or its gradient would show.
    for (const [name, w] of model.weights)
      if (/[qk]_norm\.weight$/.test(name)) model.weights.set(name, tf.add(w, tf.linspace(-0.5, 0.7, w.size)));
    // The layer kernel has no q/k norms: auto runs the op of host kernels.
    const r = fusedAndComposed("auto", () => lossAndGrads(model, lora, () => lossAndGradTensors(model, lora, batch)));
    expectSame(r.fused, r.composed);
    disposeLora(lora);
  });

  it("and the loss that stops at the last counted position gives the whole forward pass's", async () => {
    const { model, lora } = await setup();
    const pruned = lossAndGrads(model, lora, () => lossAndGradTensors(model, lora, batch));
    const whole = lossAndGrads(model, lora, () => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(() => {
            const h = forwardHidden(model, batch.inputIds, { lora, attentionMask: batch.attentionMask });
            return causalLmLossFromHidden(h.hidden, h.head, batch.labels);
          }),
        trainableVariables(lora),
      );
      return { loss: value, grads: trainableVariables(lora).map((v) => grads[v.name]) };
    });
    expectSame(pruned, whole);
    disposeLora(lora);
  });
});
