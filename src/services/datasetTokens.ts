// Examples too many to view whole (a 52,000-example Alpaca took ~20 s to tokenize and mask on the page):
// the dataset worker tokenizes and masks them in batches, and each result is kept per example object.
// An edit replaces one example object, so it re-tokenizes that one; a new tokenizer, formatting or
// masking re-tokenizes all. The dataset summary and a run's training data are built from these
// results, while the list shows the mask view of what is on screen (ExampleList).
import type { TokenizedExamples } from "../core/datasetStats";
import type { TokenizedBatch } from "../core/dataset/tokenizedBatch";
import { copyPositions, flatLength } from "../core/flatExamples";
import { macrotask } from "../core/macrotask";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import type { ChatExample } from "../core/types";
import { store, usePlayground } from "../store/playgroundStore";
import { currentTokenizer } from "../store/tokenizerHolder";
import { createDatasetWorkerClient } from "./datasetWorker";

/** Up to this many examples the page views whole, as it always has; beyond, the worker tokenizes. */
export const FULL_VIEW_LIMIT = 1000;
/** Examples per request: ~1 ms to send, ~0.4 s of the worker's time for Alpaca-sized examples. */
const BATCH = 1000;

// Its own worker, so that cancelling a read (which ends the reading worker) leaves this one going.
const worker = createDatasetWorkerClient();
/** The tokenizer key the worker was last sent files for (it keeps one tokenizer). */
let sentKey: string | null = null;

interface Held {
  key: string;
  byExample: WeakMap<ChatExample, { batch: TokenizedBatch; k: number }>;
}
let held: Held | null = null;
/** Bumped by every new request, so a superseded one stops at its next batch. */
let generation = 0;

/** Whether the summary and training data of `examples` come from the worker rather than the page. */
export const tokenizedInWorker = (examples: readonly ChatExample[]) => examples.length > FULL_VIEW_LIMIT;

/**
 * The whole list tokenized and masked, in order, when the worker has done all of `examples` under the
 * current settings (the store's `datasetTokens` is ready for them); null while it has not.
 */
export function tokenizedList(examples: readonly ChatExample[]): TokenizedExamples | null {
  const t = store().datasetTokens;
  return t.phase === "ready" && t.examples === examples ? t.list : null;
}

/** Examples per slice when the list is put together: a few milliseconds each. */
const SLICE = 4000;

/**
 * The worker's batches put together in the list's order, a slice at a time (at 52,000 examples the
 * whole took a few hundred milliseconds). Null when superseded, or when an example has no batch.
 */
async function assembleList(
  examples: readonly ChatExample[],
  byExample: Held["byExample"],
  gen: number,
): Promise<TokenizedExamples | null> {
  const n = examples.length;
  const entries: Array<{ batch: TokenizedBatch; k: number }> = new Array(n);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (i % SLICE === SLICE - 1) await macrotask();
    const got = byExample.get(examples[i]);
    if (!got || gen !== generation) return null;
    entries[i] = got;
    offsets[i + 1] = offsets[i] + flatLength(got.batch.tokens, got.k);
  }
  const tokens = { inputIds: new Int32Array(offsets[n]), labels: new Int32Array(offsets[n]), offsets };
  const trained = new Int32Array(n);
  const textKeys = new Float64Array(n);
  const templateNotFound = new Uint8Array(n);
  // Examples replaced in order sit in the same batch one after another: copied a run at a time.
  for (let i = 0; i < n;) {
    if (gen !== generation) return null;
    const { batch, k } = entries[i];
    let end = i + 1;
    while (end < n && end - i < SLICE && entries[end].batch === batch && entries[end].k === k + end - i) end++;
    const from = batch.tokens.offsets[k];
    copyPositions(tokens, offsets[i], batch.tokens, from, batch.tokens.offsets[k + end - i] - from);
    trained.set(batch.trained.subarray(k, k + end - i), i);
    textKeys.set(batch.textHashes.subarray(k, k + end - i), i);
    templateNotFound.set(batch.templateNotFound.subarray(k, k + end - i), i);
    i = end;
    await macrotask();
  }
  return { tokens, trained, textKeys, templateNotFound };
}

/** Runs of consecutive indexes, at most BATCH long: one request each. */
function batchesOf(indexes: readonly number[]): Array<{ first: number; count: number }> {
  const out: Array<{ first: number; count: number }> = [];
  for (const i of indexes) {
    const last = out.at(-1);
    if (last && last.first + last.count === i && last.count < BATCH) last.count++;
    else out.push({ first: i, count: 1 });
  }
  return out;
}

/**
 * Tokenizes whatever of `examples` is not yet tokenized under the current settings, reporting progress
 * in the store's `datasetTokens`. Resolves when done or superseded by a later call.
 */
export async function tokenizeExamples(examples: ChatExample[]): Promise<void> {
  const gen = ++generation;
  const s = store();
  const tokenizer = currentTokenizer();
  if (tokenizer === null || s.tokenizer.version === 0) return;
  const key = JSON.stringify([s.tokenizer.version, s.formatting, s.masking]);
  if (held?.key !== key) held = { key, byExample: new WeakMap() };
  const byExample = held.byExample;
  const missing: number[] = [];
  for (let i = 0; i < examples.length; i++) if (!byExample.has(examples[i])) missing.push(i);
  let done = examples.length - missing.length;
  const progress = () => s.setDatasetTokens({ phase: "tokenizing", key, done, total: examples.length });
  for (const { first, count } of batchesOf(missing)) {
    progress();
    let batch: TokenizedBatch;
    try {
      batch = await worker.tokenize({
        type: "tokenize",
        tokenizer: tokenizerSource(tokenizer, s.tokenizer.version),
        formatting: s.formatting,
        masking: s.masking,
        examples: examples.slice(first, first + count),
        first,
      });
    } catch (err) {
      sentKey = null; // a worker that failed may have restarted without its tokenizer
      if (gen === generation) {
        const message = `Tokenizing examples ${first + 1}–${first + count} in the dataset worker failed: ${(err as Error).message}`;
        s.setDatasetTokens({ phase: "failed", key, message });
      }
      return;
    }
    for (let k = 0; k < count; k++) byExample.set(examples[first + k], { batch, k });
    done += count;
    if (gen !== generation) return;
  }
  const list = await assembleList(examples, byExample, gen);
  if (list) store().setDatasetTokens({ phase: "ready", key, examples, list });
}

function tokenizerSource(tokenizer: PlaygroundTokenizer, version: number) {
  const key = `${version}:${tokenizer.name}`;
  const files = sentKey === key ? null : tokenizer.files;
  sentKey = key;
  return { key, files };
}

/**
 * Keeps the worker's tokenization in step with the examples and settings while the list is too big
 * to view whole. Call once at startup; returns the unsubscribe.
 */
export function startDatasetTokens(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const follow = () => {
    const s = store();
    if (!tokenizedInWorker(s.examples)) {
      generation++;
      if (s.datasetTokens.phase !== "idle") s.setDatasetTokens({ phase: "idle" });
      return;
    }
    // Typing in one example changes the list at every keystroke: tokenize once it settles.
    clearTimeout(timer);
    timer = setTimeout(() => void tokenizeExamples(store().examples), 150);
  };
  follow();
  return usePlayground.subscribe((s, prev) => {
    if (
      s.examples !== prev.examples ||
      s.formatting !== prev.formatting ||
      s.masking !== prev.masking ||
      s.tokenizer.version !== prev.tokenizer.version
    )
      follow();
  });
}
