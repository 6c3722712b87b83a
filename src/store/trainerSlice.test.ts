// The trainer slice and the mask view it feeds: options set per tool (a default written back
// unsets it), the choice each side of the view shows, and the view itself, cached per choice and
// failing as a whole on an option the tool rejects. Not part of the share link or the autosave.
import { afterEach, describe, expect, it } from "vitest";
import { NOTEBOOK_TEMPLATES } from "../core/chat/textFormat";
import { DEFAULT_EXAMPLES, DEFAULT_MASKING } from "../core/defaults";
import { qwen3Tokenizer } from "../core/testing/bundledTokenizer";
import type { Formatting } from "../core/types";
import { computeTrainerView } from "./maskViewMemo";
import { selectSnapshot } from "./playgroundSnapshot";
import { usePlayground } from "./playgroundStore";
import { trainerChoice } from "./trainerSlice";

const qwen = qwen3Tokenizer();
const TEXT: Formatting = { kind: "text", templates: NOTEBOOK_TEMPLATES };
const initial = usePlayground.getState().trainer;

afterEach(() => usePlayground.setState({ trainer: initial }));

describe("trainer slice", () => {
  it("keeps each tool's options apart, and unsets an option given null", () => {
    const s = usePlayground.getState();
    s.setTrainer("trl-collator");
    s.setTrainerOption("trl-collator", "response_template", "\n\n### Assistant:");
    s.setTrainerOption("trl", "completion_only_loss", "true");
    s.setTrainerOption("trl", "completion_only_loss", null);
    s.setTrainerRow("text");
    const t = usePlayground.getState().trainer;
    expect(t.name).toBe("trl-collator");
    expect(t.options["trl-collator"]).toEqual({ response_template: "\n\n### Assistant:" });
    expect(t.options.trl).toEqual({});
    expect(trainerChoice(t, "trl-collator")).toEqual({
      trainer: "trl-collator",
      options: { response_template: "\n\n### Assistant:" },
      row: "text",
    });
    expect(trainerChoice(t, null)).toBeNull();
  });

  it("stays out of the shared playground state", () => {
    usePlayground.getState().setTrainer("axolotl");
    expect(Object.keys(selectSnapshot(usePlayground.getState()))).not.toContain("trainer");
  });
});

describe("computeTrainerView", () => {
  const collator = { trainer: "trl-collator" as const, options: { response_template: "\n\n### Assistant:" }, row: "text" as const };

  it("labels every example as the tool does, on the tokenizer as loaded", () => {
    const r = computeTrainerView(qwen, DEFAULT_EXAMPLES, TEXT, DEFAULT_MASKING, { trainer: "trl", options: {}, row: "text" });
    if (!r.ok) throw new Error(r.error);
    expect(r.view.examples).toHaveLength(DEFAULT_EXAMPLES.length);
    expect(r.view.examples.every((v) => v.trainedCount > 0)).toBe(true);
    expect(r.view.prepared.tokenizer).toBe(qwen); // no strategy's added tokens
    expect(r.view.examples[0].chips.some((c) => c.text.includes("<|im_start|>"))).toBe(false); // no markers inserted
  });

  it("reuses an unchanged example's view, and recomputes only the edited one", () => {
    const first = computeTrainerView(qwen, DEFAULT_EXAMPLES, TEXT, DEFAULT_MASKING, collator);
    const edited = DEFAULT_EXAMPLES.map((e, i) =>
      i === 1 ? { ...e, turns: [e.turns[0], { role: "assistant" as const, content: "agua!" }] } : e,
    );
    const second = computeTrainerView(qwen, edited, TEXT, DEFAULT_MASKING, collator);
    if (!first.ok || !second.ok) throw new Error("view failed");
    expect(second.view.examples[0]).toBe(first.view.examples[0]);
    expect(second.view.examples[1]).not.toBe(first.view.examples[1]);
  });

  it("fails the whole view on an option the tool rejects, naming the option", () => {
    const r = computeTrainerView(qwen, DEFAULT_EXAMPLES, TEXT, DEFAULT_MASKING, { ...collator, options: { padding_free: "yes" } });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/trl-collator: padding_free: expected true or false/) });
  });
});
