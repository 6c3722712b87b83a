// A long run's metrics halve past the record's bound; the eval curve keeps every other evaluation.
import { expect, it } from "vitest";
import type { StepMetrics } from "../core/protocol";
import { RUN_LIMITS, thinSteps } from "./runRecord";

const step = (n: number, evalLoss?: number): StepMetrics => ({
  step: n,
  totalSteps: RUN_LIMITS.maxSteps + 1,
  epoch: n,
  loss: 1,
  learningRate: 1e-3,
  gradNorm: 1,
  tokens: 1,
  tokensPerSecond: 1,
  inputTokens: 1,
  inputTokensPerSecond: 1,
  msPerStep: 1,
  ...(evalLoss === undefined ? {} : { evalLoss }),
});

it("halves the evaluated steps among themselves, also those at odd positions, and stays within the bound", () => {
  // Evaluated every 10 steps: steps 10, 20, … sit at odd positions (9, 19, …), which plain halving drops.
  const many = Array.from({ length: RUN_LIMITS.maxSteps + 1 }, (_, i) => step(i + 1, (i + 1) % 10 === 0 ? 1 / (i + 1) : undefined));
  const thin = thinSteps(many);
  expect(thin.length).toBeLessThanOrEqual(RUN_LIMITS.maxSteps);
  const evaluated = thin.filter((s) => s.evalLoss !== undefined).map((s) => s.step);
  expect(evaluated.slice(0, 3)).toEqual([10, 30, 50]);
  expect(evaluated).toHaveLength(Math.ceil(RUN_LIMITS.maxSteps / 10 / 2));
  // Evaluated at every step: the bound still holds.
  expect(thinSteps(many.map((s) => ({ ...s, evalLoss: 1 }))).length).toBeLessThanOrEqual(RUN_LIMITS.maxSteps);
});
