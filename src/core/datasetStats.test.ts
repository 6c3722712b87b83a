// The dataset summary on hand-made views whose numbers are worked out below by hand.
import { describe, expect, it } from "vitest";
import { datasetStats, tokenizedViews } from "./datasetStats";
import type { ExampleView } from "./maskView";
import { IGNORE_INDEX, type MaskWarning } from "./types";

/** An example of `n` tokens whose last `trained` are trained. */
function view(index: number, n: number, trained: number, text = `example ${index}`, warnings: MaskWarning[] = []): ExampleView {
  const inputIds = Array.from({ length: n }, (_, k) => 100 + k);
  const labels = inputIds.map((id, k) => (k >= n - trained ? id : IGNORE_INDEX));
  return { index, text, inputIds, labels, chips: [], trainedCount: trained, warnings };
}

describe("datasetStats", () => {
  const notFound: MaskWarning = { code: "template-not-found", message: "not found" };
  const views = [view(0, 3, 1), view(1, 5, 2, "same"), view(2, 10, 4), view(3, 70, 0, "x", [notFound]), view(4, 5, 2, "same")];
  const stats = datasetStats(tokenizedViews(views), 8);

  it("counts tokens, trained tokens and the lengths' min, median and max", () => {
    expect(stats).toMatchObject({ examples: 5, tokens: 93, trained: 9, lengths: { min: 3, median: 5, max: 70 } });
  });

  it("says how many examples max_seq_length cuts, and the tokens and trained tokens it drops", () => {
    // 10 → 8 drops 2 tokens, both trained (the last 4 are); 70 → 8 drops 62, none trained.
    expect(stats.truncated).toEqual({ examples: 2, tokensCut: 64, trainedCut: 2 });
  });

  it("bins the lengths at a power-of-two step, at most 16 bars", () => {
    // 71 lengths' worth in 16 bars needs a step of 5, rounded up to 8: bars 0–8, 8–16, …, 64–72.
    expect(stats.histogram).toHaveLength(9);
    expect(stats.histogram[0]).toEqual({ from: 0, to: 8, count: 3 });
    expect(stats.histogram[1]).toEqual({ from: 8, to: 16, count: 1 });
    expect(stats.histogram[8]).toEqual({ from: 64, to: 72, count: 1 });
    expect(stats.histogram.reduce((n, b) => n + b.count, 0)).toBe(5);
  });

  it("lists the examples whose template was not found, those that teach nothing, and repeats", () => {
    expect(stats.templateNotFound).toEqual([3]);
    expect(stats.nothingTrained).toEqual([3]);
    expect(stats.duplicates).toEqual([4]);
  });

  it("is empty for no examples", () => {
    expect(datasetStats(tokenizedViews([]), 8)).toMatchObject({ examples: 0, histogram: [], lengths: { min: 0, median: 0, max: 0 } });
  });
});
