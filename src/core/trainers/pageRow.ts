// What a page example is as a dataset row for a trainer preset. The page holds conversations; a
// real dataset gives the same conversation as messages, as {prompt, completion} messages (the last
// answer the completion), or, with the notebook's text formatting, as plain-text prompt and
// completion (TRL's standard prompt-completion form: the prompt ends with the response template).
import { templateMessage } from "../chat/chatTemplate";
import { formatText, turnBody } from "../chat/textFormat";
import type { ChatExample, Formatting } from "../types";
import { TrainerOptionError, type TrainerInput } from "./types";

export const ROW_SHAPE_NAMES = ["messages", "prompt-completion", "text"] as const;
export type RowShape = (typeof ROW_SHAPE_NAMES)[number];

export const ROW_SHAPES: ReadonlyArray<{ shape: RowShape; label: string }> = [
  { shape: "messages", label: '{"messages": [...]}' },
  { shape: "prompt-completion", label: '{"prompt": [...], "completion": [last answer]}' },
  { shape: "text", label: '{"prompt": "...### Assistant:", "completion": " answer"} (the formatting\'s text)' },
];

export function trainerRow(example: ChatExample, formatting: Formatting, shape: RowShape): TrainerInput {
  // Tool calls and results as a dataset row holds them (OpenAI's tool_calls, tool_call_id, name), and
  // the tools list as the row's `tools` column: what each tool hands to the chat template.
  const messages = example.turns.map(templateMessage);
  const tools = example.tools && example.tools.length > 0 ? { tools: example.tools } : {};
  if (shape === "messages") return { kind: "messages", messages, ...tools };
  const last = example.turns.map((t) => t.role).lastIndexOf("assistant");
  if (last < 0) throw new TrainerOptionError("this example has no assistant turn to be the completion; give it as messages");
  if (shape === "prompt-completion")
    return { kind: "prompt-completion", prompt: messages.slice(0, last), completion: messages.slice(last), ...tools };
  if (formatting.kind !== "text") {
    throw new TrainerOptionError("a plain-text row needs the text formatting (Formatting: text templates); give the row as messages");
  }
  const { templates } = formatting;
  const before = formatText({ id: example.id, turns: example.turns.slice(0, last), tools: example.tools }, templates);
  return { kind: "text-prompt-completion", prompt: before + templates.response, completion: ` ${turnBody(example.turns[last])}` };
}
