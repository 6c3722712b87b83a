// `mask --messages-file F --strategy S`: one conversation, tool calls included, read as the dataset
// reader reads a record and labelled as training would: the assistant's calls trained, the tools'
// results masked (TRL's assistant-only loss, axolotl and LLaMA-Factory all do so), per-message flags
// (LLaMA-Factory's loss_weight) over the strategy's labels.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { QWEN3_TOKENIZER_DIR } from "../../core/testing/bundledTokenizer";

const root = resolve(__dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "mask-conversation-"));

interface Out {
  text: string;
  input_ids: number[];
  labels: number[];
  tokens: string[];
  warnings: string[];
}

function mask(record: unknown, strategy: string, tokenizer = QWEN3_TOKENIZER_DIR): Out {
  const file = join(dir, `${strategy}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(record));
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "mask", "--tokenizer", tokenizer, "--messages-file", file, "--strategy", strategy, "--json"],
    { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Out;
}

/** The text of the trained tokens, and of the masked ones, decoded from the token strings' bytes. */
function split(out: Out): { trained: string; masked: string } {
  // Token strings are byte-level (Ġ, Ċ): GPT-2's byte map spells each byte as one character. Bytes
  // are joined before decoding, as a character may span two tokens.
  const bytes = { trained: [] as number[], masked: [] as number[] };
  out.tokens.forEach((t, k) =>
    bytes[out.labels[k] === -100 ? "masked" : "trained"].push(...[...t].map((c) => BYTE_OF.get(c) ?? c.charCodeAt(0))),
  );
  return { trained: Buffer.from(bytes.trained).toString("utf8"), masked: Buffer.from(bytes.masked).toString("utf8") };
}

/** GPT-2's byte-to-unicode table, inverted: Qwen's token strings spell bytes this way. */
const BYTE_OF = (() => {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = [...bytes];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n++);
    }
  }
  return new Map(chars.map((c, i) => [String.fromCharCode(c), bytes[i]]));
})();

const TOOL_CONVERSATION = {
  messages: [
    { role: "user", content: "What's the weather in Paris?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ type: "function", id: "c1", function: { name: "get_weather", arguments: '{"city": "Paris"}' } }],
    },
    { role: "tool", tool_call_id: "c1", name: "get_weather", content: '{"temp_c": 18, "sky": "cloudy"}' },
    { role: "assistant", content: "It is 18 °C and cloudy in Paris." },
  ],
  tools: [{ type: "function", function: { name: "get_weather", description: "Current weather", parameters: { type: "object" } } }],
};

describe("mask --messages-file --strategy", () => {
  it("chat-template on Qwen3: the template's tools section is rendered; the call is trained, the tool's result masked", () => {
    const out = mask(TOOL_CONVERSATION, "chat-template");
    expect(out.warnings).toEqual([]);
    expect(out.text).toContain("# Tools");
    const { trained, masked } = split(out);
    expect(trained).toContain('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call><|im_end|>');
    expect(trained).toContain("It is 18 °C and cloudy in Paris.<|im_end|>");
    expect(masked).toContain('<tool_response>\n{"temp_c": 18, "sky": "cloudy"}\n</tool_response>');
    expect(trained).not.toContain("temp_c");
    expect(trained).not.toContain("What's the weather");
  });

  it("ShareGPT function_call / observation records (LLaMA-Factory's glaive shape) mask the same way", () => {
    const out = mask(
      {
        conversations: [
          { from: "human", value: "Weather in Oslo?" },
          { from: "function_call", value: '{"name": "get_weather", "arguments": {"city": "Oslo"}}' },
          { from: "observation", value: '{"temp_c": -3}' },
          { from: "gpt", value: "Minus three." },
        ],
        tools: '[{"name": "get_weather", "description": "Current weather", "parameters": {"type": "object"}}]',
      },
      "chat-template",
    );
    const { trained } = split(out);
    expect(trained).toContain('"name": "get_weather"');
    expect(trained).toContain("Minus three.");
    expect(trained).not.toContain("-3");
  });

  it("the notebook's text layout: calls after the response template (trained), results under the instruction template (masked)", () => {
    const out = mask(TOOL_CONVERSATION, "markers", "default");
    expect(out.text).toContain('\n\n### Assistant:<s> <tool_call>\n{"name":"get_weather","arguments":{"city":"Paris"}}\n</tool_call></s>');
    expect(out.text).toContain('\n\n### Human: <tool_response>\n{"temp_c": 18, "sky": "cloudy"}\n</tool_response>');
    const { trained } = split(out);
    expect(trained).toBe(
      ' <tool_call>\n{"name":"get_weather","arguments":{"city":"Paris"}}\n</tool_call></s> It is 18 °C and cloudy in Paris.</s>',
    );
  });

  it("loss_weight per message overrides the strategy: a weighted question is trained, a zero-weighted answer masked", () => {
    const out = mask(
      {
        messages: [
          { role: "user", content: [{ type: "text", value: "Who are you?" }], loss_weight: 1.0 },
          { role: "assistant", content: [{ type: "text", value: "I am a bot." }], loss_weight: 0.0 },
        ],
      },
      "chat-template",
    );
    const { trained } = split(out);
    expect(trained).toBe("Who are you?");
  });
});
