// The mask view's cache: an example is masked again when anything its view depends on changes,
// the tools it offers included (the editor changes them without touching a turn).
import { describe, expect, it } from "vitest";
import { DEFAULT_FORMATTING, DEFAULT_MASKING } from "../core/defaults";
import { bundledTokenizer } from "../core/testing/bundledTokenizer";
import type { ChatExample } from "../core/types";
import { computeMaskView } from "./maskViewMemo";

const tokenizer = bundledTokenizer();
const turns: ChatExample["turns"] = [
  { role: "user", content: "Weather?" },
  { role: "assistant", content: "", toolCalls: [{ name: "get_weather", arguments: {} }] },
  { role: "tool", content: "18" },
  { role: "assistant", content: "Warm." },
];

function viewText(example: ChatExample): string {
  const r = computeMaskView(tokenizer, [example], DEFAULT_FORMATTING, DEFAULT_MASKING);
  if (!r.ok) throw new Error(r.error);
  return r.view.examples[0].text;
}

describe("computeMaskView's cache", () => {
  it("masks an example again when only its tools change", () => {
    expect(viewText({ id: "a", turns })).not.toContain("<tools>");
    const tool = { type: "function", function: { name: "get_weather", parameters: { type: "object" } } };
    expect(viewText({ id: "a", turns, tools: [tool] })).toContain('<tools>\n{"type":"function","function":{"name":"get_weather"');
  });
});
