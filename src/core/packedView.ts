// The mask view's examples as the packed rows training sees (core/packing.ts): each row's sequences
// with their chips, the labels as packed (bfd: a sequence's first token is never a target), so the page
// can show where sequences meet and whether attention crosses there.
import type { MaskView, TokenChip } from "./maskView";
import { packExamples, packingSummary, type PackingStrategy, type PackingSummary } from "./packing";
import { exampleCutLength } from "./trainingData";
import { IGNORE_INDEX } from "./types";

export interface PackedSegment {
  /** The example's index in the mask view. */
  example: number;
  /** The piece of the example's chips in this row (wrapped: from `start`), labels as packed. */
  chips: TokenChip[];
  start: number;
}

export interface PackedRowView {
  length: number;
  segments: PackedSegment[];
}

export interface PackedView {
  summary: PackingSummary;
  strategy: PackingStrategy;
  /** bfd: a sequence attends only to itself; wrapped: attention runs across the whole row. */
  attentionCrosses: boolean;
  rows: PackedRowView[];
}

export function packedView(view: Pick<MaskView, "examples">, settings: { maxSeqLength: number; packing: PackingStrategy }): PackedView {
  const cut = exampleCutLength(settings);
  const examples = view.examples.map((e) => ({ inputIds: e.inputIds.slice(0, cut), labels: e.labels.slice(0, cut) }));
  const rows = packExamples(examples, settings.maxSeqLength, settings.packing);
  // Wrapped rows take each example's tokens in order: where the next piece of an example starts.
  const next = new Array<number>(examples.length).fill(0);
  const rowViews = rows.map((row): PackedRowView => {
    let at = 0;
    const segments = row.sequences.map(({ example, length }): PackedSegment => {
      const start = settings.packing === "wrapped" ? next[example] : 0;
      next[example] = start + length;
      const labels = row.labels.slice(at, at + length);
      at += length;
      const chips = view.examples[example].chips
        .slice(start, start + length)
        .map((c, i) => (labels[i] === c.label ? c : { ...c, label: labels[i], trained: labels[i] !== IGNORE_INDEX }));
      return { example, chips, start };
    });
    return { length: row.inputIds.length, segments };
  });
  return {
    summary: packingSummary(rows, settings.maxSeqLength),
    strategy: settings.packing,
    attentionCrosses: settings.packing === "wrapped",
    rows: rowViews,
  };
}
