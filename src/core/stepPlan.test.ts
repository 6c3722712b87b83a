// The step count as transformers' Trainer makes it, the epochs a dataset gets, and which prompts are answered.
import { describe, expect, it } from "vitest";
import { answeredPromptIndexes, datasetEpochs, optimizerSteps } from "./stepPlan";

describe("optimizerSteps", () => {
  it("is epochs × ceil(rows / batch), rounded up, unless max_steps is set", () => {
    // The alpaca demo with the notebook's settings: 15 epochs of 999 examples at batch 1.
    expect(optimizerSteps(999, 1, 15, 0)).toBe(14_985);
    // 10 rows at batch 4 are 3 batches an epoch; 2.5 epochs are 7.5 → 8 steps.
    expect(optimizerSteps(10, 4, 2.5, 0)).toBe(8);
    expect(optimizerSteps(10, 4, 2.5, 7)).toBe(7);
  });
});

describe("datasetEpochs", () => {
  it("keeps the notebook's epochs for a handful of examples and gives a dataset 3, 2 or 1", () => {
    expect(datasetEpochs(5)).toBeNull();
    expect(datasetEpochs(20)).toBeNull();
    expect(datasetEpochs(21)).toBe(3);
    expect(datasetEpochs(999)).toBe(2);
    expect(datasetEpochs(52_000)).toBe(1);
  });
});

describe("answeredPromptIndexes", () => {
  it("answers all of five examples, and five spread from first to last of more", () => {
    expect(answeredPromptIndexes(5)).toEqual([0, 1, 2, 3, 4]);
    expect(answeredPromptIndexes(3)).toEqual([0, 1, 2]);
    // 998 / 4 = 249.5 apart: 0, 249.5 → 250, 499, 748.5 → 749, 998.
    expect(answeredPromptIndexes(999)).toEqual([0, 250, 499, 749, 998]);
  });
});
