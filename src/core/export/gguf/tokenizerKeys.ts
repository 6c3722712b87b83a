// tokenizer.* keys of a GGUF from a Hugging Face tokenizer.json + tokenizer_config.json, as llama.cpp's
// converter writes them for a byte-level BPE vocabulary (convert_hf_to_gguf.py TextModel._set_vocab_gpt2
// and get_vocab_base; gguf-py/gguf/vocab.py SpecialVocab for merges, special ids and add_*_token).
// The whole tokenizer.json goes along as tokenizer.huggingface.json (a key gguf-py defines,
// Keys.Tokenizer.HF_JSON), which is what our engine reads back to tokenize exactly as the page did.

import type { GgufMetadata } from "./ggufFormat";

/** llama.cpp's token types (llama_token_type / gguf-py TokenType). */
const TOKEN_TYPE = { normal: 1, control: 3, userDefined: 4, unused: 5 } as const;

interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; merges?: Array<string | [string, string]>; byte_fallback?: boolean };
  pre_tokenizer?: unknown;
  decoder?: unknown;
  post_processor?: unknown;
  added_tokens?: Array<{ id: number; content: string; special: boolean }>;
}

/**
 * tokenizer.ggml.pre: the name llama.cpp knows a pre-tokenizer by. The converter recognises one by
 * hashing the token ids of a test text (get_vocab_base_pre); without Python's tokenizers here we
 * recognise the regexes of the families the engine runs. Anything else is "default" (GPT-2's split),
 * which tokenizes some texts differently from the original: the README says so.
 */
const PRE_TOKENIZERS: ReadonlyArray<{ pre: string; has: readonly string[] }> = [
  { pre: "llama-bpe", has: ["(?i:'s|'t|'re|'ve|'m|'ll|'d)", "\\p{N}{1,3}"] },
  { pre: "qwen2", has: ["(?i:'s|'t|'re|'ve|'m|'ll|'d)", "|\\p{N}|"] },
  { pre: "smollm", has: ['"individual_digits":true', '"ByteLevel"'] },
  { pre: "bloom", has: ["।۔،"] },
];

/** Every string in a JSON value (the regexes themselves, unescaped), and its JSON text for the flags. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

export function preTokenizerName(json: TokenizerJson): string {
  const text = [JSON.stringify(json.pre_tokenizer ?? null), ...strings(json.pre_tokenizer)].join("\n");
  return PRE_TOKENIZERS.find((p) => p.has.every((s) => text.includes(s)))?.pre ?? "default";
}

type ConfigToken = string | { content?: string } | null | undefined;
const tokenText = (t: unknown) => (typeof t === "string" ? t : ((t as ConfigToken as { content?: string } | null)?.content ?? null));

export interface SpecialIds {
  bos: number | null;
  eos: number | null;
  pad: number | null;
}

/**
 * The tokenizer keys for a model of `vocabSize` rows; `fallback` gives config.json's special ids
 * for tokens tokenizer_config.json does not name (as SpecialVocab falls back to config.json).
 */
export function tokenizerMetadata(
  tokenizerJson: unknown,
  tokenizerConfig: Record<string, unknown>,
  vocabSize: number,
  fallback: SpecialIds,
  chatTemplate: string | null,
): GgufMetadata {
  const json = tokenizerJson as TokenizerJson;
  const model = json.model ?? {};
  const byteLevel = JSON.stringify([json.pre_tokenizer, json.decoder]).includes('"ByteLevel"');
  if (model.type !== "BPE" || model.byte_fallback || !byteLevel)
    throw new Error(
      `GGUF export writes byte-level BPE vocabularies (GPT-2 style: Llama 3, Qwen, SmolLM, BLOOM); this tokenizer is ${model.type ?? "unknown"}${model.byte_fallback ? " with byte fallback (SentencePiece)" : ""}. Export the merged folder and convert it with llama.cpp's convert_hf_to_gguf.py.`,
    );
  const tokens: string[] = new Array(vocabSize);
  const types = new Int32Array(vocabSize).fill(TOKEN_TYPE.normal);
  for (const [text, id] of Object.entries(model.vocab ?? {})) if (id < vocabSize) tokens[id] = text;
  for (const t of json.added_tokens ?? []) {
    if (t.id >= vocabSize) continue;
    tokens[t.id] = t.content;
    types[t.id] = t.special ? TOKEN_TYPE.control : TOKEN_TYPE.userDefined;
  }
  // Rows past the tokenizer (a model padded to a round size) get placeholder tokens, as get_vocab_base does.
  for (let id = 0; id < vocabSize; id++)
    if (tokens[id] === undefined) {
      tokens[id] = `[PAD${id}]`;
      types[id] = TOKEN_TYPE.unused;
    }
  const idOf = new Map(tokens.map((t, i) => [t, i]));
  const special = (key: string, fb: number | null) => {
    const text = tokenText(tokenizerConfig[key]);
    return (text !== null ? idOf.get(text) : undefined) ?? fb;
  };
  const merges = (model.merges ?? []).map((m) => (Array.isArray(m) ? m.join(" ") : m));
  const md: GgufMetadata = new Map();
  md.set("tokenizer.ggml.model", { kind: "string", value: "gpt2" });
  md.set("tokenizer.ggml.pre", { kind: "string", value: preTokenizerName(json) });
  md.set("tokenizer.ggml.tokens", { kind: "array", of: "string", value: tokens });
  // llama.cpp's BPE vocabulary reads no scores (0 when absent); written as 0 so that every reader finds the key.
  md.set("tokenizer.ggml.scores", { kind: "array", of: "f32", value: new Float32Array(vocabSize) });
  md.set("tokenizer.ggml.token_type", { kind: "array", of: "i32", value: types });
  md.set("tokenizer.ggml.merges", { kind: "array", of: "string", value: merges });
  const ids: Array<[string, number | null]> = [
    ["tokenizer.ggml.bos_token_id", special("bos_token", fallback.bos)],
    ["tokenizer.ggml.eos_token_id", special("eos_token", fallback.eos)],
    ["tokenizer.ggml.unknown_token_id", special("unk_token", null)],
    ["tokenizer.ggml.padding_token_id", special("pad_token", fallback.pad)],
  ];
  for (const [key, id] of ids) if (id !== null) md.set(key, { kind: "u32", value: id });
  // Always written: llama.cpp's default for a BPE vocabulary without the key is to add BOS, while a
  // transformers tokenizer adds one only where tokenizer_config says so or its post-processor does.
  for (const [flag, key] of [
    ["add_bos_token", "bos_token"],
    ["add_eos_token", "eos_token"],
  ] as const) {
    const v = tokenizerConfig[flag];
    const text = tokenText(tokenizerConfig[key]);
    const post = text !== null && JSON.stringify(json.post_processor ?? null).includes(JSON.stringify(text));
    md.set(`tokenizer.ggml.${flag}`, { kind: "bool", value: typeof v === "boolean" ? v : post });
  }
  if (chatTemplate !== null) md.set("tokenizer.chat_template", { kind: "string", value: chatTemplate });
  md.set("tokenizer.huggingface.json", { kind: "string", value: JSON.stringify(tokenizerJson) });
  return md;
}
