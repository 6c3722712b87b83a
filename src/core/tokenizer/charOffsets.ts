// Where each token starts in the decoded text. Decoding prefixes is quadratic but exact for every
// decoder (SentencePiece strips the first token's space, byte-level BPE splits characters), and it
// is only needed for diagnostics and chat-template spans, not on the hot path.
import type { PlaygroundTokenizer } from "./playgroundTokenizer";

export interface TokenOffsets {
  /** The decoded text of all tokens. */
  text: string;
  /** starts[k] .. starts[k+1] is token k's characters; starts has ids.length + 1 entries. */
  starts: number[];
}

export function tokenOffsets(tokenizer: PlaygroundTokenizer, ids: readonly number[]): TokenOffsets {
  const starts = [0];
  for (let k = 1; k <= ids.length; k++) {
    const prefix = tokenizer.decode(ids.slice(0, k));
    // A prefix ending inside a multi-byte character decodes to U+FFFD; it belongs to the next token.
    const len = prefix.endsWith("\uFFFD") ? starts[k - 1] : prefix.length;
    starts.push(Math.max(len, starts[k - 1]));
  }
  starts[ids.length] = tokenizer.decode([...ids]).length;
  return { text: tokenizer.decode([...ids]), starts };
}

/** Indexes of the tokens whose characters overlap [from, to). */
export function tokensCovering(offsets: TokenOffsets, from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < offsets.starts.length; k++) {
    const s = offsets.starts[k];
    const e = offsets.starts[k + 1];
    if (e > from && s < to) out.push(k);
  }
  return out;
}
