// Shared fixtures for the trainer preset tests: one multi-turn chat with a system turn, and helpers
// that read a result as the user reads it (the trained runs of text).
import { readQwen3Files } from "../testing/bundledTokenizer";
import { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX } from "../types";
import type { TemplateMessage } from "../chat/chatTemplate";
import type { TrainerExample, TrainerInput } from "./types";

export const CHAT: TemplateMessage[] = [
  { role: "system", content: "You translate to Spanish." },
  { role: "user", content: "How do you say dog?" },
  { role: "assistant", content: "Dog is perro in Spanish." },
  { role: "user", content: "And cat?" },
  { role: "assistant", content: "gato" },
];

export const messages = (m: TemplateMessage[] = CHAT): TrainerInput => ({ kind: "messages", messages: m });

/** The decoded text of each run of consecutive trained positions. */
export function trainedRuns(tokenizer: PlaygroundTokenizer, r: TrainerExample): string[] {
  const runs: string[] = [];
  let run: number[] = [];
  r.labels.forEach((label, k) => {
    if (label !== IGNORE_INDEX) run.push(r.inputIds[k]);
    else if (run.length > 0) {
      runs.push(tokenizer.decode(run));
      run = [];
    }
  });
  if (run.length > 0) runs.push(tokenizer.decode(run));
  return runs;
}

export function trainedIds(r: TrainerExample): number[] {
  return r.labels.filter((l) => l !== IGNORE_INDEX);
}

/** The bundled Qwen3 tokenizer with another chat template. */
export function withTemplate(chatTemplate: string, name = "Qwen3 with a test template"): PlaygroundTokenizer {
  const files = readQwen3Files();
  return PlaygroundTokenizer.fromFiles({
    name,
    tokenizerJson: files.tokenizerJson,
    tokenizerConfig: { ...files.tokenizerConfig, chat_template: chatTemplate },
  });
}

/** The notebook's text format as a chat template: "\n\n### Human: ...\n\n### Assistant: ...". */
export const NOTEBOOK_CHAT_TEMPLATE =
  "{% for m in messages %}{% if m.role == 'user' %}{{ '\n\n### Human: ' + m.content }}{% elif m.role == 'assistant' %}{{ '\n\n### Assistant: ' + m.content }}{% else %}{{ m.content }}{% endif %}{% endfor %}";
