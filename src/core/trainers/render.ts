// Chat templates as the trainers call them through transformers: `apply_chat_template` renders the
// messages with every key they carry (not only role and content), the tokenizer's special tokens and
// any extra template kwargs, then tokenizes the text without adding special tokens. With
// `return_assistant_tokens_mask=True` the characters inside `{% generation %}` blocks become token
// positions as transformers maps them (tokenization_utils_base.py, apply_chat_template):
// start_token = char_to_token(start), end_token = char_to_token(end - 1), every token from one to the
// other inclusive, a start outside the text ends the search, and an end token that is falsy (None,
// or index 0) runs to the end of the sequence.
import { Template } from "@huggingface/jinja";
import { ChatTemplateError, markGenerationBlocks, splitGenerationMarks } from "../chat/chatTemplate";
import { tokenOffsets } from "../tokenizer/charOffsets";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { TrainerMessage } from "./types";

/** TRL's has_generation_markers (chat_template_utils.py): `{% generation %}` with either trim marker. */
const HAS_GENERATION = /\{%-?\s*generation\s*-?%\}/;

export interface RenderOptions {
  addGenerationPrompt?: boolean;
  /** Extra template variables (transformers' **kwargs: tools, enable_thinking, axolotl's real_last_index). */
  kwargs?: Record<string, unknown>;
}

export function hasGenerationMarkers(source: string): boolean {
  return HAS_GENERATION.test(source);
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

export function renderTemplate(
  source: string,
  tokenizer: PlaygroundTokenizer,
  messages: readonly TrainerMessage[],
  options: RenderOptions = {},
): string {
  try {
    // Templates test `if tools`: an absent or empty list is no tools section (transformers passes None).
    const { tools, ...kwargs } = options.kwargs ?? {};
    const toolList = Array.isArray(tools) && tools.length > 0 ? { tools } : {};
    return compile(source, tokenizer).render({
      ...kwargs,
      ...toolList,
      messages: messages.map((m) => ({ ...m })),
      add_generation_prompt: options.addGenerationPrompt ?? false,
      bos_token: tokenizer.bosToken ?? "",
      eos_token: tokenizer.eosToken ?? "",
      pad_token: tokenizer.padToken ?? "",
    });
  } catch (err) {
    if (err instanceof ChatTemplateError) throw err;
    throw new ChatTemplateError(`The chat template of ${tokenizer.name} failed to render: ${(err as Error).message}`);
  }
}

export interface GenerationRender {
  text: string;
  /** Character ranges [start, end) of `text` rendered inside `{% generation %}` blocks. */
  spans: Array<[number, number]>;
}

/** Renders with each generation block's edges marked by characters no template emits, then cuts them out. */
export function renderWithGenerationSpans(
  source: string,
  tokenizer: PlaygroundTokenizer,
  messages: readonly TrainerMessage[],
  options: RenderOptions = {},
): GenerationRender {
  return splitGenerationMarks(renderTemplate(markGenerationBlocks(source), tokenizer, messages, options));
}

/**
 * The first token holding character `c` of the decoded text, or null past its end (tokenizers'
 * char_to_token). A character split over several byte-level tokens belongs, in tokenOffsets, to the
 * last of them (the earlier ones have no width); char_to_token names the first.
 */
export function charToToken(starts: readonly number[], c: number): number | null {
  for (let k = 0; k + 1 < starts.length; k++) {
    if (starts[k] <= c && c < starts[k + 1]) {
      while (k > 0 && starts[k - 1] === starts[k]) k--;
      return k;
    }
  }
  return null;
}

/** transformers' assistant_masks for `ids` (the tokenized `text`) and its generation spans, 1 = assistant. */
export function assistantMask(tokenizer: PlaygroundTokenizer, ids: readonly number[], spans: ReadonlyArray<[number, number]>): number[] {
  const mask = ids.map(() => 0);
  if (spans.length === 0 || ids.length === 0) return mask;
  const { starts } = tokenOffsets(tokenizer, ids);
  for (const [s, e] of spans) {
    const startToken = charToToken(starts, s);
    const endToken = charToToken(starts, e - 1);
    if (startToken === null) break; // "start_token is out of bounds maybe due to truncation"
    const stop = endToken ? endToken + 1 : ids.length; // Python truthiness: None and 0 both run to the end
    for (let t = startToken; t < stop; t++) mask[t] = 1;
  }
  return mask;
}
