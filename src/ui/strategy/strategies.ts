// The five masking strategies as the UI names and explains them, in the notebook's order.
import { trainerInfo } from "../../core/trainers/trainerView";
import { STRATEGIES, type StrategyName } from "../../core/types";
import type { ViewSide } from "../../store/useMaskView";

export interface StrategyInfo {
  name: StrategyName;
  title: string;
  /** One line: what gets trained, and where the idea comes from. */
  explanation: string;
}

/** What each strategy is called and does, keyed by core's list (a new strategy without its text fails to compile). */
const TEXT: Record<StrategyName, Omit<StrategyInfo, "name">> = {
  full: {
    title: "Full (no mask)",
    explanation: "labels = input ids: every token is trained, the question included (the notebook's first run).",
  },
  markers: {
    title: "Markers",
    explanation:
      "The notebook's create_special_mask: mask up to and including each start marker, train the answer and the end marker that closes it.",
  },
  "completion-only": {
    title: "Completion only (TRL)",
    explanation:
      "TRL's DataCollatorForCompletionOnlyLM: mask everything up to the response template's token ids, found in the tokenized example.",
  },
  "special-tokens": {
    title: "Special tokens",
    explanation: "The text templates are added as special tokens, so each is one id whatever precedes it; then masked as completion-only.",
  },
  "chat-template": {
    title: "Chat template",
    explanation: "Assistant-only: the tokenizer's chat template renders the conversation and only the assistant's tokens are trained.",
  },
};

export const STRATEGY_INFO: readonly StrategyInfo[] = STRATEGIES.map((name) => ({ name, ...TEXT[name] }));

/** What a side of the token view is called: the strategy's title, or "as trained by" the tool. */
export function sideTitle(side: ViewSide): string {
  return side.trainer === null ? TEXT[side.strategy].title : trainerInfo(side.trainer).label;
}
