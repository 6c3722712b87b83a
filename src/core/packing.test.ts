import { describe, expect, it } from "vitest";
import { bestFitDecreasing, packExamples, packingSummary, PACKING_MAP_BATCH, planPacking } from "./packing";
import { TRAINING_FIELDS } from "./settings/trainingSettings";
import { IGNORE_INDEX, type TrainExample } from "./types";

/** An example of `n` tokens whose ids say where they came from (example i, token t → 1000·i + t), all trained. */
const example = (i: number, n: number): TrainExample => {
  const ids = Array.from({ length: n }, (_, t) => 1000 * i + t);
  return { inputIds: ids, labels: [...ids] };
};

describe("bestFitDecreasing", () => {
  it("puts each sequence, longest first, into the open row with the least room that fits it", () => {
    // Capacity 8, lengths 5 2 7 3 4 1. By hand, longest first:
    //   7 (#2) → new row A (room 1);  5 (#0) → no room ≥ 5, new row B (room 3);
    //   4 (#4) → rooms 1, 3: new row C (room 4);  3 (#3) → rooms 1, 3, 4: B, exactly (room 0);
    //   2 (#1) → rooms 1, 4: C (room 2);  1 (#5) → rooms 1, 2: A (room 0).
    expect(bestFitDecreasing([5, 2, 7, 3, 4, 1], 8)).toEqual([
      [2, 5],
      [0, 3],
      [4, 1],
    ]);
  });

  it("chooses the tightest row, not the first that fits (first-fit decreasing would differ)", () => {
    // Capacity 10, lengths 4 7 2 4: 7 (#1) → A (room 3); 4 (#0) → B (room 6); 4 (#3) → B (room 2);
    // 2 (#2) → rooms 3 (A) and 2 (B): best fit is B. First fit would have taken A.
    expect(bestFitDecreasing([4, 7, 2, 4], 10)).toEqual([[1], [0, 3, 2]]);
  });

  it("fills rows with equal room in the order they got it, and keeps equal lengths in order", () => {
    // Capacity 6, lengths 4 4 2 2: A = #0 (room 2), B = #1 (room 2); #2 → A (first to have room 2); #3 → B.
    expect(bestFitDecreasing([4, 4, 2, 2], 6)).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it("matches TRL's own docstring example of pack_dataset(strategy='bfd')", () => {
    // trl/data_utils.py pack_dataset: lengths 5, 2, 3, 1 at seq_length 4 (5 truncated to 4) → seq_lengths [[4], [3, 1], [2]].
    expect(bestFitDecreasing([4, 2, 3, 1], 4)).toEqual([[0], [2, 3], [1]]);
  });
});

describe("packExamples (bfd)", () => {
  const examples = [example(0, 5), example(1, 2), example(2, 7), example(3, 3), example(4, 4), example(5, 1)];
  const rows = packExamples(examples, 8, "bfd");

  it("keeps every example whole in one row, and rows within max_seq_length", () => {
    expect(rows.map((r) => r.sequences.map((s) => s.example))).toEqual([
      [2, 5],
      [0, 3],
      [4, 1],
    ]);
    for (const r of rows) {
      expect(r.inputIds.length).toBeLessThanOrEqual(8);
      let at = 0;
      for (const s of r.sequences) {
        expect(r.inputIds.slice(at, at + s.length)).toEqual(examples[s.example].inputIds);
        at += s.length;
      }
    }
  });

  it("restarts position ids at each sequence and never learns a sequence's first token from the one before", () => {
    const [a] = rows; // example 2 (7 tokens) then example 5 (1 token)
    expect(a.positionIds).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
    expect(a.labels[0]).toBe(IGNORE_INDEX);
    expect(a.labels[7]).toBe(IGNORE_INDEX);
    // The other labels are the example's own.
    expect(a.labels.slice(1, 7)).toEqual(examples[2].labels.slice(1));
  });

  it("cuts a sequence longer than max_seq_length and drops empty ones, as _pack_bfd does", () => {
    const got = packExamples([example(0, 11), { inputIds: [], labels: [] }, example(2, 3)], 8, "bfd");
    expect(got.map((r) => r.sequences)).toEqual([[{ example: 0, length: 8 }], [{ example: 2, length: 3 }]]);
    expect(got[0].inputIds).toEqual(example(0, 8).inputIds);
  });

  it("summarises tokens, sequences and efficiency = tokens / (rows × max_seq_length)", () => {
    // 22 tokens in 3 rows of 8 positions.
    const plans = planPacking(
      examples.map((e) => e.inputIds.length),
      8,
      "bfd",
    );
    expect(packingSummary(plans, 8)).toEqual({ rows: 3, sequences: 6, tokens: 22, efficiency: 22 / 24 });
  });

  it("packs an example as long as max_seq_length allows (hundreds of thousands of tokens)", () => {
    const long = example(0, 300_000);
    const [row] = packExamples([long], TRAINING_FIELDS.maxSeqLength.max, "bfd");
    expect(row.inputIds).toEqual(long.inputIds);
    expect(row.positionIds.at(-1)).toBe(299_999);
  });

  it("packs each thousand examples on their own, as datasets' batched map hands them to TRL", () => {
    const many = Array.from({ length: PACKING_MAP_BATCH + 1 }, (_, i) => example(i, 1));
    const got = packExamples(many, 4096, "bfd");
    expect(got.map((r) => r.sequences.length)).toEqual([PACKING_MAP_BATCH, 1]);
  });
});

describe("packExamples (wrapped)", () => {
  it("concatenates and cuts every max_seq_length tokens, keeping labels and counting positions over the row", () => {
    // Lengths 3, 5, 2 at 4: tokens 0 0 0 1 | 1 1 1 1 | 2 2 (example of each token).
    const examples = [example(0, 3), example(1, 5), example(2, 2)];
    const rows = packExamples(examples, 4, "wrapped");
    expect(rows.map((r) => r.sequences)).toEqual([
      [
        { example: 0, length: 3 },
        { example: 1, length: 1 },
      ],
      [{ example: 1, length: 4 }],
      [{ example: 2, length: 2 }],
    ]);
    const all = examples.flatMap((e) => e.inputIds);
    expect(rows.flatMap((r) => r.inputIds)).toEqual(all);
    expect(rows.flatMap((r) => r.labels)).toEqual(all);
    expect(rows[0].positionIds).toEqual([0, 1, 2, 3]);
  });
});
