// The notebook's plain-text conversation format:
//   "\n\n### Human: How do you say \"dog\" in Spanish?\n\n### Assistant: perro"
// Each turn is its template, one space, then the content. A system turn is put first, as is.
//
// Tool use in this format (documented in the README), in the layout Hermes and Qwen models are
// trained on, so that a text-format fine-tune and a chat-template one see the same calls:
// - the tools offered: "<tools>" with one JSON schema a line "</tools>", after the system turn;
// - an assistant's calls: after its text, one "<tool_call>\n{"name": …, "arguments": …}\n</tool_call>"
//   each, under the response template (so they are trained with the answer);
// - a tool's result: "<tool_response>\n…\n</tool_response>" under the instruction template, on the
//   user's side of the conversation, so that every strategy masks it as it masks a question.
import type { ChatExample, TextTemplates, ToolCall, Turn } from "../types";

export const NOTEBOOK_TEMPLATES: TextTemplates = {
  instruction: "\n\n### Human:",
  response: "\n\n### Assistant:",
};

/** One call as the model writes it: `{"name": …, "arguments": …}` in Hermes' tags. */
export function toolCallText(call: ToolCall): string {
  return `<tool_call>\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n</tool_call>`;
}

/** A turn's text after its template: its content, an assistant's calls after it, a result in its tags. */
export function turnBody(turn: Turn): string {
  switch (turn.role) {
    case "system":
    case "user":
      return turn.content;
    case "assistant":
      return [turn.content, ...(turn.toolCalls ?? []).map(toolCallText)].filter((part) => part !== "").join("\n");
    case "tool":
      return `<tool_response>\n${turn.content}\n</tool_response>`;
    default: {
      const _exhaustive: never = turn.role;
      return _exhaustive;
    }
  }
}

function formatTurn(turn: Turn, templates: TextTemplates): string {
  if (turn.role === "system") return turnBody(turn);
  // Tool results sit on the user's side of the conversation, under the instruction template.
  return `${turn.role === "assistant" ? templates.response : templates.instruction} ${turnBody(turn)}`;
}

function toolsText(tools: ReadonlyArray<Record<string, unknown>>): string {
  return `<tools>\n${tools.map((t) => JSON.stringify(t)).join("\n")}\n</tools>`;
}

export function formatText(example: ChatExample, templates: TextTemplates): string {
  const parts = example.turns.map((t) => formatTurn(t, templates));
  if (example.tools && example.tools.length > 0) {
    // After the system turn when there is one, else first: what the model may call comes before the question.
    const at = example.turns[0]?.role === "system" ? 1 : 0;
    parts.splice(at, 0, `${at === 1 ? "\n\n" : ""}${toolsText(example.tools)}`);
  }
  return parts.join("");
}
