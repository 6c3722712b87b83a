// `mask --trainer` end to end: a conversation file in, the tool's labels out (same JSON as `mask --json`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { QWEN3_TOKENIZER_DIR } from "../../core/testing/bundledTokenizer";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "mask", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

const dir = mkdtempSync(join(tmpdir(), "mask-trainer-"));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};
const SYSTEM = { role: "system", content: "You translate to Spanish." };
const chat = file("chat.json", [
  SYSTEM,
  { role: "user", content: "How do you say dog?" },
  { role: "assistant", content: "Dog is perro in Spanish." },
  { role: "user", content: "And cat?" },
  { role: "assistant", content: "gato" },
]);
const oneAnswer = file("one.json", [SYSTEM, { role: "user", content: "How do you say dog?" }, { role: "assistant", content: "perro" }]);
const EOS = 151645; // <|im_end|>, the bundled Qwen3 tokenizer's EOS
const ASSISTANT = [151644, 77091]; // <|im_start|> assistant

interface Out {
  input_ids: number[];
  labels: number[];
  tokens: string[];
  warnings: string[];
  outcome: string;
}
const json = (...args: string[]): Out => {
  const r = cli("--tokenizer", QWEN3_TOKENIZER_DIR, ...args, "--json");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Out;
};
const trainedPositions = (o: Out) => o.labels.flatMap((l, k) => (l === -100 ? [] : [k]));
const lastAssistant = (o: Out) => o.input_ids.findLastIndex((id, k) => id === ASSISTANT[0] && o.input_ids[k + 1] === ASSISTANT[1]);

describe("cli mask --trainer", () => {
  it("axolotl train_on_eos=none trains no EOS (and the default trains the answer's)", () => {
    const none = json("--messages-file", oneAnswer, "--trainer", "axolotl", "--trainer-option", "train_on_eos=none");
    expect(Object.keys(none)).toEqual(["input_ids", "labels", "tokens", "warnings", "outcome"]);
    expect(none.labels).not.toContain(EOS);
    expect(json("--messages-file", oneAnswer, "--trainer", "axolotl").labels).toContain(EOS);
  });

  it("axolotl train_on_eos=none on a two-answer Qwen3 chat: the one EOS trained is inside the late span of axolotl#3088, and the warning says so", () => {
    const o = json("--messages-file", chat, "--trainer", "axolotl", "--trainer-option", "train_on_eos=none");
    expect(o.labels.filter((l) => l === EOS)).toHaveLength(1);
    expect(o.warnings.join(" ")).toContain("axolotl#3088");
  });

  it("llamafactory mask_history=true trains only the last assistant turn", () => {
    const o = json("--messages-file", chat, "--trainer", "llamafactory", "--trainer-option", "mask_history=true");
    const trained = trainedPositions(o);
    expect(trained.length).toBeGreaterThan(0);
    expect(Math.min(...trained)).toBeGreaterThan(lastAssistant(o));
  });

  it("unsloth last_response_only=true trains only the last assistant turn", () => {
    const o = json("--messages-file", chat, "--trainer", "unsloth", "--trainer-option", "last_response_only=true");
    const trained = trainedPositions(o);
    expect(trained.length).toBeGreaterThan(0);
    expect(Math.min(...trained)).toBeGreaterThan(lastAssistant(o));
    expect(o.outcome).toBe("kept");
  });

  it("string options are taken verbatim, newlines included (trl-collator response_template)", () => {
    const o = json("--messages-file", chat, "--trainer", "trl-collator", "--trainer-option", "response_template=<|im_start|>assistant\n");
    expect(Math.min(...trainedPositions(o))).toBe(lastAssistant(o) + 3);
  });

  it("prompt-completion rows go to TRL's completion_only_loss", () => {
    const pc = file("pc.json", {
      prompt: [SYSTEM, { role: "user", content: "dog?" }],
      completion: [{ role: "assistant", content: "perro" }],
    });
    const o = json("--messages-file", pc, "--trainer", "trl");
    expect(o.labels.at(-2)).toBe(EOS);
    expect(Math.min(...trainedPositions(o))).toBe(lastAssistant(o) + 3);
  });

  it.each([
    [
      ["--trainer", "axolotl", "--trainer-option", "train_on_eos_token=none"],
      /axolotl has no option "train_on_eos_token"; its options are: roles_to_train, .*drop_system_message/,
    ],
    [["--trainer", "axolotl", "--trainer-option", "train_on_eos=sometimes"], /train_on_eos: expected one of all, turn, last, none/],
    [["--trainer", "megatron"], /--trainer must be one of trl, trl-collator, axolotl, llamafactory, unsloth/],
    [["--trainer", "trl-collator"], /needs response_template=/],
  ])("rejects %j with one line and exit code 2", (args, message) => {
    const r = cli("--tokenizer", QWEN3_TOKENIZER_DIR, "--messages-file", chat, ...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it("a file that is not a conversation is refused with where it is wrong", () => {
    const r = cli("--tokenizer", QWEN3_TOKENIZER_DIR, "--trainer", "trl", "--messages-file", file("bad.json", [{ role: "user" }]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: expected a JSON list of \{role, content\} messages.*at \[0\]\.content/);
  });
});
