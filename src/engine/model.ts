// One entry point over the architectures: ids + attention mask → logits, with an optional LoRA
// adapter and KV cache. Callers own the returned tensors (wrap in tf.tidy or dispose).

import * as tf from "@tensorflow/tfjs-core";
import { architectureFor } from "./architectures";
import type { LoraAdapter } from "./loraConfig";
import { frozenForward, type FrozenLinear } from "./layers";
import type { CausalLM, LayerCache, LayerContext } from "./modelTypes";
import { embeddingName, headName } from "./weights";

export interface ForwardOptions {
  /** Adapter to apply; null/undefined runs the base model. */
  lora?: LoraAdapter | null;
  /** [B, Tpast+T] with 1 for real tokens, 0 for right padding; default all ones. */
  attentionMask?: number[][];
  /** KV cache from an earlier call ([] to start one); the updated cache is returned. */
  cache?: LayerCache[] | null;
  /** Enables LoRA dropout with this seed (training); omit for evaluation. */
  dropoutSeed?: number | null;
}

/** The embedding matrix, with an adapter's trainable new-token rows swapped in. */
function embeddingMatrix(model: CausalLM, lora: LoraAdapter | null): tf.Tensor2D {
  const base = model.weights.get(embeddingName(model.config)) as tf.Tensor2D;
  const extra = lora?.newTokenRows;
  if (!extra) return base;
  const H = model.config.hiddenSize;
  return tf.concat([tf.slice(base, [0, 0], [extra.start, H]), extra.rows], 0) as tf.Tensor2D; // [V, H]
}

/** The final hidden states [B·T, H] and the matrix that turns them into logits. */
export interface HiddenStates {
  hidden: tf.Tensor2D;
  /** [V, H]: logits = hidden · lmHeadᵀ. */
  lmHead: tf.Tensor2D;
  /** lmHead as a frozen linear (a stored weight, with its transpose where kept), or null when it trains (new-token rows). */
  frozenHead: FrozenLinear | null;
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
  const embedding = embeddingMatrix(model, lora);
  const lmHead = model.config.tieWordEmbeddings ? embedding : (model.weights.get(headName(model.config)) as tf.Tensor2D);
  const out = architectureFor(model.config).forward(ctx, model.config, idsT, mask, opts.cache ?? null, embedding);
  if (idsT !== ids) idsT.dispose();
  const frozenHead =
    model.config.tieWordEmbeddings && lora?.newTokenRows
      ? null
      : { w: lmHead, wT: model.transposed.get(headName(model.config)), lean: model.leanBackward ? ("in-place" as const) : undefined };
  return { hidden: out.hidden, lmHead, frozenHead, cache: out.cache, batch: B, length: T };
}

/** ids [B, T] → logits [B, T, V] (and the updated cache when one was passed). */
export function forwardWithCache(
  model: CausalLM,
  ids: tf.Tensor2D | number[][],
  opts: ForwardOptions = {},
): { logits: tf.Tensor3D; cache: LayerCache[] | null } {
  const h = forwardHidden(model, ids, opts);
  const flat = h.frozenHead ? frozenForward(h.hidden, h.frozenHead) : tf.matMul(h.hidden, h.lmHead, false, true); // [B·T, V]
  const logits = tf.reshape(flat, [h.batch, h.length, h.lmHead.shape[0]]) as tf.Tensor3D; // [B, T, V]
  return { logits, cache: h.cache };
}

/** ids [B, T] → logits [B, T, V]. */
export function forward(model: CausalLM, ids: tf.Tensor2D | number[][], opts: Omit<ForwardOptions, "cache"> = {}): tf.Tensor3D {
  return forwardWithCache(model, ids, opts).logits;
}
