// A trainer row as a file holds it, validated at the boundary: a JSON list of messages (extra keys
// kept, e.g. axolotl's `training: false`), {"messages": [...]}, {"prompt": [...], "completion": [...]}
// (conversational prompt-completion) or {"prompt": "...", "completion": "..."} (plain text).
import { z } from "zod";
import type { TrainerInput } from "./types";

const Message = z.looseObject({ role: z.string(), content: z.string() });
const Messages = z.array(Message).min(1, "the message list is empty");

const Row = z.union([
  Messages.transform((messages): TrainerInput => ({ kind: "messages", messages })),
  z.strictObject({ messages: Messages }).transform((r): TrainerInput => ({ kind: "messages", messages: r.messages })),
  z.strictObject({ prompt: Messages, completion: Messages }).transform((r): TrainerInput => ({ kind: "prompt-completion", ...r })),
  z.strictObject({ prompt: z.string(), completion: z.string() }).transform((r): TrainerInput => ({ kind: "text-prompt-completion", ...r })),
]);

/** The row, or one line saying what is wrong and where (a JSON path such as `[2].content`). */
export function parseTrainerInput(value: unknown): TrainerInput | string {
  const parsed = Row.safeParse(value);
  if (parsed.success) return parsed.data;
  // A union reports "invalid input" at the top; the branch that got furthest says what is wrong.
  const issue = parsed.error.issues[0];
  const deepest = issue.code === "invalid_union" ? issue.errors.flat().sort((a, b) => b.path.length - a.path.length)[0] : issue;
  const where = deepest?.path.length ? ` at ${deepest.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}` : "";
  return (
    `expected a JSON list of {role, content} messages, {"messages": [...]}, {"prompt": [...], "completion": [...]} or {"prompt": "...", "completion": "..."}` +
    (deepest ? `; ${deepest.message}${where}` : "")
  );
}
