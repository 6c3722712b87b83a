// The notebook's conclusions, each set beside the numbers this replay measured: a claim, what was
// measured on this model, and whether that supports it. Nothing here is canned: every verdict is a
// comparison of two measurements, and a missing measurement says so.
import type { ExperimentId } from "./experiments";

export interface ReplayAnswer {
  kind: "train" | "holdout";
  question: string;
  expected: string;
  text: string;
  /** The answer ended with a stop token (EOS or the end marker) within the tokens generated. */
  ended: boolean;
  matches: boolean;
}

export interface ExperimentResult {
  id: ExperimentId;
  /** Why the experiment was not trained (e.g. every label -100), or null. */
  skipped: string | null;
  wallMs: number;
  steps: number;
  firstLoss: number | null;
  finalLoss: number | null;
  /** Labels the loss counts in one pass over the examples. */
  trainedTokens: number;
  /** Whether any label is the end-of-answer token (EOS / end marker). */
  eosTrained: boolean;
  /** The answers at the last evaluated step. */
  answers: ReplayAnswer[];
  /** The first evaluated step at which every training answer was right, or null. */
  firstAllMatchStep: number | null;
  /** Teacher-forced: the share of the holdout prompt's next tokens the model guessed right, or null. */
  promptGuessRate: number | null;
}

export type Verdict = "supports" | "contradicts" | "inconclusive";

export interface Conclusion {
  claim: string;
  measured: string;
  verdict: Verdict;
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const trainedAnswers = (r: ExperimentResult) => r.answers.filter((a) => a.kind === "train");
const matched = (r: ExperimentResult) => `${trainedAnswers(r).filter((a) => a.matches).length}/${trainedAnswers(r).length}`;
const learnedAt = (r: ExperimentResult) =>
  r.firstAllMatchStep === null ? `not within ${r.steps} steps` : `at step ${r.firstAllMatchStep}`;
const ran = (r: ExperimentResult | undefined): r is ExperimentResult => r !== undefined && r.skipped === null && r.steps > 0;

function speed(full: ExperimentResult | undefined, markers: ExperimentResult | undefined): Conclusion {
  const claim = "Masking the prompt makes training faster: fewer loss terms (notebook: markers took 13% less time than full).";
  if (!ran(full) || !ran(markers)) return { claim, measured: "full or markers did not run", verdict: "inconclusive" };
  const saved = (full.wallMs - markers.wallMs) / full.wallMs;
  const measured = `markers ${(markers.wallMs / 1000).toFixed(1)} s vs full ${(full.wallMs / 1000).toFixed(1)} s: ${saved >= 0 ? `${pct(saved)} less` : `${pct(-saved)} more`} time, ${markers.steps} vs ${full.steps} steps`;
  return { claim, measured, verdict: saved > 0 ? "supports" : "contradicts" };
}

function epochs(full: ExperimentResult | undefined, markers: ExperimentResult | undefined): Conclusion {
  const claim = "Training only on the answers learns them sooner (notebook: 15 epochs with markers, 30 with full labels).";
  if (!ran(full) || !ran(markers)) return { claim, measured: "full or markers did not run", verdict: "inconclusive" };
  const measured = `all answers right with markers ${learnedAt(markers)}, with full ${learnedAt(full)}`;
  if (markers.firstAllMatchStep === null)
    return { claim, measured, verdict: full.firstAllMatchStep === null ? "inconclusive" : "contradicts" };
  const sooner = full.firstAllMatchStep === null || markers.firstAllMatchStep < full.firstAllMatchStep;
  return {
    claim,
    measured,
    verdict: sooner ? "supports" : markers.firstAllMatchStep === full.firstAllMatchStep ? "inconclusive" : "contradicts",
  };
}

function promptLearned(full: ExperimentResult | undefined, markers: ExperimentResult | undefined): Conclusion {
  const claim = "Full labels also teach the prompt; a masked run does not (notebook: the iterative prediction wrote the question back).";
  if (!ran(full) || !ran(markers) || full.promptGuessRate === null || markers.promptGuessRate === null) {
    return { claim, measured: "no teacher-forced guesses for full and markers", verdict: "inconclusive" };
  }
  const measured = `holdout prompt tokens guessed right (teacher-forced): full ${pct(full.promptGuessRate)}, markers ${pct(markers.promptGuessRate)}`;
  return { claim, measured, verdict: full.promptGuessRate > markers.promptGuessRate ? "supports" : "contradicts" };
}

function eosMasked(collator: ExperimentResult | undefined, markers: ExperimentResult | undefined): Conclusion {
  const claim =
    "The TRL collator with EOS as instruction template masks the EOS: stopping is not trained, only kept by luck (notebook In [39]–[41]).";
  if (!collator || collator.skipped !== null) return { claim, measured: collator?.skipped ?? "did not run", verdict: "inconclusive" };
  const ended = (r: ExperimentResult) => `${trainedAnswers(r).filter((a) => a.ended).length}/${trainedAnswers(r).length}`;
  const measured = `EOS label trained: ${collator.eosTrained ? "yes" : "no"} (markers: ${markers?.eosTrained ? "yes" : "no"}); answers that end with EOS: ${ended(collator)}${ran(markers) ? ` (markers: ${ended(markers)})` : ""}`;
  return { claim, measured, verdict: collator.eosTrained ? "contradicts" : "supports" };
}

function templateNotFound(text: ExperimentResult | undefined): Conclusion {
  const claim =
    'The response template "\\n\\n### Assistant:" tokenized alone is not in the tokenized text, so the collator trains nothing (notebook In [47]).';
  if (!text) return { claim, measured: "did not run", verdict: "inconclusive" };
  if (text.skipped !== null) return { claim, measured: text.skipped.replace(/\.$/, ""), verdict: "supports" };
  return { claim, measured: `the template was found: ${text.trainedTokens} tokens trained per epoch`, verdict: "contradicts" };
}

/** Against markers: the same answers with EOS trained; only the template tokens differ. */
function newRows(special: ExperimentResult | undefined, markers: ExperimentResult | undefined): Conclusion {
  const claim =
    "Templates added as special tokens start from untrained embedding rows, so the task is learned more slowly (notebook In [55]).";
  if (!ran(special) || !ran(markers)) return { claim, measured: "special tokens or markers did not train", verdict: "inconclusive" };
  const measured = `all answers right with special tokens ${learnedAt(special)} (final loss ${special.finalLoss?.toFixed(3)}), with markers ${learnedAt(markers)} (final loss ${markers.finalLoss?.toFixed(3)})`;
  const s = special.firstAllMatchStep ?? Number.POSITIVE_INFINITY;
  const o = markers.firstAllMatchStep ?? Number.POSITIVE_INFINITY;
  if (s !== o) return { claim, measured, verdict: s > o ? "supports" : "contradicts" };
  const [ls, lo] = [special.finalLoss ?? 0, markers.finalLoss ?? 0];
  return { claim, measured, verdict: ls === lo ? "inconclusive" : ls > lo ? "supports" : "contradicts" };
}

function multiTurn(multi: ExperimentResult | undefined, markers: ExperimentResult | undefined): Conclusion {
  const claim =
    "Concatenated multi-turn examples mean fewer steps per epoch and slower learning (notebook: 45 steps, wrong answers after 15 epochs).";
  if (!ran(multi) || !ran(markers)) return { claim, measured: "multi-turn or markers did not run", verdict: "inconclusive" };
  const measured = `${multi.steps} steps vs ${markers.steps}; answers right: ${matched(multi)} (markers ${matched(markers)}), learned ${learnedAt(multi)}`;
  const slower = (multi.firstAllMatchStep ?? Number.POSITIVE_INFINITY) >= (markers.firstAllMatchStep ?? Number.POSITIVE_INFINITY);
  return { claim, measured, verdict: multi.steps < markers.steps && slower ? "supports" : "contradicts" };
}

export function conclusions(results: readonly ExperimentResult[]): Conclusion[] {
  const by = (id: ExperimentId) => results.find((r) => r.id === id);
  return [
    speed(by("full"), by("markers")),
    epochs(by("full"), by("markers")),
    promptLearned(by("full"), by("markers")),
    eosMasked(by("completion-markers"), by("markers")),
    templateNotFound(by("completion-text")),
    newRows(by("special-tokens"), by("markers")),
    multiTurn(by("multi-turn"), by("markers")),
  ];
}
