// What a user needs to know about the examples before training, from their mask view: how long they
// are (a histogram), what share of tokens is trained, how many max_seq_length cuts and by how much
// (the trainers truncate from the right), which teach nothing because a template was not found, and
// which repeat an earlier one. From the mask view of the whole list, or, for a list too long to view
// whole, from the dataset worker's tokenization of it (services/datasetTokens.ts).
import { flatCount, flatLength, flattenExamples, type FlatExamples } from "./flatExamples";
import type { ExampleView } from "./maskView";
import { IGNORE_INDEX } from "./types";

/** The examples tokenized and masked (uncut), in list order, with what the summary needs besides. */
export interface TokenizedExamples {
  tokens: FlatExamples;
  /** Trained positions of each example. */
  trained: ArrayLike<number>;
  /** Equal for examples whose rendered text is equal (the text, or a hash of it). */
  textKeys: ArrayLike<string | number>;
  /** 1 where the example's response template was not found. */
  templateNotFound: ArrayLike<number>;
}

export function tokenizedViews(views: readonly ExampleView[]): TokenizedExamples {
  return {
    tokens: flattenExamples(views),
    trained: views.map((v) => v.trainedCount),
    textKeys: views.map((v) => v.text),
    templateNotFound: views.map((v) => (v.warnings.some((w) => w.code === "template-not-found") ? 1 : 0)),
  };
}

export interface LengthBin {
  /** Token lengths in [from, to). */
  from: number;
  to: number;
  count: number;
}

export type DatasetStats = ReturnType<typeof datasetStats>;

/** Bin edges at a round step, so that the bars read as "0–64, 64–128, …"; at most `maxBins` bars. */
function histogram(lengths: ArrayLike<number> & Iterable<number>, max: number, maxBins: number): LengthBin[] {
  if (lengths.length === 0) return [];
  const raw = Math.max(1, Math.ceil((max + 1) / maxBins));
  const step = 2 ** Math.ceil(Math.log2(raw));
  const bins: LengthBin[] = [];
  for (let from = 0; from <= max; from += step) bins.push({ from, to: from + step, count: 0 });
  for (const n of lengths) bins[Math.floor(n / step)].count++;
  return bins;
}

export function datasetStats(examples: TokenizedExamples, maxSeqLength: number, maxBins = 16) {
  const { tokens, trained, textKeys, templateNotFound } = examples;
  const count = flatCount(tokens);
  const lengths = new Int32Array(count);
  for (let k = 0; k < count; k++) lengths[k] = flatLength(tokens, k);
  const sorted = lengths.slice().sort();
  const max = sorted.at(-1) ?? 0;
  let tokensCut = 0;
  let trainedCut = 0;
  let truncatedExamples = 0;
  let trainedTotal = 0;
  const seen = new Set<string | number>();
  const duplicates: number[] = [];
  const nothingTrained: number[] = [];
  const notFound: number[] = [];
  for (let k = 0; k < count; k++) {
    trainedTotal += trained[k];
    if (trained[k] === 0) nothingTrained.push(k);
    if (templateNotFound[k]) notFound.push(k);
    if (lengths[k] > maxSeqLength) {
      truncatedExamples++;
      tokensCut += lengths[k] - maxSeqLength;
      for (let p = tokens.offsets[k] + maxSeqLength; p < tokens.offsets[k + 1]; p++) if (tokens.labels[p] !== IGNORE_INDEX) trainedCut++;
    }
    if (seen.has(textKeys[k])) duplicates.push(k);
    else seen.add(textKeys[k]);
  }
  return {
    examples: count,
    tokens: tokens.inputIds.length,
    trained: trainedTotal,
    lengths: { min: sorted[0] ?? 0, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, max },
    histogram: histogram(lengths, max, maxBins),
    // Examples longer than max_seq_length, and the tokens (and trained tokens) the cut drops.
    truncated: { examples: truncatedExamples, tokensCut, trainedCut },
    // Indexes of examples whose response template was not found (all masked).
    templateNotFound: notFound,
    // Indexes of examples with no trained token, whatever the reason.
    nothingTrained,
    // Indexes of examples whose text repeats an earlier example's.
    duplicates,
  };
}
