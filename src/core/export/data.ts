// The data, twice: the conversations in the trainers' own record format (`messages` JSONL, as TRL's
// conversational datasets and transformers' apply_chat_template take them) and the playground's own
// tokens and labels (`input_ids`, `attention_mask`, `labels` JSONL: axolotl's pre-tokenized format,
// docs/dataset-formats/tokenized.qmd), so the masking is exactly the playground's on any trainer version.
// Lines are generated one at a time: a large dataset is never one string.
import { flattenExamples, type ExampleRows, type FlatExamples } from "../flatExamples";
import type { TrainExample } from "../protocol";
import type { ChatExample } from "../types";

export function* tokenizedLines(examples: readonly TrainExample[]): Iterable<string> {
  for (const e of examples)
    yield `${JSON.stringify({ input_ids: e.inputIds, attention_mask: e.inputIds.map(() => 1), labels: e.labels })}\n`;
}

export function* messageLines(chats: readonly ChatExample[]): Iterable<string> {
  for (const c of chats) yield `${JSON.stringify({ messages: c.turns.map((t) => ({ role: t.role, content: t.content })) })}\n`;
}

/**
 * A short fingerprint of the examples exactly as trained (ids and labels), FNV-1a over the numbers.
 * A run records it at start; an export from that run recomputes it, so exporting after the examples,
 * the formatting, the masking or the tokenizer changed is caught rather than exported as that run.
 */
export function trainingDataFingerprint(examples: readonly ExampleRows[] | FlatExamples): string {
  const { inputIds, labels, offsets } = "offsets" in examples ? examples : flattenExamples(examples);
  const count = offsets.length - 1;
  let h = 0x811c9dc5;
  const mix = (n: number) => {
    h ^= n & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= (n >>> 16) & 0xffff;
    h = Math.imul(h, 0x01000193);
  };
  mix(count);
  for (let e = 0; e < count; e++) {
    mix(offsets[e + 1] - offsets[e]);
    for (let k = offsets[e]; k < offsets[e + 1]; k++) mix(inputIds[k]);
    for (let k = offsets[e]; k < offsets[e + 1]; k++) mix(labels[k] + 1000);
  }
  return `${count}:${(h >>> 0).toString(16).padStart(8, "0")}`;
}
