// Unsloth train_on_responses_only, cases worked out from unsloth-zoo 2026.8.13 (ce232d6c)
// unsloth_zoo/dataset_utils.py: _train_on_responses_only (spans from the end of each response marker
// to the next instruction marker, the last to the end of the row), _find_common_token_ids
// (force_match and the tolerant variants), get_chat_template_parts, and the fully-masked filter.
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { llama3StyleTokenizer } from "../testing/llama3StyleTokenizer";
import { parseOptions } from "./options";
import { messages, NOTEBOOK_CHAT_TEMPLATE, trainedRuns, withTemplate } from "./trainers.testutil";
import type { TrainerInput } from "./types";
import { maskUnsloth, responseSpans, UNSLOTH_OPTIONS } from "./unsloth";

const qwen = qwen3Tokenizer();
const llama = llama3StyleTokenizer();
const unsloth = (tok = qwen, input: TrainerInput = messages(), ...options: string[]) =>
  maskUnsloth(tok, input, parseOptions("unsloth", UNSLOTH_OPTIONS, options));
const QWEN_PARTS = ["instruction_part=<|im_start|>user\n", "response_part=<|im_start|>assistant\n"];
const THINK = "<think>\n\n</think>\n\n";

describe("Unsloth train_on_responses_only", () => {
  it("Qwen3: from each response marker to the next instruction marker, so <|im_end|>\\n trains, and the last answer's empty <think> block", () => {
    expect(trainedRuns(qwen, unsloth(qwen, messages(), ...QWEN_PARTS))).toEqual([
      "Dog is perro in Spanish.<|im_end|>\n",
      `${THINK}gato<|im_end|>\n`,
    ]);
  });

  it("with neither marker given they are read off the chat template, to the same result", () => {
    const r = unsloth();
    expect(r.warnings[0].message).toContain('instruction_part = "<|im_start|>user\\n" and response_part = "<|im_start|>assistant\\n"');
    expect(r.labels).toEqual(unsloth(qwen, messages(), ...QWEN_PARTS).labels);
  });

  it("last_response_only=true trains the last answer only", () => {
    expect(trainedRuns(qwen, unsloth(qwen, messages(), "last_response_only=true"))).toEqual([`${THINK}gato<|im_end|>\n`]);
  });

  it("Llama 3: each answer through <|eot_id|>", () => {
    expect(trainedRuns(llama, unsloth(llama))).toEqual(["Dog is perro in Spanish.<|eot_id|>", "gato<|eot_id|>"]);
  });

  it("force_match=false matches the marker's common core; its optional last token is compared one position too far, so the header's newline trains", () => {
    // Core of "<|im_start|>assistant\n" over its variants is [<|im_start|>, assistant]; "\n" becomes optional,
    // but Unsloth compares it with input_ids[k+1] (the answer's first token), so k stays on the "\n".
    expect(trainedRuns(qwen, unsloth(qwen, messages(), ...QWEN_PARTS, "force_match=false"))).toEqual([
      "\nDog is perro in Spanish.<|im_end|>\n",
      `\n${THINK}gato<|im_end|>\n`,
    ]);
  });

  it('"?\\n\\n" merges the marker away: the row is dropped with all labels -100 (unsloth#2900); tolerant matching finds it', () => {
    const notebook = withTemplate(NOTEBOOK_CHAT_TEMPLATE);
    const row = messages([
      { role: "user", content: 'How do you say "dog" in Spanish?' },
      { role: "assistant", content: "perro" },
      { role: "user", content: 'And "cat"?' },
      { role: "assistant", content: "gato" },
    ]);
    const parts = ["instruction_part=\n\n### Human:", "response_part=\n\n### Assistant:"];
    const strict = unsloth(notebook, row, ...parts);
    expect(strict.outcome).toBe("dropped");
    expect(strict.warnings[0].message).toContain("All labels in your dataset are -100");
    expect(strict.warnings[0].message).toContain("merged it with its neighbours");
    // The core common to "\n\n### Assistant:" written with 0-2 newlines around it is "### Assistant"; ":" is
    // optional and, compared one position too far, is trained with the answer.
    expect(trainedRuns(notebook, unsloth(notebook, row, ...parts, "force_match=false"))).toEqual([": perro", ": gato"]);
  });

  it("a response marker that is not in the row at all drops it, and says the marker does not match the template", () => {
    const r = unsloth(qwen, messages(), "instruction_part=<|im_start|>user\n", "response_part=### Assistant:");
    expect(r.outcome).toBe("dropped");
    expect(r.warnings[0].message).toContain("not in the row at all");
  });

  it("only one marker is Unsloth's error", () => {
    expect(() => unsloth(qwen, messages(), "response_part=<|im_start|>assistant\n")).toThrow(
      /Give both instruction_part and response_part/,
    );
  });

  it("the span walk on ids: response core 8 9, instruction core 7; the last span runs to the end", () => {
    const none = { left: [], right: [] };
    expect(responseSpans([7, 1, 8, 9, 2, 3, 7, 4, 8, 9, 5], { core: [8, 9], ...none }, { core: [7], ...none })).toEqual([
      [4, 6],
      [10, 11],
    ]);
  });
});
