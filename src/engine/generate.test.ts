// The decode loop against tiny-llama's PyTorch greedy tokens (test/fixtures): streamed one by one,
// stopped on request, and sampled with settings that must reduce to greedy.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_GENERATION } from "../core/settings/generationSettings";
import { loadFixture, readReference, useCpu } from "./fixtures.testutil";
import { generate } from "./generate";
import { disposeModel } from "./weights";

beforeAll(useCpu);

describe("generate", () => {
  const ref = readReference("tiny-llama");

  it("streams each token as it is chosen, the same tokens as PyTorch's greedy search", async () => {
    const model = await loadFixture("tiny-llama");
    const streamed: number[] = [];
    const r = await generate(model, ref.greedy_prompt, { maxNewTokens: 8, stopAtEos: false, onToken: (t) => void streamed.push(t) });
    expect(r).toEqual({ tokens: ref.greedy_new_tokens, finish: "length" });
    expect(streamed).toEqual(ref.greedy_new_tokens);
    disposeModel(model);
  });

  it("stops when asked, between tokens, and frees its cache", async () => {
    const model = await loadFixture("tiny-llama");
    const before = tf.memory().numTensors;
    let n = 0;
    const r = await generate(model, ref.greedy_prompt, {
      maxNewTokens: 8,
      stopAtEos: false,
      onToken: () => void n++,
      shouldStop: () => n >= 3,
    });
    expect(r).toEqual({ tokens: ref.greedy_new_tokens.slice(0, 3), finish: "stopped" });
    expect(tf.memory().numTensors).toBe(before);
    disposeModel(model);
  });

  it("ends at a stop id, which is kept", async () => {
    const model = await loadFixture("tiny-llama");
    const stop = ref.greedy_new_tokens[2];
    const r = await generate(model, ref.greedy_prompt, { maxNewTokens: 8, eosTokenIds: [stop] });
    expect(r).toEqual({ tokens: ref.greedy_new_tokens.slice(0, ref.greedy_new_tokens.indexOf(stop) + 1), finish: "eos" });
    disposeModel(model);
  });

  it("sampling with top_k = 1 is greedy search, whatever the seed and temperature", async () => {
    const model = await loadFixture("tiny-llama");
    for (const seed of [1, 2]) {
      const sampling = { ...DEFAULT_GENERATION, doSample: true, topK: 1, temperature: 1.7, seed };
      const r = await generate(model, ref.greedy_prompt, { maxNewTokens: 8, stopAtEos: false, sampling });
      expect(r.tokens).toEqual(ref.greedy_new_tokens);
    }
    disposeModel(model);
  });
});
