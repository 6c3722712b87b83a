// Rendering conversations with the tokenizer's own chat template (@huggingface/jinja), and finding
// which characters are the assistant's: by `{% generation %}` blocks where the template has them
// (what transformers' `return_assistant_tokens_mask` uses), else by rendering prefix by prefix.
import { Template } from "@huggingface/jinja";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { ChatExample, Turn } from "../types";

const GEN_START = "\uE000";
const GEN_END = "\uE001";
const GENERATION_TAG = /\{%(-?)\s*(end)?generation\s*(-?)%\}/g;

export class ChatTemplateError extends Error {
  override name = "ChatTemplateError";
}

export interface AssistantSpans {
  text: string;
  /** Character ranges [start, end) of `text` that belong to assistant turns, in order. */
  spans: Array<[number, number]>;
  /** Set when the prefix renderings were not prefixes of the whole conversation. */
  prefixMismatch: boolean;
}

/** The tools a conversation offers (ChatExample.tools), handed to the template as transformers does. */
export type Tools = ChatExample["tools"];

/**
 * A template's own switches, passed as apply_chat_template passes its extra keyword arguments. Qwen3's
 * `enable_thinking=False` makes the generation prompt end with the empty "<think>\n\n</think>\n\n" that
 * its template writes before every trained answer, so that prompt + answer is the text trained on.
 */
export interface TemplateSwitches {
  enableThinking?: boolean;
}

/** Whether the template reads enable_thinking (Qwen3's), so the page shows that switch. */
export function templateHasThinkingSwitch(tokenizer: Pick<PlaygroundTokenizer, "chatTemplate"> | null): boolean {
  return /\benable_thinking\b/.test(tokenizer?.chatTemplate ?? "");
}

/** A turn as transformers' apply_chat_template takes a message: tool calls in OpenAI's shape. */
export function templateMessage(t: Turn): TemplateMessage {
  const message: TemplateMessage = { role: t.role, content: t.content };
  if (t.toolCalls && t.toolCalls.length > 0) {
    message.tool_calls = t.toolCalls.map((c) => ({
      type: "function",
      ...(c.id !== undefined ? { id: c.id } : {}),
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  if (t.name !== undefined) message.name = t.name;
  if (t.toolCallId !== undefined) message.tool_call_id = t.toolCallId;
  return message;
}

/**
 * A message as apply_chat_template takes it and as a dataset row holds it: role, content and any extra
 * keys the template or a trainer reads (tool_calls, axolotl's `training` flag through
 * `message_field_training`, Qwen3's `reasoning_content`).
 */
export type TemplateMessage = { role: string; content: string; [key: string]: unknown };

export interface RenderOptions {
  addGenerationPrompt?: boolean;
  /** Extra template variables (transformers' **kwargs: tools, enable_thinking, axolotl's real_last_index). */
  kwargs?: Record<string, unknown>;
}

const parsed = new Map<string, Template>();

function compile(source: string, tokenizer: PlaygroundTokenizer): Template {
  let template = parsed.get(source);
  if (template === undefined) {
    try {
      template = new Template(source);
    } catch (err) {
      throw new ChatTemplateError(`The chat template of ${tokenizer.name} could not be parsed: ${(err as Error).message}`);
    }
    if (parsed.size >= 16) parsed.delete(parsed.keys().next().value as string);
    parsed.set(source, template);
  }
  return template;
}

/**
 * `source` rendered as transformers' apply_chat_template renders it: the messages with every key they
 * carry, the tokenizer's special tokens and any extra template kwargs.
 */
export function renderTemplate(
  source: string,
  tokenizer: PlaygroundTokenizer,
  messages: readonly TemplateMessage[],
  options: RenderOptions = {},
): string {
  const template = compile(source, tokenizer);
  try {
    // Templates test `if tools`: an absent or empty list is no tools section (transformers passes None).
    const { tools, ...kwargs } = options.kwargs ?? {};
    return template.render({
      ...kwargs,
      ...(Array.isArray(tools) && tools.length > 0 ? { tools } : {}),
      messages: messages.map((m) => ({ ...m })),
      add_generation_prompt: options.addGenerationPrompt ?? false,
      bos_token: tokenizer.bosToken ?? "",
      eos_token: tokenizer.eosToken ?? "",
      pad_token: tokenizer.padToken ?? "",
    });
  } catch (err) {
    throw new ChatTemplateError(`The chat template of ${tokenizer.name} failed to render: ${(err as Error).message}`);
  }
}

export function requireChatTemplate(tokenizer: PlaygroundTokenizer): string {
  if (tokenizer.chatTemplate === null) {
    throw new ChatTemplateError(`${tokenizer.name} has no chat_template in tokenizer_config.json; use the text templates instead.`);
  }
  return tokenizer.chatTemplate;
}

export function renderChat(
  tokenizer: PlaygroundTokenizer,
  turns: readonly Turn[],
  addGenerationPrompt: boolean,
  tools?: Tools,
  switches?: TemplateSwitches,
): string {
  const thinking = switches?.enableThinking !== undefined ? { enable_thinking: switches.enableThinking } : {};
  return renderTemplate(requireChatTemplate(tokenizer), tokenizer, turns.map(templateMessage), {
    addGenerationPrompt,
    kwargs: { tools, ...thinking },
  });
}

/**
 * Whether the template can show tool use: it mentions tools or tool calls. One that does not would
 * drop the calls and results, or fail on them, so the page says so (naming the template's owner).
 */
export function templateHasToolSection(tokenizer: PlaygroundTokenizer): boolean {
  return /\btools\b|tool_calls/.test(tokenizer.chatTemplate ?? "");
}

/**
 * Renders `source` with each `{% generation %}` / `{% endgeneration %}` replaced by a private-use
 * marker character (trim markers kept), then cuts the markers out: the text, and each generation
 * block's [start, end) characters.
 */
export function renderWithGenerationSpans(
  source: string,
  tokenizer: PlaygroundTokenizer,
  messages: readonly TemplateMessage[],
  options: RenderOptions = {},
): { text: string; spans: Array<[number, number]> } {
  const marked = source.replace(
    GENERATION_TAG,
    (_m, pre: string, end: string | undefined, post: string) => `{{${pre} '${end ? GEN_END : GEN_START}' ${post}}}`,
  );
  const spans: Array<[number, number]> = [];
  let text = "";
  let open = -1;
  for (const ch of renderTemplate(marked, tokenizer, messages, options)) {
    if (ch === GEN_START) open = text.length;
    else if (ch === GEN_END) {
      if (open >= 0) spans.push([open, text.length]);
      open = -1;
    } else text += ch;
  }
  return { text, spans };
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * What the template writes right after an answer (Qwen's "<|im_end|>"), learnt from one short
 * exchange; null when it writes nothing there but whitespace.
 */
function answerEndMarker(tokenizer: PlaygroundTokenizer): string | null {
  if (endMarkers.has(tokenizer)) return endMarkers.get(tokenizer) as string | null;
  const probe = "\uE002";
  const text = renderChat(
    tokenizer,
    [
      { role: "user", content: "Hi" },
      { role: "assistant", content: probe },
    ],
    false,
  );
  const at = text.lastIndexOf(probe);
  const after = at < 0 ? "" : text.slice(at + probe.length).trim();
  const marker = after === "" ? null : after;
  endMarkers.set(tokenizer, marker);
  return marker;
}

/** answerEndMarker's answer per tokenizer (its template does not change): one probe rendering, not one an example. */
const endMarkers = new WeakMap<PlaygroundTokenizer, string | null>();

function spansFromPrefixes(tokenizer: PlaygroundTokenizer, turns: readonly Turn[], tools: Tools): AssistantSpans {
  const text = renderChat(tokenizer, turns, false, tools);
  const spans: Array<[number, number]> = [];
  let prefixMismatch = false;
  let endMarker: string | null | undefined;
  turns.forEach((turn, i) => {
    if (turn.role !== "assistant") return;
    const before = renderChat(tokenizer, turns.slice(0, i), true, tools);
    const through = renderChat(tokenizer, turns.slice(0, i + 1), false, tools);
    const start = commonPrefixLength(before, text);
    let end = commonPrefixLength(through, text);
    if (end !== through.length) {
      // A template that renders the last answer otherwise than the same answer mid-conversation
      // (Qwen3 adds an empty <think> block to the last one only): the answer runs to the template's
      // end marker after it, as a {% generation %} block would.
      endMarker ??= answerEndMarker(tokenizer);
      const at = endMarker === null ? -1 : text.indexOf(endMarker, start);
      if (at >= 0 && endMarker !== null) end = at + endMarker.length;
      else prefixMismatch = true;
    }
    if (start !== before.length) prefixMismatch = true;
    // The separator after the turn's end token ("<|im_end|>\n") belongs to the template, as in
    // templates whose {% generation %} block closes right after the end token.
    let stop = end;
    while (stop > start && /\s/.test(text[stop - 1])) stop--;
    if (stop > start) spans.push([start, stop]);
  });
  return { text, spans, prefixMismatch };
}

export function assistantSpans(tokenizer: PlaygroundTokenizer, turns: readonly Turn[], tools?: Tools): AssistantSpans {
  const source = requireChatTemplate(tokenizer);
  GENERATION_TAG.lastIndex = 0;
  return GENERATION_TAG.test(source)
    ? { ...renderWithGenerationSpans(source, tokenizer, turns.map(templateMessage), { kwargs: { tools } }), prefixMismatch: false }
    : spansFromPrefixes(tokenizer, turns, tools);
}

/**
 * The text the template adds to ask for an answer (add_generation_prompt), e.g. Qwen's
 * "<|im_start|>assistant\n": the natural response template for completion-only masking of chat-
 * formatted text. null when the template adds nothing or renders a prefix differently.
 */
export function generationPrompt(tokenizer: PlaygroundTokenizer): string | null {
  const turns: Turn[] = [{ role: "user", content: "Hi" }];
  const without = renderChat(tokenizer, turns, false);
  const withPrompt = renderChat(tokenizer, turns, true);
  if (!withPrompt.startsWith(without) || withPrompt.length === without.length) return null;
  return withPrompt.slice(without.length);
}
