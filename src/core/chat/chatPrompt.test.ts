// Chat prompts end exactly where the training render continues with the answer: the text layout's
// "### Assistant:", and under Qwen3's template the empty think block its template writes before every
// trained answer (enable_thinking off). Expected strings are written out from the templates by hand.
import { describe, expect, it } from "vitest";
import { BUNDLED_MODEL_MASKING, DEFAULT_STATE } from "../playgroundState";
import { DEFAULT_MASKING } from "../defaults";
import { prepareMasking } from "../masking/prepare";
import { bundledTokenizer, qwen3Tokenizer } from "../testing/bundledTokenizer";
import { promptText } from "../trainingData";
import { renderChat, templateHasThinkingSwitch } from "./chatTemplate";
import { chatPromptIds, decodeAnswer, sideTurns, type ChatExchange } from "./chatPrompt";

const chatTemplateMasking = { ...DEFAULT_MASKING, strategy: "chat-template" as const };

describe("generation prompts under Qwen3's chat template", () => {
  const turns = [{ role: "user" as const, content: "Hi?" }];

  it("end with the empty think block by default, so prompt + answer is the trained render", () => {
    const prepared = prepareMasking(qwen3Tokenizer(), { kind: "chat-template" }, chatTemplateMasking);
    const prompt = promptText(turns, prepared);
    expect(prompt).toBe("<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    const trained = renderChat(prepared.tokenizer, [...turns, { role: "assistant", content: "hola" }], false);
    expect(trained).toBe(`${prompt}hola<|im_end|>\n`);
  });

  it("end at the assistant header with enable_thinking on (the model is asked to think first)", () => {
    const prepared = prepareMasking(qwen3Tokenizer(), { kind: "chat-template", enableThinking: true }, chatTemplateMasking);
    expect(promptText(turns, prepared)).toBe("<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n");
  });
});

describe("chat conversations", () => {
  const exchanges: ChatExchange[] = [
    { question: "one?", answers: [" uno", " ein"] },
    { question: "two?", answers: ["", ""] },
  ];

  it("each side continues its own history, answers trimmed as the text layout writes them", () => {
    expect(sideTurns(exchanges, 1)).toEqual([
      { role: "user", content: "one?" },
      { role: "assistant", content: "ein" },
      { role: "user", content: "two?" },
    ]);
  });

  it("the bundled model's prompt is the notebook's layout as trained (</s> after each answer), ending at the response template", () => {
    const tokenizer = bundledTokenizer();
    const prepared = prepareMasking(tokenizer, DEFAULT_STATE.formatting, BUNDLED_MODEL_MASKING);
    const ids = chatPromptIds(sideTurns(exchanges, 0), prepared);
    expect(tokenizer.decode(ids)).toBe("\n\n### Human: one?\n\n### Assistant: uno</s>\n\n### Human: two?\n\n### Assistant:");
  });

  it("an answer's text stops before its first stop id", () => {
    const tokenizer = bundledTokenizer();
    const ids = tokenizer.encode(" perro", false);
    const eos = tokenizer.eosId as number;
    expect(decodeAnswer(tokenizer, [...ids, eos, ...ids], [eos])).toBe(" perro");
    expect(decodeAnswer(tokenizer, ids, [eos])).toBe(" perro");
  });
});

describe("the enable_thinking switch", () => {
  it("is offered for a template that reads it (Qwen3's) and not for one that does not (the bundled model's)", () => {
    expect(templateHasThinkingSwitch(qwen3Tokenizer())).toBe(true);
    expect(templateHasThinkingSwitch(bundledTokenizer())).toBe(false);
    expect(templateHasThinkingSwitch(null)).toBe(false);
  });
});
