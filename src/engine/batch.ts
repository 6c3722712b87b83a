// Examples → padded batches. Right padding, as the HF data collators do for causal-LM training:
// input ids padded with the pad id, attention mask 0 and labels -100 on padding.

import { IGNORE_INDEX, type TrainExample } from "../core/types";

export interface Batch {
  inputIds: number[][];
  labels: number[][];
  attentionMask: number[][];
}

/** Pads examples on the right to the longest one; `padId` fills input ids (masked out anyway). */
export function collate(examples: TrainExample[], padId = 0): Batch {
  const T = Math.max(...examples.map((e) => e.inputIds.length));
  const pad = <V>(row: number[], value: V) => [...row, ...new Array<V>(T - row.length).fill(value)] as number[];
  examples.forEach((e, i) => {
    if (e.labels.length !== e.inputIds.length) {
      throw new Error(`example #${i}: ${e.inputIds.length} input ids but ${e.labels.length} labels; they must be equally long`);
    }
  });
  return {
    inputIds: examples.map((e) => pad(e.inputIds, padId)),
    labels: examples.map((e) => pad(e.labels, IGNORE_INDEX)),
    attentionMask: examples.map((e) => pad(new Array<number>(e.inputIds.length).fill(1), 0)),
  };
}
