// The loaded tokenizer is a large class instance, not data: it lives here, outside the serialisable
// store state, which only records its `tokenizerVersion` so selectors know when it changed.
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";

let current: PlaygroundTokenizer | null = null;

export function currentTokenizer(): PlaygroundTokenizer | null {
  return current;
}

export function setCurrentTokenizer(tokenizer: PlaygroundTokenizer): void {
  current = tokenizer;
}
