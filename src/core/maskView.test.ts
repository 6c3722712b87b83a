// Every strategy on the bundled tokenizer with the default (notebook) examples.
import { describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING, DEFAULT_MASKING } from "./defaults";
import { buildMaskView, labelDifferences } from "./maskView";
import { bundledTokenizer, qwen3Tokenizer, readQwen3Files } from "./testing/bundledTokenizer";
import { PlaygroundTokenizer } from "./tokenizer/playgroundTokenizer";
import type { MaskingOptions } from "./types";

const tok = bundledTokenizer();
const view = (masking: Partial<MaskingOptions>) =>
  buildMaskView(tok, DEFAULT_EXAMPLES, DEFAULT_FORMATTING, { ...DEFAULT_MASKING, ...masking });
// Qwen3 has no BOS: the notebook's start marker there is <|im_start|>.
const qwen = qwen3Tokenizer();
const QWEN_MASKING: MaskingOptions = { ...DEFAULT_MASKING, markerStart: "<|im_start|>" };
const qwenView = (masking: Partial<MaskingOptions>) =>
  buildMaskView(qwen, DEFAULT_EXAMPLES, DEFAULT_FORMATTING, { ...QWEN_MASKING, ...masking });
const trainedText = (v: ReturnType<typeof view>, i: number) => v.prepared.tokenizer.decode(v.examples[i].labels.filter((l) => l >= 0));

describe("buildMaskView on the bundled tokenizer", () => {
  it("full trains every token of the marker-transformed text", () => {
    const v = view({ strategy: "full" });
    expect(v.examples).toHaveLength(5);
    expect(v.examples[0].text).toBe('\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant:<s> perro</s>');
    expect(v.examples[0].labels).toEqual(v.examples[0].inputIds);
  });

  it("markers trains the answer and its end marker only", () => {
    const v = view({ strategy: "markers" });
    expect(trainedText(v, 0)).toBe(" perro</s>");
    expect(trainedText(v, 4)).toBe(" árbol</s>");
    expect(v.warnings).toEqual([]);
  });

  it("markers without a start marker explains that Qwen has no BOS", () => {
    const v = qwenView({ strategy: "markers", markerStart: null });
    expect(v.warnings[0].code).toBe("no-marker-tokens");
    expect(v.warnings[0].message).toMatch(/no BOS/);
    expect(v.examples[0].trainedCount).toBe(0);
  });

  it("completion-only with the text template is not found because '?\\n\\n' merged", () => {
    const v = view({ strategy: "completion-only" });
    for (const ex of v.examples) {
      expect(ex.trainedCount).toBe(0);
      const w = ex.warnings.find((w) => w.code === "template-not-found");
      expect(w?.message).toContain('"?\\n\\n"');
      // Alone, the template starts with newline token(s); in context "?" took them into one token.
      expect(w?.mismatch?.alone.tokens[0]).toMatch(/^Ċ+$/);
      const merged = w!.mismatch!.mergedPositions.map((i) => w!.mismatch!.inContext.tokens[i]);
      expect(merged).toEqual(["?ĊĊ"]);
    }
  });

  it("completion-only with the template's in-context ids (TRL's workaround) trains the answer", () => {
    const ids = tok.encode("?\n\n### Assistant:").slice(1);
    expect(ids).not.toEqual(tok.encode("\n\n### Assistant:"));
    const v = view({
      strategy: "completion-only",
      responseTemplate: { ids: [...tok.encode("?\n\n### Assistant:")] },
      instructionTemplate: { text: "" },
    });
    expect(trainedText(v, 1)).toBe("<s> agua</s>");
  });

  it("completion-only with an empty start marker inserts only the end marker (EOS after each answer, as TRL 1.x)", () => {
    const v = view({
      strategy: "completion-only",
      markerStart: "",
      responseTemplate: { text: "### Assistant:" },
      instructionTemplate: { text: "" },
    });
    expect(v.prepared.insert).toEqual({ start: "", end: "</s>" });
    expect(v.prepared.markerIds).toEqual({ start: null, end: tok.eosId });
    expect(trainedText(v, 0)).toBe(" perro</s>");
    expect(v.examples[0].inputIds).not.toContain(tok.bosId);
    expect(v.examples.every((e) => e.warnings.length === 0)).toBe(true);
    // The markers strategy masks by its start marker: there an empty one is BOS, as the form's empty box.
    const markers = view({ strategy: "markers", markerStart: "" });
    expect(markers.prepared.markerIds).toEqual({ start: tok.bosId, end: tok.eosId });
    expect(markers.warnings).toEqual([]);
  });

  it("special tokens fixes it, and warns that the new rows are untrained", () => {
    const v = view({ strategy: "special-tokens" });
    const [human, assistant] = [tok.vocabSize, tok.vocabSize + 1];
    expect(v.prepared.addedTokens).toEqual({ "\n\n### Human:": human, "\n\n### Assistant:": assistant });
    expect(v.prepared.responseIds).toEqual([assistant, tok.bosId]);
    expect(trainedText(v, 0)).toBe(" perro</s>");
    expect(v.examples.every((e) => e.warnings.length === 0)).toBe(true);
    expect(v.warnings.map((w) => w.code)).toEqual(["new-token-embeddings"]);
    expect(v.examples[0].chips.filter((c) => c.added).map((c) => c.id)).toEqual([human, assistant]);
  });

  it("chat template trains the assistant turn of Qwen3's template", () => {
    const v = qwenView({ strategy: "chat-template" });
    expect(v.examples[0].text).toContain("<|im_start|>user\nHow do you say");
    expect(trainedText(v, 0)).toContain("perro<|im_end|>");
    expect(trainedText(v, 0)).not.toContain("user");
  });

  it("chat template with {% generation %} blocks trains exactly the blocks", () => {
    const files = readQwen3Files();
    const template =
      "{% for m in messages %}<{{ m.role }}>{% if m.role == 'assistant' %}{% generation %}{{ m.content }}<|im_end|>{% endgeneration %}{% else %}{{ m.content }}{% endif %}{% endfor %}";
    const t = PlaygroundTokenizer.fromFiles({ ...files, tokenizerConfig: { ...files.tokenizerConfig, chat_template: template } });
    const v = buildMaskView(t, DEFAULT_EXAMPLES, DEFAULT_FORMATTING, { ...QWEN_MASKING, strategy: "chat-template" });
    expect(v.examples[0].text).toBe('<user>How do you say "dog" in Spanish?<assistant>perro<|im_end|>');
    expect(t.decode(v.examples[0].labels.filter((l) => l >= 0))).toBe("perro<|im_end|>");
  });

  it("pad = EOS is warned about for the collator strategies", () => {
    const files = readQwen3Files();
    const t = PlaygroundTokenizer.fromFiles({ ...files, tokenizerConfig: { ...files.tokenizerConfig, pad_token: "<|im_end|>" } });
    const v = buildMaskView(t, DEFAULT_EXAMPLES, DEFAULT_FORMATTING, { ...QWEN_MASKING, strategy: "special-tokens" });
    expect(v.warnings.map((w) => w.code)).toContain("pad-is-eos");
    // The collator masks the pad id, so the closing <|im_end|> is not trained.
    expect(t.withSpecialTokens([]).decode(v.examples[0].labels.filter((l) => l >= 0))).toBe(" perro");
  });

  it("multi-turn examples train every answer under markers", () => {
    const multi = [{ id: "m", turns: [...DEFAULT_EXAMPLES[1].turns, ...DEFAULT_EXAMPLES[0].turns] }];
    const v = buildMaskView(tok, multi, DEFAULT_FORMATTING, { ...DEFAULT_MASKING, strategy: "markers" });
    expect(tok.decode(v.examples[0].labels.filter((l) => l >= 0))).toBe(" agua</s> perro</s>");
  });

  it("compare mode lists the positions whose label differs", () => {
    const a = view({ strategy: "full" }).examples[0];
    const b = view({ strategy: "markers" }).examples[0];
    const d = labelDifferences(a, b);
    expect(d.sameTokens).toBe(true);
    expect(d.positions.length).toBe(a.inputIds.length - b.trainedCount);
    expect(labelDifferences(a, view({ strategy: "special-tokens" }).examples[0]).sameTokens).toBe(false);
  });
});

describe("completion-only on chat-formatted text", () => {
  it("uses the chat template's generation prompt as the response template and trains each answer", () => {
    const v = buildMaskView(qwen, DEFAULT_EXAMPLES, { kind: "chat-template" }, { ...QWEN_MASKING, strategy: "completion-only" });
    expect(v.prepared.tokenizer.decode(v.prepared.responseIds ?? [])).toBe("<|im_start|>assistant\n");
    expect(v.prepared.instructionIds).toBeNull();
    expect(v.examples.every((e) => e.warnings.length === 0)).toBe(true);
    const trained = v.prepared.tokenizer.decode(v.examples[0].labels.filter((l) => l >= 0));
    expect(trained).toContain("perro<|im_end|>");
    expect(trained).not.toContain("How do you say");
  });
});
