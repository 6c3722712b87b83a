// The mask view's examples as the packed rows training sees (core/packing.ts): each row's sequences
// with their chips, the labels as packed (bfd: a sequence's first token is never a target), so the page
// can show where sequences meet and whether attention crosses there.
import type { MaskView } from "./maskView";
import { packingSummary, planPacking, type PackingStrategy } from "./packing";
import { exampleCutLength } from "./trainingData";
import { IGNORE_INDEX } from "./types";

/** The packed rows of the view's examples; `shown` rows with their chips (the summary counts them all). */
export function packedView(
  view: Pick<MaskView, "examples">,
  settings: { maxSeqLength: number; packing: PackingStrategy },
  shown = Number.POSITIVE_INFINITY,
) {
  const cut = exampleCutLength(settings);
  const lengths = view.examples.map((e) => Math.min(e.inputIds.length, cut));
  const plans = planPacking(lengths, settings.maxSeqLength, settings.packing);
  const rows = plans.slice(0, shown).map((plan) => ({
    length: plan.length,
    // Each sequence: its example's index in the mask view, and the piece of that example's chips in
    // this row (wrapped: from `start`), labels as packed.
    segments: plan.sequences.map(({ example, start, length }) => {
      const chips = view.examples[example].chips.slice(start, start + length);
      // bfd: the first token of a sequence is no target (core/packing.ts, as TRL's padding-free collator).
      if (settings.packing === "bfd" && chips[0].trained) chips[0] = { ...chips[0], label: IGNORE_INDEX, trained: false };
      return { example, chips, start };
    }),
  }));
  return {
    summary: packingSummary(plans, settings.maxSeqLength),
    strategy: settings.packing,
    // bfd: a sequence attends only to itself; wrapped: attention runs across the whole row.
    attentionCrosses: settings.packing === "wrapped",
    rows,
  };
}
