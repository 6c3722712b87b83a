// The tool parts of a conversation in the example editor: an assistant turn's calls and the tools the
// conversation offers, as JSON read by the dataset reader's own functions (so the editor accepts what
// a dataset file may hold, and says the same thing when it cannot).
import { toolCallList, toolsOf } from "../../core/dataset/toolCalls";
import type { ChatExample, ToolCall } from "../../core/types";
import { JsonField } from "./JsonField";

function readCalls(json: unknown): { value: ToolCall[] } | { message: string } {
  const r = toolCallList(json, "$");
  return Array.isArray(r) ? { value: r } : { message: `${r.path}: ${r.message}` };
}

function readTools(json: unknown): { value: NonNullable<ChatExample["tools"]> } | { message: string } {
  const r = toolsOf(json, "$");
  return Array.isArray(r) ? { value: r } : { message: `${r.path}: ${r.message}` };
}

export function ToolCallsField(props: { label: string; testId: string; calls: ToolCall[]; onCommit: (calls: ToolCall[]) => void }) {
  return <JsonField label={props.label} testId={props.testId} value={props.calls} read={readCalls} onCommit={props.onCommit} />;
}

export function ToolsField(props: {
  label: string;
  testId: string;
  tools: NonNullable<ChatExample["tools"]>;
  onCommit: (tools: NonNullable<ChatExample["tools"]>) => void;
}) {
  return <JsonField label={props.label} testId={props.testId} value={props.tools} read={readTools} onCommit={props.onCommit} />;
}

/** A call to start from when "+ tool call" is pressed. */
export const NEW_TOOL_CALL: ToolCall = { name: "function_name", arguments: {} };
/** A tool to start from when "+ tools" is pressed. */
export const NEW_TOOL = {
  type: "function",
  function: { name: "function_name", description: "What it does", parameters: { type: "object", properties: {} } },
};
