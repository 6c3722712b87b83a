// LLaMA-Factory's supervised preprocessing (read at v0.9.5+54, commit ff6d4d12:
// src/llamafactory/data/processor/supervised.py _encode_data_example, data/converter.py
// SharegptDatasetConverter, data/template.py, hparams/data_args.py), position for position:
// - the conversation becomes (prompt, answer) pairs of ids: the first prompt holds the prefix and
//   the system turn; every answer is its assistant slot (for Qwen3 "{{content}}<|im_end|>\n": the
//   newline after the end-of-turn token is part of the answer);
// - a reasoning template (qwen3, or a tokenizer template with <think>) gives an answer without a
//   thought the empty "<think>\n\n</think>\n\n": trained when enable_thinking is on (the default),
//   part of the prompt when it is off; earlier answers lose their thoughts under mask_history;
// - prompts are masked unless train_on_prompt; mask_history trains the last answer only;
// - efficient_eos (a template attribute, overridable here): the EOS is not in the answer slot but
//   is the label of the first token of the next prompt, and appended at the end;
// - cutoff_len truncates each pair by infer_seqlen (mask_history keeps the last pairs first);
// - rows whose turns do not alternate user/assistant are dropped ("Invalid role tag");
// - tool use (OpenAIDatasetConverter, converter.py 229-300): an assistant turn with tool_calls becomes a
//   function turn whose content is the calls alone (its text is dropped), consecutive tool results merge
//   into one observation, and a function turn is an answer: trained, written by the template's
//   format_function (llamaFactoryTools.ts); an observation is a prompt: masked. The tools list is
//   appended to the system prompt by format_tools (template.py _encode 149-164).
import type { TemplateMessage, Tools } from "../chat/chatTemplate";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning } from "../types";
import { failed, ownTemplateDifference, result, showTokens } from "./common";
import { fill, LF_TEMPLATES, parseTemplate, slotIds, type LfTemplate, type Slot } from "./llamaFactoryTemplates";
import { functionText, toolsText, type FunctionCall } from "./llamaFactoryTools";
import { pythonJsonDumps } from "./pythonJson";
import { bool, int, optionalBool, str, type OptionValues } from "./options";
import { inputMessages, inputTools, TrainerOptionError, type TrainerExample, type TrainerInput } from "./types";

export const LLAMA_FACTORY_OPTIONS = {
  template: str(null, `a registered template (${Object.keys(LF_TEMPLATES).join(", ")}); none: parsed from the tokenizer's chat template`),
  train_on_prompt: bool(false, "train the prompts too"),
  mask_history: bool(false, "train the last answer only"),
  efficient_eos: optionalBool(null, "EOS as the label of the next prompt's first token, not in the answer (none: the template's)"),
  enable_thinking: optionalBool(true, "reasoning templates: the empty thought added to an answer is trained (true) or prompt (false/none)"),
  preserve_thinking: bool(false, "keep earlier answers' thoughts under mask_history"),
  cutoff_len: int(2048, "the most tokens of a row; pairs are truncated by infer_seqlen"),
  default_system: str(null, "system prompt for rows without one"),
} as const;
export type LlamaFactoryOptions = OptionValues<typeof LLAMA_FACTORY_OPTIONS>;

/** processor_utils.infer_seqlen: how much of a (prompt, answer) pair fits in what is left. */
export function inferSeqlen(sourceLen: number, targetLen: number, cutoffLen: number): [number, number] {
  let maxTarget: number;
  if (targetLen * 2 < cutoffLen) maxTarget = cutoffLen;
  else if (sourceLen * 2 < cutoffLen) maxTarget = cutoffLen - sourceLen;
  else maxTarget = Math.floor(cutoffLen * (targetLen / (sourceLen + targetLen)));
  const newTarget = Math.min(maxTarget, targetLen);
  const newSource = Math.min(Math.max(cutoffLen - newTarget, 0), sourceLen);
  return [newSource, newTarget];
}

function removeThought(template: LfTemplate, content: string): string {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const [open, close] = template.thoughtWords;
  return content.replace(new RegExp(`${esc(open)}([\\s\\S]*?)${esc(close)}`, "g"), "").replace(/^\n+/, "");
}

type Role = "user" | "assistant" | "observation" | "function";
interface AlignedMessage {
  role: Role;
  /** For a function turn, the calls as the converter dumps them (json.dumps of each tool call's "function"). */
  content: string;
  calls?: FunctionCall[];
}
interface Aligned {
  system: string;
  messages: AlignedMessage[];
  /** 1-based numbers of assistant turns whose text the converter dropped for their tool calls. */
  droppedText: number[];
}

const ROLES: Record<string, Role> = { user: "user", assistant: "assistant", function: "function" };

function calls(message: TemplateMessage): FunctionCall[] | null {
  if (!Array.isArray(message.tool_calls) || message.tool_calls.length === 0) return null;
  return message.tool_calls.map((c) => {
    const fn = (c as { function?: { name?: unknown; arguments?: unknown } }).function ?? {};
    return { name: String(fn.name), arguments: fn.arguments };
  });
}

/** OpenAIDatasetConverter: a leading system turn, then user/observation and assistant/function alternating. */
function align(messages: readonly TemplateMessage[]): Aligned | string {
  let rest = messages;
  let system = "";
  if (rest.length > 0 && rest[0].role === "system") {
    system = rest[0].content;
    rest = rest.slice(1);
  }
  const out: AlignedMessage[] = [];
  const droppedText: number[] = [];
  let toolResponses: string[] = [];
  for (const [k, m] of rest.entries()) {
    const called = m.role === "assistant" ? calls(m) : null;
    if (m.role === "tool") {
      toolResponses.push(m.content);
      continue;
    }
    if (toolResponses.length > 0) {
      out.push({ role: "observation", content: toolResponses.join("\n</tool_response>\n<tool_response>\n") });
      toolResponses = [];
    }
    if (called) {
      if (m.content.trim() !== "") droppedText.push(k + 1 + (system ? 1 : 0));
      out.push({ role: "function", content: pythonJsonDumps(called), calls: called });
      continue;
    }
    const role = Object.hasOwn(ROLES, m.role) ? ROLES[m.role] : undefined;
    if (role === undefined) return `Invalid role tag: message ${k + 1} is "${m.role}", which the converter has no tag for`;
    out.push({ role, content: m.content });
  }
  // Tool results after the last answer are never flushed: the converter loses them, and the count then fails.
  for (const [k, m] of out.entries()) {
    const even = m.role === "user" || m.role === "observation";
    if (even !== (k % 2 === 0))
      return `Invalid role tag: turn ${k + 1} (after merging tool results) is "${m.role}" where LLaMA-Factory expects ${k % 2 === 0 ? "user or tool" : "assistant"}`;
  }
  if (out.length % 2 !== 0 || out.length === 0) return "Invalid message count: the turns must end with an assistant answer";
  return { system, messages: out, droppedText };
}

function chooseTemplate(tokenizer: PlaygroundTokenizer, options: LlamaFactoryOptions): LfTemplate {
  let template: LfTemplate;
  if (options.template === null) {
    // "`template` was not specified, try parsing the chat template from the tokenizer" (else the `empty` template).
    template = tokenizer.chatTemplate === null ? LF_TEMPLATES.empty : parseTemplate(tokenizer, tokenizer.chatTemplate);
  } else {
    const registered = Object.hasOwn(LF_TEMPLATES, options.template) ? LF_TEMPLATES[options.template] : undefined;
    if (registered === undefined)
      throw new TrainerOptionError(
        `llamafactory: Template ${options.template} does not exist here; the playground has: ${Object.keys(LF_TEMPLATES).join(", ")}`,
      );
    template = registered;
  }
  const efficientEos = options.efficient_eos ?? template.efficientEos;
  if (options.train_on_prompt && efficientEos)
    throw new TrainerOptionError("llamafactory: Current template does not support `train_on_prompt`. (efficient_eos)");
  if (options.mask_history && options.train_on_prompt)
    throw new TrainerOptionError("llamafactory: `mask_history` is incompatible with `train_on_prompt`.");
  return { ...template, efficientEos, defaultSystem: options.default_system ?? template.defaultSystem };
}

/** fix_special_tokens: replace_eos makes the first stop word the EOS. */
function eosOf(tokenizer: PlaygroundTokenizer, template: LfTemplate): number | null {
  if (!template.replaceEos) return tokenizer.eosId ?? tokenizer.tokenId("<|endoftext|>");
  const id = tokenizer.tokenId(template.stopWords[0]);
  if (id === null)
    throw new TrainerOptionError(
      `llamafactory: template ${template.name} makes ${template.stopWords[0]} the EOS, which ${tokenizer.name} does not have`,
    );
  return id;
}

/** Template._encode + ReasoningTemplate.encode_multiturn: (prompt ids, answer ids) per turn pair. */
function encodePairs(
  tokenizer: PlaygroundTokenizer,
  template: LfTemplate,
  aligned: Aligned,
  options: LlamaFactoryOptions,
  eosId: number | null,
  tools: Tools,
): Array<[number[], number[]]> {
  const messages = aligned.messages.map((m) => ({ ...m }));
  const thinking = options.enable_thinking;
  const discardHistory = options.mask_history && !options.preserve_thinking;
  if (template.reasoning) {
    for (let i = 1; i < messages.length; i += 2) {
      if (thinking === false || (discardHistory && i < messages.length - 2))
        messages[i].content = removeThought(template, messages[i].content);
    }
  }
  const system = aligned.system || template.defaultSystem;
  const toolText = tools ? toolsText(template.toolFormat, tools) : "";
  const encoded = messages.map((m, i) => {
    const slots: Slot[] = i === 0 ? [...template.prefix, ...(system || tools ? fill(template.system, system + toolText) : [])] : [];
    const body =
      m.role === "function" ? fill(template.function, functionText(template.toolFormat, m.calls ?? [])) : fill(template[m.role], m.content);
    return slotIds(tokenizer, [...slots, ...body], eosId);
  });
  if (template.reasoning) {
    const thoughtIds = tokenizer.encode(template.thoughtWords.join(""), false);
    const turnIndices = discardHistory ? [messages.length - 2] : messages.map((_m, i) => i).filter((i) => i % 2 === 0);
    for (const i of turnIndices) {
      const answer = messages[i + 1].content;
      if (answer.includes(template.thoughtWords[0].trim()) || answer.includes(template.thoughtWords[1].trim())) continue;
      if (!thinking) encoded[i] = [...encoded[i], ...thoughtIds];
      else encoded[i + 1] = [...thoughtIds, ...encoded[i + 1]];
    }
  }
  const pairs: Array<[number[], number[]]> = [];
  for (let i = 0; i < encoded.length; i += 2) pairs.push([encoded[i], encoded[i + 1]]);
  return pairs;
}

export function maskLlamaFactory(tokenizer: PlaygroundTokenizer, input: TrainerInput, options: LlamaFactoryOptions): TrainerExample {
  const template = chooseTemplate(tokenizer, options);
  const messages = inputMessages(input, "llamafactory");
  const aligned = align(messages);
  if (typeof aligned === "string") {
    const w: MaskWarning = {
      code: "trainer-row-dropped",
      message: `LLaMA-Factory skips this row ("Skipping this abnormal example", then "Dropped invalid example"): ${aligned}.`,
    };
    return { ...failed(tokenizer, [], w.message), warnings: [w], outcome: "dropped" };
  }
  const eosId = eosOf(tokenizer, template);
  const warnings: MaskWarning[] = [];
  if (aligned.droppedText.length > 0) {
    warnings.push({
      code: "trainer-tool-text-dropped",
      message: `LLaMA-Factory's converter replaces the content of an assistant turn that has tool_calls with the calls alone (converter.py 259-263), so the text of message ${aligned.droppedText.join(", ")} is not trained or even seen. Put that text in its own assistant turn, or give the calls in the content as the template's tool format writes them.`,
    });
  }
  let pairs = encodePairs(tokenizer, template, aligned, options, eosId, inputTools(input));
  if (options.mask_history) pairs = [...pairs].reverse(); // "high priority for last turns"
  let inputIds: number[] = [];
  let labels: number[] = [];
  let total = template.efficientEos ? 1 : 0;
  const cutoff = options.cutoff_len ?? Number.POSITIVE_INFINITY;
  for (const [turn, [source, target]] of pairs.entries()) {
    if (total >= cutoff) break;
    const [sourceLen, targetLen] = inferSeqlen(source.length, target.length, cutoff - total);
    const src = source.slice(0, sourceLen);
    const tgt = target.slice(0, targetLen);
    total += sourceLen + targetLen;
    let sourceLabel: number[];
    if (options.train_on_prompt) sourceLabel = src;
    else if (template.efficientEos && turn !== 0 && eosId !== null) sourceLabel = [eosId, ...src.slice(1).map(() => IGNORE_INDEX)];
    else sourceLabel = src.map(() => IGNORE_INDEX);
    const targetLabel = options.mask_history && turn !== 0 ? tgt.map(() => IGNORE_INDEX) : tgt;
    if (options.mask_history) {
      inputIds = [...src, ...tgt, ...inputIds];
      labels = [...sourceLabel, ...targetLabel, ...labels];
    } else {
      inputIds.push(...src, ...tgt);
      labels.push(...sourceLabel, ...targetLabel);
    }
  }
  if (template.efficientEos && eosId !== null) {
    // The EOS was the label at each next prompt's first token (the input there is not the EOS); one more ends the row.
    inputIds.push(eosId);
    labels.push(eosId);
  }
  // LLaMA-Factory trains on its own slots' ids, which need not be what the tokenizer's template renders.
  const diff = ownTemplateDifference(tokenizer, messages, undefined, inputIds);
  if (diff) {
    const { at, own } = diff;
    warnings.push({
      code: "trainer-template-swapped",
      message: `LLaMA-Factory formats the row with its ${template.name} template's slots, not the tokenizer's chat template, and the ids differ from what ${tokenizer.name}'s own template renders from position ${at} (${showTokens(tokenizer, inputIds.slice(at, at + 4))} against ${showTokens(tokenizer, own.slice(at, at + 4))}).${template.reasoning ? " A reasoning template gives every answer without a thought the empty <think> block; Qwen3's own template writes it on the last answer only." : ""}`,
    });
  }
  return result(tokenizer, inputIds, labels, warnings);
}
