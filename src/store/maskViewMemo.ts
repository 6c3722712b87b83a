// The token view's data, memoized so typing stays instant: the prepared settings (which, for the
// special-tokens strategy, rebuild the tokenizer: ~0.5 s for Qwen3) are cached per tokenizer and
// settings, and each example's view per prepared settings and content, so an edit re-tokenizes only
// the example that changed.
import { exampleView, type ExampleView, type MaskView } from "../core/maskView";
import { prepareMasking, type PreparedMasking } from "../core/masking/prepare";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import type { ChatExample, Formatting, MaskingOptions } from "../core/types";

export type MaskViewResult = { ok: true; view: MaskView } | { ok: false; error: string };

/** Prepared settings kept per tokenizer: enough for both compare strategies and a few switches back. */
const PREPARED_KEEP = 8;
const preparedCache = new WeakMap<PlaygroundTokenizer, Map<string, PreparedMasking>>();
const exampleCache = new WeakMap<PreparedMasking, Map<string, ExampleView>>();

function prepared(tokenizer: PlaygroundTokenizer, formatting: Formatting, masking: MaskingOptions): PreparedMasking {
  let byKey = preparedCache.get(tokenizer);
  if (!byKey) preparedCache.set(tokenizer, (byKey = new Map()));
  const key = JSON.stringify([formatting, masking]);
  const hit = byKey.get(key);
  if (hit) {
    byKey.delete(key);
    byKey.set(key, hit); // most recently used last
    return hit;
  }
  const fresh = prepareMasking(tokenizer, formatting, masking);
  byKey.set(key, fresh);
  while (byKey.size > PREPARED_KEEP) byKey.delete(byKey.keys().next().value as string);
  return fresh;
}

export function computeMaskView(
  tokenizer: PlaygroundTokenizer,
  examples: readonly ChatExample[],
  formatting: Formatting,
  masking: MaskingOptions,
): MaskViewResult {
  let p: PreparedMasking;
  try {
    p = prepared(tokenizer, formatting, masking);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const old = exampleCache.get(p) ?? new Map<string, ExampleView>();
  const kept = new Map<string, ExampleView>();
  const views = examples.map((example, index) => {
    // The index is part of the key: warnings name the example by its number.
    const key = `${index}\u0000${JSON.stringify(example.turns)}`;
    const view = kept.get(key) ?? old.get(key) ?? exampleView(p, example, index);
    kept.set(key, view);
    return view;
  });
  exampleCache.set(p, kept); // only what is on screen now, so typing does not grow the cache
  return { ok: true, view: { prepared: p, examples: views, warnings: p.warnings } };
}
