// Decoding with a KV cache (greedy, or sampled with transformers' processors: sampling.ts), token by
// token so that a caller can stream and stop it, and the teacher-forced view (argmax at every position
// of one forward pass), which shows what the model predicts for each next token of a given text.

import * as tf from "@tensorflow/tfjs-core";
import type { FinishReason } from "../core/protocol";
import type { LayerCache } from "./layers";
import type { LoraAdapter } from "./lora";
import { headLogits } from "./head";
import { forward, forwardHidden } from "./model";
import { needsScores, Sampler, type SamplingSettings } from "./sampling";
import type { CausalLM } from "./weights";

export interface GenerateOptions {
  maxNewTokens: number;
  /** Stop after emitting one of these ids (included in the output); default: the config's EOS. */
  eosTokenIds?: number[];
  /** false = ignore EOS and always produce maxNewTokens tokens. */
  stopAtEos?: boolean;
  lora?: LoraAdapter | null;
  /** Penalty and sampling (GenerationConfig's fields); absent = greedy. */
  sampling?: SamplingSettings;
  /** Called with each new token as soon as it is chosen (streaming); awaited, so it may let messages in. */
  onToken?(token: number): void | Promise<void>;
  /** Asked before each token: true ends the generation there ("stopped"). */
  shouldStop?(): boolean;
}

export type { FinishReason };

/** Reads are asynchronous everywhere here: see globalNorm in optimizer.ts for why. */
async function argmaxRow(logits: tf.Tensor2D): Promise<number> {
  const best = tf.tidy(() => tf.argMax(tf.reshape(logits, [-1])));
  const id = (await best.data())[0];
  best.dispose();
  return id;
}

/** Continues one prompt until a stop id, max_new_tokens or shouldStop; returns only the new tokens. */
export async function generate(
  model: CausalLM,
  promptIds: number[],
  opts: GenerateOptions,
): Promise<{ tokens: number[]; finish: FinishReason }> {
  if (!promptIds.length) throw new Error("generation needs a non-empty prompt");
  const eos = new Set(opts.stopAtEos === false ? [] : (opts.eosTokenIds ?? model.config.eosTokenIds));
  const sampler = opts.sampling && needsScores(opts.sampling) ? new Sampler(opts.sampling) : null;
  const out: number[] = [];
  let cache: LayerCache[] = [];
  let next = promptIds;
  try {
    while (out.length < opts.maxNewTokens) {
      if (opts.shouldStop?.()) return { tokens: out, finish: "stopped" };
      const step = next;
      const past = cache;
      // tidy frees the intermediates and keeps what it returns: the logits and the new cache.
      // Only the last position's logits are needed: the LM head runs on one row, not the prompt.
      const kept = tf.tidy(() => {
        const r = forwardHidden(model, [step], { lora: opts.lora, cache: past });
        const last = tf.slice(r.hidden, [r.length - 1, 0], [1, -1]); // [1, H]
        return [headLogits(last, r.head, false), ...r.cache!.flatMap((c) => [c.k, c.v])]; // [1, V], caches
      });
      const logits = kept[0] as tf.Tensor2D;
      const updated: LayerCache[] = [];
      for (let i = 1; i < kept.length; i += 2) updated.push({ k: kept[i] as tf.Tensor4D, v: kept[i + 1] as tf.Tensor4D });
      // The new cache holds the old keys by concatenation; the old tensors are no longer needed.
      tf.dispose(cache.flatMap((c) => [c.k, c.v]));
      cache = updated;
      const token = await (
        sampler ? logits.data().then((row) => sampler.next(row as Float32Array, [...promptIds, ...out])) : argmaxRow(logits)
      ).finally(() => logits.dispose());
      out.push(token);
      await opts.onToken?.(token);
      if (eos.has(token)) return { tokens: out, finish: "eos" };
      next = [token];
    }
  } finally {
    tf.dispose(cache.flatMap((c) => [c.k, c.v]));
  }
  return { tokens: out, finish: "length" };
}

/** Greedy continuation of one prompt; returns only the new tokens. */
export async function generateGreedy(model: CausalLM, promptIds: number[], opts: GenerateOptions): Promise<number[]> {
  return (await generate(model, promptIds, { ...opts, sampling: undefined })).tokens;
}

/** argmax prediction at every position: result[t] is the model's guess for ids[t + 1]. */
export async function teacherForced(model: CausalLM, ids: number[], lora: LoraAdapter | null = null): Promise<number[]> {
  const best = tf.tidy(() => tf.argMax(forward(model, [ids], { lora }), -1));
  const out = Array.from(await best.data());
  best.dispose();
  return out;
}
