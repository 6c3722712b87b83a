// A chat with the model as conversation data: each exchange is one question and one answer per side
// (side by side, each side keeps its own answers as its history), rendered into the prompt the side
// continues, with the formatting the examples are trained with (core/trainingData.ts promptText).
import type { PreparedMasking } from "../masking/prepare";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { encodePrompt, promptText } from "../trainingData";
import type { Turn } from "../types";

export interface ChatExchange {
  question: string;
  /** One per side, in the sides' order. */
  answers: string[];
}

/**
 * The turns side `side` has seen, ending with the newest question: earlier questions with that side's
 * own answers. An answer is trimmed: the text layout writes "### Assistant:" + " " + the content, and the
 * model's answer already begins with that space (" perro").
 */
export function sideTurns(exchanges: readonly ChatExchange[], side: number): Turn[] {
  return exchanges.flatMap((e, k): Turn[] => {
    const question: Turn = { role: "user", content: e.question };
    if (k === exchanges.length - 1) return [question];
    return [question, { role: "assistant", content: (e.answers[side] ?? "").trim() }];
  });
}

/** The token ids a side continues: the prompt exactly as the answers table's prompts are made. */
export function chatPromptIds(turns: readonly Turn[], prepared: PreparedMasking): number[] {
  return encodePrompt(promptText(turns, prepared), prepared);
}

/** An answer's text: the tokens up to its first stop id (EOS / end marker), which is not shown. */
export function decodeAnswer(tokenizer: PlaygroundTokenizer, ids: readonly number[], stopIds: readonly number[]): string {
  const stop = ids.findIndex((id) => stopIds.includes(id));
  return tokenizer.decode(ids.slice(0, stop < 0 ? ids.length : stop));
}
