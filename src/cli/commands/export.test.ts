// `export` and `evaluate` through the CLI: the folder has every file, the bundled model's exported
// weights are the page's model (same losses as --model default), and an adapter trained with the same
// flags comes back through `evaluate` (the playground's side of the export's evaluate.py check).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES } from "../../core/defaults";
import { DEFAULT_STATE } from "../../core/playgroundState";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8", timeout: 180_000 });

function losses(stdout: string): number[] {
  return stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { loss: number })
    .map((l) => l.loss);
}

describe("export --model default", () => {
  const dir = mkdtempSync(join(tmpdir(), "export-cli-"));
  const data = join(dir, "chats.jsonl");
  writeFileSync(
    data,
    DEFAULT_EXAMPLES.slice(0, 2)
      .map((e) => JSON.stringify({ messages: e.turns }))
      .join("\n"),
  );
  const out = join(dir, "project");

  it("writes the training project, the bundled model's folder included, with the flags' settings", () => {
    const r = cli("export", "--model", "default", "--data", data, "--out", out, "--steps", "3", "--lr", "0.01", "--json");
    expect(r.status, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout).files as string[];
    for (const f of [
      "train.py",
      "trl_sft.py",
      "evaluate.py",
      "axolotl.yaml",
      "data/tokenized.jsonl",
      "data/messages.jsonl",
      "base-model/model.safetensors",
    ])
      expect(files).toContain(f);
    expect(existsSync(join(out, "base-model", "tokenizer.json"))).toBe(true);
    const config = JSON.parse(readFileSync(join(out, "playground_config.json"), "utf8"));
    expect(config.training_arguments).toMatchObject({ max_steps: 3, learning_rate: 0.01 });
    expect(config).toMatchObject({ base_model: "base-model", bundled_model: true, strategy: DEFAULT_STATE.masking.strategy });
  });

  it("the exported base model is the page's bundled model: the same loss on every example", () => {
    const tokenized = join(out, "data", "tokenized.jsonl");
    const fromFolder = cli("evaluate", "--model", join(out, "base-model"), "--data", tokenized, "--backend", "wasm", "--json");
    expect(fromFolder.status, fromFolder.stderr).toBe(0);
    const bundled = cli("evaluate", "--model", "default", "--data", tokenized, "--json");
    expect(bundled.status, bundled.stderr).toBe(0);
    const a = losses(fromFolder.stdout);
    expect(a).toHaveLength(2);
    losses(bundled.stdout).forEach((l, i) => expect(Math.abs(l - a[i])).toBeLessThan(1e-4));
  });

  it("an adapter trained with the same flags loads back and lowers the loss", () => {
    const adapter = join(dir, "adapter");
    const t = cli("train", "--model", "default", "--data", data, "--out", adapter, "--steps", "3", "--lr", "0.01", "--json");
    expect(t.status, t.stderr).toBe(0);
    const tokenized = join(out, "data", "tokenized.jsonl");
    const before = losses(cli("evaluate", "--model", "default", "--data", tokenized, "--json").stdout);
    const r = cli("evaluate", "--model", "default", "--adapter", adapter, "--data", tokenized);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^example 1: loss \d+\.\d{6} over \d+ trained tokens\nexample 2: .*\nmean loss /);
    const after = [...r.stdout.matchAll(/example \d+: loss (\S+)/g)].map((m) => Number(m[1]));
    expect(after[0]).toBeLessThan(before[0]);
  });

  it("refuses without --data, saying what it needs", () => {
    const r = cli("export", "--model", "default", "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--data FILE is required/);
  });
});
