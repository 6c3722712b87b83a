// train's transformers habits end to end through the CLI: gradient accumulation, lr_scheduler_type with
// warmup_ratio, and evaluation every eval_steps (issue 25's "done when").
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXAMPLES } from "../../core/defaults";
import { readSafetensors } from "../../engine/safetensors";
import schedules from "../../../test/fixtures/schedules/lr_schedules.json";

const root = resolve(__dirname, "../../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8", timeout: 180_000 });

const dir = mkdtempSync(join(tmpdir(), "train-habits-"));
const data = join(dir, "chat.jsonl");
writeFileSync(data, `${DEFAULT_EXAMPLES.map((e) => JSON.stringify({ messages: e.turns })).join("\n")}\n`);

// Answers of different lengths: micro-batches then count different numbers of trained tokens, so a mean of
// their means (the pre-4.46 accumulation) differs from the mean over all their tokens.
const uneven = join(dir, "uneven.jsonl");
const answers = ["perro", "el perro grande y negro", "agua", "la madre de mi amigo vive aquí", "hola, buenos días a todos"];
writeFileSync(
  uneven,
  `${answers
    .map((a, i) =>
      JSON.stringify({
        messages: [
          { role: "user", content: `Question ${i}?` },
          { role: "assistant", content: a },
        ],
      }),
    )
    .join("\n")}\n`,
);

/** train --model default on the five examples (or those of `file`); the --json lines. */
function train(out: string, flags: string[], file = data): Array<Record<string, number>> {
  const r = cli("train", "--model", "default", "--data", file, "--out", join(dir, out), "--json", ...flags);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, number>);
}

const adapter = (out: string) => readSafetensors(new Uint8Array(readFileSync(join(dir, out, "adapter_model.safetensors"))));

describe("train", () => {
  it("batch 1 × gradient accumulation 4 gives batch 4's loss, grad norm and adapter (num_items_in_batch)", () => {
    // Dropout off: each micro-batch would draw its own mask. Two steps: 5 examples are 4 + 1 either way, and
    // the second AdamW update depends on the first gradient's size, not only its sign.
    const common = ["--steps", "2", "--lora-dropout", "0", "--seed", "3"];
    const accumulated = train("accumulated", [...common, "--batch-size", "1", "--gradient-accumulation-steps", "4"], uneven);
    const batched = train("batched", [...common, "--batch-size", "4"], uneven);
    expect(accumulated.map((s) => s.tokens)).toEqual(batched.map((s) => s.tokens));
    expect(new Set(accumulated.map((s) => s.tokens)).size).toBe(2);
    accumulated.forEach((s, i) => {
      expect(s.loss).toBeCloseTo(batched[i].loss, 5);
      expect(s.grad_norm).toBeCloseTo(batched[i].grad_norm, 5);
    });
    const [a, b] = [adapter("accumulated"), adapter("batched")];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, t] of a) {
      const other = b.get(name)!.data;
      const worst = t.data.reduce((m, x, i) => Math.max(m, Math.abs(x - other[i])), 0);
      expect(worst, name).toBeLessThan(1e-5);
    }
  });

  it("--lr-scheduler-type cosine --warmup-ratio 0.1 prints get_cosine_schedule_with_warmup's rate at every step", () => {
    const ref = schedules.find((c) => c.type === "cosine" && c.total === 20)!;
    const steps = train("cosine", ["--steps", "20", "--lr", String(ref.lr), "--lr-scheduler-type", "cosine", "--warmup-ratio", "0.1"]);
    expect(steps.map((s) => s.step)).toEqual(ref.learning_rates.map((_, i) => i + 1));
    steps.forEach((s, i) => expect(s.learning_rate, `step ${s.step}`).toBeCloseTo(ref.learning_rates[i], 15));
  });

  it("--eval-split 0.2 --eval-steps 5 prints eval_loss at every fifth step, and --logging-steps averages the loss", () => {
    const every = train("eval", ["--steps", "15", "--eval-split", "0.2", "--eval-steps", "5"]);
    expect(every.filter((s) => "eval_loss" in s).map((s) => s.step)).toEqual([5, 10, 15]);
    for (const s of every.filter((s) => "eval_loss" in s)) expect(Number.isFinite(s.eval_loss)).toBe(true);
    // The same run logged every 3 steps: eval lines stay at 5, 10, 15; logged lines at 3, 6, …, with the mean loss.
    const logged = train("logged", ["--steps", "15", "--eval-split", "0.2", "--eval-steps", "5", "--logging-steps", "3"]);
    expect(logged.map((s) => s.step)).toEqual([3, 5, 6, 9, 10, 12, 15]);
    const mean = (from: number, to: number) => every.slice(from - 1, to).reduce((a, s) => a + s.loss, 0) / (to - from + 1);
    expect(logged.find((s) => s.step === 6)!.loss).toBeCloseTo(mean(4, 6), 6);
    expect(logged.find((s) => s.step === 6)!.tokens).toBe(every.slice(3, 6).reduce((a, s) => a + s.tokens, 0));
    expect(logged.find((s) => s.step === 5)).toEqual({ step: 5, epoch: every[4].epoch, eval_loss: every[4].eval_loss });
    expect(logged.find((s) => s.step === 15)!.eval_loss).toBeCloseTo(every[14].eval_loss, 6);
  });

  it("refuses an eval split that leaves nothing to train, naming the flags", () => {
    const r = cli("train", "--model", "default", "--data", data, "--out", join(dir, "x"), "--eval-split", "0.9");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--eval-split.*holds out 5, leaving none to train on; lower the eval split or add examples/);
  });
});
