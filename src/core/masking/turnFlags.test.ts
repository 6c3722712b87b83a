// Per-message training flags over a strategy's labels, on the bundled tokenizer and the notebook's
// text layout: a flag trains or masks exactly its message's tokens, and a "teaches nothing" warning
// given before the flags does not stand once a flag trained something.
import { describe, expect, it } from "vitest";
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import { DEFAULT_MASKING } from "../defaults";
import { bundledTokenizer } from "../testing/bundledTokenizer";
import { IGNORE_INDEX, type ChatExample, type MaskingOptions } from "../types";
import { maskExample } from "./maskExample";
import { prepareMasking } from "./prepare";

const tokenizer = bundledTokenizer();
const text = { kind: "text" as const, templates: NOTEBOOK_TEMPLATES };

function trainedText(example: ChatExample, options: MaskingOptions) {
  const prepared = prepareMasking(tokenizer, text, options);
  const r = maskExample(example, prepared, 1);
  const trained = r.inputIds.filter((_, k) => r.labels[k] !== IGNORE_INDEX);
  return { trained: tokenizer.decode(trained), codes: r.warnings.map((w) => w.code) };
}

const conversation = (userTrain?: boolean, answerTrain?: boolean): ChatExample => ({
  id: "x",
  turns: [
    { role: "user", content: "How do you say dog in Spanish?", ...(userTrain === undefined ? {} : { train: userTrain }) },
    { role: "assistant", content: "perro", ...(answerTrain === undefined ? {} : { train: answerTrain }) },
  ],
});

describe("per-message flags", () => {
  const full: MaskingOptions = { ...DEFAULT_MASKING, strategy: "full", insertMarkers: false };

  it("false masks its message's tokens under a strategy that trains everything", () => {
    const { trained } = trainedText(conversation(false, undefined), full);
    expect(trained).toContain("perro");
    expect(trained).not.toContain("Spanish");
  });

  it("true trains its message where the strategy trains nothing, and the 'teaches nothing' warning goes", () => {
    // A start marker that is no token of the bundled vocabulary: markers can mask by nothing, so every label is -100.
    const noMarkers: MaskingOptions = { ...DEFAULT_MASKING, strategy: "markers", markerStart: "<nope>", insertMarkers: false };
    expect(trainedText(conversation(), noMarkers)).toMatchObject({ trained: "", codes: ["no-trained-tokens"] });
    const flagged = trainedText(conversation(undefined, true), noMarkers);
    expect(flagged.trained).toContain("perro");
    expect(flagged.trained).not.toContain("Spanish");
    expect(flagged.codes).not.toContain("no-trained-tokens");
  });
});
