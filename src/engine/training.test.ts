// Overfitting the notebook's five translation examples proves loss, gradients, optimizer and
// generation work together; the tensor count proves the training loop does not leak.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, expect, it } from "vitest";
import { IGNORE_INDEX, type TrainExample } from "../core/types";
import { useCpu } from "./fixtures.testutil";
import { generateGreedy } from "./generate";
import { createLora, disposeLora } from "./lora";
import { randomModel } from "./randomModel.testutil";
import { Trainer } from "./trainer";
import { disposeModel } from "./weights";

beforeAll(useCpu);

const PAIRS = [
  ["dog", "perro"],
  ["water", "agua"],
  ["mother", "madre"],
  ["hello", "hola"],
  ["tree", "árbol"],
];
const prompt = (w: string) => `\n\n### Human: How do you say "${w}" in Spanish?\n\n### Assistant:`;

/** A tiny word-level tokenizer for the test only: words, single spaces/newlines, punctuation. */
function makeTokenizer(texts: string[]) {
  const split = (s: string) => s.match(/\n|[^\S\n]+|[\p{L}\p{N}]+|[^\p{L}\p{N}\s]/gu) ?? [];
  const vocab = ["<pad>", "<s>", "</s>", ...[...new Set(texts.flatMap(split))].sort()];
  const id = new Map(vocab.map((t, i) => [t, i]));
  return { vocab, encode: (s: string) => split(s).map((t) => id.get(t)!) };
}

it("overfits five examples with a flat tensor count", async () => {
  const tok = makeTokenizer(PAIRS.flatMap(([w, a]) => [prompt(w), ` ${a}`]));
  const BOS = 1;
  const EOS = 2;
  const data: TrainExample[] = PAIRS.map(([w, a]) => {
    const p = [BOS, ...tok.encode(prompt(w))];
    const answer = [...tok.encode(` ${a}`), EOS];
    return { inputIds: [...p, ...answer], labels: [...p.map(() => IGNORE_INDEX), ...answer] };
  });
  const { model } = await randomModel({
    arch: "LlamaForCausalLM",
    vocab: tok.vocab.length,
    hidden: 64,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    intermediate: 128,
    std: 0.1,
    eos: EOS,
  });
  // A random base model knows nothing, so the adapter has to carry the whole mapping: all-linear
  // targets give it enough capacity and lr 1e-2 (vs the 5e-5 default for pretrained models)
  // lets 50 steps suffice. Weights of std 0.1 (HF initialises with 0.02) give the random model
  // attention patterns that are not uniform, which a pretrained model would have anyway; with
  // 0.02 the same run needs several hundred steps.
  const lora = createLora(model, { r: 8, lora_alpha: 16, target_modules: "all-linear" }, 0);
  const trainer = new Trainer(model, lora, data, { learning_rate: 1e-2, max_steps: 50, per_device_train_batch_size: 5, seed: 0 });
  const losses: number[] = [];
  let tensorsAfterStep2 = -1;
  while (!trainer.done) {
    const r = await trainer.step();
    losses.push(r.loss);
    if (r.step === 2) tensorsAfterStep2 = tf.memory().numTensors;
  }
  const tensorsAfterStep50 = tf.memory().numTensors;
  console.log(
    `loss ${losses[0].toFixed(3)} → ${losses[losses.length - 1].toFixed(4)}; tensors after step 2: ${tensorsAfterStep2}, after step 50: ${tensorsAfterStep50}`,
  );
  expect(tensorsAfterStep50).toBe(tensorsAfterStep2);
  expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 10);
  for (const [w, a] of PAIRS) {
    const out = await generateGreedy(model, [BOS, ...tok.encode(prompt(w))], { maxNewTokens: 6, lora });
    expect(out, w).toEqual([...tok.encode(` ${a}`), EOS]);
  }
  trainer.dispose();
  disposeLora(lora);
  disposeModel(model);
});
