// The eval split: datasets' train_test_split counts, seeded and disjoint, and its refusals.
import { describe, expect, it } from "vitest";
import { evaluationSets, heldOutCount, splitForEvaluation } from "./evalSplit";

const items = Array.from({ length: 23 }, (_, i) => `example ${i}`);

describe("splitForEvaluation", () => {
  it("holds out ceil(fraction × n) examples, as train_test_split(test_size) counts them", () => {
    // 0.1 × 23 = 2.3 → 3; 0.2 × 5 = 1; 0.5 × 3 = 1.5 → 2.
    expect(heldOutCount(23, 0.1)).toBe(3);
    expect(heldOutCount(5, 0.2)).toBe(1);
    expect(heldOutCount(3, 0.5)).toBe(2);
    expect(splitForEvaluation(items, 0.1, 1).eval).toHaveLength(3);
  });

  it("splits every example into exactly one side, in the data's order, the same for a seed", () => {
    const { train, eval: held } = splitForEvaluation(items, 0.3, 7);
    expect([...train, ...held].sort()).toEqual([...items].sort());
    expect(train.filter((x) => held.includes(x))).toEqual([]);
    expect(train).toEqual(items.filter((x) => train.includes(x)));
    expect(splitForEvaluation(items, 0.3, 7)).toEqual({ train, eval: held });
    // Another seed holds out others (eight seeds: not all may pick the same seven of 23).
    const picks = new Set([1, 2, 3, 4, 5, 6, 8, 9].map((seed) => splitForEvaluation(items, 0.3, seed).eval.join()));
    expect(picks.size).toBeGreaterThan(1);
  });

  it("keeps everything for training at 0, and refuses a split that leaves nothing to train", () => {
    expect(splitForEvaluation(items, 0, 1)).toEqual({ train: items, eval: [] });
    expect(() => splitForEvaluation(["a"], 0.2, 1)).toThrow(
      "eval split 0.2 of 1 example holds out 1, leaving none to train on; lower the eval split or add examples",
    );
  });
});

describe("evaluationSets", () => {
  it("takes a separate eval dataset whole, and refuses it beside an eval split", () => {
    expect(evaluationSets(["a", "b"], ["c"], { evalSplit: 0, seed: 1 })).toEqual({ train: ["a", "b"], eval: ["c"] });
    expect(() => evaluationSets(["a", "b"], ["c"], { evalSplit: 0.5, seed: 1 })).toThrow(/set eval split to 0 to use the eval dataset/);
  });
});
