// The token embedding's lookup as a host kernel, for an embedding that does not train (a stored
// weight). tf.gather's gradient saves the whole matrix for the backward, which never runs for it;
// this kernel has no gradient, so the tape keeps nothing, and the ids travel as an attribute.

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";

const EMBED_ROWS = "PlaygroundEmbedRows";

interface EmbedAttrs {
  ids: number[];
}

// embedding [V, H] → rows [ids.length, H].
registerHostKernel<EmbedAttrs>(
  EMBED_ROWS,
  ([[, H]], { ids }) => [[ids.length, H]],
  ([embedding], [rows], { ids }, [[V, H]]) => {
    ids.forEach((id, n) => {
      if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`internal: token id ${id} is outside the embedding's ${V} rows`);
      rows.set(embedding.subarray(id * H, (id + 1) * H), n * H);
    });
  },
);

/** Rows `ids` of a frozen embedding [V, H] → [ids.length, H]. */
export function hostEmbedRows(embedding: tf.Tensor2D, ids: number[]): tf.Tensor2D {
  return runHostKernel(EMBED_ROWS, [embedding], { ids })[0] as tf.Tensor2D;
}
