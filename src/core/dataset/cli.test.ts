// The CLI reads files with the same parsers as the page; exit 0 with examples, 2 when unusable.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "dataset-cli-"));
const cli = (file: string) =>
  spawnSync("npx", ["tsx", "src/cli/main.ts", "dataset", file, "--json"], { encoding: "utf8", timeout: 60_000 });

describe("npm run cli -- dataset", () => {
  it("exits 0 and prints counts and located errors", () => {
    const file = join(dir, "ok.jsonl");
    writeFileSync(file, '{"prompt": "p", "completion": "c"}\n{"prompt": "p"\n');
    const run = cli(file);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      format: "prompt-completion",
      examples: 1,
      skipped: { "invalid-json": 1 },
      errors: [{ line: 2, column: 15, path: "$[1]", message: expect.stringMatching(/expected "," or "}"/) }],
    });
  });

  it("exits 2 for an empty file", () => {
    const file = join(dir, "empty.csv");
    writeFileSync(file, "");
    const run = cli(file);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ examples: 0, errors: [{ message: expect.stringMatching(/empty/) }] });
  });
});
