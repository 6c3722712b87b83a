// `generate`'s sampling flags and --messages-file, end to end through the CLI.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir } from "../../../test/fixtures/location";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
const DOG = 'How do you say "dog" in Spanish?';

describe("generate", () => {
  it("sampling with --top-k 1 reproduces PyTorch's greedy tokens, whatever the temperature and seed", () => {
    const llama = fixtureDir("tiny-llama");
    const ref = JSON.parse(readFileSync(join(llama, "reference.json"), "utf8"));
    const sampled = "--max-new-tokens 8 --no-eos-stop --do-sample --top-k 1 --temperature 1.7 --seed 9 --json".split(" ");
    const r = cli("generate", "--model", llama, "--input-ids", ref.greedy_prompt.join(","), ...sampled);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ new_tokens: ref.greedy_new_tokens, finish: "length" });
  });

  it("--messages-file answers a conversation as --prompt answers its one question, with earlier turns in the prompt", () => {
    const dir = mkdtempSync(join(tmpdir(), "generate-"));
    const one = join(dir, "one.json");
    writeFileSync(one, JSON.stringify([{ role: "user", content: DOG }]));
    const two = join(dir, "two.json");
    writeFileSync(
      two,
      JSON.stringify({
        messages: [
          { role: "user", content: 'How do you say "good" in Spanish?' },
          { role: "assistant", content: "bueno" },
          { role: "user", content: DOG },
        ],
      }),
    );
    const asPrompt = cli("generate", "--model", "default", "--prompt", DOG, "--max-new-tokens", "12", "--json");
    const asFile = cli("generate", "--model", "default", "--messages-file", one, "--max-new-tokens", "12", "--json");
    const multi = cli("generate", "--model", "default", "--messages-file", two, "--max-new-tokens", "12", "--json");
    for (const r of [asPrompt, asFile, multi]) expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(asFile.stdout)).toEqual(JSON.parse(asPrompt.stdout));
    const answer = JSON.parse(multi.stdout);
    expect(answer.new_tokens.length).toBeGreaterThan(0);
    expect(["eos", "length"]).toContain(answer.finish);
  });

  it.each([
    [["--messages-file", "ANSWERED"], /ends with the assistant's turn; end it with the user's message/],
    [["--prompt", DOG, "--top-p", "2"], /--top-p expects a number > 0 and ≤ 1, not "2"/],
    [["--prompt", DOG, "--messages-file", "x.json"], /exactly one of --input-ids, --prompt and --messages-file/],
  ])("refuses with one line and exit code 2: %j", (args, message) => {
    const dir = mkdtempSync(join(tmpdir(), "generate-"));
    const answered = join(dir, "answered.json");
    writeFileSync(
      answered,
      JSON.stringify([
        { role: "user", content: DOG },
        { role: "assistant", content: "perro" },
      ]),
    );
    const r = cli("generate", "--model", "default", ...(args as string[]).map((a) => (a === "ANSWERED" ? answered : a)));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
