// Tool-calling and per-message-training records in the shapes datasets have them (OpenAI / Hugging
// Face messages, ShareGPT with function_call / observation as LLaMA-Factory's glaive demo, LLaMA-
// Factory's content parts with `value` and `loss_weight`, axolotl's `train`): each becomes turns with
// tool calls, tool results and training flags, or a located problem.
import { describe, expect, it } from "vitest";
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import { convertRecord, type RecordOutcome } from "./records";

const convert = (record: unknown): RecordOutcome => convertRecord(record, null, "", NOTEBOOK_TEMPLATES);
const WEATHER_SCHEMA = {
  name: "get_weather",
  description: "Current weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

describe("tool calls", () => {
  it("OpenAI messages: tool_calls with JSON-string arguments, a tool result with its call id, the tools list", () => {
    const out = convert({
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ type: "function", id: "c1", function: { name: "get_weather", arguments: '{"city": "Paris"}' } }],
        },
        { role: "tool", tool_call_id: "c1", name: "get_weather", content: '{"temp_c": 18}' },
        { role: "assistant", content: "18 °C." },
      ],
      tools: [{ type: "function", function: WEATHER_SCHEMA }],
    });
    expect(out).toMatchObject({
      format: "messages",
      turns: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: "", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" }, id: "c1" }] },
        { role: "tool", content: '{"temp_c": 18}', name: "get_weather", toolCallId: "c1" },
        { role: "assistant", content: "18 °C." },
      ],
      tools: [{ type: "function", function: WEATHER_SCHEMA }],
    });
  });

  it("ShareGPT (glaive): a function_call turn is the assistant's call, observation the result; a tools string of bare schemas is wrapped", () => {
    const out = convert({
      conversations: [
        { from: "human", value: "Weather in Paris?" },
        { from: "function_call", value: '{"name": "get_weather", "arguments": {"city": "Paris"}}' },
        { from: "observation", value: '{"temp_c": 18}' },
        { from: "gpt", value: "18 °C." },
      ],
      tools: JSON.stringify([WEATHER_SCHEMA]),
    });
    expect(out).toMatchObject({
      format: "conversations",
      turns: [
        { role: "user" },
        { role: "assistant", content: "", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
        { role: "tool", content: '{"temp_c": 18}' },
        { role: "assistant", content: "18 °C." },
      ],
      tools: [{ type: "function", function: WEATHER_SCHEMA }],
    });
  });

  it("LLaMA-Factory content parts: value text, reasoning as a <think> block, tool_call parts, loss_weight as the training flag", () => {
    const out = convert({
      messages: [
        { role: "user", content: [{ type: "text", value: "hi" }], loss_weight: 0.0 },
        {
          role: "assistant",
          content: [
            { type: "reasoning", value: "Look it up." },
            { type: "tool_call", value: '{"name": "get_weather", "arguments": {"city": "Oslo"}}' },
          ],
          loss_weight: 1.0,
        },
        { role: "tool", content: [{ type: "text", value: "-3" }] },
        { role: "assistant", content: [{ type: "text", value: "Cold." }], loss_weight: 0 },
      ],
    });
    expect(out).toMatchObject({
      turns: [
        { role: "user", content: "hi", train: false },
        {
          role: "assistant",
          content: "<think>\nLook it up.\n</think>\n\n",
          toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }],
          train: true,
        },
        { role: "tool", content: "-3" },
        { role: "assistant", content: "Cold.", train: false },
      ],
    });
    expect(out).not.toHaveProperty("turns.2.train");
  });

  it("Hugging Face text parts, axolotl's train flag and a system column", () => {
    const out = convert({
      system: "Be brief.",
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: "Hello", train: false },
      ],
    });
    expect(out).toMatchObject({
      turns: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello", train: false },
      ],
    });
  });

  it.each([
    [
      "a call whose JSON does not parse",
      {
        conversations: [
          { from: "human", value: "x" },
          { from: "function_call", value: "{name: get" },
          { from: "gpt", value: "y" },
        ],
      },
      { reason: "invalid-json", path: ".conversations[1].value", message: /not JSON; expected \{"name"/ },
    ],
    [
      "a call without a name",
      {
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: "", tool_calls: [{ function: { arguments: {} } }] },
        ],
      },
      { reason: "missing-field", path: ".messages[1].tool_calls[0].name", message: /no function name/ },
    ],
    [
      "calls left unanswered by a user turn",
      {
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: "", tool_calls: [{ function: { name: "f", arguments: {} } }] },
          { role: "user", content: "y" },
          { role: "assistant", content: "z" },
        ],
      },
      { reason: "roles-not-alternating", path: ".messages[2].role", message: /turn 3 is "user", expected "tool"/ },
    ],
    [
      "a tools field that is not a list of schemas",
      {
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: "y" },
        ],
        tools: "[1, 2]",
      },
      { reason: "wrong-type", path: ".tools[0]", message: /tool 1 is not a function schema/ },
    ],
    [
      "a text part without its text",
      {
        messages: [
          { role: "user", content: [{ type: "text" }] },
          { role: "assistant", content: "y" },
        ],
      },
      {
        reason: "missing-field",
        path: ".messages[0].content[0].value",
        message: /a text part's "text" \(or "value"\) is missing; expected a string/,
      },
    ],
  ])("%s is a located problem", (_name, record, expected) => {
    expect(convert(record)).toMatchObject(expected);
  });
});
