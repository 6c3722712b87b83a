// TRL's DataCollatorForCompletionOnlyLM, position for position (trl/trainer/utils.py, torch_call):
// - labels start as input_ids with every pad id masked (DataCollatorForLanguageModeling);
// - response template only: everything through the LAST match is masked;
// - with an instruction template: each span from an instruction match to the next response end is
//   masked (the first from position 0), and a trailing instruction with no response after it is
//   masked to the end (why the notebook's EOS-as-instruction run never trains EOS);
// - a template not found masks the whole example.
import { IGNORE_INDEX } from "../types";

export interface CompletionOnlyResult {
  labels: number[];
  responseFound: boolean;
  /** null when no instruction template was given. */
  instructionFound: boolean | null;
}

/** Start positions of every occurrence of `pattern` in `ids` (matched on labels, as TRL does). */
export function findAll(ids: readonly number[], pattern: readonly number[]): number[] {
  const hits: number[] = [];
  if (pattern.length === 0) return hits;
  for (let i = 0; i + pattern.length <= ids.length; i++) {
    let ok = true;
    for (let j = 0; j < pattern.length && ok; j++) ok = ids[i + j] === pattern[j];
    if (ok) hits.push(i);
  }
  return hits;
}

export function completionOnlyLabels(
  inputIds: readonly number[],
  responseIds: readonly number[],
  instructionIds: readonly number[] | null,
  padId: number | null,
): CompletionOnlyResult {
  const labels = inputIds.map((id) => (padId !== null && id === padId ? IGNORE_INDEX : id));
  const maskRange = (from: number, to: number) => {
    for (let i = Math.max(0, from); i < Math.min(to, labels.length); i++) labels[i] = IGNORE_INDEX;
  };
  const responseStarts = findAll(labels, responseIds);

  if (instructionIds === null) {
    if (responseStarts.length === 0) {
      maskRange(0, labels.length);
      return { labels, responseFound: false, instructionFound: null };
    }
    maskRange(0, responseStarts[responseStarts.length - 1] + responseIds.length);
    return { labels, responseFound: true, instructionFound: null };
  }

  const responseEnds = responseStarts.map((s) => s + responseIds.length);
  if (responseEnds.length === 0) {
    maskRange(0, labels.length);
    // TRL then finds no instruction either (it searches the now fully masked labels); report
    // whether the instruction template really occurs, which is what the user needs to know.
    return { labels, responseFound: false, instructionFound: findAll(inputIds, instructionIds).length > 0 };
  }
  let humanStarts = findAll(labels, instructionIds);
  if (humanStarts.length === 0) {
    maskRange(0, labels.length);
    return { labels, responseFound: true, instructionFound: false };
  }
  if (humanStarts[0] > responseEnds[0]) humanStarts = [0, ...humanStarts];
  const pairs = Math.min(humanStarts.length, responseEnds.length);
  for (let k = 0; k < pairs; k++) maskRange(k === 0 ? 0 : humanStarts[k], responseEnds[k]);
  if (responseEnds.length < humanStarts.length) maskRange(humanStarts[humanStarts.length - 1], labels.length);
  return { labels, responseFound: true, instructionFound: true };
}
