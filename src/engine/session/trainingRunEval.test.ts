// The worker's run with an eval split: the held-out example is never trained on, its loss is posted with
// the step metrics of every eval_steps-th step (and only those), and a split leaving nothing to train is
// refused before the run starts, saying what to change.
import { beforeAll, expect, it } from "vitest";
import { NOTEBOOK_LORA, NOTEBOOK_TRAINING, type TrainingSettings } from "../../core/playgroundState";
import type { FromWorker } from "../../core/protocol";
import { useCpu } from "../fixtures.testutil";
import { createSeededModel } from "../seededModel";
import { disposeModel } from "../weights";
import { TrainingRun, type RunInput } from "./trainingRun";

beforeAll(useCpu);

const I = -100;
const examples = [
  { inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [I, I, I, I, 10, 11, 2] },
  { inputIds: [5, 8, 7, 1, 12, 2], labels: [I, I, I, I, 12, 2] },
  { inputIds: [5, 9, 7, 1, 13, 14, 2], labels: [I, I, I, I, 13, 14, 2] },
  { inputIds: [5, 3, 7, 1, 15, 2], labels: [I, I, I, I, 15, 2] },
  { inputIds: [5, 4, 7, 1, 16, 17, 2], labels: [I, I, I, I, 16, 17, 2] },
];

const settings: TrainingSettings = {
  ...NOTEBOOK_TRAINING,
  learningRate: 1e-2,
  maxSteps: 6,
  batchSize: 1,
  gradientAccumulationSteps: 2,
  evalSplit: 0.2,
  evalSteps: 3,
  generateEvery: 0,
  lora: { ...NOTEBOOK_LORA, loraAlpha: 16 },
};

const input = (s: TrainingSettings): RunInput => ({ runId: "r", examples, prompts: [], settings: s, stopIds: [2], newTokenIds: [] });

it("posts the eval loss with the steps eval_steps names, training on the other four examples", async () => {
  const model = createSeededModel(32, 2);
  const posted: FromWorker[] = [];
  const run = new TrainingRun(model, input(settings), {
    post: (m) => posted.push(m),
    yieldToEvents: async () => {},
    nextBackend: () => null,
  });
  await run.loop();
  const steps = posted.flatMap((m) => (m.type === "step" ? [m.metrics] : []));
  expect(steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(steps.filter((m) => m.evalLoss !== undefined).map((m) => m.step)).toEqual([3, 6]);
  for (const m of steps.filter((m) => m.evalLoss !== undefined)) expect(Number.isFinite(m.evalLoss)).toBe(true);
  // Four trained examples at batch 1 × accumulation 2: two examples a step, an epoch every two steps.
  expect(steps[1].epoch).toBe(1);
  run.dispose();
  disposeModel(model);
});

it("refuses a split that leaves no example to train, naming the setting and what to do", () => {
  const model = createSeededModel(32, 2);
  const env = { post: () => {}, yieldToEvents: async () => {}, nextBackend: () => null };
  expect(() => new TrainingRun(model, input({ ...settings, evalSplit: 0.9 }), env)).toThrow(
    "eval split 0.9 of 5 examples holds out 5, leaving none to train on; lower the eval split or add examples",
  );
  disposeModel(model);
});
