// The tokenizer keys of a GGUF from real tokenizers: Qwen3's (byte-level BPE, llama.cpp's "qwen2"
// pre-tokenizer, ChatML specials as control tokens), the bundled one (a pre-tokenizer llama.cpp has no
// name for), and Llama 2's SentencePiece one, which this writer refuses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QWEN3_TOKENIZER_DIR, readBundledFiles } from "../../testing/bundledTokenizer";
import { tokenizerMetadata } from "./tokenizerKeys";

const read = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
const value = (md: ReturnType<typeof tokenizerMetadata>, key: string) => md.get(key)?.value;

describe("tokenizer keys", () => {
  it("Qwen3: gpt2 model, qwen2 pre-tokenizer, every token with its type, merges, special ids", () => {
    const json = read(QWEN3_TOKENIZER_DIR, "tokenizer.json");
    const config = read(QWEN3_TOKENIZER_DIR, "tokenizer_config.json");
    const vocab = 151_936; // Qwen3's embedding rows: more than the tokenizer's 151,669 tokens
    const md = tokenizerMetadata(json, config, vocab, { bos: null, eos: null, pad: null }, null);
    expect(value(md, "tokenizer.ggml.model")).toBe("gpt2");
    expect(value(md, "tokenizer.ggml.pre")).toBe("qwen2");
    const tokens = value(md, "tokenizer.ggml.tokens") as string[];
    const types = value(md, "tokenizer.ggml.token_type") as Int32Array;
    expect(tokens).toHaveLength(vocab);
    const imEnd = tokens.indexOf("<|im_end|>");
    expect(json.added_tokens.find((t: { content: string }) => t.content === "<|im_end|>").id).toBe(imEnd);
    expect(types[imEnd]).toBe(3); // control
    expect(types[tokens.indexOf("Ġthe")]).toBe(1); // normal
    expect(tokens[vocab - 1]).toBe(`[PAD${vocab - 1}]`);
    expect(types[vocab - 1]).toBe(5); // unused
    expect((value(md, "tokenizer.ggml.merges") as string[]).length).toBe(json.model.merges.length);
    expect(value(md, "tokenizer.ggml.eos_token_id")).toBe(imEnd);
    expect(value(md, "tokenizer.ggml.padding_token_id")).toBe(tokens.indexOf("<|endoftext|>"));
    expect(md.has("tokenizer.ggml.bos_token_id")).toBe(false);
    expect(value(md, "tokenizer.ggml.add_bos_token")).toBe(false);
  });

  it("the bundled tokenizer: its own split regex has no llama.cpp name, so 'default'; the config's add_bos_token is kept", () => {
    const { tokenizerJson, tokenizerConfig } = readBundledFiles();
    const md = tokenizerMetadata(tokenizerJson, tokenizerConfig as Record<string, unknown>, 4096, { bos: 1, eos: 2, pad: 3 }, "{{ t }}");
    expect(value(md, "tokenizer.ggml.pre")).toBe("default");
    expect(value(md, "tokenizer.ggml.bos_token_id")).toBe(1);
    expect(value(md, "tokenizer.ggml.add_bos_token")).toBe(false);
    expect(value(md, "tokenizer.chat_template")).toBe("{{ t }}");
    expect(JSON.parse(value(md, "tokenizer.huggingface.json") as string)).toEqual(tokenizerJson);
  });

  it("refuses a SentencePiece (byte-fallback) vocabulary, saying what to do instead", () => {
    const dir = join(QWEN3_TOKENIZER_DIR, "../../tokenizer-llama2/models");
    expect(() =>
      tokenizerMetadata(read(dir, "tokenizer.json"), read(dir, "tokenizer_config.json"), 32000, { bos: 1, eos: 2, pad: null }, null),
    ).toThrow(/byte fallback.*convert_hf_to_gguf/);
  });
});
