// The tool parts of a conversation in the example editor: an assistant turn's calls and the tools the
// conversation offers, as JSON read by the dataset reader's own functions (so the editor accepts what
// a dataset file may hold, and says the same thing when it cannot).
import { toolCallList, toolsOf } from "../../core/dataset/toolCalls";
import type { ChatExample, ToolCall } from "../../core/types";

export function readCalls(json: unknown): { value: ToolCall[] } | { message: string } {
  const r = toolCallList(json, "$");
  return Array.isArray(r) ? { value: r } : { message: `${r.path}: ${r.message}` };
}

export function readTools(json: unknown): { value: NonNullable<ChatExample["tools"]> } | { message: string } {
  const r = toolsOf(json, "$");
  return Array.isArray(r) ? { value: r } : { message: `${r.path}: ${r.message}` };
}

/** A call to start from when "+ tool call" is pressed. */
export const NEW_TOOL_CALL: ToolCall = { name: "function_name", arguments: {} };
/** A tool to start from when "+ tools" is pressed. */
export const NEW_TOOL = {
  type: "function",
  function: { name: "function_name", description: "What it does", parameters: { type: "object", properties: {} } },
};
