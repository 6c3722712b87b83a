// Tool calls and results under each trainer preset, each by its tool's own rule (the source lines are
// cited in each preset's header): the calls are the assistant's, the results are the user's side,
// except where the tool's rule says otherwise.
import { describe, expect, it } from "vitest";
import { bundledTokenizer, qwen3Tokenizer } from "../testing/bundledTokenizer";
import { maskWithTrainer } from ".";
import { parseTrainerInput } from "./input";
import { trainerRow } from "./pageRow";
import { trainedRuns, withTemplate } from "./trainers.testutil";
import type { TemplateMessage } from "../chat/chatTemplate";
import { TrainerOptionError, type TrainerInput } from "./types";

const TOOL = {
  type: "function",
  function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};
const call = (args: unknown) => ({ type: "function", id: "c1", function: { name: "get_weather", arguments: args } });
const CHAT: TemplateMessage[] = [
  { role: "user", content: "Weather in Madrid?" },
  { role: "assistant", content: "", tool_calls: [call({ city: "Madrid" })] },
  { role: "tool", content: "31 C", tool_call_id: "c1", name: "get_weather" },
  { role: "assistant", content: "Hot." },
];
const row = (messages = CHAT): TrainerInput => ({ kind: "messages", messages, tools: [TOOL] });
const bundled = bundledTokenizer();
const qwen3 = qwen3Tokenizer();
// The bundled template's layout (scripts/default-model/chat_template.jinja), written out by hand.
const BUNDLED_CALL = ' <tool_call>\n{"name":"get_weather","arguments":{"city":"Madrid"}}\n</tool_call></s>';

describe("trainer presets on tool calls", () => {
  it("TRL hands the tools to the template; assistant_only_loss trains the calls and not the results", () => {
    const r = maskWithTrainer("trl", bundled, row(), ["assistant_only_loss=true"]);
    expect(bundled.decode(r.inputIds)).toContain(`<tools>\n${JSON.stringify(TOOL)}\n</tools>`);
    expect(trainedRuns(bundled, r)).toEqual([BUNDLED_CALL, " Hot.</s>"]);
    // Without it a messages row trains every token, the tool's result too.
    const all = maskWithTrainer("trl", bundled, row(), []);
    expect(trainedRuns(bundled, all)).toEqual([bundled.decode(all.inputIds)]);
  });

  it("the v0.19 collator trains by position: the call after the response template, the result under the instruction one masked", () => {
    const r = maskWithTrainer("trl-collator", bundled, row(), ["response_template=### Assistant:", "instruction_template=### Human:"]);
    const runs = trainedRuns(bundled, r);
    expect(runs).toHaveLength(2);
    expect(runs[0].startsWith(BUNDLED_CALL)).toBe(true);
    expect(runs.join("")).not.toContain("31 C");
  });

  it("axolotl trains an assistant turn's calls with it and masks the tool role unless it is in roles_to_train", () => {
    const r = maskWithTrainer("axolotl", bundled, row(), []);
    expect(trainedRuns(bundled, r).join("|")).toContain('{"name":"get_weather","arguments":{"city":"Madrid"}}\n</tool_call></s>');
    expect(trainedRuns(bundled, r).join("")).not.toContain("31 C");
    const withTool = maskWithTrainer("axolotl", bundled, row(), ["roles_to_train=assistant,tool"]);
    expect(trainedRuns(bundled, withTool).join("")).toContain("31 C");
  });

  it("axolotl parses string arguments and stops on ones that are not JSON", () => {
    const asString = row([CHAT[0], { ...CHAT[1], tool_calls: [call('{"city": "Madrid"}')] }, CHAT[2], CHAT[3]]);
    expect(maskWithTrainer("axolotl", bundled, asString, []).inputIds).toEqual(maskWithTrainer("axolotl", bundled, row(), []).inputIds);
    const broken = row([CHAT[0], { ...CHAT[1], tool_calls: [call("{city")] }, CHAT[2], CHAT[3]]);
    expect(() => maskWithTrainer("axolotl", bundled, broken, [])).toThrow(TrainerOptionError);
  });

  it("LLaMA-Factory writes calls with the template's tool format, trains them, merges results and masks them", () => {
    const messages: TemplateMessage[] = [
      CHAT[0],
      { role: "assistant", content: "Let me check.", tool_calls: [call({ city: "Madrid" }), call({ city: "Lima" })] },
      { role: "tool", content: "31 C" },
      { role: "tool", content: "20 C" },
      CHAT[3],
    ];
    const r = maskWithTrainer("llamafactory", qwen3, row(messages), ["template=qwen"]);
    const text = qwen3.decode(r.inputIds);
    // QWEN_TOOL_PROMPT after the default system, the tool as json.dumps writes it.
    expect(text).toContain("# Tools\n\nYou may call one or more functions to assist with the user query.");
    expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_weather", "description": "Weather"');
    expect(text).toContain("<tool_response>\n31 C\n</tool_response>\n<tool_response>\n20 C\n</tool_response>");
    expect(trainedRuns(qwen3, r)).toEqual([
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Madrid"}}\n</tool_call>\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Lima"}}\n</tool_call><|im_end|>\n',
      "Hot.<|im_end|>\n",
    ]);
    expect(text).not.toContain("Let me check.");
    expect(r.warnings.map((w) => w.code)).toContain("trainer-tool-text-dropped");
  });

  it("LLaMA-Factory's default tool format on a template parsed from the tokenizer", () => {
    const r = maskWithTrainer("llamafactory", bundled, row(), []);
    expect(trainedRuns(bundled, r)[0]).toBe(' Action: get_weather\nAction Input: {"city": "Madrid"}</s>');
    expect(bundled.decode(r.inputIds)).toContain("> Tool Name: get_weather\nTool Description: Weather\nTool Args:\n  - city (string): \n");
  });

  it("Unsloth masks a result only where the template writes it under the instruction marker", () => {
    const qwen = maskWithTrainer("unsloth", qwen3, row(), []);
    expect(trainedRuns(qwen3, qwen).join("")).not.toContain("31 C");
    expect(qwen.warnings.map((w) => w.code)).not.toContain("trainer-tool-result-trained");
    // ChatML with the tool's own role header: nothing between the answer and the result is an instruction marker.
    const chatml = withTemplate(
      "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
    );
    const r = maskWithTrainer("unsloth", chatml, row(), ["instruction_part=<|im_start|>user\n", "response_part=<|im_start|>assistant\n"]);
    expect(trainedRuns(chatml, r).join("")).toContain("<|im_start|>tool\n31 C");
    expect(r.warnings.map((w) => w.code)).toContain("trainer-tool-result-trained");
  });

  it("a row file keeps calls with null content and the tools, as a list or as ShareGPT's JSON text", () => {
    const file = { messages: CHAT.map((m) => (m.tool_calls ? { ...m, content: null } : m)), tools: JSON.stringify([TOOL]) };
    expect(parseTrainerInput(file)).toEqual(row());
    expect(parseTrainerInput({ ...file, tools: "{not json" })).toMatch(
      /tools must be a list of tool objects \(or its JSON text\) at \.tools/,
    );
  });

  it("a page example goes to the tools with its calls, results and tools list", () => {
    const input = trainerRow(
      {
        id: "t",
        tools: [TOOL],
        turns: [
          { role: "user", content: "Weather in Madrid?" },
          { role: "assistant", content: "", toolCalls: [{ name: "get_weather", arguments: { city: "Madrid" }, id: "c1" }] },
          { role: "tool", content: "31 C", toolCallId: "c1", name: "get_weather" },
          { role: "assistant", content: "Hot." },
        ],
      },
      { kind: "chat-template" },
      "messages",
    );
    expect(input).toEqual(row());
  });
});
