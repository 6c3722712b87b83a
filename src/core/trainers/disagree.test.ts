// The same Qwen3 chat through every preset: where the tools disagree on the last answer's empty
// <think> block and on the newline after <|im_end|> (each case is derived in that tool's own test).
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { IGNORE_INDEX } from "../types";
import { maskWithTrainer, type TrainerName } from ".";
import { CHAT, messages } from "./trainers.testutil";
import type { TrainerInput } from "./types";

const qwen = qwen3Tokenizer();
const THINK = qwen.tokenId("<think>");
const NEWLINE = qwen.encode("\n", false)[0];

/** Whether the last answer's <think> and the final newline (after its <|im_end|>) are labels. */
function lastAnswer(trainer: TrainerName, input: TrainerInput, ...options: string[]) {
  const r = maskWithTrainer(trainer, qwen, input, options);
  const think = r.inputIds.lastIndexOf(THINK as number);
  const last = r.inputIds.length - 1;
  expect(r.inputIds[last]).toBe(NEWLINE);
  return { think: r.labels[think] !== IGNORE_INDEX, newline: r.labels[last] !== IGNORE_INDEX };
}

describe("what each tool trains at the end of the last answer (Qwen3)", () => {
  const promptCompletion: TrainerInput = { kind: "prompt-completion", prompt: CHAT.slice(0, 4), completion: CHAT.slice(4) };
  it.each([
    ["trl completion_only_loss", () => lastAnswer("trl", promptCompletion), { think: true, newline: true }],
    [
      "trl assistant_only_loss + qwen3_training",
      () => lastAnswer("trl", messages(), "assistant_only_loss=true", "chat_template_path=qwen3_training"),
      { think: true, newline: true },
    ],
    [
      "trl-collator",
      () => lastAnswer("trl-collator", messages(), "response_template=<|im_start|>assistant\n"),
      { think: true, newline: true },
    ],
    ["axolotl", () => lastAnswer("axolotl", messages()), { think: false, newline: false }],
    ["llamafactory", () => lastAnswer("llamafactory", messages()), { think: true, newline: true }],
    [
      "llamafactory enable_thinking=false",
      () => lastAnswer("llamafactory", messages(), "enable_thinking=false"),
      { think: false, newline: true },
    ],
    ["unsloth", () => lastAnswer("unsloth", messages()), { think: true, newline: true }],
  ])("%s", (_name, run, expected) => {
    expect(run()).toEqual(expected);
  });
});
