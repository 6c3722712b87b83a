import { describe, expect, it } from "vitest";
import { qwen3Tokenizer, readQwen3Files } from "../testing/bundledTokenizer";
import { PlaygroundTokenizer, TokenizerLoadError, visibleWhitespace } from "./playgroundTokenizer";

describe("PlaygroundTokenizer on the bundled Qwen3 tokenizer", () => {
  const tok = qwen3Tokenizer();

  it("reads the special tokens from tokenizer_config.json", () => {
    expect(tok.bosToken).toBeNull();
    expect(tok.eosToken).toBe("<|im_end|>");
    expect(tok.eosId).toBe(151645);
    expect(tok.padId).toBe(151643);
    expect(tok.vocabSize).toBe(151669);
    expect(tok.chatTemplate).toContain("<|im_start|>");
  });

  it("merges '?\\n\\n' into one token in context, as BLOOM does in the notebook", () => {
    const ids = tok.encode('How do you say "dog" in Spanish?\n\n### Assistant:');
    expect(ids.map((id) => tok.tokenString(id))).toContain("?ĊĊ");
    expect(tok.encode("\n\n### Assistant:").map((id) => tok.tokenString(id))[0]).toBe("ĊĊ");
  });

  it("adds special tokens like add_special_tokens: new ids from len(tokenizer), matched before pre-tokenizing", () => {
    const t2 = tok.withSpecialTokens(["\n\n### Human:", "\n\n### Assistant:", "<|im_end|>"]);
    expect([...t2.addedTokens]).toEqual([
      ["\n\n### Human:", 151669],
      ["\n\n### Assistant:", 151670],
    ]);
    expect(t2.vocabSize).toBe(151671);
    const ids = t2.encode("\n\n### Human: Hi?\n\n### Assistant: hola");
    expect(ids[0]).toBe(151669);
    expect(ids).toContain(151670);
    expect(t2.isAdded(151670) && t2.isSpecial(151670)).toBe(true);
    expect(t2.decode(ids)).toBe("\n\n### Human: Hi?\n\n### Assistant: hola");
    // The original is untouched.
    expect(tok.encode("\n\n### Human:")).not.toContain(151669);
  });

  it("shows whitespace and partial characters visibly", () => {
    expect(visibleWhitespace(" a\nb\t")).toBe("·a↵b⇥");
    expect(tok.displayToken(tok.encode("\n\n")[0])).toBe("↵↵");
  });

  it("rejects files that are not a tokenizer, naming them", () => {
    const files = readQwen3Files();
    expect(() => PlaygroundTokenizer.fromFiles({ ...files, name: "x", tokenizerJson: { nope: 1 } })).toThrow(TokenizerLoadError);
    expect(() => PlaygroundTokenizer.fromFiles({ ...files, name: "x", tokenizerConfig: [] })).toThrow(/tokenizer_config.json/);
  });
});
