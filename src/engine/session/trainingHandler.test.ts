// The worker's handler in Node with a fake postMessage: backend fallback, model loading, a run
// streamed step by step with pause/resume/stop, teacher-forced view, adapter export, bad messages.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { describe, expect, it } from "vitest";
import { BUNDLED_MODEL_TRAINING } from "../../core/playgroundState";
import type { BackendName, FromWorker } from "../../core/protocol";
import { setBackend } from "../backend";
import { TrainingHandler } from "./trainingHandler";

function harness(onPost?: (msg: FromWorker, h: TrainingHandler) => void) {
  const posted: FromWorker[] = [];
  const h: TrainingHandler = new TrainingHandler({
    post: (msg) => {
      posted.push(msg);
      onPost?.(msg, h);
    },
    setBackend: (name: BackendName) => setBackend(name),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
  });
  return { h, posted, of: <T extends FromWorker["type"]>(t: T) => posted.filter((m): m is Extract<FromWorker, { type: T }> => m.type === t) };
}

// Token ids of a tiny vocabulary: 1 = start marker, 2 = end marker.
const examples = [
  { inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] },
  { inputIds: [5, 8, 7, 1, 12, 2], labels: [-100, -100, -100, -100, 12, 2] },
];
const start = (runId: string, maxSteps: number, generateEvery = 2) => ({
  type: "start" as const,
  runId,
  examples,
  prompts: [{ kind: "train" as const, inputIds: [5, 6, 7, 1] }, { kind: "holdout" as const, inputIds: [5, 9, 7, 1] }],
  settings: { ...BUNDLED_MODEL_TRAINING, maxSteps, batchSize: 2, generateEvery, maxNewTokens: 3 },
  stopIds: [2],
  newTokenIds: [],
});

async function ready(h: TrainingHandler) {
  await h.handle({ type: "init", backends: ["webgpu", "cpu"] });
  await h.handle({ type: "load-model", model: { kind: "bundled", vocabSize: 64, eosTokenId: 2 } });
}

describe("TrainingHandler", () => {
  it("falls back from webgpu to cpu and says why, then loads the bundled model", async () => {
    const { h, of } = harness();
    await ready(h);
    const backend = of("backend")[0];
    expect(backend.backend).toBe("cpu");
    expect(backend.fallbacks[0].backend).toBe("webgpu");
    expect(backend.fallbacks[0].reason).toMatch(/navigator\.gpu/);
    const info = of("model-loaded")[0].info;
    expect(info.architecture).toBe("Qwen3ForCausalLM");
    expect(info.vocabSize).toBe(64);
    expect(info.linearModules).toEqual(expect.arrayContaining(["q_proj", "v_proj", "down_proj"]));
    expect(info.defaultTargets).toEqual(["q_proj", "v_proj"]);
  });

  it("streams steps and generations, learns, and leaks no tensors across runs", async () => {
    const { h, of } = harness();
    await ready(h);
    const before = tf.memory().numTensors;
    await h.handle(start("a", 30, 10));
    expect(of("run-started")[0]).toMatchObject({ runId: "a", totalSteps: 30 });
    const steps = of("step").map((m) => m.metrics);
    expect(steps.map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(steps[29].loss).toBeLessThan(steps[0].loss / 5);
    expect(steps[0].learningRate).toBeCloseTo(5e-3);
    expect(steps[29].learningRate).toBeLessThan(steps[0].learningRate);
    expect(steps.every((m) => m.tokens === 5 && m.gradNorm > 0 && m.msPerStep > 0)).toBe(true);
    // Generations before training (step 0), every 10 steps, and at the end.
    const gens = of("generations");
    expect(gens.map((g) => g.step)).toEqual([0, 10, 20, 30]);
    expect(gens[3].outputs[0]).toEqual([10, 11, 2]);
    expect(of("run-state").map((s) => s.state)).toEqual(["running", "finished"]);
    const afterRun = tf.memory().numTensors;
    await h.handle({ type: "delete-run", runId: "a" });
    expect(tf.memory().numTensors).toBeLessThan(afterRun);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("pauses between steps, resumes, and stops", async () => {
    const { h, of, posted } = harness((msg, handler) => {
      if (msg.type === "step" && msg.metrics.step === 3) void handler.handle({ type: "pause", runId: "p" });
    });
    await ready(h);
    await h.handle(start("p", 20, 0));
    expect(of("step").length).toBe(3);
    expect(of("run-state").map((s) => s.state)).toEqual(["running", "paused"]);
    const resumed = h.handle({ type: "resume", runId: "p" });
    await new Promise((r) => setTimeout(r, 0));
    await h.handle({ type: "stop", runId: "p" });
    await resumed;
    const n = of("step").length;
    expect(n).toBeGreaterThan(3);
    expect(n).toBeLessThan(20);
    expect(of("run-state").map((s) => s.state)).toEqual(["running", "paused", "running", "stopped"]);
    expect(posted.at(-1)).toMatchObject({ type: "run-state", state: "stopped" });
  });

  it("answers the teacher-forced view and exports a PEFT adapter", async () => {
    const { h, of } = harness();
    await ready(h);
    await h.handle(start("t", 4, 0));
    await h.handle({ type: "teacher-forced", requestId: 7, runId: "t", inputIds: [5, 6, 7, 1, 10] });
    expect(of("teacher-forced")[0]).toMatchObject({ requestId: 7 });
    expect(of("teacher-forced")[0].predictions).toHaveLength(5);
    await h.handle({ type: "export-adapter", runId: "t" });
    const adapter = of("adapter")[0];
    expect(JSON.parse(adapter.configJson)).toMatchObject({ peft_type: "LORA", r: 16, lora_alpha: 32 });
    expect(adapter.safetensors.byteLength).toBeGreaterThan(1000);
  });

  it("reports bad messages and runs that cannot start, without throwing", async () => {
    const { h, of } = harness();
    await h.handle({ type: "start", runId: 3 });
    expect(of("protocol-error")[0].message).toMatch(/runId/);
    await h.handle({ ...start("x", 2), settings: { ...start("x", 2).settings } });
    expect(of("run-error")[0]).toMatchObject({ runId: "x", kind: "other" });
    expect(of("run-error")[0].message).toMatch(/No model is loaded/);
    await h.handle({ type: "pause", runId: "nope" });
    expect(of("run-error")[1].message).toMatch(/no run nope/);
  });

  it("grows the embedding for tokens added at runtime", async () => {
    const { h, of } = harness();
    await ready(h);
    await h.handle({ ...start("n", 2, 0), newTokenIds: [64, 65], examples: [{ inputIds: [64, 6, 65, 10, 2], labels: [-100, -100, -100, 10, 2] }] });
    expect(of("run-state").at(-1)?.state).toBe("finished");
  });
});

describe("TrainingHandler message order", () => {
  it("lets a page post init, load-model and start at once", async () => {
    const { h, of } = harness();
    await Promise.all([
      h.handle({ type: "init", backends: ["cpu"] }),
      h.handle({ type: "load-model", model: { kind: "bundled", vocabSize: 64, eosTokenId: 2 } }),
      h.handle(start("all-at-once", 2, 0)),
    ]);
    expect(of("model-error")).toEqual([]);
    expect(of("run-error")).toEqual([]);
    expect(of("run-state").at(-1)?.state).toBe("finished");
  });
});

describe("TrainingHandler vocabulary check", () => {
  it("refuses ids from another tokenizer with where they are and what to do", async () => {
    const { h, of } = harness();
    await ready(h);
    await h.handle({ ...start("v", 2, 0), examples: [examples[0], { inputIds: [5, 6, 900, 2], labels: [-100, -100, 900, 2] }] });
    const err = of("run-error")[0];
    expect(err.message).toMatch(/Token id 900 \(example 2, position 2\) is outside the model's vocabulary of 64/);
    expect(err.message).toMatch(/Load the model's own tokenizer/);
    expect(of("run-started")).toEqual([]);
  });
});
