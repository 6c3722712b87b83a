// The token view's data, memoized so typing stays instant: the prepared settings (which, for the
// special-tokens strategy, rebuild the tokenizer: ~0.5 s for Qwen3) are cached per tokenizer and
// settings, and each example's view per prepared settings and content, so an edit re-tokenizes only
// the example that changed.
import { exampleView, type ExampleView, type MaskView } from "../core/maskView";
import { prepareMasking, type PreparedMasking } from "../core/masking/prepare";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import { trainerExampleView, type TrainerChoice } from "../core/trainers/trainerView";
import type { ChatExample, Formatting, MaskingOptions } from "../core/types";

export type MaskViewResult = { ok: true; view: MaskView } | { ok: false; error: string };

/** Prepared settings kept per tokenizer: enough for both compare strategies and a few switches back. */
const PREPARED_KEEP = 8;
const preparedCache = new WeakMap<PlaygroundTokenizer, Map<string, PreparedMasking>>();
const exampleCache = new WeakMap<PreparedMasking, Map<string, ExampleView>>();

/** Keeps `value` under `key` as the most recently used (last), dropping the oldest beyond PREPARED_KEEP. */
function remember<V>(byKey: Map<string, V>, key: string, value: V): V {
  byKey.delete(key);
  byKey.set(key, value);
  while (byKey.size > PREPARED_KEEP) byKey.delete(byKey.keys().next().value as string);
  return value;
}

function prepared(tokenizer: PlaygroundTokenizer, formatting: Formatting, masking: MaskingOptions): PreparedMasking {
  let byKey = preparedCache.get(tokenizer);
  if (!byKey) preparedCache.set(tokenizer, (byKey = new Map()));
  const key = JSON.stringify([formatting, masking]);
  return remember(byKey, key, byKey.get(key) ?? prepareMasking(tokenizer, formatting, masking));
}

/**
 * What an example's view depends on besides the settings: its position (warnings name the example
 * by its number), its turns and the tools it offers (a chat template renders them).
 */
function exampleKey(example: ChatExample, index: number): string {
  return `${index}\u0000${JSON.stringify(example.turns)}\u0000${JSON.stringify(example.tools ?? null)}`;
}

/** The examples' views (`first` is the first one's index), each taken from `old` when there, else made; `kept`: them by key. */
function viewsOf(
  examples: readonly ChatExample[],
  first: number,
  old: Map<string, ExampleView>,
  make: (example: ChatExample, index: number) => ExampleView,
) {
  const kept = new Map<string, ExampleView>();
  const views = examples.map((example, k) => {
    const key = exampleKey(example, first + k);
    const view = kept.get(key) ?? old.get(key) ?? make(example, first + k);
    kept.set(key, view);
    return view;
  });
  return { views, kept };
}

/** `examples` are the list's examples `first`, `first + 1`, … (the rows on screen, for a long list). */
export function computeMaskView(
  tokenizer: PlaygroundTokenizer,
  examples: readonly ChatExample[],
  formatting: Formatting,
  masking: MaskingOptions,
  first = 0,
): MaskViewResult {
  let p: PreparedMasking;
  try {
    p = prepared(tokenizer, formatting, masking);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const { views, kept } = viewsOf(examples, first, exampleCache.get(p) ?? new Map(), (example, index) => exampleView(p, example, index));
  // Only what is on screen now, so typing does not grow the cache; a view of no rows (the prepared
  // settings alone) leaves it for the list.
  if (examples.length > 0) exampleCache.set(p, kept);
  return { ok: true, view: { prepared: p, examples: views, warnings: p.warnings } };
}

const trainerCache = new WeakMap<PlaygroundTokenizer, Map<string, Map<string, ExampleView>>>();

/**
 * The view under a trainer preset: the tool labels the examples with the tokenizer as loaded (no
 * strategy's added tokens or markers). An option the tool rejects fails the whole view, as it
 * would fail the tool before it reads any data.
 */
export function computeTrainerView(
  tokenizer: PlaygroundTokenizer,
  examples: readonly ChatExample[],
  formatting: Formatting,
  masking: MaskingOptions,
  choice: TrainerChoice,
  first = 0,
): MaskViewResult {
  try {
    // Only for its tokenizer and formatting: nothing the strategy resolves applies to a tool.
    const p = prepared(tokenizer, formatting, { ...masking, strategy: "full", insertMarkers: false, addedSpecialTokens: [] });
    let byChoice = trainerCache.get(tokenizer);
    if (!byChoice) trainerCache.set(tokenizer, (byChoice = new Map()));
    const choiceKey = JSON.stringify([formatting, choice]);
    const { views, kept } = viewsOf(examples, first, byChoice.get(choiceKey) ?? new Map(), (example, index) =>
      trainerExampleView(p.tokenizer, example, index, formatting, choice),
    );
    remember(byChoice, choiceKey, kept);
    return { ok: true, view: { prepared: p, examples: views, warnings: [] } };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
