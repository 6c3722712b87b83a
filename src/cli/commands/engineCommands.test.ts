// forward / generate / train end to end through the CLI, as the project's checks call them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES } from "../../core/defaults";
import { fixtureDir } from "../../../test/fixtures/location";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

describe("engine commands", () => {
  const llama = fixtureDir("tiny-llama");
  const ref = JSON.parse(readFileSync(join(llama, "reference.json"), "utf8"));

  it("forward prints the reference loss and logits, and LoRA gradients with --grads", () => {
    const ids = ref.input_ids.join(",");
    const labels = ref.labels.join(",");
    const r = cli(
      "forward",
      "--model",
      llama,
      "--input-ids",
      ids,
      `--labels=${labels}`,
      "--adapter",
      join(llama, "adapter"),
      "--grads",
      "--json",
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Math.abs(out.loss - ref.lora.loss)).toBeLessThan(1e-4);
    expect(Math.abs(out.logits[3][5] - ref.lora.logits[3][5])).toBeLessThan(1e-4);
    expect(Object.keys(out.grads).sort()).toEqual(Object.keys(ref.lora.grads).sort());
  });

  it("generate reproduces the reference greedy tokens", () => {
    const r = cli(
      "generate",
      "--model",
      llama,
      "--input-ids",
      ref.greedy_prompt.join(","),
      "--max-new-tokens",
      "8",
      "--no-eos-stop",
      "--json",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).new_tokens).toEqual(ref.greedy_new_tokens);
  });

  it("train --model default takes chat JSONL, prints a JSON line per step and writes an adapter generate can load", () => {
    const dir = mkdtempSync(join(tmpdir(), "train-default-"));
    const data = join(dir, "chat.jsonl");
    const lines = DEFAULT_EXAMPLES.map((e) => JSON.stringify({ messages: e.turns }));
    writeFileSync(data, `${lines.join("\n")}\n`);
    const out = join(dir, "adapter");
    const r = cli("train", "--model", "default", "--data", data, "--steps", "3", "--out", out, "--json");
    expect(r.status, r.stderr).toBe(0);
    const steps = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(steps[0].learning_rate).toBeCloseTo(DEFAULT_STATE.training.learningRate);
    expect(existsSync(join(out, "adapter_model.safetensors"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "adapter_config.json"), "utf8"))).toMatchObject({
      r: DEFAULT_STATE.training.lora.r,
      lora_alpha: DEFAULT_STATE.training.lora.loraAlpha,
    });
    const g = cli("generate", "--model", "default", "--adapter", out, "--prompt", 'How do you say "dog" in Spanish?', "--json");
    expect(g.status, g.stderr).toBe(0);
    const answer = JSON.parse(g.stdout);
    expect(answer.new_tokens.length).toBeGreaterThan(0);
    expect(answer.new_tokens.length).toBeLessThanOrEqual(5);
    expect(typeof answer.text).toBe("string");
  });

  it.each([
    [["forward", "--model", "/nonexistent", "--input-ids", "1,2"], /not found/],
    [["generate", "--model", llama, "--prompt", "hi"], /--prompt needs --model default/],
    [["train", "--model", "default", "--data", "/nonexistent.jsonl", "--out", "/tmp/x"], /cannot read the data file/],
    [["forward", "--model", llama, "--input-ids", "1,x"], /comma-separated/],
  ])("fails with one line and exit code 2: %j", (args, message) => {
    const r = cli(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
