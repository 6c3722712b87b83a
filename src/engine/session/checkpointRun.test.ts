// The worker's checkpoints (issue 26): a run hands one over every save_steps and at its end, and a
// new run started from one (as the page does after a reload) takes the steps the first run took,
// with the same losses: the same batches, the same dropout masks, the same AdamW state.
import "@tensorflow/tfjs-backend-cpu";
import { describe, expect, it } from "vitest";
import { NOTEBOOK_LORA, NOTEBOOK_TRAINING } from "../../core/playgroundState";
import type { FromWorker } from "../../core/protocol";
import { setBackend } from "../backend";
import { TrainingHandler } from "./trainingHandler";

function worker() {
  const posted: FromWorker[] = [];
  const h = new TrainingHandler({
    post: (msg) => posted.push(msg),
    setBackend: (name) => setBackend(name),
    yieldToEvents: () => Promise.resolve(),
  });
  let id = 0;
  const send = (request: unknown) => h.handle({ id: ++id, request });
  const of = <T extends FromWorker["type"]>(t: T) => posted.filter((m): m is Extract<FromWorker, { type: T }> => m.type === t);
  return { posted, send, of };
}

const examples = [
  { inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] },
  { inputIds: [5, 8, 7, 1, 12, 2], labels: [-100, -100, -100, -100, 12, 2] },
  { inputIds: [5, 9, 9, 1, 13, 14, 2], labels: [-100, -100, -100, -100, 13, 14, 2] },
];
// Batch 1 over 3 examples reshuffles every 3 steps, and dropout draws a seed every step: a resume that
// lost the data order, the position in it or the generator would train other batches or masks.
const settings = {
  ...NOTEBOOK_TRAINING,
  learningRate: 1e-2,
  maxSteps: 20,
  batchSize: 1,
  saveSteps: 7,
  generateEvery: 0,
  maxNewTokens: 2,
  lora: { ...NOTEBOOK_LORA, loraAlpha: 16, loraDropout: 0.1 },
};
const start = (runId: string, resumeFrom?: unknown) => ({
  type: "start",
  runId,
  examples,
  prompts: [{ kind: "train", inputIds: [5, 6, 7, 1] }],
  settings,
  stopIds: [2],
  newTokenIds: [],
  ...(resumeFrom ? { resumeFrom } : {}),
});

async function loaded() {
  const w = worker();
  await w.send({ type: "init", backends: ["cpu"], softwareWebgpu: "as-ordered" });
  await w.send({ type: "load-model", model: { kind: "seeded", vocabSize: 64, eosTokenId: 2 } });
  return w;
}

describe("checkpoints in the training worker", () => {
  it("hands one over every save_steps and at the end; a run started from one goes on with the same losses", async () => {
    const first = await loaded();
    await first.send(start("a"));
    const losses = first.of("step").map((m) => m.metrics.loss);
    expect(losses).toHaveLength(20);
    expect(first.of("checkpoint").map((c) => c.step)).toEqual([7, 14, 20]);

    // Another worker, as after a reload: the checkpoint of step 7 is all it gets of the first run.
    const again = await loaded();
    const { step, files } = first.of("checkpoint")[0];
    await again.send(start("a", { step, files, train: true }));
    const resumed = again.of("step").map((m) => m.metrics);
    expect(resumed.map((m) => m.step)).toEqual(Array.from({ length: 13 }, (_, i) => i + 8));
    resumed.forEach((m) => expect(Math.abs(m.loss - losses[m.step - 1]), `step ${m.step}`).toBeLessThanOrEqual(1e-6));
    expect(again.of("run-state").at(-1)?.state).toBe("finished");
  });

  it("restored to be continued (train false), it holds stopped, then trains what continue asks", async () => {
    const first = await loaded();
    await first.send({ ...start("b"), settings: { ...settings, maxSteps: 14 } });
    const checkpoint = first.of("checkpoint").at(-1)!;
    expect(checkpoint.step).toBe(14);
    const again = await loaded();
    await again.send({
      ...start("b", { step: checkpoint.step, files: checkpoint.files, train: false }),
      settings: { ...settings, maxSteps: 14 },
    });
    expect(again.of("step")).toHaveLength(0);
    expect(again.of("run-state").map((m) => m.state)).toEqual(["finished"]);
    await again.send({ type: "continue", runId: "b", epochs: 1 });
    expect(again.of("step").map((m) => m.metrics.step)).toEqual([15, 16, 17]);
  });

  it("refuses a checkpoint of other data with the reason, and the page hears it for the request", async () => {
    const first = await loaded();
    await first.send(start("c"));
    const { step, files } = first.of("checkpoint")[0];
    const again = await loaded();
    await again.send({ ...start("c", { step, files, train: true }), examples: examples.slice(0, 2) });
    const error = again.posted.find((m) => m.type === "error");
    expect(error?.type === "error" && error.message).toMatch(/trained on 3 examples and this run has 2/);
  });
});
