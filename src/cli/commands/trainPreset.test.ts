// `train --trainer NAME`: the bundled model trains on the ids and labels the tool gives, so an epoch
// trains exactly as many tokens as `mask --trainer NAME` marks trained in each conversation, and
// `export --trainer NAME` writes those ids and labels.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

const dir = mkdtempSync(join(tmpdir(), "train-preset-"));
const CHATS = [
  [
    { role: "user", content: 'How do you say "dog" in Spanish?' },
    { role: "assistant", content: "perro" },
  ],
  [
    { role: "user", content: 'How do you say "water" in Spanish?' },
    { role: "assistant", content: "agua" },
    { role: "user", content: 'And "mother"?' },
    { role: "assistant", content: "madre" },
  ],
  [
    { role: "system", content: "Translate." },
    { role: "user", content: "tree?" },
    { role: "assistant", content: "árbol" },
  ],
];
const data = join(dir, "data.jsonl");
writeFileSync(data, CHATS.map((messages) => JSON.stringify({ messages })).join("\n"));
const files = CHATS.map((chat, i) => {
  const file = join(dir, `chat${i}.json`);
  writeFileSync(file, JSON.stringify(chat));
  return file;
});

interface Row {
  input_ids: number[];
  labels: number[];
}

/** What `mask --trainer` gives each conversation. */
function masked(options: string[]): Row[] {
  return files.map((file) => {
    const r = cli("mask", "--tokenizer", "default", "--messages-file", file, "--trainer", "axolotl", ...options, "--json");
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Row & { outcome: string };
    expect(out.outcome).toBe("kept");
    return { input_ids: out.input_ids, labels: out.labels };
  });
}

const trainedCount = (rows: Row[]) => rows.reduce((sum, r) => sum + r.labels.filter((l) => l !== -100).length, 0);

/** The trained tokens of one epoch of `train --trainer`, from its logged steps. */
function trainedPerEpoch(options: string[]): number {
  const r = cli(
    "train",
    "--model",
    "default",
    "--data",
    data,
    "--out",
    join(dir, "out"),
    "--trainer",
    "axolotl",
    ...options,
    "--epochs",
    "1",
    "--logging-steps",
    "1",
    "--json",
  );
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const steps = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { step: number; tokens: number });
  expect(steps.map((s) => s.step)).toEqual([1, 2, 3]); // batch 1: a step per conversation
  return steps.reduce((sum, s) => sum + s.tokens, 0);
}

describe("train --trainer", () => {
  it("trains as many tokens per epoch as mask --trainer axolotl marks trained, with the tool's options", () => {
    // axolotl's default trains each answer and its EOS: at least one token more per answer than without the EOS.
    const withEos = trainedCount(masked([]));
    const withoutRows = masked(["--trainer-option", "train_on_eos=none"]);
    const withoutEos = trainedCount(withoutRows);
    expect(withEos - withoutEos).toBe(4); // four answers, one </s> each
    expect(trainedPerEpoch([])).toBe(withEos);
    expect(trainedPerEpoch(["--trainer-option", "train_on_eos=none"])).toBe(withoutEos);
    // export --trainer writes the same ids and labels as the pre-tokenised data.
    const out = join(dir, "project");
    const e = cli(
      "export",
      "--model",
      "default",
      "--data",
      data,
      "--out",
      out,
      "--trainer",
      "axolotl",
      "--trainer-option",
      "train_on_eos=none",
    );
    expect(e.stderr).toBe("");
    const lines = readFileSync(join(out, "data/tokenized.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l) as Row).map((r) => ({ input_ids: r.input_ids, labels: r.labels }))).toEqual(withoutRows);
  });

  it("refuses an unknown tool or option with the tool's own list", () => {
    const bad = cli(
      "train",
      "--model",
      "default",
      "--data",
      data,
      "--out",
      join(dir, "x"),
      "--trainer",
      "axolotl",
      "--trainer-option",
      "train_on_eos=maybe",
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/train: axolotl: train_on_eos: expected one of all, turn, last, none/);
    const folder = cli("train", "--model", dir, "--data", data, "--out", join(dir, "x"), "--trainer", "trl");
    expect(folder.stderr).toMatch(/--trainer labels conversations, so it needs --model default/);
  });
});
