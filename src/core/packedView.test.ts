import { describe, expect, it } from "vitest";
import type { ExampleView, TokenChip } from "./maskView";
import { packedView } from "./packedView";
import { IGNORE_INDEX } from "./types";

/** An example view of `n` tokens, all trained, ids 100·index + position. */
function example(index: number, n: number): ExampleView {
  const ids = Array.from({ length: n }, (_, t) => 100 * index + t);
  const chips = ids.map((id, position): TokenChip => ({
    position,
    id,
    label: id,
    trained: true,
    text: `t${id}`,
    special: false,
    added: false,
  }));
  return { index, text: "", inputIds: ids, labels: [...ids], chips, trainedCount: n, warnings: [] };
}

const examples = [example(0, 5), example(1, 3), example(2, 6)];

describe("packedView", () => {
  it("under bfd shows each example whole in one row, its first token not trained, attention kept apart", () => {
    // Capacity 8, lengths 5 3 6: 6 (#2) → A (room 2); 5 (#0) → B (room 3); 3 (#1) → B (exactly).
    const v = packedView({ examples }, { maxSeqLength: 8, packing: "bfd" });
    expect(v.attentionCrosses).toBe(false);
    expect(v.rows.map((r) => r.segments.map((s) => s.example))).toEqual([[2], [0, 1]]);
    const [, second] = v.rows;
    expect(second.segments[1].chips.map((c) => c.position)).toEqual([0, 1, 2]);
    expect(second.segments.map((s) => s.chips[0].trained)).toEqual([false, false]);
    expect(second.segments[1].chips[0].label).toBe(IGNORE_INDEX);
    expect(second.segments[1].chips.slice(1).every((c) => c.trained)).toBe(true);
    expect(v.summary).toEqual({ rows: 2, sequences: 3, tokens: 14, efficiency: 14 / 16 });
  });

  it("gives the first `shown` rows their chips and counts every row in the summary", () => {
    const v = packedView({ examples }, { maxSeqLength: 4, packing: "wrapped" }, 1);
    expect(v.rows).toHaveLength(1);
    expect(v.summary.rows).toBe(4);
  });

  it("under wrapped shows the pieces of examples cut at row ends, from where each piece starts, attention crossing", () => {
    // 5 + 3 + 6 = 14 tokens cut every 4: #0 0–3 | #0 4, #1 0–2 | #2 0–3 | #2 4–5.
    const v = packedView({ examples }, { maxSeqLength: 4, packing: "wrapped" });
    expect(v.attentionCrosses).toBe(true);
    expect(v.rows.map((r) => r.segments.map((s) => [s.example, s.start, s.chips.length]))).toEqual([
      [[0, 0, 4]],
      [
        [0, 4, 1],
        [1, 0, 3],
      ],
      [[2, 0, 4]],
      [[2, 4, 2]],
    ]);
    expect(v.rows[1].segments[0].chips[0].position).toBe(4);
    // Wrapped keeps every label: a piece's first token is trained.
    expect(v.rows.every((r) => r.segments.every((s) => s.chips.every((c) => c.trained)))).toBe(true);
  });
});
