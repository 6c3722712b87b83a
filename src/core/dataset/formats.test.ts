// Every good format converts to the expected examples, through the same entry point as the page.
import { describe, expect, it } from "vitest";
import { formatText } from "../chat/textFormat";
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING } from "../defaults";
import type { Turn } from "../types";
import { readDataset, readDatasetText } from "./read";
import { writeParquet } from "./testdata/writeParquet";

const NOTEBOOK = DEFAULT_FORMATTING.kind === "text" ? DEFAULT_FORMATTING.templates : { instruction: "", response: "" };
const u = (content: string): Turn => ({ role: "user", content });
const a = (content: string): Turn => ({ role: "assistant", content });
const s = (content: string): Turn => ({ role: "system", content });
const turnsOf = (r: { examples: Array<{ turns: Turn[] }> }) => r.examples.map((e) => e.turns);
const clean = (r: { skipped: object; errors: unknown[]; fatal: boolean }) =>
  expect({ skipped: r.skipped, errors: r.errors, fatal: r.fatal }).toEqual({ skipped: {}, errors: [], fatal: false });

describe("good formats", () => {
  it("reads the notebook's five examples in its text format", async () => {
    const jsonl = DEFAULT_EXAMPLES.map((e) => JSON.stringify({ text: formatText(e, NOTEBOOK) })).join("\n");
    const r = await readDatasetText("notebook.jsonl", jsonl);
    clean(r);
    expect(r.format).toBe("text");
    expect(turnsOf(r)).toEqual(DEFAULT_EXAMPLES.map((e) => e.turns));
    expect(r.turns).toBe(10);
    expect(r.examples.map((e) => e.id)).toEqual([
      "notebook.jsonl#1",
      "notebook.jsonl#2",
      "notebook.jsonl#3",
      "notebook.jsonl#4",
      "notebook.jsonl#5",
    ]);
    // And back: formatting the read examples gives the same text.
    expect(r.examples.map((e) => formatText(e, NOTEBOOK))).toEqual(DEFAULT_EXAMPLES.map((e) => formatText(e, NOTEBOOK)));
  });

  it("splits text on templates given as a parameter, with a system preamble and several turns", async () => {
    const templates = { instruction: "<|user|>", response: "<|assistant|>" };
    const r = await readDatasetText("t.jsonl", JSON.stringify({ text: "Be brief.<|user|> a<|assistant|> b<|user|> c<|assistant|> d" }), {
      templates,
    });
    clean(r);
    expect(turnsOf(r)).toEqual([[s("Be brief."), u("a"), a("b"), u("c"), a("d")]]);
  });

  it("accepts a first template without its leading newlines (openassistant-guanaco style)", async () => {
    const r = await readDatasetText("g.jsonl", JSON.stringify({ text: "### Human: hi\n\n### Assistant: hola" }));
    clean(r);
    expect(turnsOf(r)).toEqual([[u("hi"), a("hola")]]);
  });

  it("reads messages, including text parts", async () => {
    const r = await readDatasetText(
      "m.jsonl",
      [
        JSON.stringify({
          messages: [
            { role: "system", content: "sys" },
            { role: "user", content: "q" },
            { role: "assistant", content: "r" },
          ],
        }),
        JSON.stringify({
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "p1" },
                { type: "text", text: "p2" },
              ],
            },
            { role: "assistant", content: "r" },
          ],
        }),
      ].join("\r\n"),
    );
    clean(r);
    expect(turnsOf(r)).toEqual([
      [s("sys"), u("q"), a("r")],
      [u("p1p2"), a("r")],
    ]);
  });

  it("reads ShareGPT conversations with from/value and role/content", async () => {
    const r = await readDatasetText(
      "c.json",
      JSON.stringify([
        {
          conversations: [
            { from: "system", value: "s" },
            { from: "human", value: "q" },
            { from: "gpt", value: "r" },
          ],
        },
        {
          conversations: [
            { role: "user", content: "q2" },
            { role: "assistant", content: "r2" },
          ],
        },
      ]),
    );
    clean(r);
    expect(r.container).toBe("json");
    expect(turnsOf(r)).toEqual([
      [s("s"), u("q"), a("r")],
      [u("q2"), a("r2")],
    ]);
  });

  it("reads alpaca, appending the input after a blank line", async () => {
    const r = await readDatasetText(
      "al.jsonl",
      [
        JSON.stringify({ instruction: "Translate", input: "dog", output: "perro" }),
        JSON.stringify({ instruction: "Say hi", input: "", output: "hi" }),
      ].join("\n"),
    );
    clean(r);
    expect(r.format).toBe("alpaca");
    expect(turnsOf(r)).toEqual([
      [u("Translate\n\ndog"), a("perro")],
      [u("Say hi"), a("hi")],
    ]);
  });

  it("reads prompt/completion, as strings and as conversational lists", async () => {
    const r = await readDatasetText(
      "pc.jsonl",
      [
        JSON.stringify({ prompt: "p", completion: "c" }),
        JSON.stringify({ prompt: [{ role: "user", content: "p2" }], completion: [{ role: "assistant", content: "c2" }] }),
      ].join("\n"),
    );
    clean(r);
    expect(turnsOf(r)).toEqual([
      [u("p"), a("c")],
      [u("p2"), a("c2")],
    ]);
  });

  it("reads CSV with quoted multi-line fields and a BOM, and TSV", async () => {
    const csv = await readDatasetText("d.csv", '\uFEFFinstruction,input,output\n"Write ""two""\nlines",,"a\nb"\nTranslate,dog,perro\n');
    clean(csv);
    expect(turnsOf(csv)).toEqual([
      [u('Write "two"\nlines'), a("a\nb")],
      [u("Translate\n\ndog"), a("perro")],
    ]);
    const tsv = await readDatasetText("d.tsv", "prompt\tcompletion\nq\tr\n");
    clean(tsv);
    expect(tsv.container).toBe("tsv");
    expect(turnsOf(tsv)).toEqual([[u("q"), a("r")]]);
  });

  it("reads messages held as JSON inside a CSV cell", async () => {
    const cell = JSON.stringify([
      { role: "user", content: "q" },
      { role: "assistant", content: "r" },
    ]).replace(/"/g, '""');
    const r = await readDatasetText("m.csv", `messages\n"${cell}"\n`);
    clean(r);
    expect(turnsOf(r)).toEqual([[u("q"), a("r")]]);
  });

  it("reads Parquet", async () => {
    const bytes = writeParquet(
      ["text"],
      DEFAULT_EXAMPLES.map((e) => ({ text: formatText(e, NOTEBOOK) })),
    );
    const r = await readDataset({ name: "train-00000-of-00001.parquet", size: bytes.length, bytes: [bytes] });
    clean(r);
    expect(r.container).toBe("parquet");
    expect(turnsOf(r)).toEqual(DEFAULT_EXAMPLES.map((e) => e.turns));
  });

  it("tells JSON Lines named .json from a JSON array by the first character", async () => {
    const r = await readDatasetText("hub.json", `\n${JSON.stringify({ prompt: "p", completion: "c" })}\n`);
    clean(r);
    expect(r.container).toBe("jsonl");
    expect(r.examples).toHaveLength(1);
  });
});
