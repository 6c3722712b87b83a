// Where each token starts in the decoded text. The definition is the prefix decode: token k starts
// at decode(ids[0..k]).length, which is exact for every decoder (SentencePiece strips the first
// token's space, byte-level BPE splits characters). Decoding every prefix is quadratic, though (a
// 4k-token example took 5 s, and the page computes this as the user types), so the offsets are
// found by incremental detokenization instead, as streaming servers do (text-generation-inference's
// `decode_token`): each step decodes a short window that starts one clean chunk back, so the
// first-token space stripping and byte grouping of the decoder happen inside the window, and only
// the window's growth is added. The pieces must add up to the whole decoded text; a decoder for
// which they do not (none of the chat tokenizers we know) gets the exact prefix decode instead.
import type { PlaygroundTokenizer } from "./playgroundTokenizer";

export interface TokenOffsets {
  /** The decoded text of all tokens. */
  text: string;
  /** starts[k] .. starts[k+1] is token k's characters; starts has ids.length + 1 entries. */
  starts: number[];
}

/** A prefix ending inside a multi-byte character decodes to U+FFFD; it belongs to the next token. */
const BROKEN = "\uFFFD";
/**
 * A run of tokens that never decodes cleanly (a text of literal U+FFFD) would grow the window
 * without end; past this many tokens the window moves on anyway, and the final check decides.
 */
const MAX_WINDOW = 32;

type Decode = (from: number, to: number) => string;

function decoderOver(tokenizer: PlaygroundTokenizer, ids: readonly number[]): Decode {
  return (from, to) => (to > from ? tokenizer.decode(ids.slice(from, to)) : "");
}

/** The offsets, or null when the windows' pieces do not add up to `text`. */
function incrementalStarts(decode: Decode, n: number, text: string): number[] | null {
  const starts = [0];
  let context = 0; // the window starts here ...
  let anchor = 0; // ... and everything up to here is already counted
  let anchorLength = 0; // decode(ids[0..anchor]).length
  let contextText = ""; // decode(ids[context..anchor])
  const pieces: string[] = [];
  let window = "";
  for (let k = 1; k <= n; k++) {
    window = decode(context, k);
    const length = anchorLength + window.length - contextText.length;
    const broken = window.endsWith(BROKEN);
    starts.push(broken ? starts[k - 1] : Math.max(length, starts[k - 1]));
    const clean = !broken && window.length > contextText.length;
    if (clean || k - context >= MAX_WINDOW) {
      if (!window.startsWith(contextText)) return null;
      pieces.push(window.slice(contextText.length));
      contextText = decode(anchor, k);
      context = anchor;
      anchor = k;
      anchorLength = length;
    }
  }
  if (anchor < n) {
    if (!window.startsWith(contextText)) return null;
    pieces.push(window.slice(contextText.length));
  }
  if (pieces.join("") !== text) return null;
  starts[n] = text.length;
  return starts;
}

/** The definition, in O(n²) decodes: kept for decoders whose pieces do not add up, and for tests. */
export function prefixDecodeStarts(tokenizer: PlaygroundTokenizer, ids: readonly number[]): number[] {
  const decode = decoderOver(tokenizer, ids);
  const starts = [0];
  for (let k = 1; k <= ids.length; k++) {
    const prefix = decode(0, k);
    const len = prefix.endsWith(BROKEN) ? starts[k - 1] : prefix.length;
    starts.push(Math.max(len, starts[k - 1]));
  }
  starts[ids.length] = decode(0, ids.length).length;
  return starts;
}

export function tokenOffsets(tokenizer: PlaygroundTokenizer, ids: readonly number[]): TokenOffsets {
  const decode = decoderOver(tokenizer, ids);
  const text = decode(0, ids.length);
  const starts = incrementalStarts(decode, ids.length, text) ?? prefixDecodeStarts(tokenizer, ids);
  return { text, starts };
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
