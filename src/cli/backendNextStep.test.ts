// A backend that cannot start: the engine's message plus the CLI's own next step (the other
// --backend values), as one stderr line and exit code 2.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDir } from "../../test/fixtures/location";
import { backendNextStep } from "./engineArgs";

const root = resolve(__dirname, "../..");

describe("the CLI's backend next step", () => {
  it("names the other --backend values", () => {
    expect(backendNextStep("webgpu")).toBe("Run again with --backend wasm or --backend cpu.");
    expect(backendNextStep("wasm")).toBe("Run again with --backend webgpu or --backend cpu.");
  });

  it("is added to the engine's message when --backend webgpu cannot run under Node", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", "forward", "--model", fixtureDir("tiny-llama"), "--input-ids", "1,2", "--backend", "webgpu"],
      { cwd: root, encoding: "utf8", timeout: 120_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'error: backend "webgpu" is not available here: this runtime has no WebGPU (navigator.gpu is missing). Run again with --backend wasm or --backend cpu.',
    );
  });
});
