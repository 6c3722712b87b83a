// train --save-steps / --resume-from-checkpoint end to end (issue 26): a run killed with SIGKILL
// and resumed from its newest checkpoint ends where the uninterrupted run ends, with the same losses
// on the way. The reference is the uninterrupted run itself, a separate process with nothing shared.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES } from "../../core/defaults";
import { CHECKPOINT_FILE_NAMES } from "../../core/checkpointFiles";
import { readSafetensors } from "../../engine/safetensors";

const root = resolve(__dirname, "../../..");
const CLI = ["--import", "tsx", "src/cli/main.ts"];
const STEPS = 60;
const SAVE_STEPS = 10;
const TOLERANCE = 1e-5;
// Kill points: before and after a save, on a save step (the kill may land while it is written) and late.
const KILL_AT = [12, 20, 29, 37, 44];

const dir = mkdtempSync(join(tmpdir(), "train-checkpoint-"));
const data = join(dir, "chat.jsonl");
const trainArgs = (out: string) => [
  "train",
  "--model",
  "default",
  "--data",
  data,
  "--steps",
  String(STEPS),
  "--save-steps",
  String(SAVE_STEPS),
  "--out",
  out,
  "--json",
];

interface Logged {
  step: number;
  loss: number;
}
const parseLines = (stdout: string): Logged[] =>
  stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Logged);

function train(args: string[]): Logged[] {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return parseLines(r.stdout);
}

/** Starts a run and SIGKILLs it once step `at` is logged; resolves with the last step it logged. */
function trainKilledAt(out: string, at: number): Promise<{ signal: NodeJS.Signals | null; lastStep: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...CLI, ...trainArgs(out)], { cwd: root });
    let text = "";
    let lastStep = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split("\n");
      text = lines.pop() ?? "";
      for (const l of lines.filter(Boolean)) lastStep = Math.max(lastStep, (JSON.parse(l) as Logged).step);
      if (lastStep >= at) child.kill("SIGKILL");
    });
    child.on("error", fail);
    child.on("exit", (_code, signal) => done({ signal, lastStep }));
  });
}

const checkpointSteps = (out: string) =>
  readdirSync(out)
    .flatMap((n) => /^checkpoint-(\d+)$/.exec(n) ?? [])
    .filter((m): m is string => typeof m === "string" && /^\d+$/.test(m))
    .map(Number)
    .sort((a, b) => a - b);

const adapterOf = (out: string) => readSafetensors(new Uint8Array(readFileSync(join(out, "adapter_model.safetensors"))));

describe("train --save-steps, killed and --resume-from-checkpoint", () => {
  let reference: Logged[];
  const referenceOut = join(dir, "uninterrupted");

  beforeAll(() => {
    writeFileSync(data, `${DEFAULT_EXAMPLES.map((e) => JSON.stringify({ messages: e.turns })).join("\n")}\n`);
    reference = train(trainArgs(referenceOut));
  }, 120_000);

  it("writes checkpoint-STEP folders as transformers does, keeping save_total_limit (2)", () => {
    expect(reference.map((l) => l.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(checkpointSteps(referenceOut)).toEqual([50, 60]);
    for (const name of CHECKPOINT_FILE_NAMES) expect(existsSync(join(referenceOut, "checkpoint-60", name)), name).toBe(true);
    const state = JSON.parse(readFileSync(join(referenceOut, "checkpoint-60", "trainer_state.json"), "utf8"));
    expect(state.global_step).toBe(STEPS);
    expect(state.log_history.map((l: Logged) => l.loss)).toEqual(reference.map((l) => l.loss));
    // The checkpoint's adapter is the adapter the run writes at its end.
    expect(readFileSync(join(referenceOut, "checkpoint-60", "adapter_model.safetensors"))).toEqual(
      readFileSync(join(referenceOut, "adapter_model.safetensors")),
    );
  });

  it.each(KILL_AT)(
    "killed after step %i, resumed from the newest checkpoint: the same losses from there and the same adapter",
    async (at) => {
      const out = join(dir, `killed-${at}`);
      const killed = await trainKilledAt(out, at);
      expect(killed.signal).toBe("SIGKILL");
      expect(killed.lastStep).toBeLessThan(STEPS);
      const saved = checkpointSteps(out).at(-1)!;
      // At most one checkpoint interval lost: a kill during a save leaves the one before it whole.
      expect(saved).toBeLessThanOrEqual(killed.lastStep);
      expect(killed.lastStep - saved).toBeLessThanOrEqual(SAVE_STEPS);

      const resumed = train([...trainArgs(out), "--resume-from-checkpoint", out]);
      expect(resumed.map((l) => l.step)).toEqual(reference.slice(saved).map((l) => l.step));
      for (const l of resumed) expect(Math.abs(l.loss - reference[l.step - 1].loss), `step ${l.step}`).toBeLessThanOrEqual(TOLERANCE);
      const expected = adapterOf(referenceOut);
      const got = adapterOf(out);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, t] of expected) {
        const g = got.get(name)!.data;
        const worst = t.data.reduce((m, v, i) => Math.max(m, Math.abs(v - g[i])), 0);
        expect(worst, name).toBeLessThanOrEqual(TOLERANCE);
      }
    },
    240_000,
  );

  it("refuses a folder that holds no checkpoint, with what to pass", () => {
    const r = spawnSync(process.execPath, [...CLI, ...trainArgs(join(dir, "other")), "--resume-from-checkpoint", dir], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/neither a checkpoint .* nor a folder with checkpoint-STEP folders/);
  });
});
