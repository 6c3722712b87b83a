// `merge` and `gguf` on the bundled model after the default run, through the CLI as a user runs them:
// the merged folder and the GGUF files (q8_0, f16), loaded with no adapter, answer every question as
// the adapter does (" perro", " agua", …, and the holdout); f16's logits are the merged model's within 1e-2.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES, DEFAULT_HOLDOUT } from "../../core/defaults";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });

function ok(r: ReturnType<typeof cli>): string {
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const questions = [...DEFAULT_EXAMPLES.map((e) => e.turns[0].content), DEFAULT_HOLDOUT.prompt];
/** Every question's answer, from one generate call (one --prompt each, one line each). */
const answers = (model: string, adapter?: string) =>
  ok(cli("generate", "--model", model, ...(adapter ? ["--adapter", adapter] : []), ...questions.flatMap((q) => ["--prompt", q]), "--json"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).text as string);

describe("merge and gguf on the default run", () => {
  it("answer as the adapter does, with no adapter", { timeout: 600_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "export-model-"));
    const data = join(dir, "chat.jsonl");
    writeFileSync(data, `${DEFAULT_EXAMPLES.map((e) => JSON.stringify({ messages: e.turns })).join("\n")}\n`);
    const adapter = join(dir, "adapter");
    ok(cli("train", "--model", "default", "--data", data, "--out", adapter, "--json"));
    const expected = answers("default", adapter);
    expect(expected.slice(0, 5)).toEqual(DEFAULT_EXAMPLES.map((e) => ` ${e.turns[1].content}</s>`));
    expect(expected[5]).toMatch(/^ buen/);

    const merged = join(dir, "merged");
    ok(cli("merge", "--model", "default", "--adapter", adapter, "--out", merged));
    for (const f of ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "README.md"])
      expect(existsSync(join(merged, f)), f).toBe(true);
    expect(answers(merged)).toEqual(expected);

    for (const type of ["q8_0", "f16"]) {
      const file = join(dir, type, "model.gguf");
      ok(cli("gguf", "--model", "default", "--adapter", adapter, "--type", type, "--out", file));
      expect(readFileSync(join(dir, type, "Modelfile"), "utf8")).toMatch(/^FROM \.\/model\.gguf$/m);
      expect(answers(file), type).toEqual(expected);
    }
    const ids = "1,2127,363,1489,101,2,17,400";
    const logits = (model: string) => JSON.parse(ok(cli("forward", "--model", model, "--input-ids", ids, "--json"))).logits as number[][];
    const a = logits(merged).flat();
    const b = logits(join(dir, "f16", "model.gguf")).flat();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-2);
  });
});
