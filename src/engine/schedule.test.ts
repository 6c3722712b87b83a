// Every lr_scheduler_type against PyTorch: test/fixtures/schedules/lr_schedules.py drives torch's
// LambdaLR with transformers' schedule lambdas and get_warmup_steps, and records each step's rate.
import { expect, it } from "vitest";
import type { LrSchedulerType } from "../core/settings/trainerDefaults";
import reference from "../../test/fixtures/schedules/lr_schedules.json";
import { scheduleFactor, warmupStepsFor } from "./optimizer";

interface Case {
  type: LrSchedulerType;
  lr: number;
  total: number;
  warmup_steps: number;
  warmup_ratio: number;
  min_lr_rate?: number;
  learning_rates: number[];
}

it.each((reference as Case[]).map((c) => [`${c.type} over ${c.total} steps`, c] as const))(
  "%s gives torch LambdaLR's learning rate at every step",
  (_, c) => {
    const warmupSteps = warmupStepsFor(c.warmup_steps, c.warmup_ratio, c.total);
    const rates = c.learning_rates.map(
      (_, step) => c.lr * scheduleFactor(c.type, step, { warmupSteps, totalSteps: c.total, minLrRate: c.min_lr_rate }),
    );
    rates.forEach((r, step) => expect(r, `step ${step + 1}`).toBeCloseTo(c.learning_rates[step], 15));
  },
);

it("takes warmup_ratio of the steps rounded up, and warmup_steps over it when set (get_warmup_steps)", () => {
  expect(warmupStepsFor(0, 0.1, 23)).toBe(3);
  expect(warmupStepsFor(0, 0.1, 20)).toBe(2);
  expect(warmupStepsFor(4, 0.5, 20)).toBe(4);
  expect(warmupStepsFor(0, 0, 20)).toBe(0);
});
