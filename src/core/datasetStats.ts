// What a user needs to know about the examples before training, from their mask view: how long they
// are (a histogram), what share of tokens is trained, how many max_seq_length cuts and by how much
// (the trainers truncate from the right), which teach nothing because a template was not found, and
// which repeat an earlier one.
import type { ExampleView } from "./maskView";
import { IGNORE_INDEX } from "./types";

export interface LengthBin {
  /** Token lengths in [from, to). */
  from: number;
  to: number;
  count: number;
}

export interface DatasetStats {
  examples: number;
  tokens: number;
  trained: number;
  lengths: { min: number; median: number; max: number };
  histogram: LengthBin[];
  /** Examples longer than max_seq_length, and the tokens (and trained tokens) the cut drops. */
  truncated: { examples: number; tokensCut: number; trainedCut: number };
  /** Indexes of examples whose response template was not found (all masked). */
  templateNotFound: number[];
  /** Indexes of examples with no trained token, whatever the reason. */
  nothingTrained: number[];
  /** Indexes of examples whose text repeats an earlier example's. */
  duplicates: number[];
}

/** Bin edges at a round step, so that the bars read as "0–64, 64–128, …"; at most `maxBins` bars. */
function histogram(lengths: readonly number[], max: number, maxBins: number): LengthBin[] {
  if (lengths.length === 0) return [];
  const raw = Math.max(1, Math.ceil((max + 1) / maxBins));
  const step = 2 ** Math.ceil(Math.log2(raw));
  const bins: LengthBin[] = [];
  for (let from = 0; from <= max; from += step) bins.push({ from, to: from + step, count: 0 });
  for (const n of lengths) bins[Math.floor(n / step)].count++;
  return bins;
}

export function datasetStats(views: readonly ExampleView[], maxSeqLength: number, maxBins = 16): DatasetStats {
  const lengths = views.map((v) => v.inputIds.length);
  const sorted = [...lengths].sort((a, b) => a - b);
  const max = sorted.at(-1) ?? 0;
  let tokensCut = 0;
  let trainedCut = 0;
  let truncatedExamples = 0;
  const seen = new Set<string>();
  const duplicates: number[] = [];
  for (const v of views) {
    if (v.inputIds.length > maxSeqLength) {
      truncatedExamples++;
      tokensCut += v.inputIds.length - maxSeqLength;
      trainedCut += v.labels.slice(maxSeqLength).filter((l) => l !== IGNORE_INDEX).length;
    }
    if (seen.has(v.text)) duplicates.push(v.index);
    else seen.add(v.text);
  }
  return {
    examples: views.length,
    tokens: lengths.reduce((a, b) => a + b, 0),
    trained: views.reduce((n, v) => n + v.trainedCount, 0),
    lengths: { min: sorted[0] ?? 0, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, max },
    histogram: histogram(lengths, max, maxBins),
    truncated: { examples: truncatedExamples, tokensCut, trainedCut },
    templateNotFound: views.filter((v) => v.warnings.some((w) => w.code === "template-not-found")).map((v) => v.index),
    nothingTrained: views.filter((v) => v.trainedCount === 0).map((v) => v.index),
    duplicates,
  };
}
