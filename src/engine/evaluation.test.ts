// The eval loss against the composed ops (forward + causalLmLoss per batch, transformers'
// evaluation_loop averaging), evaluation every eval_steps inside the Trainer, and flat tensor counts
// with gradient accumulation and evaluation.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, expect, it } from "vitest";
import { IGNORE_INDEX, type TrainExample } from "../core/types";
import { collate } from "./batch";
import { evaluationLoss } from "./evaluation";
import { useCpu } from "./fixtures.testutil";
import { causalLmLoss } from "./loss";
import { createLora, disposeLora } from "./lora";
import { forward } from "./model";
import { randomModel } from "./randomModel.testutil";
import { Trainer } from "./trainer";
import { disposeModel } from "./weights";

beforeAll(useCpu);

const I = IGNORE_INDEX;
// Different lengths and different numbers of trained tokens, so the batch means and their weights matter.
const EXAMPLES: TrainExample[] = [
  { inputIds: [1, 5, 6, 7, 8, 2], labels: [I, I, I, 7, 8, 2] },
  { inputIds: [1, 9, 10, 2], labels: [I, I, 10, 2] },
  { inputIds: [1, 11, 12, 13, 14, 15, 16, 2], labels: [I, I, I, I, 14, 15, 16, 2] },
  { inputIds: [1, 17, 18, 2], labels: [I, I, I, 2] },
  { inputIds: [1, 19, 20, 21, 2], labels: [I, I, 20, 21, 2] },
];

it("is the batch-size-weighted mean of each eval batch's token-mean loss (evaluation_loop), forward only", async () => {
  const { model } = await randomModel({ arch: "LlamaForCausalLM", vocab: 32, seed: 3 });
  const lora = createLora(model, { r: 4, lora_alpha: 8, target_modules: "all-linear" }, 1);
  const batches = [EXAMPLES.slice(0, 2), EXAMPLES.slice(2, 4), EXAMPLES.slice(4)];
  const means = batches.map((b) => {
    const batch = collate(b, 0);
    return tf.tidy(
      () => causalLmLoss(forward(model, batch.inputIds, { lora, attentionMask: batch.attentionMask }), batch.labels).dataSync()[0],
    );
  });
  const expected = (means[0] * 2 + means[1] * 2 + means[2] * 1) / 5;
  const before = tf.memory().numTensors;
  const got = await evaluationLoss(model, lora, EXAMPLES, { batchSize: 2, padTokenId: 0 });
  expect(tf.memory().numTensors).toBe(before);
  expect(got.loss).toBeCloseTo(expected, 5);
  expect(got.tokens).toBe(3 + 2 + 4 + 1 + 3); // the labels that are not -100 (none at position 0, which nothing predicts)
  disposeLora(lora);
  disposeModel(model);
});

it("evaluates every eval_steps inside the Trainer, and accumulation plus evaluation leak no tensors", async () => {
  const { model } = await randomModel({ arch: "LlamaForCausalLM", vocab: 32, seed: 4 });
  const lora = createLora(model, { r: 4, lora_alpha: 8, target_modules: "all-linear" }, 1);
  const plan = { examples: EXAMPLES.slice(3), eval_strategy: "steps" as const, eval_steps: 3 };
  const args = { learning_rate: 1e-2, max_steps: 9, per_device_train_batch_size: 1, gradient_accumulation_steps: 2, seed: 0 };
  const trainer = new Trainer(model, lora, EXAMPLES.slice(0, 3), args, plan);
  const evaluated: number[] = [];
  let last = Number.NaN;
  let tensorsAfterStep3 = -1;
  while (!trainer.done) {
    const r = await trainer.step();
    if (r.evalLoss !== undefined) [evaluated[evaluated.length], last] = [r.step, r.evalLoss];
    if (r.step === 3) tensorsAfterStep3 = tf.memory().numTensors;
  }
  expect(evaluated).toEqual([3, 6, 9]);
  expect(tf.memory().numTensors).toBe(tensorsAfterStep3);
  // The last step's eval loss is the finished adapter's (the eval batch is transformers' default 8).
  expect(last).toBe((await evaluationLoss(model, lora, plan.examples, { batchSize: 8, padTokenId: 0 })).loss);
  trainer.dispose();
  disposeLora(lora);
  disposeModel(model);
});
