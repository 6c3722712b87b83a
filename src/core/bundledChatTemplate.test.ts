// The bundled model's chat template (scripts/default-model/chat_template.jinja, shipped in
// public/models/default/tokenizer_config.json) writes the notebook's text layout exactly as the page
// trains it by default, so the chat-template strategy and the trainer presets work on the offline model.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderChat } from "./chat/chatTemplate";
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING } from "./defaults";
import { buildMaskView, exampleView } from "./maskView";
import { prepareMasking } from "./masking/prepare";
import { BUNDLED_MODEL_MASKING } from "./playgroundState";
import { bundledTokenizer } from "./testing/bundledTokenizer";
import { promptText } from "./trainingData";
import { IGNORE_INDEX, type ChatExample, type Turn } from "./types";

const tok = bundledTokenizer();
const repo = resolve(__dirname, "../..");
const prepared = prepareMasking(tok, DEFAULT_FORMATTING, BUNDLED_MODEL_MASKING);

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};

/** Conversations of every shape the text layout has: turns, system, several answers, tools, calls and results. */
const CASES: ChatExample[] = [
  ...DEFAULT_EXAMPLES,
  {
    id: "multi",
    turns: [
      { role: "system", content: "You translate English to Spanish." },
      { role: "user", content: "dog?" },
      { role: "assistant", content: "perro" },
      { role: "user", content: "And water?" },
      { role: "assistant", content: "agua" },
    ],
  },
  {
    id: "tools-no-system",
    tools: [WEATHER_TOOL],
    turns: [
      { role: "user", content: "Weather in Madrid?" },
      { role: "assistant", content: "", toolCalls: [{ name: "get_weather", arguments: { city: "Madrid" }, id: "c1" }] },
      { role: "tool", content: '{"temp": 31}', name: "get_weather", toolCallId: "c1" },
      { role: "assistant", content: "Hace calor: 31 °C." },
    ],
  },
  {
    id: "tools-system",
    tools: [WEATHER_TOOL, { type: "function", function: { name: "now", parameters: {} } }],
    turns: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "Let me look.",
        toolCalls: [
          { name: "get_weather", arguments: { city: "Lima" } },
          { name: "now", arguments: "{not json" },
        ],
      },
      { role: "tool", content: "20" },
      { role: "tool", content: "noon" },
      { role: "assistant", content: "20 at noon." },
    ],
  },
];

describe("the bundled model's chat template", () => {
  it("is the build script's template file, shipped in tokenizer_config.json", () => {
    const file = readFileSync(resolve(repo, "scripts/default-model/chat_template.jinja"), "utf8");
    expect(tok.chatTemplate).toBe(file);
  });

  it("renders the notebook's layout with </s> after each answer", () => {
    // Written out by hand from the notebook: "\n\n### Human: …\n\n### Assistant: …" and the EOS the page adds.
    expect(renderChat(tok, DEFAULT_EXAMPLES[0].turns, false)).toBe(
      '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant: perro</s>',
    );
    expect(renderChat(tok, [{ role: "user", content: "Hi?" }], true)).toBe("\n\n### Human: Hi?\n\n### Assistant:");
    const tools = CASES[6];
    expect(renderChat(tok, tools.turns, false, tools.tools)).toBe(
      "<tools>\n" +
        JSON.stringify(WEATHER_TOOL) +
        '\n</tools></s>\n\n### Human: Weather in Madrid?\n\n### Assistant: <tool_call>\n{"name":"get_weather","arguments":{"city":"Madrid"}}\n</tool_call></s>' +
        '\n\n### Human: <tool_response>\n{"temp": 31}\n</tool_response>\n\n### Assistant: Hace calor: 31 °C.</s>',
    );
  });

  it.each(CASES.map((c) => [c.id, c] as const))("renders %s as the page's text formatting trains it by default", (_id, example) => {
    const page = exampleView(prepared, example, 0);
    expect(page.warnings.filter((w) => w.code === "chat-template-missing")).toEqual([]);
    expect(renderChat(tok, example.turns, false, example.tools)).toBe(page.text);
  });

  it("prompts for an answer as the page's prompts do", () => {
    const questions: Turn[][] = [
      [{ role: "user", content: 'How do you say "good" in Spanish?' }],
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "dog?" },
        { role: "assistant", content: "perro" },
        { role: "user", content: "cat?" },
      ],
    ];
    for (const turns of questions) expect(renderChat(tok, turns, true)).toBe(promptText(turns, prepared));
  });

  it("gives the chat-template strategy the answers and their </s> to train", () => {
    const view = buildMaskView(tok, DEFAULT_EXAMPLES, { kind: "chat-template" }, { ...BUNDLED_MODEL_MASKING, strategy: "chat-template" });
    expect(view.warnings).toEqual([]);
    view.examples.forEach((ex, i) => {
      const trained = ex.inputIds.filter((_id, k) => ex.labels[k] !== IGNORE_INDEX);
      expect(tok.decode(trained)).toBe(` ${DEFAULT_EXAMPLES[i].turns[1].content}</s>`);
    });
  });
});
