// The corpus of bad files: each is read through the same entry point as the page and the CLI, and
// must produce its problem at the right place with a message that says what was expected.
import { describe, expect, it } from "vitest";
import { readDataset, readDatasetText } from "./read";
import { writeParquet } from "./testdata/writeParquet";
import type { DatasetError, ReadOptions } from "./types";

const ok = '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hola"}]}';
const msgs = (...turns: Array<[string, unknown]>) => JSON.stringify({ messages: turns.map(([role, content]) => ({ role, content })) });
const enc = (s: string) => new TextEncoder().encode(s);
const bytesOf = (...parts: Array<string | number[]>) => Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...enc(p)] : p)));

/** The little-endian footer length sits before the closing "PAR1". */
const footerStart = (bytes: Uint8Array) =>
  bytes.length - 8 - new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);

/** A two-row Parquet file with one byte overwritten, as a cut or corrupted download has. */
function damaged(at: (bytes: Uint8Array) => number, value = 0): Uint8Array {
  const bytes = writeParquet(
    ["text"],
    [{ text: "\n\n### Human: hi\n\n### Assistant: hola" }, { text: "\n\n### Human: a\n\n### Assistant: b" }],
  );
  bytes[at(bytes)] = value;
  return bytes;
}

interface Case {
  name: string;
  file: string;
  content: string | Uint8Array;
  options?: ReadOptions;
  /** Hide the size, as a stream of unknown length. */
  unknownSize?: boolean;
  expect: Partial<Omit<DatasetError, "message">> & { message: RegExp };
  fatal?: boolean;
}

const CASES: Case[] = [
  {
    name: "trailing comma",
    file: "a.jsonl",
    content: `${ok}\n{"a":1,}\n`,
    expect: { reason: "invalid-json", line: 2, column: 8, path: "$[1]", message: /trailing commas are not JSON/ },
  },
  {
    name: "unterminated string",
    file: "a.jsonl",
    content: `${ok}\n${ok}\n{"text": "abc\n`,
    expect: { reason: "invalid-json", line: 3, column: 10, path: "$[2]", message: /unterminated string.*closing '"'/ },
  },
  {
    name: "missing colon",
    file: "a.jsonl",
    content: `{"messages" []}\n${ok}\n`,
    expect: { reason: "invalid-json", line: 1, column: 13, path: "$[0]", message: /expected ":" after the property name/ },
  },
  {
    name: "single quotes",
    file: "a.jsonl",
    content: `${ok}\n{'text': 'x'}\n`,
    expect: { reason: "invalid-json", line: 2, column: 2, message: /property name in double quotes/ },
  },
  {
    name: "BOM then broken JSON: column counts from the visible text",
    file: "a.jsonl",
    content: `\uFEFF{"messages": [}\n${ok}\n`,
    expect: { reason: "invalid-json", line: 1, column: 15, message: /expected a value/ },
  },
  {
    name: "two values on one line",
    file: "a.jsonl",
    content: `${ok}${ok}\n`,
    expect: { reason: "invalid-json", line: 1, column: ok.length + 1, message: /one JSON value per line/ },
  },
  {
    name: "bad escape",
    file: "a.jsonl",
    content: `${ok}\n{"text": "a\\qb"}\n`,
    expect: { reason: "invalid-json", line: 2, column: 12, message: /bad escape/ },
  },
  {
    name: "Latin-1 byte in JSONL",
    file: "a.jsonl",
    content: bytesOf(`${ok}\n{"text": "caf`, [0xe9], `"}\n`),
    expect: {
      reason: "not-utf8",
      line: 2,
      column: 14,
      path: "$[1]",
      message: new RegExp(`byte 0xe9 at byte offset ${ok.length + 14} is not UTF-8`),
    },
  },
  {
    name: "Latin-1 byte in a JSON array",
    file: "a.json",
    content: bytesOf(`[\n  {"text": "a"},\n  {"text": "ni`, [0xf1], `o"}\n]`),
    expect: { reason: "not-utf8", line: 3, column: 15, message: /0xf1 .* is not UTF-8/ },
    fatal: true,
  },
  {
    name: "a record that is not an object",
    file: "a.jsonl",
    content: `${ok}\n[1, 2]\n`,
    expect: { reason: "not-an-object", line: 2, column: 1, path: "$[1]", message: /is an array; expected an object/ },
  },
  {
    name: "no known fields",
    file: "a.jsonl",
    content: `{"question": "q", "answer": "a"}\n`,
    expect: { reason: "unknown-format", line: 1, path: "$[0]", message: /got "question", "answer".*expected one of/ },
  },
  {
    name: "shape changes",
    file: "a.jsonl",
    content: `${ok}\n{"instruction": "x", "output": "y"}\n`,
    expect: { reason: "shape-changed", line: 2, path: "$[1]", message: /alpaca.*first record \(line 1\) has messages/ },
  },
  {
    name: "shape changes to unknown",
    file: "a.jsonl",
    content: `${ok}\n{"q": 1}\n`,
    expect: { reason: "shape-changed", line: 2, message: /first record \(line 1\)/ },
  },
  {
    name: "alpaca without output",
    file: "a.jsonl",
    content: `{"instruction": "x"}\n`,
    expect: { reason: "missing-field", path: "$[0].output", message: /missing field "output"; expected a string/ },
  },
  {
    name: "messages is a string",
    file: "a.jsonl",
    content: `{"messages": "hello"}\n`,
    expect: { reason: "wrong-type", path: "$[0].messages", message: /is a string; expected an array of turns/ },
  },
  {
    name: "messages is empty",
    file: "a.jsonl",
    content: `{"messages": []}\n`,
    expect: { reason: "empty-field", path: "$[0].messages", message: /empty list/ },
  },
  {
    name: "empty assistant content",
    file: "a.jsonl",
    content: `${msgs(["user", "hi"], ["assistant", "  "])}\n`,
    expect: { reason: "empty-field", path: "$[0].messages[1].content", message: /assistant turn's content is empty/ },
  },
  {
    name: "content is a number",
    file: "a.jsonl",
    content: `${msgs(["user", 3], ["assistant", "x"])}\n`,
    expect: { reason: "wrong-type", path: "$[0].messages[0].content", message: /content is a number; expected a string/ },
  },
  {
    name: "turn without role",
    file: "a.jsonl",
    content: `{"messages": [{"content": "hi"}]}\n`,
    expect: { reason: "missing-field", path: "$[0].messages[0].role", message: /has no "role"/ },
  },
  {
    name: "turn is not an object",
    file: "a.jsonl",
    content: `{"messages": ["hi"]}\n`,
    expect: { reason: "wrong-type", path: "$[0].messages[0]", message: /turn 1 is a string/ },
  },
  {
    name: "unknown role",
    file: "a.jsonl",
    content: `${ok}\n${msgs(["user", "hi"], ["function", "x"])}\n`,
    expect: {
      reason: "unknown-role",
      line: 2,
      path: "$[1].messages[1].role",
      message: /unknown role "function"; expected one of "user", "assistant", "system", "tool"/,
    },
  },
  {
    name: "a tool result that answers no call",
    file: "a.jsonl",
    content: `${msgs(["user", "hi"], ["tool", "x"], ["assistant", "y"])}\n`,
    expect: {
      reason: "roles-not-alternating",
      path: "$[0].messages[1].role",
      message: /tool result, but the turn before it calls no tool/,
    },
  },
  {
    name: "ShareGPT unknown from",
    file: "a.jsonl",
    content: `{"conversations": [{"from": "human", "value": "hi"}, {"from": "bot", "value": "yo"}]}\n`,
    expect: { reason: "unknown-role", path: "$[0].conversations[1].from", message: /unknown role "bot".*"human".*"gpt"/ },
  },
  {
    name: "two user turns in a row",
    file: "a.jsonl",
    content: `${msgs(["user", "a"], ["user", "b"], ["assistant", "c"])}\n`,
    expect: { reason: "roles-not-alternating", path: "$[0].messages[1].role", message: /turn 2 is "user", expected "assistant"/ },
  },
  {
    name: "starts with the assistant",
    file: "a.jsonl",
    content: `${msgs(["assistant", "a"], ["user", "b"])}\n`,
    expect: { reason: "roles-not-alternating", path: "$[0].messages[0].role", message: /turn 1 is "assistant", expected "user"/ },
  },
  {
    name: "system turn in the middle",
    file: "a.jsonl",
    content: `${msgs(["user", "a"], ["system", "s"], ["assistant", "c"])}\n`,
    expect: { reason: "roles-not-alternating", path: "$[0].messages[1].role", message: /system turn may only come first/ },
  },
  {
    name: "no assistant turn",
    file: "a.jsonl",
    content: `${msgs(["system", "s"], ["user", "a"])}\n`,
    expect: { reason: "no-assistant-turn", path: "$[0]", message: /no assistant turn/ },
  },
  {
    name: "ends with an unanswered user turn",
    file: "a.jsonl",
    content: `${msgs(["user", "a"], ["assistant", "b"], ["user", "c"])}\n`,
    expect: { reason: "roles-not-alternating", path: "$[0].messages[2].role", message: /ends with a user turn/ },
  },
  {
    name: "text without the templates",
    file: "a.jsonl",
    content: `{"text": "just prose"}\n`,
    expect: { reason: "template-not-found", path: "$[0].text", message: /neither text template was found/ },
  },
  {
    name: "text with an empty answer",
    file: "a.jsonl",
    content: `${JSON.stringify({ text: "\n\n### Human: hi\n\n### Assistant: " })}\n`,
    expect: { reason: "empty-field", path: "$[0].text", message: /assistant turn's content is empty/ },
  },
  {
    name: "text is not a string",
    file: "a.jsonl",
    content: `{"text": ["a"]}\n`,
    expect: { reason: "wrong-type", path: "$[0].text", message: /"text" is an array; expected a string/ },
  },
  {
    name: "prompt without completion",
    file: "a.jsonl",
    content: `{"prompt": "p"}\n`,
    expect: { reason: "missing-field", path: "$[0].completion", message: /missing field "completion"/ },
  },
  {
    name: "empty file",
    file: "a.jsonl",
    content: "",
    expect: { reason: "empty-file", line: 1, column: 1, path: "$", message: /empty \(0 bytes\)/ },
    fatal: true,
  },
  { name: "only blank lines", file: "a.jsonl", content: "\n  \n\n", expect: { reason: "empty-file", message: /no records/ }, fatal: true },
  {
    name: "empty JSON array",
    file: "a.json",
    content: "[ ]",
    expect: { reason: "empty-file", message: /JSON array is empty/ },
    fatal: true,
  },
  {
    name: "broken JSON array",
    file: "a.json",
    content: `[\n  ${ok},\n  {"text": }\n]`,
    expect: { reason: "not-json", line: 3, column: 12, message: /expected a value/ },
    fatal: true,
  },
  {
    name: "bad record inside a JSON array",
    file: "a.json",
    content: `[\n  ${ok},\n    {"messages": []}\n]`,
    expect: { reason: "empty-field", line: 3, column: 5, path: "$[1].messages", message: /empty list/ },
  },
  {
    name: "streamed file over the limit (size known)",
    file: "a.jsonl",
    content: `${ok}\n${ok}\n`,
    options: { limits: { maxStreamBytes: 100 } },
    expect: { reason: "too-large", message: /larger than the 100 bytes limit for streamed files/ },
    fatal: true,
  },
  {
    name: "streamed file over the limit (size unknown)",
    file: "a.jsonl",
    content: `${ok}\n`.repeat(50),
    unknownSize: true,
    options: { limits: { maxStreamBytes: 1000 } },
    expect: { reason: "too-large", message: /limit for streamed files; stopped before line \d+ with \d+ examples read/ },
    fatal: true,
  },
  {
    name: "JSON array over the whole-file limit",
    file: "a.json",
    content: `[${ok}]`,
    options: { limits: { maxWholeFileBytes: 50 } },
    expect: { reason: "too-large", message: /50 bytes limit for a JSON array, which must be read whole; convert it to JSON Lines/ },
    fatal: true,
  },
  {
    name: "CSV row with too many fields",
    file: "a.csv",
    content: "instruction,output\nhi,hola\nx,y,z\n",
    expect: {
      reason: "csv-field-count",
      line: 3,
      column: 5,
      row: 2,
      path: "$[1]",
      message: /has 3 fields but the header \(line 1\) has 2/,
    },
  },
  {
    name: "CSV unclosed quote",
    file: "a.csv",
    content: 'instruction,output\nhi,hola\n"x,y\nz,w\n',
    expect: { reason: "csv-syntax", line: 3, row: 2, message: /never closed/ },
  },
  {
    name: "CSV header only",
    file: "a.csv",
    content: "instruction,output\n\n",
    expect: {
      reason: "empty-file",
      line: 1,
      column: 1,
      message: /has a header \(line 1\) but no rows under it; expected one row per example/,
    },
    fatal: true,
  },
  {
    name: "CSV header naming a column twice",
    file: "a.csv",
    content: "instruction,output,output\nhi,hola,adiós\n",
    expect: {
      reason: "no-header",
      line: 1,
      column: 20,
      message: /names column "output" twice \(columns 2 and 3\); expected each name once: rename or remove one/,
    },
    fatal: true,
  },
  {
    name: "JSONL message mixing an image part and a text part keeps the text",
    file: "a.jsonl",
    content: `${ok}\n${msgs(
      [
        "user",
        [
          { type: "image", image: "cat.png" },
          { type: "text", text: "What is this?" },
        ],
      ],
      ["assistant", "a cat"],
    )}\n`,
    expect: {
      reason: "part-skipped",
      line: 2,
      column: 1,
      path: "$[1].messages[0].content[0]",
      message: /one "image" part was left out of the content: .*kept with its text parts/,
    },
  },
  {
    name: "message with only image parts",
    file: "a.jsonl",
    content: `${msgs(["user", [{ type: "image_url", image_url: { url: "x" } }]], ["assistant", "a cat"])}\n`,
    expect: { reason: "empty-field", path: "$[0].messages[0].content", message: /only "image_url" parts and no text/ },
  },
  {
    name: "TSV empty answer cell",
    file: "a.tsv",
    content: "instruction\tinput\toutput\nhi\t\thola\nbye\t\t\n",
    expect: { reason: "empty-field", line: 3, column: 6, row: 2, path: "$[1].output", message: /assistant turn's content is empty/ },
  },
  {
    name: "CSV cell with broken JSON messages",
    file: "a.csv",
    content: 'messages\n"[{""role"": ""user"""\n',
    expect: { reason: "invalid-json", row: 1, path: "$[0].messages", message: /does not parse/ },
  },
  {
    name: "truncated Parquet",
    file: "a.parquet",
    content: writeParquet(["text"], [{ text: "x" }]).subarray(0, 40),
    expect: { reason: "not-parquet", line: 0, message: /expected "PAR1" at its start and end.*download complete/ },
    fatal: true,
  },
  {
    name: "Parquet with a damaged footer",
    file: "a.parquet",
    content: damaged((bytes) => footerStart(bytes)),
    expect: {
      reason: "not-parquet",
      line: 0,
      message:
        /^the Parquet footer \(the schema and row index, from byte offset 99\) is damaged; the file is probably cut short or corrupted: download or export it again/,
    },
    fatal: true,
  },
  {
    name: "Parquet with a damaged page",
    file: "a.parquet",
    content: damaged(() => 10, 0xff),
    expect: {
      reason: "unreadable",
      line: 0,
      row: 1,
      message: /^rows 1-2 cannot be read: their data is damaged; .*download or export it again/,
    },
    fatal: true,
  },
  {
    name: "Parquet row with a missing answer",
    file: "a.parquet",
    content: writeParquet(
      ["prompt", "completion"],
      [
        { prompt: "p", completion: "c" },
        { prompt: "q", completion: "" },
      ],
    ),
    expect: { reason: "empty-field", line: 0, row: 2, path: "$[1].completion", message: /empty/ },
  },
  {
    name: "Parquet over the whole-file limit",
    file: "a.parquet",
    content: writeParquet(["text"], [{ text: "x" }]),
    options: { limits: { maxWholeFileBytes: 10 } },
    expect: { reason: "too-large", message: /limit for Parquet, which must be read whole/ },
    fatal: true,
  },
];

async function read(c: Case) {
  const bytes = typeof c.content === "string" ? enc(c.content) : c.content;
  // Small chunks, so every case also crosses chunk boundaries.
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
  return readDataset(
    { name: c.file, size: c.unknownSize ? null : bytes.length, bytes: chunks },
    { yieldToEventLoop: async () => {}, ...c.options },
  );
}

describe("bad files", () => {
  it("has a corpus of at least 30 bad files", () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const result = await read(c);
    const e = result.errors[0];
    expect(e, `no error for ${c.name}`).toBeDefined();
    const { message, ...where } = c.expect;
    expect(e).toMatchObject(where);
    expect(e.message).toMatch(message);
    expect(result.fatal).toBe(c.fatal ?? false);
    // Never dropped silently: every record is an example or counted as skipped.
    if (!result.fatal) {
      const skipped = Object.values(result.skipped).reduce((a, b) => a + (b ?? 0), 0);
      expect(result.examples.length + skipped).toBe(result.records);
    }
  });

  it("keeps the first 100 errors and counts the rest", async () => {
    const text = `${ok}\n${"{oops}\n".repeat(150)}`;
    const result = await readDatasetText("many.jsonl", text);
    expect(result.errors).toHaveLength(100);
    expect(result.errorsOmitted).toBe(50);
    expect(result.skipped["invalid-json"]).toBe(150);
    expect(result.errors[99].line).toBe(101);
    expect(result.examples).toHaveLength(1);
  });

  it("keeps the text of a message whose content mixes text and image parts", async () => {
    const parts = [
      { type: "text", text: "What is " },
      { type: "image", image: "cat.png" },
      { type: "audio", audio: "a.wav" },
      { type: "text", text: "this?" },
    ];
    const result = await readDatasetText("a.jsonl", `${msgs(["user", parts], ["assistant", "a cat"])}\n`);
    expect(result.examples[0].turns[0]).toEqual({ role: "user", content: "What is this?" });
    expect(result.skipped).toEqual({});
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].message).toMatch(/^2 non-text parts \("image", "audio"\) were left out/);
  });

  it("judges records after a broken first one against the file's real format", async () => {
    const result = await readDatasetText("a.jsonl", `${msgs(["user", "a"])}\n${ok}\n`);
    expect(result.format).toBe("messages");
    expect(result.skipped).toEqual({ "no-assistant-turn": 1 });
    expect(result.examples).toHaveLength(1);
  });
});
