// Config out: each tool's snippet carries every option of its table with the value in force, in
// the tool's own syntax (Python literals for TRL and Unsloth, YAML for axolotl and LLaMA-Factory).
import { describe, expect, it } from "vitest";
import { TRAINERS } from ".";
import { configSnippet } from "./snippets";
import type { TrainerChoice } from "./trainerView";

const snippet = (trainer: TrainerChoice["trainer"], options: Record<string, string> = {}, row: TrainerChoice["row"] = "messages") =>
  configSnippet({ trainer, options, row });

describe("configSnippet", () => {
  it("TRL ≥ 0.20: an SFTConfig with every option as a Python literal", () => {
    const s = snippet("trl", { completion_only_loss: "true", max_length: "none" }, "text");
    expect(s).toContain("from trl import SFTConfig, SFTTrainer");
    expect(s).toContain("    completion_only_loss=True,\n");
    expect(s).toContain("    assistant_only_loss=False,\n");
    expect(s).toContain("    chat_template_path=None,\n");
    expect(s).toContain("    max_length=None,\n");
    expect(s).toContain('# dataset rows: {"prompt": "...### Assistant:"');
  });

  it("TRL ≤ 0.19: the collator, a text template with its newlines escaped, ids as a list", () => {
    const s = snippet("trl-collator", { response_template: "\n\n### Assistant:", instruction_template: "[14374, 11097]" });
    expect(s).toContain("DataCollatorForCompletionOnlyLM(");
    expect(s).toContain('    response_template="\\n\\n### Assistant:",\n');
    expect(s).toContain("    instruction_template=[14374, 11097],\n");
    expect(s).toContain("    tokenizer=tokenizer,\n");
  });

  it("axolotl: dataset keys under the chat_template dataset, top-level keys at the top", () => {
    const s = snippet("axolotl", { roles_to_train: "assistant,user", train_on_eos: "all", message_field_training: "training" });
    expect(s).toMatch(/^train_on_inputs: false\nchat_template: "tokenizer_default"\ndatasets:\n/);
    expect(s).toContain("    type: chat_template\n");
    expect(s).toContain('    roles_to_train: ["assistant", "user"]\n');
    expect(s).toContain('    train_on_eos: "all"\n');
    expect(s).toContain('    message_field_training: "training"');
    expect(s).not.toContain("train_on_eot"); // none given: axolotl follows train_on_eos
  });

  it("LLaMA-Factory: YAML keys; efficient_eos, a template attribute, only as a comment", () => {
    const s = snippet("llamafactory", { template: "qwen3", mask_history: "true", efficient_eos: "true" });
    expect(s).toContain('template: "qwen3"\n');
    expect(s).toContain("mask_history: true\n");
    expect(s).toContain("cutoff_len: 2048");
    expect(s).toContain("# efficient_eos=True: set on the template");
    expect(s).not.toMatch(/^efficient_eos:/m);
    expect(snippet("llamafactory")).toContain("# template: none given, parsed from the tokenizer's chat template");
  });

  it("Unsloth: the train_on_responses_only call; markers left out when auto-detected", () => {
    const auto = snippet("unsloth");
    expect(auto).toContain("trainer = train_on_responses_only(\n    trainer,\n    force_match=True,\n    last_response_only=False,\n)");
    expect(auto).not.toContain("instruction_part=");
    const given = snippet("unsloth", { instruction_part: "<|im_start|>user\n", response_part: "<|im_start|>assistant\n" });
    expect(given).toContain('    instruction_part="<|im_start|>user\\n",\n');
    expect(given).toContain('    response_part="<|im_start|>assistant\\n",\n');
  });

  it("names every option of every tool's table (none re-stated by hand, none forgotten)", () => {
    for (const t of TRAINERS) {
      const s = snippet(t.name);
      const optional = (k: string) => (t.name === "unsloth" && k.endsWith("_part")) || t.options[k].default === null;
      for (const key of Object.keys(t.options).filter((k) => !optional(k))) expect(s, `${t.name}.${key}`).toContain(key);
    }
  });

  it("refuses a value the tool does not take", () => {
    expect(() => snippet("trl", { max_length: "many" })).toThrow(/trl: max_length: expected a whole number/);
  });
});
