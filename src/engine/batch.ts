// Examples → padded batches. Right padding, as the HF data collators do for causal-LM training:
// input ids padded with the pad id, attention mask 0 and labels -100 on padding.

import { sequenceNumbers } from "../core/packing";
import { IGNORE_INDEX, type TrainExample } from "../core/types";

export interface Batch {
  inputIds: number[][];
  labels: number[][];
  /**
   * 1 for a real token, 0 for padding; in packed rows the number (1, 2, …) of the sequence each token
   * belongs to, as axolotl's multipack numbers them, from which the model builds the block-diagonal
   * mask and the restarting positions (layers.ts causalPaddingBias, packedPositions).
   */
  attentionMask: number[][];
}

/**
 * Pads examples on the right to the longest one; `padId` fills input ids (masked out anyway). A packed
 * row (core/packing.ts) brings its position ids, TRL's position_ids: its sequences are told apart by them.
 */
export function collate(examples: Array<TrainExample & { positionIds?: number[] }>, padId = 0): Batch {
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
    attentionMask: examples.map((e) =>
      pad(e.positionIds ? sequenceNumbers(e.positionIds) : new Array<number>(e.inputIds.length).fill(1), 0),
    ),
  };
}

/** Real tokens in a batch (its attention mask's non-zero entries, packed rows included). */
export function batchTokens(batch: Batch): number {
  return batch.attentionMask.reduce((n, row) => n + row.filter((m) => m !== 0).length, 0);
}
