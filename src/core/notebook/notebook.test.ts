// The replay's experiments mask as the notebook's sections did (on the bundled tokenizer), and each
// conclusion's verdict follows from the measurements it is given, both ways.
import { describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING, DEFAULT_MASKING } from "../defaults";
import { buildMaskView } from "../maskView";
import { bundledTokenizer } from "../testing/bundledTokenizer";
import { IGNORE_INDEX } from "../types";
import { conclusions, type ExperimentResult } from "./conclusions";
import { EXPERIMENT_IDS, experimentSetup, pairedExamples, type ExperimentId, type ReplayBase } from "./experiments";

const base: ReplayBase = {
  examples: DEFAULT_EXAMPLES,
  formatting: DEFAULT_FORMATTING,
  masking: DEFAULT_MASKING,
  markers: { start: "<s>", end: "</s>" },
};

describe("experiments", () => {
  const tokenizer = bundledTokenizer();
  const trained = (id: ExperimentId) => {
    const setup = experimentSetup(id, base);
    const view = buildMaskView(tokenizer, setup.examples, setup.formatting, setup.masking);
    return view.examples.map((e) =>
      e.labels
        .filter((l) => l !== IGNORE_INDEX)
        .map((l) => tokenizer.decode([l]))
        .join(""),
    );
  };

  it("full trains every token; markers the answer and the end marker; the collator on markers masks the end marker", () => {
    expect(trained("full")[0]).toContain("### Human: How do you say");
    expect(trained("markers")[0]).toBe(" perro</s>");
    expect(trained("completion-markers")[0]).toBe(" perro");
  });

  it('the collator with the text templates trains nothing: "?\\n\\n" merges in context (notebook In [47])', () => {
    expect(trained("completion-text")).toEqual(["", "", "", "", ""]);
  });

  it("special tokens train the answer; multi-turn trains both answers of each concatenated pair", () => {
    expect(trained("special-tokens")[0]).toBe(" perro</s>");
    expect(trained("multi-turn")).toEqual([" perro</s> agua</s>", " madre</s> hola</s>", " árbol</s>"]);
  });

  it("pairs consecutive examples and keeps an odd one alone", () => {
    expect(pairedExamples(DEFAULT_EXAMPLES).map((e) => e.id)).toEqual(["ex-1+ex-2", "ex-3+ex-4", "ex-5"]);
    expect(EXPERIMENT_IDS.map((id) => experimentSetup(id, base).formatting.kind)).toEqual(EXPERIMENT_IDS.map(() => "text"));
  });
});

function result(id: ExperimentId, over: Partial<ExperimentResult> = {}): ExperimentResult {
  const answers = ["perro", "agua"].map((w) => ({ kind: "train" as const, question: w, expected: w, text: w, ended: true, matches: true }));
  return {
    id,
    skipped: null,
    wallMs: 10_000,
    steps: 75,
    firstLoss: 14,
    finalLoss: 0.05,
    trainedTokens: 10,
    eosTrained: true,
    answers,
    firstAllMatchStep: 40,
    promptGuessRate: 0,
    ...over,
  };
}

const verdicts = (results: ExperimentResult[]) => conclusions(results).map((c) => c.verdict);

describe("conclusions", () => {
  it("support the notebook when the measurements do", () => {
    const results = [
      result("full", { wallMs: 12_000, firstAllMatchStep: 70, promptGuessRate: 0.8 }),
      result("markers", { wallMs: 10_000, firstAllMatchStep: 40 }),
      result("completion-markers", { eosTrained: false }),
      result("completion-text", { skipped: "Skipped: nothing would be trained." }),
      result("special-tokens", { firstAllMatchStep: 60 }),
      result("multi-turn", { steps: 45, firstAllMatchStep: 45 }),
    ];
    expect(verdicts(results)).toEqual(["supports", "supports", "supports", "supports", "supports", "supports", "supports"]);
    expect(conclusions(results)[0].measured).toBe("markers 10.0 s vs full 12.0 s: 17% less time, 75 vs 75 steps");
  });

  it("contradict it when the measurements do, and say so when one is missing", () => {
    const results = [
      result("full", { wallMs: 9_000, firstAllMatchStep: 20, promptGuessRate: 0 }),
      result("markers", { wallMs: 10_000, firstAllMatchStep: 40, promptGuessRate: 0.1 }),
      result("completion-markers", { eosTrained: true }),
      result("completion-text", { trainedTokens: 12 }),
      result("special-tokens", { firstAllMatchStep: 10 }),
    ];
    expect(verdicts(results)).toEqual([
      "contradicts",
      "contradicts",
      "contradicts",
      "contradicts",
      "contradicts",
      "contradicts",
      "inconclusive",
    ]);
    expect(conclusions(results)[4].measured).toBe("the template was found: 12 tokens trained per epoch");
  });
});
