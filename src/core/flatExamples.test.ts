// How a run's examples cross to the training worker: flattened (cut to max_seq_length) and read back
// by the worker's schema as the same arrays; offsets that do not describe the arrays are refused.
import { describe, expect, it } from "vitest";
import { cutExamples, flattenExamples, flatRows, unflattenExamples } from "./flatExamples";
import { NOTEBOOK_TRAINING } from "./playgroundState";
import { parseToWorker } from "./protocol";
import { IGNORE_INDEX } from "./types";

const EXAMPLES = [
  { inputIds: [5, 6, 7, 8], labels: [IGNORE_INDEX, IGNORE_INDEX, 7, 8] },
  { inputIds: [9], labels: [9] },
  { inputIds: [1, 2, 3], labels: [IGNORE_INDEX, 2, 3] },
];

const start = (examples: unknown) => ({
  id: 7,
  request: { type: "start", runId: "r", examples, prompts: [], settings: NOTEBOOK_TRAINING, stopIds: [2], newTokenIds: [] },
});

describe("flat examples", () => {
  it("cut each example from the right and come back as the same arrays", () => {
    const flat = cutExamples(flattenExamples(EXAMPLES), 3);
    expect(Array.from(flat.offsets)).toEqual([0, 3, 4, 7]);
    expect(unflattenExamples(flat)).toEqual([
      { inputIds: [5, 6, 7], labels: [IGNORE_INDEX, IGNORE_INDEX, 7] },
      { inputIds: [9], labels: [9] },
      { inputIds: [1, 2, 3], labels: [IGNORE_INDEX, 2, 3] },
    ]);
    // Typed-array views flatten as arrays do (the dataset worker's rows are views).
    expect(flattenExamples(flatRows(flattenExamples(EXAMPLES)))).toEqual(flattenExamples(EXAMPLES));
  });

  it("reach the training worker as arrays, checked as arrays are", () => {
    const parsed = parseToWorker(start(flattenExamples(EXAMPLES)));
    if (!parsed.ok || parsed.value.request.type !== "start") throw new Error(JSON.stringify(parsed));
    expect(parsed.value.request.examples).toEqual(EXAMPLES);
    // A label that is not a token id is refused in either shape.
    const bad = flattenExamples([{ inputIds: [5], labels: [-7] }]);
    expect(parseToWorker(start(bad))).toMatchObject({ ok: false, id: 7 });
  });

  it("are refused when the offsets do not describe the arrays", () => {
    const flat = flattenExamples(EXAMPLES);
    const broken = { ...flat, offsets: Int32Array.from([0, 5, 4, 8]) };
    const parsed = parseToWorker(start(broken));
    expect(parsed).toMatchObject({ ok: false, id: 7 });
    expect(!parsed.ok && parsed.message).toMatch(/^Bad message to the training worker at request\.examples/);
  });
});
