// The data's own say on training a message (Turn.train: LLaMA-Factory's loss_weight, axolotl's
// train / weight), applied over a strategy's labels: false masks the message's tokens, true trains
// them, as those tools do per message. A message is found in the tokenized text by its body, turn
// after turn from the start, so repeated texts are told apart by their order.
import { tokenOffsets, tokensCovering } from "../tokenizer/charOffsets";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning, type Turn } from "../types";

export interface TurnFlagInput {
  turns: readonly Turn[];
  inputIds: readonly number[];
  labels: number[];
  tokenizer: PlaygroundTokenizer;
  /** The characters of a turn as the formatting wrote them (its content, and its calls where they follow it). */
  bodyOf: (turn: Turn) => string;
  /** Chat templates: each assistant turn's [start, end) in order, which holds its calls however the template writes them. */
  assistantSpans?: ReadonlyArray<readonly [number, number]>;
}

/** Applies every turn's flag to `labels` in place; warns for a flagged turn that cannot be found. */
export function applyTurnFlags(input: TurnFlagInput, exampleNumber: number): MaskWarning[] {
  const { turns, inputIds, labels, tokenizer, bodyOf, assistantSpans } = input;
  if (!turns.some((t) => t.train !== undefined)) return [];
  const offsets = tokenOffsets(tokenizer, inputIds);
  const lost: number[] = [];
  let cursor = 0;
  let answer = 0;
  turns.forEach((turn, i) => {
    let span: readonly [number, number] | null = null;
    if (turn.role === "assistant" && assistantSpans) span = assistantSpans[answer++] ?? null;
    else {
      const body = bodyOf(turn);
      const at = body === "" ? -1 : offsets.text.indexOf(body, cursor);
      if (at >= 0) span = [at, at + body.length];
    }
    if (span) cursor = span[1];
    if (turn.train === undefined) return;
    if (!span) {
      lost.push(i + 1);
      return;
    }
    for (const k of tokensCovering(offsets, span[0], span[1])) labels[k] = turn.train ? inputIds[k] : IGNORE_INDEX;
  });
  if (lost.length === 0) return [];
  return [
    {
      code: "turn-flag-not-applied",
      message: `Example ${exampleNumber}: turn ${lost.join(", ")} says whether to train it (loss_weight / train), but its text was not found in the formatted example, so the strategy's labels stand there. Check that the formatting keeps the message's text as it is.`,
    },
  ];
}
