// The logged lines: every logging_steps, the mean loss since the last log, eval_loss where evaluated.
import { expect, it } from "vitest";
import type { StepMetrics } from "./protocol";
import { StepLogger } from "./stepLog";

const metrics = (step: number, loss: number, extra: Partial<StepMetrics> = {}): StepMetrics => ({
  step,
  totalSteps: 6,
  epoch: step / 3,
  loss,
  learningRate: 0.1 * step,
  gradNorm: step + 0.5,
  tokens: step,
  tokensPerSecond: 1,
  inputTokens: 2 * step,
  inputTokensPerSecond: 1,
  msPerStep: 1,
  ...extra,
});

it("logs every logging_steps with the mean loss and tokens since the last log, and evaluations on their own step", () => {
  const logger = new StepLogger(2);
  const lines = [metrics(1, 4), metrics(2, 2), metrics(3, 1, { evalLoss: 3.5 }), metrics(4, 3, { evalLoss: 2.5 }), metrics(5, 9)].map((m) =>
    logger.add(m),
  );
  expect(lines).toEqual([
    null,
    { step: 2, epoch: 2 / 3, loss: 3, learning_rate: 0.2, grad_norm: 2.5, tokens: 3 },
    { step: 3, epoch: 1, eval_loss: 3.5 },
    { step: 4, epoch: 4 / 3, loss: 2, learning_rate: 0.4, grad_norm: 4.5, tokens: 7, eval_loss: 2.5 },
    null,
  ]);
});
