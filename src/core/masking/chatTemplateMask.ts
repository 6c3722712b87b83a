// Assistant-only masking from the tokenizer's chat template: train the tokens whose characters lie in
// an assistant span (generation blocks, or prefix rendering), mask the rest.
import { assistantSpans, type AssistantSpans, type Tools } from "../chat/chatTemplate";
import { tokenOffsets } from "../tokenizer/charOffsets";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type Turn } from "../types";

export interface ChatTemplateMaskResult extends AssistantSpans {
  inputIds: number[];
  labels: number[];
}

export function chatTemplateMask(tokenizer: PlaygroundTokenizer, turns: readonly Turn[], tools?: Tools): ChatTemplateMaskResult {
  const { text, spans, prefixMismatch } = assistantSpans(tokenizer, turns, tools);
  const inputIds = tokenizer.encode(text, false);
  const { starts } = tokenOffsets(tokenizer, inputIds);
  const inSpan = (pos: number) => spans.some(([s, e]) => pos >= s && pos < e);
  const labels = inputIds.map((id, k) => (inSpan(starts[k]) ? id : IGNORE_INDEX));
  return { text, spans, inputIds, labels, prefixMismatch };
}
