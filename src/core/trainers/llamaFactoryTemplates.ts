// LLaMA-Factory's chat templates (read at v0.9.5+54, commit ff6d4d12: src/llamafactory/data/template.py
// register_template, parse_template, Template._encode, ReasoningTemplate.encode_multiturn). LLaMA-Factory
// does not render the tokenizer's Jinja template when it trains: it formats each message from its own
// slots and tokenizes every slot string separately, so tokens never merge across two slots. With no
// `template` given it builds the slots from the tokenizer's Jinja template (parse_template).
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { ToolFormat } from "./llamaFactoryTools";
import { renderTemplate } from "../chat/chatTemplate";

/** A slot element: text (with {{content}} filled in), a named token, or the tokenizer's BOS/EOS. */
export type Slot = { text: string } | { token: string } | { special: "bos_token" | "eos_token" };

export interface LfTemplate {
  name: string;
  user: Slot[];
  assistant: Slot[];
  system: Slot[];
  observation: Slot[];
  /** format_function's slots: an answer that calls tools (its calls written by `toolFormat`). */
  function: Slot[];
  /** How calls and the tools list are written (FunctionFormatter / ToolFormatter's tool_format). */
  toolFormat: ToolFormat;
  prefix: Slot[];
  defaultSystem: string;
  stopWords: string[];
  thoughtWords: [string, string];
  efficientEos: boolean;
  replaceEos: boolean;
  /** ReasoningTemplate: adds an empty thought to answers that have none. */
  reasoning: boolean;
}

const t = (text: string): Slot => ({ text });
const THOUGHT: [string, string] = ["<think>\n", "\n</think>\n\n"];

/** register_template's defaults: no prefix, system or stop words, tool_format "default", the assistant's slots for calls. */
function template(
  name: string,
  slots: Pick<LfTemplate, "user" | "assistant" | "system" | "observation"> & Partial<LfTemplate>,
): LfTemplate {
  const base = {
    prefix: [],
    defaultSystem: "",
    stopWords: [],
    thoughtWords: THOUGHT,
    efficientEos: false,
    replaceEos: false,
    reasoning: false,
  };
  return { name, function: slots.assistant, toolFormat: "default", ...base, ...slots };
}

function chatml(name: string, reasoning: boolean, defaultSystem = ""): LfTemplate {
  return template(name, {
    user: [t("<|im_start|>user\n{{content}}<|im_end|>\n<|im_start|>assistant\n")],
    assistant: [t("{{content}}<|im_end|>\n")],
    system: [t("<|im_start|>system\n{{content}}<|im_end|>\n")],
    observation: [t("<|im_start|>user\n<tool_response>\n{{content}}\n</tool_response><|im_end|>\n<|im_start|>assistant\n")],
    toolFormat: "qwen",
    defaultSystem,
    stopWords: ["<|im_end|>"],
    replaceEos: true,
    reasoning,
  });
}

/** The registered templates the playground carries, as template.py registers them. */
export const LF_TEMPLATES: Record<string, LfTemplate> = {
  empty: template("empty", {
    user: [t("{{content}}")],
    assistant: [t("{{content}}")],
    system: [t("{{content}}")],
    observation: [t("{{content}}")],
  }),
  qwen: chatml("qwen", false, "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."),
  qwen3: chatml("qwen3", true),
  qwen3_nothink: chatml("qwen3_nothink", false),
  llama3: template("llama3", {
    user: [t("<|start_header_id|>user<|end_header_id|>\n\n{{content}}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")],
    assistant: [t("{{content}}<|eot_id|>")],
    system: [t("<|start_header_id|>system<|end_header_id|>\n\n{{content}}<|eot_id|>")],
    observation: [
      t("<|start_header_id|>ipython<|end_header_id|>\n\n{{content}}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"),
    ],
    toolFormat: "llama3",
    prefix: [{ special: "bos_token" }],
    stopWords: ["<|eot_id|>", "<|eom_id|>"],
    replaceEos: true,
  }),
};

/** StringFormatter.apply: the first {{content}} of each text slot is the content. */
export function fill(slots: readonly Slot[], content: string): Slot[] {
  return slots.map((s) => ("text" in s ? { text: s.text.replace("{{content}}", () => content) } : s));
}

/** _convert_elements_to_ids: every text slot encoded on its own, without special tokens. */
export function slotIds(tokenizer: PlaygroundTokenizer, slots: readonly Slot[], eosId: number | null): number[] {
  const ids: number[] = [];
  for (const s of slots) {
    if ("text" in s) {
      if (s.text.length > 0) ids.push(...tokenizer.encode(s.text, false));
    } else if ("token" in s) {
      const id = tokenizer.tokenId(s.token);
      if (id !== null) ids.push(id);
    } else if (s.special === "bos_token" && tokenizer.bosId !== null) ids.push(tokenizer.bosId);
    else if (s.special === "eos_token" && eosId !== null) ids.push(eosId);
  }
  return ids;
}

/** parse_template's find_diff: the characters of `long` that `short` skips over. */
function findDiff(short: string, long: string): string {
  let i = 0;
  let diff = "";
  for (let j = 0; i < short.length && j < long.length; j++) {
    if (short[i] === long[j]) i++;
    else diff += long[j];
  }
  return diff;
}

/** parse_template: slots read off the tokenizer's own template, rendered with "{{content}}" as content. */
export function parseTemplate(tokenizer: PlaygroundTokenizer, source: string): LfTemplate {
  const render = (messages: Array<{ role: string; content: string }>, gen: boolean) =>
    renderTemplate(source, tokenizer, messages, { addGenerationPrompt: gen });
  const empty = tokenizer.encode("", true);
  const prefix = empty.length > 0 ? tokenizer.decode(empty) : "";
  const C = "{{content}}";
  const systemSlot = render([{ role: "system", content: C }], false).slice(prefix.length);
  const userSlotEmptySystem = render(
    [
      { role: "system", content: "" },
      { role: "user", content: C },
    ],
    true,
  ).slice(prefix.length);
  let userSlot = render([{ role: "user", content: C }], true).slice(prefix.length);
  let assistantSlot = render(
    [
      { role: "user", content: C },
      { role: "assistant", content: C },
    ],
    false,
  ).slice(prefix.length + userSlot.length);
  const reasoning = assistantSlot.includes("<think>");
  assistantSlot = assistantSlot.replaceAll("<think>", "").replaceAll("</think>", "").replace(/^\n+/, "");
  let defaultSystem = "";
  if (userSlot.length > userSlotEmptySystem.length) {
    defaultSystem = findDiff(userSlotEmptySystem, userSlot);
    const soleSystem = systemSlot.replace(C, () => defaultSystem);
    userSlot = userSlot.slice(soleSystem.length);
  }
  return template("(parsed from the tokenizer's chat template)", {
    user: [t(userSlot)],
    assistant: [t(assistantSlot)],
    system: [t(systemSlot)],
    observation: [t(userSlot)],
    prefix: prefix ? [t(prefix)] : [],
    defaultSystem,
    reasoning,
  });
}
