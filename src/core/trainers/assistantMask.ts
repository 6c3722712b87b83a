// transformers' assistant_masks (apply_chat_template with `return_assistant_tokens_mask=True`,
// tokenization_utils_base.py): the characters inside `{% generation %}` blocks become token positions
// as transformers maps them: start_token = char_to_token(start), end_token = char_to_token(end - 1),
// every token from one to the other inclusive, a start outside the text ends the search, and an end
// token that is falsy (None, or index 0) runs to the end of the sequence.
import { tokenOffsets } from "../tokenizer/charOffsets";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";

/**
 * The first token holding character `c` of the decoded text, or null past its end (tokenizers'
 * char_to_token). A character split over several byte-level tokens belongs, in tokenOffsets, to the
 * last of them (the earlier ones have no width); char_to_token names the first.
 */
export function charToToken(starts: readonly number[], c: number): number | null {
  for (let k = 0; k + 1 < starts.length; k++) {
    if (starts[k] <= c && c < starts[k + 1]) {
      while (k > 0 && starts[k - 1] === starts[k]) k--;
      return k;
    }
  }
  return null;
}

/** transformers' assistant_masks for `ids` (the tokenized `text`) and its generation spans, 1 = assistant. */
export function assistantMask(tokenizer: PlaygroundTokenizer, ids: readonly number[], spans: ReadonlyArray<[number, number]>): number[] {
  const mask = ids.map(() => 0);
  if (spans.length === 0 || ids.length === 0) return mask;
  const { starts } = tokenOffsets(tokenizer, ids);
  for (const [s, e] of spans) {
    const startToken = charToToken(starts, s);
    const endToken = charToToken(starts, e - 1);
    if (startToken === null) break; // "start_token is out of bounds maybe due to truncation"
    const stop = endToken ? endToken + 1 : ids.length; // Python truthiness: None and 0 both run to the end
    for (let t = startToken; t < stop; t++) mask[t] = 1;
  }
  return mask;
}
