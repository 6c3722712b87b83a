// axolotl chat_template, cases worked out from axolotl v0.18.0 (067b021c)
// src/axolotl/prompt_strategies/chat_template.py: _tokenize_single_prompt, find_turn (dummy-content
// diff on the conversation up to the turn), find_first_eot_token / find_first_eos_token (≤ 3 tokens
// after the turn's end), and StrategyLoader's defaults (roles_to_train [assistant], train_on_eos turn).
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { llama3StyleTokenizer } from "../testing/llama3StyleTokenizer";
import { AXOLOTL_OPTIONS, maskAxolotl } from "./axolotl";
import { parseOptions } from "./options";
import { CHAT, messages, trainedIds, trainedRuns } from "./trainers.testutil";
import { TRL_TRAINING_TEMPLATES } from "./trlTemplates";
import type { TrainerInput } from "./types";

const qwen = qwen3Tokenizer();
const llama = llama3StyleTokenizer();
const axolotl = (tok = qwen, input: TrainerInput = messages(), ...options: string[]) =>
  maskAxolotl(tok, input, parseOptions("axolotl", AXOLOTL_OPTIONS, options));
const count = (ids: number[], id: number | null) => ids.filter((x) => x === id).length;

describe("axolotl chat_template", () => {
  it("Qwen3: the first answer's span lands 4 tokens late (axolotl#3088), reproduced and explained", () => {
    // find_turn renders [system, user, assistant] and Qwen3's template gives that LAST assistant turn the
    // empty "<think>\n\n</think>\n\n" (4 tokens); in the whole conversation the turn has none. The span
    // found there is applied to the whole conversation's ids: "Dog is per ro" masked, the next 4 trained.
    const r = axolotl();
    expect(trainedRuns(qwen, r)).toEqual([" in Spanish.<|im_end|>\n<|im_start|>user", "gato<|im_end|>"]);
    expect(r.warnings.map((w) => w.code)).toEqual(["trainer-late-turn-span"]);
    expect(r.warnings[0].message).toContain("4 tokens late");
    expect(r.warnings[0].message).toContain("axolotl#3088");
  });

  it("chat_template=jinja with a Qwen3 template that writes <think> on every answer: the spans land where the answers are", () => {
    const r = axolotl(qwen, messages(), "chat_template=jinja", `chat_template_jinja=${TRL_TRAINING_TEMPLATES.qwen3_training}`);
    expect(trainedRuns(qwen, r)).toEqual(["Dog is perro in Spanish.<|im_end|>", "gato<|im_end|>"]);
    expect(r.warnings).toEqual([]);
    expect(() => axolotl(qwen, messages(), "chat_template=jinja")).toThrow(/chat_template_jinja is required/);
  });

  it("Qwen3's last turn: the empty <think> block (in both diffed renders) and the newline after <|im_end|> are not trained", () => {
    const r = axolotl(qwen, messages(CHAT.slice(0, 3)));
    expect(trainedRuns(qwen, r)).toEqual(["Dog is perro in Spanish.<|im_end|>"]);
    expect(r.warnings).toEqual([]);
  });

  it("Llama 3 renders every prefix as the whole conversation does: each answer and its <|eot_id|> train", () => {
    expect(trainedRuns(llama, axolotl(llama))).toEqual(["Dog is perro in Spanish.<|eot_id|>", "gato<|eot_id|>"]);
  });

  it("train_on_eos=none trains no EOS; on Qwen3 multi-turn the late span still covers the first answer's <|im_end|>", () => {
    expect(count(trainedIds(axolotl(llama, messages(), "train_on_eos=none")), llama.eosId)).toBe(0);
    expect(count(trainedIds(axolotl(qwen, messages(CHAT.slice(0, 3)), "train_on_eos=none")), qwen.eosId)).toBe(0);
    const late = axolotl(qwen, messages(), "train_on_eos=none");
    expect(trainedRuns(qwen, late)).toEqual([" in Spanish.<|im_end|>\n<|im_start|>user", "gato"]);
  });

  it("train_on_eos=all trains the end token after every turn, system and user included; last only the final one", () => {
    expect(trainedRuns(llama, axolotl(llama, messages(), "train_on_eos=all"))).toEqual([
      "<|eot_id|>",
      "<|eot_id|>",
      "Dog is perro in Spanish.<|eot_id|>",
      "<|eot_id|>",
      "gato<|eot_id|>",
    ]);
    expect(trainedRuns(llama, axolotl(llama, messages(), "train_on_eos=last"))).toEqual(["Dog is perro in Spanish.", "gato<|eot_id|>"]);
  });

  it("roles_to_train and train_on_inputs choose the turns; the header tokens are never in a turn's span", () => {
    const runs = trainedRuns(llama, axolotl(llama, messages(), "roles_to_train=user"));
    expect(runs).toEqual(["How do you say dog?<|eot_id|>", "And cat?<|eot_id|>"]);
    expect(trainedRuns(llama, axolotl(llama, messages(), "train_on_inputs=true"))).toHaveLength(5);
  });

  it("message_field_training=training: a message's own flag wins over its role", () => {
    const flagged = CHAT.map((m, i) => (i === 2 ? { ...m, training: false } : i === 1 ? { ...m, training: true } : m));
    const r = axolotl(llama, messages(flagged), "message_field_training=training");
    expect(trainedRuns(llama, r)).toEqual(["How do you say dog?<|eot_id|>", "gato<|eot_id|>"]);
    // Without the option the key is not read.
    expect(trainedRuns(llama, axolotl(llama, messages(flagged)))).toHaveLength(2);
    expect(trainedRuns(llama, axolotl(llama, messages(flagged)))[0]).toBe("Dog is perro in Spanish.<|eot_id|>");
  });

  it("eot_tokens holding the EOS and another token, with train_on_eos != train_on_eot, is axolotl's configuration error", () => {
    expect(() => axolotl(llama, messages(), "eot_tokens=<|eot_id|>,<|start_header_id|>", "train_on_eot=all")).toThrow(
      /Conflict between train_on_eos and train_on_eot/,
    );
    // eot_tokens = [eos_token] alone takes the other branch of _validate_eot_and_eos_tokens: no check, and EOT "all" wins.
    expect(trainedRuns(llama, axolotl(llama, messages(), "eot_tokens=<|eot_id|>", "train_on_eot=all"))).toHaveLength(5);
  });

  it("drop_system_message removes a leading system turn before rendering", () => {
    const r = axolotl(llama, messages(), "drop_system_message=true");
    expect(llama.decode(r.inputIds)).not.toContain("You translate");
  });
});
