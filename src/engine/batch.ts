// Examples → padded batches. Right padding, as the HF data collators do for causal-LM training:
// input ids padded with the pad id, attention mask 0 and labels -100 on padding.

import { IGNORE_INDEX } from "../core/types";

/** One tokenized, already-masked training example. */
export interface Example {
  input_ids: number[];
  labels: number[];
}

export interface Batch {
  inputIds: number[][];
  labels: number[][];
  attentionMask: number[][];
}

/** Pads examples on the right to the longest one; `padId` fills input ids (masked out anyway). */
export function collate(examples: Example[], padId = 0): Batch {
  const T = Math.max(...examples.map((e) => e.input_ids.length));
  const pad = <V>(row: number[], value: V) => [...row, ...new Array<V>(T - row.length).fill(value)] as number[];
  examples.forEach((e, i) => {
    if (e.labels.length !== e.input_ids.length) {
      throw new Error(`example #${i}: ${e.input_ids.length} input_ids but ${e.labels.length} labels; they must be equally long`);
    }
  });
  return {
    inputIds: examples.map((e) => pad(e.input_ids, padId)),
    labels: examples.map((e) => pad(e.labels, IGNORE_INDEX)),
    attentionMask: examples.map((e) => pad(new Array<number>(e.input_ids.length).fill(1), 0)),
  };
}
