// Tool use in the shapes datasets have it, read into ToolCall and the tools list:
// - OpenAI / Hugging Face: an assistant's `tool_calls: [{type: "function", id, function: {name,
//   arguments}}]` (arguments an object or a JSON string), axolotl's spelling included (the same
//   field, or `function` left out);
// - ShareGPT (LLaMA-Factory, glaive): a `function_call` turn whose value is `{"name", "arguments"}`;
// - LLaMA-Factory's content parts: `{"type": "tool_call", "value": "{\"name\": …}"}`;
// - the record's `tools`: a list, or that list JSON-encoded (glaive's string), of function schemas,
//   bare (`{name, description, parameters}`) or wrapped (`{type: "function", function: {…}}`).
import type { ToolCall } from "../types";
import { isPlainRecord, typeName } from "./recordValues";
import { problem, type RecordProblem } from "./turns";

/** A JSON string's value, or undefined where it is not JSON. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `{name, arguments}` (or `{function: {name, arguments}, id}`) → a ToolCall. */
export function toolCallOf(value: unknown, path: string): ToolCall | RecordProblem {
  const raw = typeof value === "string" ? parsedJson(value) : value;
  if (!isPlainRecord(raw)) {
    return problem(
      typeof value === "string" ? "invalid-json" : "wrong-type",
      path,
      `a tool call is ${typeof value === "string" ? "a string that is not JSON" : typeName(raw)}; expected {"name": …, "arguments": {…}}`,
    );
  }
  const fn = isPlainRecord(raw.function) ? raw.function : raw;
  if (typeof fn.name !== "string" || fn.name === "") {
    return problem("missing-field", `${path}.name`, `a tool call has no function name; expected {"name": "…", "arguments": {…}}`);
  }
  // Arguments arrive as an object, or (OpenAI's wire format) as a JSON string of one.
  const args = typeof fn.arguments === "string" ? (parsedJson(fn.arguments) ?? fn.arguments) : (fn.arguments ?? {});
  if (!isPlainRecord(args) && typeof args !== "string") {
    return problem("wrong-type", `${path}.arguments`, `a tool call's arguments are ${typeName(args)}; expected an object`);
  }
  const call: ToolCall = { name: fn.name, arguments: args };
  if (typeof raw.id === "string") call.id = raw.id;
  return call;
}

/** An assistant message's `tool_calls` list. */
export function toolCallList(value: unknown, path: string): ToolCall[] | RecordProblem {
  if (!Array.isArray(value)) return { reason: "wrong-type", path, message: `tool_calls is ${typeName(value)}; expected a list of calls` };
  const calls: ToolCall[] = [];
  for (let i = 0; i < value.length; i++) {
    const call = toolCallOf(value[i], `${path}[${i}]`);
    if ("reason" in call) return call;
    calls.push(call);
  }
  return calls;
}

/** The record's `tools`, each as the chat templates expect it: `{type: "function", function: {…}}`. */
export function toolsOf(value: unknown, path: string): Array<Record<string, unknown>> | RecordProblem {
  const list = typeof value === "string" ? (value.trim() === "" ? [] : parsedJson(value)) : value;
  if (!Array.isArray(list)) {
    return problem(
      typeof value === "string" ? "invalid-json" : "wrong-type",
      path,
      `tools is ${typeof value === "string" ? "a string that is not a JSON list" : typeName(list)}; expected a list of function schemas`,
    );
  }
  const tools: Array<Record<string, unknown>> = [];
  for (let i = 0; i < list.length; i++) {
    const tool: unknown = list[i];
    if (!isPlainRecord(tool) || (typeof tool.name !== "string" && !isPlainRecord(tool.function))) {
      return problem(
        "wrong-type",
        `${path}[${i}]`,
        `tool ${i + 1} is not a function schema; expected {"name", "description", "parameters"} or {"type": "function", "function": {…}}`,
      );
    }
    tools.push(isPlainRecord(tool.function) ? tool : { type: "function", function: tool });
  }
  return tools;
}
