// TRL DataCollatorForCompletionOnlyLM semantics beyond what the notebook prints.
import { describe, expect, it } from "vitest";
import { IGNORE_INDEX as M } from "../types";
import { completionOnlyLabels, findAll } from "./completionOnly";

// Toy ids: 7 = instruction template, 8 9 = response template, 0 = pad.
describe("completionOnlyLabels", () => {
  it("finds every occurrence of a pattern", () => {
    expect(findAll([1, 8, 9, 8, 9, 8], [8, 9])).toEqual([1, 3]);
    expect(findAll([1, 2], [])).toEqual([]);
  });

  it("response template only: masks through the LAST match", () => {
    const r = completionOnlyLabels([7, 1, 8, 9, 2, 7, 3, 8, 9, 4], [8, 9], null, null);
    expect(r.labels).toEqual([M, M, M, M, M, M, M, M, M, 4]);
  });

  it("with an instruction template: masks each instruction→response span, trains every answer", () => {
    const r = completionOnlyLabels([7, 1, 8, 9, 2, 7, 3, 8, 9, 4], [8, 9], [7], null);
    expect(r.labels).toEqual([M, M, M, M, 2, M, M, M, M, 4]);
  });

  it("a first span starts at position 0 even when the text does not open with the instruction", () => {
    const r = completionOnlyLabels([5, 5, 8, 9, 2, 7, 3, 8, 9, 4], [8, 9], [7], null);
    expect(r.labels).toEqual([M, M, M, M, 2, M, M, M, M, 4]);
  });

  it("a trailing instruction with no response after it is masked to the end", () => {
    const r = completionOnlyLabels([7, 1, 8, 9, 2, 7, 3, 3], [8, 9], [7], null);
    expect(r.labels).toEqual([M, M, M, M, 2, M, M, M]);
  });

  it("labels equal to the pad id are masked", () => {
    const r = completionOnlyLabels([7, 1, 8, 9, 2, 0, 0], [8, 9], [7], 0);
    expect(r.labels).toEqual([M, M, M, M, 2, M, M]);
  });

  it("instruction template missing masks everything and says so", () => {
    const r = completionOnlyLabels([1, 8, 9, 2], [8, 9], [7], null);
    expect(r).toEqual({ labels: [M, M, M, M], responseFound: true, instructionFound: false });
  });

  it("response missing reports whether the instruction really occurs", () => {
    expect(completionOnlyLabels([7, 1, 2], [8, 9], [7], null).instructionFound).toBe(true);
    expect(completionOnlyLabels([1, 2], [8, 9], null, null).instructionFound).toBeNull();
  });
});
