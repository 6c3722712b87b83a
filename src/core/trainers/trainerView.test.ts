// The page's side of the trainer presets: an example as a dataset row, labelled by a tool into the
// chips the token view shows; the notebook's example under the TRL ≤ 0.19 collator and TRL ≥ 0.20.
import { describe, expect, it } from "vitest";
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import { DEFAULT_EXAMPLES } from "../defaults";
import { labelDifferences } from "../maskView";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import type { ChatExample, Formatting } from "../types";
import { trainerRow } from "./pageRow";
import { trainerExampleView, type TrainerChoice } from "./trainerView";
import { TrainerOptionError } from "./types";

const qwen = qwen3Tokenizer();
const TEXT: Formatting = { kind: "text", templates: NOTEBOOK_TEMPLATES };
const DOG = DEFAULT_EXAMPLES[0];
const trained = (v: { chips: Array<{ trained: boolean; text: string }> }) =>
  v.chips
    .filter((c) => c.trained)
    .map((c) => c.text)
    .join("");

describe("trainerRow", () => {
  const twoTurns: ChatExample = {
    id: "x",
    turns: [
      { role: "user", content: "a" },
      { role: "assistant", content: "b" },
      { role: "user", content: "c" },
      { role: "assistant", content: "d" },
    ],
  };
  it("gives the conversation as messages", () => {
    expect(trainerRow(DOG, TEXT, "messages")).toEqual({ kind: "messages", messages: DOG.turns });
  });
  it("makes the last answer the completion", () => {
    const row = trainerRow(twoTurns, TEXT, "prompt-completion");
    expect(row).toEqual({ kind: "prompt-completion", prompt: twoTurns.turns.slice(0, 3), completion: twoTurns.turns.slice(3) });
  });
  it("writes the formatting's text, the prompt ending with the response template", () => {
    expect(trainerRow(twoTurns, TEXT, "text")).toEqual({
      kind: "text-prompt-completion",
      prompt: "\n\n### Human: a\n\n### Assistant: b\n\n### Human: c\n\n### Assistant:",
      completion: " d",
    });
  });
  it("says why a row cannot be built", () => {
    expect(() => trainerRow(DOG, { kind: "chat-template" }, "text")).toThrow(/text formatting/);
    expect(() => trainerRow({ id: "q", turns: [{ role: "user", content: "a" }] }, TEXT, "prompt-completion")).toThrow(/no assistant turn/);
  });
});

describe("trainerExampleView", () => {
  const collator: TrainerChoice = { trainer: "trl-collator", options: { response_template: "\n\n### Assistant:" }, row: "text" };
  const trl: TrainerChoice = { trainer: "trl", options: {}, row: "text" };

  it("the notebook's example: the collator finds no response template in context, TRL 1.x trains the answer", () => {
    const a = trainerExampleView(qwen, DOG, 0, TEXT, collator);
    const b = trainerExampleView(qwen, DOG, 0, TEXT, trl);
    expect(a.trainedCount).toBe(0);
    const notFound = a.warnings.find((w) => w.code === "template-not-found");
    expect(notFound?.mismatch?.mergedPositions.length).toBeGreaterThan(0); // the picture the warning box draws
    expect(trained(b)).toContain("perro");
    const diff = labelDifferences(a, b);
    expect(diff.sameTokens).toBe(true);
    expect(diff.positions.length).toBe(b.trainedCount);
  });

  it("keeps a row problem inside its example", () => {
    const v = trainerExampleView(qwen, DOG, 2, { kind: "chat-template" }, trl);
    expect(v.chips).toEqual([]);
    expect(v.warnings[0].code).toBe("trainer-error");
    expect(v.warnings[0].message).toMatch(/^Example 3: /);
  });

  it("throws for an option the tool does not take", () => {
    expect(() => trainerExampleView(qwen, DOG, 0, TEXT, { ...trl, options: { nope: "1" } })).toThrow(TrainerOptionError);
    expect(() => trainerExampleView(qwen, DOG, 0, TEXT, { ...trl, options: { max_length: "x" } })).toThrow(/max_length/);
  });
});
