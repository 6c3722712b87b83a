// TRL ≥ 0.20 SFTTrainer, cases worked out from trl v1.9.0 trl/trainer/sft_trainer.py (__init__,
// _prepare_dataset: tokenize_fn, build_labels, truncate + filter) and trl/chat_template_utils.py.
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { llama3StyleTokenizer } from "../testing/llama3StyleTokenizer";
import { IGNORE_INDEX } from "../types";
import { parseOptions } from "./options";
import { CHAT, messages, trainedRuns, withTemplate } from "./trainers.testutil";
import { maskTrl, TRL_OPTIONS } from "./trl";
import type { TrainerInput } from "./types";

const qwen = qwen3Tokenizer();
const llama = llama3StyleTokenizer();
const trl = (tok = qwen, input: TrainerInput = messages(), ...options: string[]) =>
  maskTrl(tok, input, parseOptions("trl", TRL_OPTIONS, options));
const promptCompletion: TrainerInput = { kind: "prompt-completion", prompt: CHAT.slice(0, 4), completion: CHAT.slice(4) };

describe("TRL SFTTrainer", () => {
  it("messages with the defaults: no mask applies, so every token is a label (language modeling)", () => {
    const r = trl();
    expect(r.labels).toEqual(r.inputIds);
    expect(r.outcome).toBe("kept");
  });

  it("prompt-completion: completion_only_loss=None turns on; the completion, its empty <think> block and the newline after <|im_end|> train", () => {
    // prompt_ids = apply_chat_template(prompt, add_generation_prompt=True) ends with "<|im_start|>assistant\n";
    // completion_mask = [0] * len(prompt_ids) + [1] * the rest of apply_chat_template(prompt + completion).
    const r = trl(qwen, promptCompletion);
    expect(trainedRuns(qwen, r)).toEqual(["<think>\n\n</think>\n\ngato<|im_end|>\n"]);
    expect(trl(qwen, promptCompletion, "completion_only_loss=false").labels).toEqual(r.inputIds);
  });

  it("assistant_only_loss on the bundled Qwen3 template: not a template TRL knows byte for byte, so TRL stops", () => {
    // The bundled template is an older Qwen3 revision (no `message.content is string` guards) than trl/chat_templates/qwen3.jinja.
    const r = trl(qwen, messages(), "assistant_only_loss=true");
    expect(r.outcome).toBe("error");
    expect(r.warnings[0].message).toContain("not training-compatible");
    expect(r.warnings[0].message).toContain("chat_template_path=qwen3_training");
  });

  it("chat_template_path=qwen3_training: every assistant turn with its <think> block and <|im_end|>\\n trains, and the input ids change", () => {
    const r = trl(qwen, messages(), "assistant_only_loss=true", "chat_template_path=qwen3_training");
    expect(trainedRuns(qwen, r)).toEqual([
      "<think>\n\n</think>\n\nDog is perro in Spanish.<|im_end|>\n",
      "<think>\n\n</think>\n\ngato<|im_end|>\n",
    ]);
    // The stock template writes the empty <think> block on the last turn only: the training template adds 4 tokens to the first.
    expect(r.inputIds.length).toBe(trl().inputIds.length + 4);
    expect(r.warnings.map((w) => w.code)).toEqual(["trainer-template-swapped"]);
    expect(r.warnings[0].message).toContain("changes the input ids themselves");
  });

  it("Meta's Llama 3 template is TRL's llama3.jinja: TRL swaps in llama3_training, whose text is the same", () => {
    const r = trl(llama, messages(), "assistant_only_loss=true");
    expect(trainedRuns(llama, r)).toEqual(["Dog is perro in Spanish.<|eot_id|>", "gato<|eot_id|>"]);
    expect(r.inputIds).toEqual(trl(llama).inputIds);
    expect(r.warnings.map((w) => w.code)).toEqual(["trainer-template-swapped"]);
  });

  it("both masks at once: a token trains only if every mask says so (build_labels)", () => {
    const r = trl(qwen, promptCompletion, "assistant_only_loss=true", "chat_template_path=qwen3_training");
    // The earlier answer is inside a generation block but in the prompt: masked.
    expect(trainedRuns(qwen, r)).toEqual(["<think>\n\n</think>\n\ngato<|im_end|>\n"]);
  });

  it("completion_only_loss=true on a messages row has no completion mask to apply, and says so", () => {
    const r = trl(qwen, messages(), "completion_only_loss=true");
    expect(r.labels).toEqual(r.inputIds);
    expect(r.warnings[0].code).toBe("trainer-option-ignored");
  });

  it("plain-text prompt-completion: the EOS is appended and the prompt, tokenized alone, is masked", () => {
    const r = trl(qwen, { kind: "text-prompt-completion", prompt: "How do you say dog?", completion: " perro" });
    expect(trainedRuns(qwen, r)).toEqual([" perro<|im_end|>"]);
    expect(r.warnings).toEqual([]);
    // A prompt ending in the space merges it into " per": the lone " " was the prompt's last token, so "per" is masked.
    const spaced = trl(qwen, { kind: "text-prompt-completion", prompt: "How do you say dog? ", completion: "perro" });
    expect(trainedRuns(qwen, spaced)).toEqual(["ro<|im_end|>"]);
    expect(spaced.warnings.map((w) => w.code)).toEqual(["trainer-prefix-mismatch"]);
  });

  it('a prompt that merges with its completion ("?" + "\\n\\n" = "?\\n\\n") warns as TRL does, and the merged token stays masked', () => {
    const r = trl(qwen, { kind: "text-prompt-completion", prompt: "How do you say dog?", completion: "\n\nperro" });
    expect(r.warnings.map((w) => w.code)).toEqual(["trainer-prefix-mismatch"]);
    // completion_mask counts the prompt's own tokens; "?\n\n" sits at the last of those positions.
    expect(trainedRuns(qwen, r)).toEqual(["perro<|im_end|>"]);
  });

  it("assistant_only_loss on a plain-text row is TRL's ValueError", () => {
    const r = trl(qwen, { kind: "text-prompt-completion", prompt: "a", completion: "b" }, "assistant_only_loss=true");
    expect(r.outcome).toBe("error");
    expect(r.warnings[0].message).toContain("not conversational");
  });

  it("truncation to max_length can leave nothing trained: TRL drops the row", () => {
    const r = trl(qwen, promptCompletion, "max_length=10");
    expect(r.inputIds).toHaveLength(10);
    expect(r.outcome).toBe("dropped");
    expect(r.warnings.at(-1)?.code).toBe("trainer-row-dropped");
    // Without max_length TRL neither truncates nor filters.
    expect(trl(qwen, promptCompletion, "max_length=none").outcome).toBe("kept");
  });

  it("padding_free masks the first token of the sequence (position_ids == 0)", () => {
    const r = trl(qwen, messages(), "padding_free=true");
    expect(r.labels[0]).toBe(IGNORE_INDEX);
    expect(r.labels.slice(1)).toEqual(r.inputIds.slice(1));
  });

  it("a template whose generation block leaves out the end-of-turn token: TRL warns the model may not learn to stop", () => {
    const template =
      "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' }}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}{{ '<|im_end|>\\n' }}{% endfor %}";
    const r = trl(withTemplate(template), messages(), "assistant_only_loss=true");
    expect(r.warnings.map((w) => w.code)).toContain("trainer-stop-token-untrained");
    expect(trainedRuns(qwen, r)).toEqual(["Dog is perro in Spanish.", "gato"]);
  });

  it("chat_template_path names only the training templates the playground carries", () => {
    expect(() => trl(qwen, messages(), "chat_template_path=gemma_training")).toThrow(/qwen3_training and llama3_training/);
    expect(trl(qwen, messages(), "assistant_only_loss=true", "chat_template_path=trl/chat_templates/qwen3_training.jinja").outcome).toBe(
      "kept",
    );
  });
});
