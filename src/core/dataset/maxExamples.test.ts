import { describe, expect, it } from "vitest";
import { readDatasetText } from "./read";

describe("maxExamples", () => {
  it("keeps the first N usable examples and counts all of them", async () => {
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ prompt: `q${i}`, completion: `a${i}` }));
    const r = await readDatasetText("big.jsonl", lines.join("\n"), { maxExamples: 3 });
    expect(r.examples.map((e) => e.turns[0].content)).toEqual(["q0", "q1", "q2"]);
    expect(r.examplesTotal).toBe(7);
    expect(r.turns).toBe(14);
  });
});
