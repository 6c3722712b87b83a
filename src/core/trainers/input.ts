// A trainer row as a file holds it, validated at the boundary: a JSON list of messages (extra keys
// kept, e.g. axolotl's `training: false`, an assistant's `tool_calls`, a tool's `tool_call_id`),
// {"messages": [...], "tools": [...]}, {"prompt": [...], "completion": [...], "tools": [...]}
// (conversational prompt-completion) or {"prompt": "...", "completion": "..."} (plain text). A message
// that only calls tools may have content null, as OpenAI writes it.
import { z } from "zod";
import { isPlainRecord } from "../dataset/recordValues";
import type { Tools } from "../chat/chatTemplate";
import type { TrainerInput } from "./types";

const Message = z
  .looseObject({ role: z.string(), content: z.string().nullish() })
  .refine((m) => typeof m.content === "string" || (Array.isArray(m.tool_calls) && m.tool_calls.length > 0), {
    message: "content must be a string (null only in a message with tool_calls)",
    path: ["content"],
  })
  .transform((m) => ({ ...m, content: m.content ?? "" }));
const Messages = z.array(Message).min(1, "the message list is empty");

const isToolList = (v: unknown): v is Array<Record<string, unknown>> => Array.isArray(v) && v.every(isPlainRecord);

/** The tools column: JSON-schema function descriptions, as a list or (ShareGPT, glaive) as its JSON text. */
const ToolsColumn = z
  .unknown()
  .transform((value, ctx): { tools?: Tools } => {
    if (value === undefined || value === null) return {};
    let tools: unknown = value;
    if (typeof value === "string") {
      try {
        tools = JSON.parse(value) as unknown;
      } catch {
        tools = null;
      }
    }
    if (!isToolList(tools)) {
      ctx.addIssue({ code: "custom", message: "tools must be a list of tool objects (or its JSON text)" });
      return z.NEVER;
    }
    return tools.length > 0 ? { tools } : {};
  })
  .optional();

const Row = z.union([
  Messages.transform((messages): TrainerInput => ({ kind: "messages", messages })),
  z
    .strictObject({ messages: Messages, tools: ToolsColumn })
    .transform((r): TrainerInput => ({ kind: "messages", messages: r.messages, ...(r.tools ?? {}) })),
  z
    .strictObject({ prompt: Messages, completion: Messages, tools: ToolsColumn })
    .transform((r): TrainerInput => ({ kind: "prompt-completion", prompt: r.prompt, completion: r.completion, ...(r.tools ?? {}) })),
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
