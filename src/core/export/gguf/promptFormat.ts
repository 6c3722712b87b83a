// How an exported model wants its conversations written, for the runtimes that chat with it:
// tokenizer.chat_template in the GGUF (Jinja, what llama.cpp's server and transformers read) and the
// TEMPLATE of an Ollama Modelfile (Go's text/template, https://github.com/ollama/ollama/blob/main/docs/modelfile.md).
// A tokenizer's own chat template goes as it is; the page's text formats (the notebook's
// "### Human: … ### Assistant:" with its markers) are written out as both template languages.

import type { PreparedMasking } from "../../masking/prepare";
import { promptText, stopIdsOf } from "../../trainingData";

/** A text format as three strings: before a question, before an answer (the generation prompt), after an answer. */
export interface PromptFormat {
  user: string;
  assistant: string;
  end: string;
}

/** The format the page prompts with, or null when it renders the tokenizer's chat template. */
export function promptFormatOf(prepared: PreparedMasking): PromptFormat | null {
  if (prepared.formatting.kind === "chat-template" || prepared.strategy === "chat-template") return null;
  const question = "\u0000question\u0000";
  const text = promptText([{ role: "user", content: question }], prepared);
  const at = text.indexOf(question);
  const eos = prepared.tokenizer.eosToken ?? "";
  return { user: text.slice(0, at), assistant: text.slice(at + question.length), end: prepared.insert?.end ?? eos };
}

/** A string literal in either template language: Jinja and Go's text/template both read JSON's. */
const quoted = (s: string) => JSON.stringify(s);

/** The format as a transformers chat template (system turns are written as they are, as the page does). */
export function jinjaTemplate(f: PromptFormat): string {
  return [
    "{% for message in messages %}",
    `{% if message['role'] == 'user' %}{{ ${quoted(f.user)} + message['content'] }}`,
    `{% elif message['role'] == 'assistant' %}{{ ${quoted(f.assistant)} + message['content'] + ${quoted(f.end)} }}`,
    "{% else %}{{ message['content'] }}{% endif %}",
    "{% endfor %}",
    `{% if add_generation_prompt %}{{ ${quoted(f.assistant)} }}{% endif %}`,
  ].join("");
}

/** Ollama's TEMPLATE for ChatML (Qwen's <|im_start|> … <|im_end|>), whose Jinja template Ollama may not recognise. */
const CHATML_GO = `{{- range .Messages }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}<|im_start|>assistant
`;

function goTemplate(f: PromptFormat): string {
  return (
    `{{- range .Messages }}{{ if eq .Role "user" }}{{ ${quoted(f.user)} }}{{ .Content }}` +
    `{{ else if eq .Role "assistant" }}{{ ${quoted(f.assistant)} }}{{ .Content }}{{ ${quoted(f.end)} }}` +
    `{{ else }}{{ .Content }}{{ end }}{{ end }}{{ ${quoted(f.assistant)} }}`
  );
}

/** The Modelfile beside `ggufName`: FROM, the template, and a stop parameter per stop text. */
export function ollamaModelfile(
  ggufName: string,
  format: PromptFormat | null,
  chatTemplate: string | null,
  stops: readonly string[],
): string {
  const lines = [`# Ollama: ollama create NAME -f Modelfile, then ollama run NAME`, `FROM ./${ggufName}`];
  const template = format ? goTemplate(format) : chatTemplate?.includes("<|im_start|>") ? CHATML_GO : null;
  if (template !== null) lines.push(`TEMPLATE """${template}"""`);
  else lines.push("# No TEMPLATE: Ollama takes the GGUF's tokenizer.chat_template where it recognises it.");
  for (const s of new Set(stops)) if (s) lines.push(`PARAMETER stop ${JSON.stringify(s)}`);
  lines.push("PARAMETER temperature 0");
  return `${lines.join("\n")}\n`;
}

/** What a runtime needs to chat as the page prompts: the format (or null: the tokenizer's template), the Jinja template, the stop texts. */
export function chatFormat(prepared: PreparedMasking): { format: PromptFormat | null; chatTemplate: string | null; stops: string[] } {
  const format = promptFormatOf(prepared);
  const stops = stopIdsOf(prepared).map((id) => prepared.tokenizer.tokenString(id));
  return { format, chatTemplate: format ? jinjaTemplate(format) : prepared.tokenizer.chatTemplate, stops };
}
