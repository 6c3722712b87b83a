// LLaMA-Factory's tool formats (read at v0.9.5+54, commit ff6d4d12: src/llamafactory/data/tool_utils.py
// DefaultToolUtils 149-190, Llama3ToolUtils 411-432, QwenToolUtils 588-608; formatter.py FunctionFormatter
// 91-136 and ToolFormatter 144-155): how an answer's calls and the tools offered become prompt text. The
// calls are re-dumped by Python's json.dumps (", " and ": "), which is why they read differently from
// the text the chat template writes.
import { pythonJsonDumps } from "./pythonJson";

export const TOOL_FORMATS = ["default", "qwen", "llama3"] as const;
export type ToolFormat = (typeof TOOL_FORMATS)[number];

export interface FunctionCall {
  name: string;
  arguments: unknown;
}

const DEFAULT_TOOL_PROMPT = (toolText: string, toolNames: string) =>
  `You have access to the following tools:\n${toolText}Use the following format if using a tool:\n` +
  "```\n" +
  `Action: tool name (one of [${toolNames}])\n` +
  'Action Input: the input to the tool, in a JSON format representing the kwargs (e.g. ```{"input": "hello world", "num_beams": 5}```)\n' +
  "```\n";

const QWEN_TOOL_PROMPT = (toolText: string) =>
  "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
  `You are provided with function signatures within <tools></tools> XML tags:\n<tools>${toolText}` +
  "\n</tools>\n\nFor each function call, return a json object with function name and arguments within " +
  '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>';

const LLAMA3_TOOL_PROMPT = (date: string, toolText: string) =>
  `Cutting Knowledge Date: December 2023\nToday Date: ${date}\n\n` +
  "You have access to the following functions. To call a function, please respond with JSON for a function call. " +
  'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}. ' +
  `Do not use variables.\n\n${toolText}`;

type Tool = Record<string, unknown>;
const asFunction = (tool: Tool): Tool => (tool.type === "function" ? { ...tool } : { type: "function", function: tool });
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** datetime.now().strftime("%d %b %Y"): Llama 3's tool prompt carries the day it was built. */
function today(now: Date): string {
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][now.getMonth()];
  return `${String(now.getDate()).padStart(2, "0")} ${month} ${now.getFullYear()}`;
}

function defaultToolText(tools: readonly Tool[]): string {
  let toolText = "";
  const names: string[] = [];
  for (const raw of tools) {
    const tool = (raw.type === "function" ? (raw.function ?? {}) : raw) as Tool;
    const parameters = (tool.parameters ?? {}) as { properties?: Record<string, Tool>; required?: string[] };
    let paramText = "";
    for (const [name, param] of Object.entries(parameters.properties ?? {})) {
      const required = (parameters.required ?? []).includes(name) ? ", required" : "";
      const enumText = Array.isArray(param.enum) && param.enum.length > 0 ? `, should be one of [${param.enum.map(str).join(", ")}]` : "";
      const items = param.items ? `, where each item should be ${str((param.items as Tool).type)}` : "";
      paramText += `  - ${name} (${str(param.type)}${required}): ${str(param.description)}${enumText}${items}\n`;
    }
    toolText += `> Tool Name: ${str(tool.name)}\nTool Description: ${str(tool.description)}\nTool Args:\n${paramText}\n`;
    names.push(str(tool.name));
  }
  return DEFAULT_TOOL_PROMPT(toolText, names.join(", "));
}

/** ToolFormatter.apply: the text appended to the system prompt; no tools, no text. */
export function toolsText(format: ToolFormat, tools: readonly Tool[], now = new Date()): string {
  if (tools.length === 0) return "";
  const text: Record<ToolFormat, () => string> = {
    default: () => defaultToolText(tools),
    qwen: () => QWEN_TOOL_PROMPT(tools.map((t) => `\n${pythonJsonDumps(asFunction(t))}`).join("")),
    llama3: () => LLAMA3_TOOL_PROMPT(today(now), tools.map((t) => `${pythonJsonDumps(asFunction(t), 4)}\n\n`).join("")),
  };
  return text[format]();
}

/**
 * FunctionFormatter.apply: the calls as the answer's text. Each call's arguments pass through
 * json.dumps and back (FunctionCall(name, json.dumps(arguments))), so a string stays a string.
 */
export function functionText(format: ToolFormat, calls: readonly FunctionCall[]): string {
  const llama3 = calls.map((c) => ({ name: c.name, parameters: c.arguments }));
  const text: Record<ToolFormat, () => string> = {
    default: () => calls.map((c) => `Action: ${c.name}\nAction Input: ${pythonJsonDumps(c.arguments)}`).join("\n"),
    qwen: () => calls.map((c) => `<tool_call>\n${pythonJsonDumps({ name: c.name, arguments: c.arguments })}\n</tool_call>`).join("\n"),
    llama3: () => pythonJsonDumps(llama3.length === 1 ? llama3[0] : llama3),
  };
  return text[format]();
}
