// TRL ≤ 0.19 DataCollatorForCompletionOnlyLM, cases worked out from trl v0.19.1 trl/trainer/utils.py
// (torch_call: labels are input_ids with pad ids masked, templates are searched in the labels).
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { llama3StyleTokenizer } from "../testing/llama3StyleTokenizer";
import { parseOptions } from "./options";
import { messages, trainedIds, trainedRuns } from "./trainers.testutil";
import { maskTrlCollator, TRL_COLLATOR_OPTIONS } from "./trlCollator";
import type { TrainerInput } from "./types";

const qwen = qwen3Tokenizer();
const llama = llama3StyleTokenizer();
const collator = (tok = qwen, input: TrainerInput = messages(), ...options: string[]) =>
  maskTrlCollator(tok, input, parseOptions("trl-collator", TRL_COLLATOR_OPTIONS, options));
const QWEN_ANSWER = "response_template=<|im_start|>assistant\n";
const QWEN_USER = "instruction_template=<|im_start|>user\n";

describe("TRL ≤ 0.19 completion-only collator", () => {
  it("response template only: everything through the LAST match is masked, so only the last answer trains", () => {
    expect(trainedRuns(qwen, collator(qwen, messages(), QWEN_ANSWER))).toEqual(["<think>\n\n</think>\n\ngato<|im_end|>\n"]);
  });

  it("with the instruction template every answer trains, through <|im_end|> and its newline", () => {
    const r = collator(qwen, messages(), QWEN_ANSWER, QWEN_USER);
    expect(trainedRuns(qwen, r)).toEqual(["Dog is perro in Spanish.<|im_end|>\n", "<think>\n\n</think>\n\ngato<|im_end|>\n"]);
    expect(r.warnings).toEqual([]);
  });

  it("pad = EOS (Llama 3 scripts set pad_token = eos_token): every EOS is masked as padding (trl#1623)", () => {
    const r = collator(
      llama,
      messages(),
      "response_template=<|start_header_id|>assistant<|end_header_id|>\n\n",
      "instruction_template=<|start_header_id|>user<|end_header_id|>\n\n",
    );
    expect(trainedRuns(llama, r)).toEqual(["Dog is perro in Spanish.", "gato"]);
    expect(trainedIds(r)).not.toContain(llama.eosId);
    expect(r.warnings.map((w) => w.code)).toEqual(["pad-is-eos"]);
  });

  it("a response template holding the pad token is never matched, since pad ids are masked before the search (trl#1191)", () => {
    const r = collator(llama, messages(), "response_template=<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    expect(trainedIds(r)).toEqual([]);
    expect(r.warnings[0].code).toBe("template-not-found");
    expect(r.warnings[0].message).toContain("trl#1191");
  });

  it('"Could not find response key" although the text is there: "?\\n\\n" merged (trl#1820, trl#588), and the ids in context fix it', () => {
    const row: TrainerInput = {
      kind: "text-prompt-completion",
      prompt: '\n\n### Human: How do you say "dog" in Spanish?',
      completion: "\n\n### Assistant: perro",
    };
    const r = collator(qwen, row, "response_template=\n\n### Assistant:");
    expect(trainedIds(r)).toEqual([]);
    expect(r.warnings[0].message).toContain("Could not find response key");
    expect(r.warnings[0].message).toContain("response_template=[14374,21388,25]");
    // SFTTrainer 0.19 appended the EOS to plain-text completions.
    expect(trainedRuns(qwen, collator(qwen, row, "response_template=[14374,21388,25]"))).toEqual([" perro<|im_end|>"]);
  });

  it("response_template is required, as in the collator's signature", () => {
    expect(() => collator(qwen, messages())).toThrow(/needs response_template/);
  });
});
