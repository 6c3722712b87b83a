// The option tables: KEY=VALUE parsed with each tool's own names, and every error says what to do.
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { maskWithTrainer, TRAINERS } from ".";
import { parseTrainerInput } from "./input";
import { parseOptions } from "./options";
import { AXOLOTL_OPTIONS } from "./axolotl";
import { CHAT, messages } from "./trainers.testutil";
import { TRL_COLLATOR_OPTIONS } from "./trlCollator";

describe("trainer options", () => {
  it("defaults are the tools' own", () => {
    expect(parseOptions("axolotl", AXOLOTL_OPTIONS, [])).toEqual({
      roles_to_train: ["assistant"],
      train_on_inputs: false,
      train_on_eos: "turn",
      train_on_eot: null,
      eot_tokens: null,
      message_field_training: null,
      drop_system_message: false,
      chat_template: "tokenizer_default",
      chat_template_jinja: null,
    });
  });

  it("booleans are true/false, strings verbatim with newlines and '=', lists comma-separated, none is None", () => {
    const o = parseOptions("axolotl", AXOLOTL_OPTIONS, [
      "train_on_inputs=true",
      "roles_to_train=user,assistant",
      "train_on_eot=none",
      "message_field_training=a=b\n",
    ]);
    expect(o).toMatchObject({
      train_on_inputs: true,
      roles_to_train: ["user", "assistant"],
      train_on_eot: null,
      message_field_training: "a=b\n",
    });
    expect(parseOptions("trl-collator", TRL_COLLATOR_OPTIONS, ["response_template=\n\n### Assistant:"]).response_template).toBe(
      "\n\n### Assistant:",
    );
  });

  it("an unknown option names itself and lists the tool's options", () => {
    expect(() => parseOptions("axolotl", AXOLOTL_OPTIONS, ["train_on_eos_token=none"])).toThrow(
      'axolotl has no option "train_on_eos_token"; its options are: roles_to_train, train_on_inputs, train_on_eos, train_on_eot, eot_tokens, message_field_training, drop_system_message, chat_template, chat_template_jinja',
    );
  });

  it("a bad value, a missing '=' and a repeated option are refused", () => {
    expect(() => parseOptions("axolotl", AXOLOTL_OPTIONS, ["train_on_eos=some"])).toThrow(
      /train_on_eos: expected one of all, turn, last, none/,
    );
    expect(() => parseOptions("axolotl", AXOLOTL_OPTIONS, ["train_on_inputs=yes"])).toThrow(/expected true or false/);
    expect(() => parseOptions("axolotl", AXOLOTL_OPTIONS, ["train_on_inputs"])).toThrow(/KEY=VALUE/);
    expect(() => parseOptions("axolotl", AXOLOTL_OPTIONS, ["train_on_inputs=true", "train_on_inputs=false"])).toThrow(/given twice/);
  });

  it("every preset labels the same chat with the same ids shape", () => {
    const tok = qwen3Tokenizer();
    const extra: Record<string, string[]> = { "trl-collator": ["response_template=<|im_start|>assistant\n"] };
    for (const t of TRAINERS) {
      const r = maskWithTrainer(t.name, tok, messages(), extra[t.name] ?? []);
      expect(r.labels).toHaveLength(r.inputIds.length);
      expect(r.tokens).toHaveLength(r.inputIds.length);
    }
  });
});

describe("trainer input rows", () => {
  it("reads messages (extra keys kept), {messages}, conversational and plain-text prompt-completion", () => {
    expect(parseTrainerInput([{ ...CHAT[1], training: false }])).toEqual({ kind: "messages", messages: [{ ...CHAT[1], training: false }] });
    expect(parseTrainerInput({ messages: CHAT })).toEqual({ kind: "messages", messages: CHAT });
    expect(parseTrainerInput({ prompt: CHAT.slice(0, 2), completion: CHAT.slice(2, 3) })).toMatchObject({ kind: "prompt-completion" });
    expect(parseTrainerInput({ prompt: "a", completion: "b" })).toEqual({ kind: "text-prompt-completion", prompt: "a", completion: "b" });
  });

  it("says where a row is wrong", () => {
    expect(parseTrainerInput([{ role: "user" }])).toMatch(/at \[0\]\.content/);
    expect(parseTrainerInput([])).toMatch(/empty/);
  });
});
