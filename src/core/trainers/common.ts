// Small pieces every trainer preset shares: building the result, combining masks, describing tokens
// in warnings, comparing with the tokenizer's own template.
import { ChatTemplateError, renderTemplate, type TemplateMessage, type Tools } from "../chat/chatTemplate";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning } from "../types";
import type { TrainerExample, TrainerOutcome } from "./types";

export function result(
  tokenizer: PlaygroundTokenizer,
  inputIds: number[],
  labels: number[],
  warnings: MaskWarning[],
  outcome: TrainerOutcome = "kept",
): TrainerExample {
  return { inputIds, labels, tokens: inputIds.map((id) => tokenizer.tokenString(id)), warnings, outcome };
}

/** The tool stopped: nothing is trained, and the warning carries the tool's own error and the fix. */
export function failed(tokenizer: PlaygroundTokenizer, inputIds: number[], message: string): TrainerExample {
  return result(
    tokenizer,
    inputIds,
    inputIds.map(() => IGNORE_INDEX),
    [{ code: "trainer-error", message }],
    "error",
  );
}

export function trainedCount(labels: readonly number[]): number {
  return labels.filter((l) => l !== IGNORE_INDEX).length;
}

/** Tokens as the user reads them in a message: `"<|im_end|>" "\n"`. */
export function showTokens(tokenizer: PlaygroundTokenizer, ids: readonly number[]): string {
  return ids.map((id) => JSON.stringify(tokenizer.decode([id]))).join(" ");
}

/** Labels where a position keeps its id only if every mask is 1 there (TRL's build_labels). */
export function labelsFromMasks(inputIds: readonly number[], masks: ReadonlyArray<readonly number[]>): number[] {
  return inputIds.map((id, k) => (masks.every((m) => m[k] === 1) ? id : IGNORE_INDEX));
}

export function isPrefix(prefix: readonly number[], ids: readonly number[]): boolean {
  return prefix.length <= ids.length && prefix.every((id, k) => ids[k] === id);
}

/** TRL's add_eos: a plain-text completion ends with the EOS (appended unless it is already there). */
export function withEos(completion: string, eos: string | null): string {
  return eos !== null && !completion.endsWith(eos) ? completion + eos : completion;
}

/**
 * Where `ids` first differ from the tokenizer's own chat template's ids for `messages`, and those ids;
 * null where they are the same, or where there is no such template or it fails to render.
 */
export function ownTemplateDifference(
  tokenizer: PlaygroundTokenizer,
  messages: readonly TemplateMessage[],
  tools: Tools,
  ids: readonly number[],
): { at: number; own: number[] } | null {
  if (tokenizer.chatTemplate === null) return null;
  let own: number[];
  try {
    own = tokenizer.encode(renderTemplate(tokenizer.chatTemplate, tokenizer, messages, { kwargs: { tools } }), false);
  } catch (err) {
    if (err instanceof ChatTemplateError) return null;
    throw err;
  }
  let at = 0;
  while (at < ids.length && at < own.length && ids[at] === own[at]) at++;
  return at === ids.length && at === own.length ? null : { at, own };
}
