// Token ids against the model's vocabulary, before a run starts or a view is computed: an id past
// the embedding would read a row that does not exist (tfjs gathers zeros or fails deep inside a
// step). The protocol has already refused negative ids, labels other than -100, and examples
// whose labels and input ids differ in length; only the worker knows the model's vocabulary.
import type { ToWorker } from "../../core/protocol";

/** A sequence of ids to check, and how a message names it. */
export interface IdSequence {
  ids: readonly number[];
  /** "example 2, input id", "prompt 1, input id", "example 2, label" */
  what: string;
}

const NEXT_STEP =
  "the tokenizer does not belong to this model. Load the model's own tokenizer, or the model that goes with this tokenizer.";

/** Throws, saying where and what to do, at the first id ≥ vocabSize (-100 is below it, as is every label). */
export function checkIds(sequences: IdSequence[], vocabSize: number): void {
  for (const { ids, what } of sequences) {
    const position = ids.findIndex((id) => id >= vocabSize);
    if (position < 0) continue;
    throw new Error(
      `Token id ${ids[position]} (${what} at position ${position}) is outside the model's vocabulary of ${vocabSize}: ${NEXT_STEP}`,
    );
  }
}

/**
 * The vocabulary a run needs (the model's, grown for tokens added at runtime), once every id of
 * the start message fits it. Added tokens take the ids after the tokenizer's, so n of them reach at
 * most n past the model's vocabulary; an id beyond that would allocate rows for nothing (an added
 * id of 1e12 asked for a terabyte of embedding).
 */
export function vocabularyForStart(msg: Extract<ToWorker, { type: "start" }>, modelVocab: number): number {
  const added = msg.newTokenIds.length;
  const stray = msg.newTokenIds.findIndex((id) => id >= modelVocab + added);
  if (stray >= 0) {
    throw new Error(
      `Added token id ${msg.newTokenIds[stray]} (newTokenIds[${stray}]) is past the model's vocabulary of ${modelVocab} plus the ${added} added token${added === 1 ? "" : "s"}: ${NEXT_STEP}`,
    );
  }
  const needed = msg.newTokenIds.reduce((n, id) => Math.max(n, id + 1), modelVocab);
  checkIds(
    [
      ...msg.examples.map((e, k) => ({ ids: e.inputIds, what: `example ${k + 1}, input id` })),
      ...msg.examples.map((e, k) => ({ ids: e.labels, what: `example ${k + 1}, label` })),
      ...msg.prompts.map((p, k) => ({ ids: p.inputIds, what: `prompt ${k + 1}, input id` })),
    ],
    needed,
  );
  return needed;
}
