// The chat template and Modelfile written for a runtime ask as the page asks: the Jinja template,
// rendered by transformers.js' renderer, gives the page's prompt text for a question; a tokenizer's own
// template goes as it is; the Modelfile names the file, the template and every stop text.
import { Template } from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE } from "../../playgroundState";
import { prepareMasking } from "../../masking/prepare";
import { bundledTokenizer, qwen3Tokenizer } from "../../testing/bundledTokenizer";
import { promptText } from "../../trainingData";
import { chatFormat, ollamaModelfile } from "./promptFormat";

describe("chat format for runtimes", () => {
  const prepared = prepareMasking(bundledTokenizer(), DEFAULT_STATE.formatting, DEFAULT_STATE.masking);

  it("the page's text format as a Jinja chat template renders the page's prompt for a question", () => {
    const chat = chatFormat(prepared);
    const question = 'How do you say "good" in Spanish?';
    const rendered = new Template(chat.chatTemplate!).render({
      messages: [{ role: "user", content: question }],
      add_generation_prompt: true,
    });
    expect(rendered).toBe(promptText([{ role: "user", content: question }], prepared));
    expect(chat.stops).toContain("</s>");
  });

  it("a finished exchange renders the answer between the generation prompt and the end text", () => {
    const chat = chatFormat(prepared);
    const rendered = new Template(chat.chatTemplate!).render({
      messages: [
        { role: "user", content: "Q" },
        { role: "assistant", content: "A" },
      ],
      add_generation_prompt: false,
    });
    expect(rendered).toBe(`${chat.format!.user}Q${chat.format!.assistant}A${chat.format!.end}`);
  });

  it("a tokenizer's own template is kept when the page formats with it; the Modelfile gets ChatML for Ollama", () => {
    const qwen = prepareMasking(qwen3Tokenizer(), { kind: "chat-template" }, { ...DEFAULT_STATE.masking, strategy: "chat-template" });
    const chat = chatFormat(qwen);
    expect(chat.format).toBeNull();
    expect(chat.chatTemplate).toBe(qwen3Tokenizer().chatTemplate);
    const modelfile = ollamaModelfile("m.gguf", chat.format, chat.chatTemplate, chat.stops);
    expect(modelfile).toMatch(/^FROM \.\/m\.gguf$/m);
    expect(modelfile).toContain("<|im_start|>assistant");
    expect(modelfile).toContain('PARAMETER stop "<|im_end|>"');
  });

  it("the Modelfile of a text format carries its template and stops", () => {
    const chat = chatFormat(prepared);
    const modelfile = ollamaModelfile("run.gguf", chat.format, chat.chatTemplate, chat.stops);
    expect(modelfile).toContain(`{{ if eq .Role "user" }}{{ ${JSON.stringify(chat.format!.user)} }}{{ .Content }}`);
    expect(modelfile).toContain('PARAMETER stop "</s>"');
  });
});
