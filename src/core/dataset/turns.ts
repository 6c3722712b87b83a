// Checks that a list of turns is a trainable conversation, and splits the notebook's text format
// back into turns. Paths returned here are relative to the record (`.messages[1].role`).
import type { Role, TextTemplates, Turn } from "../types";
import type { SkipReason } from "./types";

export interface RecordProblem {
  reason: SkipReason;
  /** Relative JSON path inside the record, e.g. `.messages[1].role` ("" for the record itself). */
  path: string;
  message: string;
}

export const problem = (reason: SkipReason, path: string, message: string): RecordProblem => ({ reason, path, message });

/** A turn with the path it came from, so a problem can point at it. */
export interface SourcedTurn extends Turn {
  path: string;
}

/**
 * An optional system turn first, then user/assistant alternating from a user turn, with at least
 * one assistant turn: what the masking strategies and chat templates expect (types.ts ChatExample).
 * An assistant turn that calls tools is answered by one or more tool turns (one per call, or fewer
 * where a dataset merges them), then the assistant speaks again. A trailing user or tool turn has
 * nothing to learn from, so it is a problem too.
 */
export function checkConversation(turns: SourcedTurn[], rolePath: (t: SourcedTurn) => string): RecordProblem | null {
  // What may come next: after a user turn the assistant; after an assistant's calls, their results.
  let expected: Role[] = ["user"];
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    if (t.role === "system") {
      if (i === 0) continue;
      return problem(
        "roles-not-alternating",
        rolePath(t),
        `a system turn may only come first (turn ${i + 1} is "system"); move it to the start or merge it`,
      );
    }
    if (!expected.includes(t.role)) {
      return {
        reason: "roles-not-alternating",
        path: rolePath(t),
        message:
          t.role === "tool"
            ? `turn ${i + 1} is a tool result, but the turn before it calls no tool; expected an assistant turn with tool_calls (or a ShareGPT function_call) before it`
            : `roles must alternate user/assistant starting with user (with tool results after an assistant's tool calls): turn ${i + 1} is "${t.role}", expected ${expected.map((r) => `"${r}"`).join(" or ")}`,
      };
    }
    const calls = t.role === "assistant" && (t.toolCalls?.length ?? 0) > 0;
    expected = t.role === "user" ? ["assistant"] : calls ? ["tool"] : t.role === "tool" ? ["tool", "assistant"] : ["user"];
  }
  const answers = turns.filter((t) => t.role === "assistant").length;
  if (answers === 0) {
    return problem(
      "no-assistant-turn",
      "",
      "the conversation has no assistant turn, so there is nothing to train on; expected at least one answer",
    );
  }
  const last = turns[turns.length - 1];
  if (last.role !== "assistant") {
    return problem(
      "roles-not-alternating",
      rolePath(last),
      `the conversation ends with a ${last.role} turn (turn ${turns.length}) that has no assistant answer; expected it to end with an assistant turn`,
    );
  }
  return null;
}

/** Empty or whitespace-only content is a problem: it trains nothing and usually means a broken export. */
export function checkContent(turns: SourcedTurn[]): RecordProblem | null {
  for (const t of turns) {
    // An assistant turn that only calls tools has no text of its own (OpenAI sends content null).
    if (t.content.trim() === "" && !(t.toolCalls && t.toolCalls.length > 0))
      return { reason: "empty-field", path: t.path, message: `the ${t.role} turn's content is empty; expected text` };
  }
  return null;
}

/**
 * Splits `"\n\n### Human: q\n\n### Assistant: a"` at every template (chat/textFormat.ts formatText's
 * inverse). Text before the first template is a system turn; the one space after a template is
 * dropped. The first template may also appear without its leading whitespace at the very start, as
 * in datasets that strip the file's first newlines (e.g. openassistant-guanaco's "### Human: …").
 */
export function splitText(text: string, templates: TextTemplates, path: string): { turns: SourcedTurn[] } | RecordProblem {
  const marks: Array<{ at: number; end: number; role: Role }> = [];
  const find = (needle: string, role: Role) => {
    if (needle === "") return;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length))
      marks.push({ at, end: at + needle.length, role });
  };
  find(templates.instruction, "user");
  find(templates.response, "assistant");
  for (const [needle, role] of [
    [templates.instruction, "user"],
    [templates.response, "assistant"],
  ] as const) {
    const bare = needle.trimStart();
    if (bare !== needle && bare !== "" && text.startsWith(bare) && !marks.some((m) => m.at === 0))
      marks.push({ at: 0, end: bare.length, role });
  }
  marks.sort((a, b) => a.at - b.at);
  // A template that contains the other (or overlaps it) must not split twice.
  const kept = marks.filter((m, i) => i === 0 || m.at >= marks[i - 1].end);
  if (kept.length === 0) {
    return problem(
      "template-not-found",
      path,
      `neither text template was found; expected text like ${JSON.stringify(`${templates.instruction} question${templates.response} answer`)} (the templates are a setting)`,
    );
  }
  const turns: SourcedTurn[] = [];
  const before = text.slice(0, kept[0].at);
  if (before.trim() !== "") turns.push({ role: "system", content: before, path });
  kept.forEach((m, i) => {
    const body = text.slice(m.end, i + 1 < kept.length ? kept[i + 1].at : text.length);
    turns.push({ role: m.role, content: body.startsWith(" ") ? body.slice(1) : body, path });
  });
  return { turns };
}
