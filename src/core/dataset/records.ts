// One record (a parsed JSON object, CSV row or Parquet row) → turns, for each record format the
// hub's SFT datasets use. The first recognised record fixes the file's format; see readers.
import type { ChatExample, Role, TextTemplates, ToolCall } from "../types";
import { isPlainRecord, typeName } from "./recordValues";
import { toolCallList, toolCallOf, toolsOf } from "./toolCalls";
import { checkContent, checkConversation, splitText, problem, type RecordProblem, type SourcedTurn } from "./turns";
import type { RecordFormat } from "./types";

/** The field that announces each format, in the order they are tried. */
const FORMAT_KEYS: ReadonlyArray<readonly [key: string, format: RecordFormat]> = [
  ["messages", "messages"],
  ["conversations", "conversations"],
  ["instruction", "alpaca"],
  ["prompt", "prompt-completion"],
  ["text", "text"],
];

export const FORMAT_FIELDS: Record<RecordFormat, string> = {
  messages: "messages [{role, content}]",
  conversations: "ShareGPT conversations [{from, value}]",
  alpaca: "alpaca instruction/input/output",
  "prompt-completion": "prompt/completion",
  text: "text",
};

export function detectFormat(record: Record<string, unknown>): RecordFormat | null {
  for (const [key, format] of FORMAT_KEYS) if (Object.hasOwn(record, key) && record[key] !== undefined) return format;
  return null;
}

export function unknownFormatMessage(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  return `no known fields (got ${keys.length ? keys.map((k) => JSON.stringify(k)).join(", ") : "an empty object"}); expected one of "messages", "conversations", "instruction"+"output", "prompt"+"completion", "text"`;
}

type Converted = { turns: SourcedTurn[] } | RecordProblem;

/** A string field; `required` false turns a missing field into "". */
function stringField(record: Record<string, unknown>, key: string, required: boolean): string | RecordProblem {
  const path = `.${key}`;
  if (!Object.hasOwn(record, key) || record[key] === undefined || (record[key] === null && !required)) {
    return required ? { reason: "missing-field", path, message: `missing field "${key}"; expected a string` } : "";
  }
  const v = record[key];
  if (typeof v !== "string") return { reason: "wrong-type", path, message: `"${key}" is ${typeName(v)}; expected a string` };
  return v;
}

/** A part of a record left out on the way: an image (or audio, …) part of a message's content. */
export interface SkippedPart {
  /** Relative JSON path of the part, e.g. `.messages[0].content[1]`. */
  path: string;
  type: string;
}

/** A message's content: its text, and the tool calls written as content parts (LLaMA-Factory). */
interface Content {
  text: string;
  calls: ToolCall[];
}

/** A typed part's string: Hugging Face's `text`, LLaMA-Factory's `value`. */
function partText(part: Record<string, unknown>, at: string): string | RecordProblem {
  const key = Object.hasOwn(part, "text") ? "text" : "value";
  if (typeof part[key] === "string") return part[key];
  return problem(
    part[key] === undefined ? "missing-field" : "wrong-type",
    `${at}.${key}`,
    `a ${String(part.type)} part's "text" (or "value") is ${typeName(part[key])}; expected a string`,
  );
}

/**
 * Message content: a string, or the list of typed parts. Text parts are kept; a reasoning part
 * (LLaMA-Factory) becomes the `<think>` block that Qwen3-style templates split off again; a
 * tool_call part becomes a call. Other parts (images, audio) are noted in `skipped` (the record is
 * kept for its text), unless nothing is left. null content is empty (OpenAI's tool-calling turns).
 */
function contentOf(v: unknown, path: string, skipped: SkippedPart[]): Content | RecordProblem {
  if (typeof v === "string") return { text: v, calls: [] };
  if (v === null) return { text: "", calls: [] };
  if (Array.isArray(v) && v.every((p) => isPlainRecord(p) && typeof p.type === "string")) {
    const texts: string[] = [];
    const calls: ToolCall[] = [];
    const media: SkippedPart[] = [];
    for (let i = 0; i < v.length; i++) {
      const part = v[i] as Record<string, unknown>;
      const at = `${path}[${i}]`;
      if (part.type !== "text" && part.type !== "reasoning" && part.type !== "tool_call") {
        media.push({ path: at, type: String(part.type) });
        continue;
      }
      const text = partText(part, at);
      if (typeof text !== "string") return text;
      if (part.type === "tool_call") {
        const call = toolCallOf(text, at);
        if ("reason" in call) return call;
        calls.push(call);
      } else texts.push(part.type === "reasoning" ? `<think>\n${text}\n</think>\n\n` : text);
    }
    if (texts.length === 0 && calls.length === 0 && media.length > 0) {
      const types = [...new Set(media.map((m) => JSON.stringify(m.type)))].join(", ");
      return problem(
        "empty-field",
        path,
        `the content has only ${types} parts and no text; this playground trains on text: add a {type: "text", text} part or leave the record out`,
      );
    }
    skipped.push(...media);
    return { text: texts.join(""), calls };
  }
  if (v === undefined) return { reason: "missing-field", path, message: "missing content; expected a string" };
  return { reason: "wrong-type", path, message: `content is ${typeName(v)}; expected a string (or a list of {type: "text", text} parts)` };
}

/**
 * A message's own say on training it: LLaMA-Factory's `loss_weight` (0 masks), axolotl's `train` /
 * `training` (booleans) or `weight` (0 or 1). undefined where it says nothing.
 */
function trainFlag(item: Record<string, unknown>): boolean | undefined {
  for (const key of ["train", "training"]) if (typeof item[key] === "boolean") return item[key];
  for (const key of ["loss_weight", "weight"]) if (typeof item[key] === "number") return item[key] > 0;
  return undefined;
}

/** Arrays may arrive JSON-encoded (a CSV cell holding `[{"role": …}]`). */
function arrayField(value: unknown, path: string): unknown[] | RecordProblem {
  let v = value;
  if (typeof v === "string" && v.trimStart().startsWith("[")) {
    try {
      v = JSON.parse(v);
    } catch {
      return problem("invalid-json", path, "the cell looks like a JSON list but does not parse; expected a JSON array of turns");
    }
  }
  if (!Array.isArray(v)) return { reason: "wrong-type", path, message: `${path.slice(1)} is ${typeName(v)}; expected an array of turns` };
  if (v.length === 0)
    return { reason: "empty-field", path, message: `${path.slice(1)} is an empty list; expected at least a user and an assistant turn` };
  return v;
}

// ShareGPT's function_call turn is the assistant's (its value the call), observation the tool's result.
const SHAREGPT_ROLES: Record<string, Role> = {
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  system: "system",
  function_call: "assistant",
  observation: "tool",
  tool: "tool",
};
const CHAT_ROLES: Record<string, Role> = { user: "user", assistant: "assistant", system: "system", tool: "tool" };

/** A list of turn objects; `roleKeys`/`contentKeys` are tried in order (ShareGPT uses from/value). */
function turnList(
  value: unknown,
  path: string,
  roleKeys: string[],
  contentKeys: string[],
  roles: Record<string, Role>,
  skipped: SkippedPart[],
): Converted {
  const list = arrayField(value, path);
  if (!Array.isArray(list)) return list;
  const turns: SourcedTurn[] = [];
  const expected = () =>
    `expected one of ${Object.keys(roles)
      .map((r) => `"${r}"`)
      .join(", ")}`;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const at = `${path}[${i}]`;
    if (!isPlainRecord(item))
      return problem("wrong-type", at, `turn ${i + 1} is ${typeName(item)}; expected an object with ${roleKeys[0]} and ${contentKeys[0]}`);
    const roleKey = roleKeys.find((k) => Object.hasOwn(item, k));
    if (roleKey === undefined)
      return problem("missing-field", `${at}.${roleKeys[0]}`, `turn ${i + 1} has no "${roleKeys[0]}"; ${expected()}`);
    const raw = item[roleKey];
    const role = typeof raw === "string" && Object.hasOwn(roles, raw) ? roles[raw] : undefined;
    if (role === undefined) return problem("unknown-role", `${at}.${roleKey}`, `unknown role ${JSON.stringify(raw)}; ${expected()}`);
    const contentKey = contentKeys.find((k) => Object.hasOwn(item, k)) ?? contentKeys[0];
    const turn =
      raw === "function_call" ? shareGptCall(item[contentKey], `${at}.${contentKey}`) : messageTurn(item, role, at, contentKey, skipped);
    if ("reason" in turn) return turn;
    const train = trainFlag(item);
    turns.push(train === undefined ? turn : { ...turn, train });
  }
  return { turns };
}

/** ShareGPT's function_call turn: an assistant turn whose only content is the call. */
function shareGptCall(value: unknown, path: string): SourcedTurn | RecordProblem {
  const call = toolCallOf(value, path);
  return "reason" in call ? call : { role: "assistant", content: "", toolCalls: [call], path };
}

/** A message: its content, an assistant's tool_calls, a tool result's name and call id. */
function messageTurn(
  item: Record<string, unknown>,
  role: Role,
  at: string,
  contentKey: string,
  skipped: SkippedPart[],
): SourcedTurn | RecordProblem {
  const content = contentOf(item[contentKey], `${at}.${contentKey}`, skipped);
  if ("reason" in content) return content;
  const turn: SourcedTurn = { role, content: content.text, path: `${at}.${contentKey}` };
  const calls = [...content.calls];
  if (role === "assistant" && item.tool_calls !== undefined && item.tool_calls !== null) {
    const listed = toolCallList(item.tool_calls, `${at}.tool_calls`);
    if ("reason" in listed) return listed;
    calls.push(...listed);
  }
  if (calls.length > 0) turn.toolCalls = calls;
  if (role === "tool") {
    if (typeof item.name === "string") turn.name = item.name;
    if (typeof item.tool_call_id === "string") turn.toolCallId = item.tool_call_id;
  }
  return turn;
}

function alpaca(record: Record<string, unknown>): Converted {
  const fields = ["instruction", "output", "input", "system"].map((k) => stringField(record, k, k === "instruction" || k === "output"));
  const problem = fields.find((f) => typeof f !== "string");
  if (problem !== undefined) return problem as RecordProblem;
  const [instruction, output, input, system] = fields as string[];
  // Alpaca's prompt puts the input after the instruction, separated by a blank line.
  const user = input.trim() === "" ? instruction : `${instruction}\n\n${input}`;
  const turns: SourcedTurn[] = [];
  if (system.trim() !== "") turns.push({ role: "system", content: system, path: ".system" });
  turns.push({ role: "user", content: user, path: ".instruction" }, { role: "assistant", content: output, path: ".output" });
  return { turns };
}

/** TRL's prompt/completion: both strings, or both conversational (lists of messages). */
function promptCompletion(record: Record<string, unknown>, skipped: SkippedPart[]): Converted {
  if (!Object.hasOwn(record, "completion"))
    return problem("missing-field", ".completion", 'missing field "completion"; expected a string (or a list of messages)');
  const part = (key: string, role: Role): Converted => {
    const v = record[key];
    if (Array.isArray(v) || (typeof v === "string" && v.trimStart().startsWith("[{")))
      return turnList(v, `.${key}`, ["role"], ["content"], CHAT_ROLES, skipped);
    const s = stringField(record, key, true);
    return typeof s === "string" ? { turns: [{ role, content: s, path: `.${key}` }] } : s;
  };
  const prompt = part("prompt", "user");
  if (!("turns" in prompt)) return prompt;
  const completion = part("completion", "assistant");
  if (!("turns" in completion)) return completion;
  return { turns: [...prompt.turns, ...completion.turns] };
}

const CONVERTERS: Record<RecordFormat, (record: Record<string, unknown>, templates: TextTemplates, skipped: SkippedPart[]) => Converted> = {
  messages: (record, _templates, skipped) => turnList(record.messages, ".messages", ["role"], ["content"], CHAT_ROLES, skipped),
  conversations: (record, _templates, skipped) =>
    turnList(record.conversations, ".conversations", ["from", "role"], ["value", "content"], SHAREGPT_ROLES, skipped),
  alpaca,
  "prompt-completion": (record, _templates, skipped) => promptCompletion(record, skipped),
  text: (record, templates) => {
    const text = stringField(record, "text", true);
    return typeof text === "string" ? splitText(text, templates, ".text") : text;
  },
};

export type RecordOutcome =
  | (Pick<ChatExample, "turns" | "tools"> & { format: RecordFormat; skipped: SkippedPart[] })
  | (RecordProblem & { format: RecordFormat | null });

/**
 * A `system` column (LLaMA-Factory's ShareGPT and alpaca files, many hub sets) becomes the first
 * turn, unless the conversation already starts with one.
 */
function withSystemColumn(record: Record<string, unknown>, format: RecordFormat, turns: SourcedTurn[]): SourcedTurn[] {
  if (format === "alpaca" || format === "text") return turns; // alpaca reads it itself; text has its own
  const system = record.system;
  if (typeof system !== "string" || system.trim() === "" || turns[0]?.role === "system") return turns;
  return [{ role: "system", content: system, path: ".system" }, ...turns];
}

/**
 * Converts one record. `fileFormat` is the format fixed by the file's first usable record (null
 * before one is seen); a record in another format is a `shape-changed` problem.
 */
export function convertRecord(
  record: unknown,
  fileFormat: RecordFormat | null,
  fileFormatWhere: string,
  templates: TextTemplates,
): RecordOutcome {
  if (!isPlainRecord(record)) {
    return {
      format: null,
      reason: "not-an-object",
      path: "",
      message: `the record is ${typeName(record)}; expected an object such as {"messages": [...]}`,
    };
  }
  const format = detectFormat(record);
  if (format === null)
    return {
      format,
      reason: fileFormat ? "shape-changed" : "unknown-format",
      path: "",
      message: fileFormat
        ? `${unknownFormatMessage(record)}; the file's first record (${fileFormatWhere}) has ${FORMAT_FIELDS[fileFormat]}`
        : unknownFormatMessage(record),
    };
  if (fileFormat !== null && format !== fileFormat) {
    return {
      format,
      reason: "shape-changed",
      path: "",
      message: `the record has ${FORMAT_FIELDS[format]} but the file's first record (${fileFormatWhere}) has ${FORMAT_FIELDS[fileFormat]}; expected every record in one format`,
    };
  }
  const skipped: SkippedPart[] = [];
  const converted = CONVERTERS[format](record, templates, skipped);
  if (!("turns" in converted)) return { format, ...converted };
  const turns = withSystemColumn(record, format, converted.turns);
  const rolePath = (t: SourcedTurn) => t.path.replace(/\.(value|content)$/, (_m, k: string) => (k === "value" ? ".from" : ".role"));
  const problem = checkContent(turns) ?? checkConversation(turns, rolePath);
  if (problem) return { format, ...problem };
  const out: RecordOutcome = { format, turns: turns.map(({ path: _path, ...turn }) => turn), skipped };
  if (Object.hasOwn(record, "tools") && record.tools !== null && record.tools !== undefined) {
    const tools = toolsOf(record.tools, ".tools");
    if ("reason" in tools) return { format, ...tools };
    if (tools.length > 0) out.tools = tools;
  }
  return out;
}
