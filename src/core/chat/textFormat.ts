// The notebook's plain-text conversation format:
//   "\n\n### Human: How do you say \"dog\" in Spanish?\n\n### Assistant: perro"
// Each turn is its template, one space, then the content. A system turn is put first, as is.
import type { ChatExample, TextTemplates, Turn } from "../types";

export const NOTEBOOK_TEMPLATES: TextTemplates = {
  instruction: "\n\n### Human:",
  response: "\n\n### Assistant:",
};

function formatTurn(turn: Turn, templates: TextTemplates): string {
  switch (turn.role) {
    case "system":
      return turn.content;
    case "user":
      return `${templates.instruction} ${turn.content}`;
    case "assistant":
      return `${templates.response} ${turn.content}`;
    default: {
      const _exhaustive: never = turn.role;
      return _exhaustive;
    }
  }
}

export function formatText(example: ChatExample, templates: TextTemplates): string {
  return example.turns.map((t) => formatTurn(t, templates)).join("");
}
