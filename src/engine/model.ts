// One entry point over the architectures: ids + attention mask → logits, with an optional LoRA
// adapter and KV cache. Callers own the returned tensors (wrap in tf.tidy or dispose).

import * as tf from "@tensorflow/tfjs-core";
import { architectureFor } from "./architectures";
import type { LoraAdapter } from "./loraConfig";
import { headLogits, type LmHead } from "./head";
import { loraDropoutActive, selectRows } from "./layers";
import type { CausalLM, LayerCache, LayerContext } from "./modelTypes";
import { embeddingName, headName, wholeVocabMatrix } from "./weights";

export interface ForwardOptions {
  /** Adapter to apply; null/undefined runs the base model. */
  lora?: LoraAdapter | null;
  /** [B, Tpast+T] with 1 for real tokens, 0 for right padding; default all ones. */
  attentionMask?: number[][];
  /** KV cache from an earlier call ([] to start one); the updated cache is returned. */
  cache?: LayerCache[] | null;
  /** Enables LoRA dropout with this seed (training); omit for evaluation. */
  dropoutSeed?: number | null;
  /** Only these rows of the flattened [B·T] hidden states are wanted (the loss's counted rows); hidden is then [rows.length, H]. */
  outputRows?: number[] | null;
}

/** The embedding's row blocks (one, unless the backend keeps it in several), with an adapter's trainable new-token rows swapped in. */
function embeddingBlocks(model: CausalLM, lora: LoraAdapter | null): tf.Tensor2D[] {
  const name = embeddingName(model.config);
  const extra = lora?.newTokenRows;
  if (!extra) return model.vocabBlocks.get(name) ?? [model.weights.get(name) as tf.Tensor2D];
  const base = wholeVocabMatrix(model, name, "Training new token rows");
  const H = model.config.hiddenSize;
  return [tf.concat([tf.slice(base, [0, 0], [extra.start, H]), extra.rows], 0) as tf.Tensor2D]; // [V, H]
}

/** The LM head's blocks, and its frozen-linear form where it is one stored weight (not trained rows). */
function lmHead(model: CausalLM, embedding: tf.Tensor2D[], lora: LoraAdapter | null): LmHead {
  const name = headName(model.config);
  const blocks = model.config.tieWordEmbeddings ? embedding : (model.vocabBlocks.get(name) ?? [model.weights.get(name) as tf.Tensor2D]);
  const trained = model.config.tieWordEmbeddings && lora?.newTokenRows;
  const frozen =
    blocks.length === 1 && !trained
      ? { w: blocks[0], wT: model.transposed.get(name), lean: model.leanBackward ? ("in-place" as const) : undefined }
      : null;
  return { blocks, frozen };
}

/** The final hidden states [B·T, H] (or ForwardOptions.outputRows' rows) and the head that turns them into logits. */
export interface HiddenStates {
  hidden: tf.Tensor2D;
  /** logits = hidden · headᵀ (head.ts, headLogits). */
  head: LmHead;
  cache: LayerCache[] | null;
  batch: number;
  length: number;
}

/** ids [B, T] → final hidden states, before the LM head (the loss needs only some rows of it). */
export function forwardHidden(model: CausalLM, ids: tf.Tensor2D | number[][], opts: ForwardOptions = {}): HiddenStates {
  const idsT = Array.isArray(ids) ? tf.tensor2d(ids, undefined, "int32") : ids;
  const [B, T] = idsT.shape;
  const past = opts.cache?.[0]?.k.shape[2] ?? 0;
  const mask = opts.attentionMask ?? Array.from({ length: B }, () => new Array<number>(past + T).fill(1));
  if (mask.length !== B || mask[0].length !== past + T) {
    throw new Error(`attention mask is [${mask.length}, ${mask[0]?.length}] but must be [${B}, ${past + T}] (batch, past + new positions)`);
  }
  const lora = opts.lora ?? null;
  const ctx: LayerContext = {
    weights: model.weights,
    transposed: model.transposed,
    leanBackward: model.leanBackward,
    lora,
    dropoutSeed: opts.dropoutSeed ?? null,
  };
  const embedding = embeddingBlocks(model, lora);
  const rows = opts.outputRows ?? null;
  // LoRA dropout draws its mask over a linear's whole input, so taking rows inside the decoder would
  // change which units drop: with dropout on, the rows are taken after the last norm instead.
  const dropout = loraDropoutActive(ctx);
  const out = architectureFor(model.config).forward(ctx, model.config, idsT, mask, opts.cache ?? null, embedding, dropout ? null : rows);
  if (idsT !== ids) idsT.dispose();
  const hidden = rows && dropout ? selectRows(out.hidden, rows) : out.hidden;
  return { hidden, head: lmHead(model, embedding, lora), cache: out.cache, batch: B, length: T };
}

/** ids [B, T] → logits [B, T, V] (and the updated cache when one was passed). */
export function forwardWithCache(
  model: CausalLM,
  ids: tf.Tensor2D | number[][],
  opts: ForwardOptions = {},
): { logits: tf.Tensor3D; cache: LayerCache[] | null } {
  const h = forwardHidden(model, ids, opts);
  const flat = headLogits(h.hidden, h.head, false); // [B·T, V]
  const logits = tf.reshape(flat, [h.batch, h.length, flat.shape[1]]) as tf.Tensor3D; // [B, T, V]
  return { logits, cache: h.cache };
}

/** ids [B, T] → logits [B, T, V]. */
export function forward(model: CausalLM, ids: tf.Tensor2D | number[][], opts: Omit<ForwardOptions, "cache"> = {}): tf.Tensor3D {
  return forwardWithCache(model, ids, opts).logits;
}
