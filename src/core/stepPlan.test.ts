// The step count as transformers' Trainer makes it, the epochs a dataset gets, and which prompts are answered.
import { describe, expect, it } from "vitest";
import { answeredPromptIndexes, datasetEpochs, evaluationDue, optimizerSteps, stepsPerEpoch } from "./stepPlan";

describe("optimizerSteps", () => {
  it("is epochs × ceil(rows / batch), rounded up, unless max_steps is set", () => {
    // The alpaca demo with the notebook's settings: 15 epochs of 999 examples at batch 1.
    expect(optimizerSteps(999, 1, 15, 0)).toBe(14_985);
    // 10 rows at batch 4 are 3 batches an epoch; 2.5 epochs are 7.5 → 8 steps.
    expect(optimizerSteps(10, 4, 2.5, 0)).toBe(8);
    expect(optimizerSteps(10, 4, 2.5, 7)).toBe(7);
  });

  it("counts an accumulated step per gradient_accumulation_steps batches, the epoch's last taking what is left", () => {
    // 10 rows at batch 1 are 10 batches; accumulating 4 makes 4 + 4 + 2: 3 steps an epoch (len // gas + 1).
    expect(stepsPerEpoch(10, 1, 4)).toBe(3);
    expect(stepsPerEpoch(8, 1, 4)).toBe(2);
    // 5 rows at batch 4 are 2 batches; accumulating 4 takes both in one step.
    expect(stepsPerEpoch(5, 4, 4)).toBe(1);
    expect(optimizerSteps(10, 1, 2, 0, 4)).toBe(6);
  });
});

describe("evaluationDue", () => {
  it("evaluates every eval_steps, or at each epoch's end, never with eval_strategy no", () => {
    const steps = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(steps.filter((s) => evaluationDue(s, "steps", 5, 4))).toEqual([5, 10]);
    expect(steps.filter((s) => evaluationDue(s, "epoch", 5, 4))).toEqual([4, 8, 12]);
    expect(steps.filter((s) => evaluationDue(s, "no", 5, 4))).toEqual([]);
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
