// Many examples tokenized and masked at once, off the page (the dataset worker): what the dataset
// summary and training need of each, packed into a few typed arrays, so that a reply of thousands of
// examples crosses postMessage as a handful of buffers rather than thousands of arrays (52,000
// examples as plain arrays took ~250 ms to serialise on the page, and as much again to read back).
import { flattenExamples, type FlatExamples } from "../flatExamples";
import { maskOrExplain } from "../maskView";
import type { PreparedMasking } from "../masking/prepare";
import { IGNORE_INDEX, type ChatExample } from "../types";

export interface TokenizedBatch {
  /** Index of the batch's first example in the whole list (warnings and the summary name examples by it). */
  first: number;
  /** Every example's input ids and labels, one after another. */
  tokens: FlatExamples;
  /** Per example: trained positions, whether its response template was not found (1), a hash of its text. */
  trained: Int32Array<ArrayBuffer>;
  templateNotFound: Uint8Array<ArrayBuffer>;
  textHashes: Float64Array<ArrayBuffer>;
}

/**
 * cyrb53 (a public-domain 53-bit string hash): equal texts, equal numbers; different texts collide
 * with odds of about n² / 2⁵⁴, which for a million examples is one in 36 billion.
 */
export function textHash(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Tokenizes and masks `examples` (the list's examples `first`, `first + 1`, …) as the mask view does. */
export function tokenizeBatch(prepared: PreparedMasking, examples: readonly ChatExample[], first: number): TokenizedBatch {
  const masked = examples.map((example, k) => maskOrExplain(prepared, example, first + k));
  const trained = new Int32Array(masked.length);
  const templateNotFound = new Uint8Array(masked.length);
  const textHashes = new Float64Array(masked.length);
  masked.forEach((m, k) => {
    trained[k] = m.labels.reduce((n, l) => n + (l === IGNORE_INDEX ? 0 : 1), 0);
    templateNotFound[k] = m.warnings.some((w) => w.code === "template-not-found") ? 1 : 0;
    textHashes[k] = textHash(m.text);
  });
  return { first, tokens: flattenExamples(masked), trained, templateNotFound, textHashes };
}
