// The `mask` command end to end, as the project's checks call it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundledTokenizer } from "../../core/testing/bundledTokenizer";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "mask", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

const text = '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant: perro';

const dir = mkdtempSync(join(tmpdir(), "mask-cli-"));
const file = (name: string, bytes: number[] | string) => {
  const path = join(dir, name);
  writeFileSync(path, typeof bytes === "string" ? bytes : Uint8Array.from(bytes));
  return path;
};
// "hola\nqué \xff" (Latin-1 bytes in a UTF-8 file) and an empty file.
const latin1 = file("latin1.txt", [...Buffer.from("hola\nqué "), 0xff, 0x0a]);
const emptyFile = file("empty.txt", "");
/** The bundled tokenizer, which `--tokenizer default` reads: its ids, and V, its first id past the vocabulary. */
const tok = bundledTokenizer();
const V = tok.vocabSize;
const co = ["--tokenizer", "default", "--text", "hi", "--strategy", "completion-only"];

describe("cli mask", () => {
  it("prints ids, labels, template ids, added tokens and warnings as one JSON object", () => {
    const r = cli(
      "--tokenizer",
      "default",
      "--text",
      text,
      "--strategy",
      "completion-only",
      "--response-template",
      "\n\n### Assistant:",
      "--json",
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["input_ids", "labels", "tokens", "template_ids", "added_tokens", "warnings"]);
    expect(out.labels.every((l: number) => l === -100)).toBe(true);
    expect(out.template_ids).toEqual({ response: tok.encode("\n\n### Assistant:"), instruction: [] });
    expect(out.warnings[0]).toContain("?\\n\\n");
  });

  it("adds special tokens before tokenizing and inserts markers", () => {
    const r = cli(
      "--tokenizer",
      "default",
      "--text",
      text,
      "--strategy",
      "completion-only",
      "--insert-markers",
      "--marker-start",
      "<s>",
      "--add-special-token",
      "\n\n### Human:",
      "--add-special-token",
      "\n\n### Assistant:",
      "--response-template",
      "\n\n### Assistant:<s>",
      "--instruction-template",
      "\n\n### Human:",
      "--json",
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.added_tokens).toEqual({ "\n\n### Human:": V, "\n\n### Assistant:": V + 1 });
    expect(out.template_ids.response).toEqual([V + 1, tok.bosId]);
    expect(out.input_ids[0]).toBe(V);
    const trained = out.labels.filter((l: number) => l !== -100);
    expect(trained).toEqual(out.input_ids.slice(-3));
  });

  it("accepts an id of a token it added (ids up to the grown vocabulary)", () => {
    const r = cli(...co, "--add-special-token", "<|mask-cli-test|>", "--response-template-ids", String(V), "--json");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).template_ids.response).toEqual([V]);
  });

  it("without --json prints coloured tokens with label and id", () => {
    const r = cli("--tokenizer", "default", "--text", "hi", "--strategy", "full");
    expect(r.status).toBe(0);
    const ids = tok.encode("hi");
    expect(r.stdout).toContain(`${tok.decode([ids[0]])}(`);
    expect(r.stdout).toContain(`${ids.length} tokens, ${ids.length} trained`);
  });

  it.each([
    [["--tokenizer", "default", "--strategy", "full"], /exactly one of --text and --text-file/],
    [["--tokenizer", "default", "--text", "x", "--strategy", "nope"], /--strategy must be one of/],
    [["--tokenizer", "/nonexistent", "--text", "x", "--strategy", "full"], /does not exist/],
    [["--tokenizer", "default", "--text", "x", "--strategy", "full", "--bogus"], /Unknown option '--bogus'/],
    [
      ["--tokenizer", "default", "--text", "x", "--strategy", "completion-only", "--response-template-ids", "1,a"],
      /comma-separated token ids/,
    ],
    [["--tokenizer", "default", "--text-file", "/nonexistent.txt", "--strategy", "full"], /cannot read --text-file/],
    [[...co, "--response-template-ids", String(V)], new RegExp(`--response-template-ids: ${V} is not a token id of .*0 to ${V - 1}`)],
    [[...co, "--response-template-ids", "271,2147483648"], /--response-template-ids: 2147483648 is not a token id/],
    [[...co, "--response-template-ids", "1".repeat(23)], /--response-template-ids: 1{23} is not a token id/],
    [[...co, "--response-template-ids", "1e23"], /--response-template-ids: expected comma-separated token ids/],
    [
      [...co, "--response-template", "x", "--instruction-template-ids", String(V + 1)],
      new RegExp(`--instruction-template-ids: ${V + 1} is not`),
    ],
    [[...co, "--response-template", ""], /--response-template is empty; give the text that starts each answer/],
    [[...co, "--response-template", "x", "--instruction-template", ""], /--instruction-template is empty; leave it out/],
    [["--tokenizer", "default", "--text", "", "--strategy", "full"], /--text is empty; give the text to tokenize/],
    [["--tokenizer", "default", "--text-file", emptyFile, "--strategy", "full"], /--text-file .*empty\.txt is empty/],
    [
      ["--tokenizer", "default", "--text-file", latin1, "--strategy", "full"],
      /--text-file .*latin1\.txt:2:5: byte 0xff at byte offset 10 is not UTF-8.*re-save the file as UTF-8/,
    ],
  ])("rejects bad input with one line and exit code 2: %j", (args, message) => {
    const r = cli(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
