// The chat's requests through the worker's handler in Node: tokens stream before the reply, a stop
// ends a generation between tokens, a run answers between its steps, and a run's kept adapter
// brought back after another model load answers as the run did.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { describe, expect, it } from "vitest";
import { NOTEBOOK_LORA, NOTEBOOK_TRAINING } from "../../core/playgroundState";
import type { FromWorker, ToWorker, WorkerResult } from "../../core/protocol";
import { DEFAULT_GENERATION } from "../../core/settings/generationSettings";
import { setBackend } from "../backend";
import { generateGreedy } from "../generate";
import { createSeededModel } from "../seededModel";
import { disposeModel } from "../weights";
import { TrainingHandler } from "./trainingHandler";

function harness() {
  const posted: FromWorker[] = [];
  const waiting: Array<{ test: (m: FromWorker) => boolean; resolve: () => void }> = [];
  const h = new TrainingHandler({
    post: (msg) => {
      posted.push(msg);
      for (const w of waiting.filter((x) => x.test(msg))) w.resolve();
    },
    setBackend,
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
  });
  let nextId = 1;
  const send = async (request: ToWorker) => {
    const id = nextId++;
    await h.handle({ id, request });
    return id;
  };
  /** Posts without waiting for the answer (the page's side: other messages go on arriving). */
  const post = (request: ToWorker) => {
    const id = nextId++;
    const done = h.handle({ id, request });
    return { id, done };
  };
  const when = (test: (m: FromWorker) => boolean) =>
    posted.some(test) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ test, resolve }));
  const result = <T extends WorkerResult["type"]>(id: number, type: T) => {
    const answers = posted.filter((m) => (m.type === "reply" || m.type === "error") && m.id === id);
    expect(answers).toHaveLength(1);
    const a = answers[0];
    if (a.type !== "reply") throw new Error(a.type === "error" ? a.message : "no reply");
    expect(a.result.type).toBe(type);
    return a.result as Extract<WorkerResult, { type: T }>;
  };
  const error = (id: number) => {
    const a = posted.find((m) => m.type === "error" && m.id === id);
    return a?.type === "error" ? a.message : null;
  };
  const tokens = (generationId: string) =>
    posted
      .filter((m): m is Extract<FromWorker, { type: "generated-token" }> => m.type === "generated-token" && m.generationId === generationId)
      .map((m) => m.token);
  return { h, posted, send, post, when, result, error, tokens };
}

const VOCAB = 64;
const prompt = [5, 6, 7, 1];
const settings = { ...DEFAULT_GENERATION, maxNewTokens: 6 };
const gen = (generationId: string, runId: string | null, over: Partial<typeof settings> = {}): ToWorker => ({
  type: "generate",
  generationId,
  runId,
  inputIds: prompt,
  settings: { ...settings, ...over },
  stopIds: [],
});
const start = (runId: string, maxSteps: number): ToWorker => ({
  type: "start",
  runId,
  examples: [{ inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] }],
  prompts: [],
  settings: { ...NOTEBOOK_TRAINING, learningRate: 1e-2, maxSteps, generateEvery: 0, lora: { ...NOTEBOOK_LORA, loraAlpha: 16 } },
  stopIds: [2],
  newTokenIds: [],
});

async function ready() {
  const t = harness();
  await t.send({ type: "init", backends: ["cpu"], softwareWebgpu: "as-ordered" });
  await t.send({ type: "load-model", model: { kind: "seeded", vocabSize: VOCAB, eosTokenId: 2 } });
  return t;
}

describe("chat generations in the worker", () => {
  it("streams each token before the reply, the base model's greedy answer", async () => {
    const t = await ready();
    const id = await t.send(gen("g1", null));
    const reply = t.result(id, "generate");
    const reference = createSeededModel(VOCAB, 2);
    expect(reply.tokens).toEqual(await generateGreedy(reference, prompt, { maxNewTokens: 6, stopAtEos: false }));
    disposeModel(reference);
    expect(reply.finish).toBe("length");
    expect(t.tokens("g1")).toEqual(reply.tokens);
    const replyAt = t.posted.findIndex((m) => m.type === "reply" && m.id === id);
    expect(t.posted.findLastIndex((m) => m.type === "generated-token")).toBeLessThan(replyAt);
  });

  it("a stop-generation ends it between tokens", async () => {
    const t = await ready();
    const g = t.post(gen("g2", null, { maxNewTokens: 50 }));
    await t.when((m) => m.type === "generated-token");
    const stop = await t.send({ type: "stop-generation", generationId: "g2" });
    await g.done;
    t.result(stop, "stop-generation");
    const reply = t.result(g.id, "generate");
    expect(reply.finish).toBe("stopped");
    expect(reply.tokens.length).toBeLessThan(50);
    expect(t.tokens("g2")).toEqual(reply.tokens);
  });

  it("a stop that arrives before its generation starts still stops it, before any token", async () => {
    const t = await ready();
    await t.send({ type: "stop-generation", generationId: "early" });
    const reply = t.result(await t.send(gen("early", null)), "generate");
    expect(reply).toEqual({ type: "generate", generationId: "early", tokens: [], finish: "stopped" });
  });

  it("a run that is training answers between its steps, and trains on", async () => {
    const t = await ready();
    const run = t.post(start("r1", 40));
    await t.when((m) => m.type === "step");
    const id = await t.send(gen("g3", "r1", { doSample: true, temperature: 0.9, topK: 10, seed: 4 }));
    const stepsAtAnswer = t.posted.filter((m) => m.type === "step").length;
    expect(t.result(id, "generate").tokens).toHaveLength(6);
    await run.done;
    expect(stepsAtAnswer).toBeLessThan(40);
    expect(t.posted.filter((m) => m.type === "step")).toHaveLength(40);
  });

  it("a run's kept adapter, loaded after the worker lost the run, answers as the run did", async () => {
    const t = await ready();
    await t.send(start("r2", 10));
    await t.when((m) => m.type === "run-state" && m.state === "finished");
    const before = t.result(await t.send(gen("g4", "r2")), "generate").tokens;
    const files = t.result(await t.send({ type: "export-adapter", runId: "r2" }), "export-adapter");
    // Another model load drops every run; the seeded model is the same one again.
    await t.send({ type: "load-model", model: { kind: "seeded", vocabSize: VOCAB, eosTokenId: 2 } });
    const lost = await t.send(gen("g5", "r2"));
    expect(t.error(lost)).toMatch(/no adapter of run r2 .*ask again to load the kept one/);
    t.result(
      await t.send({ type: "load-adapter", runId: "r2", configJson: files.configJson, safetensors: files.safetensors }),
      "load-adapter",
    );
    // The snapshot of the adapter and the cache are freed: as many tensors after an answer as before.
    const tensors = tf.memory().numTensors;
    expect(t.result(await t.send(gen("g6", "r2")), "generate").tokens).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    const base = t.result(await t.send(gen("g7", null)), "generate").tokens;
    expect(base).not.toEqual(before);
  });

  it("refuses a prompt outside the vocabulary, saying where", async () => {
    const t = await ready();
    const id = await t.send({ ...gen("g8", null), inputIds: [5, VOCAB + 3] } as ToWorker);
    expect(t.error(id)).toMatch(/Token id 67 \(chat prompt, input id at position 1\) is outside the model's vocabulary of 64/);
  });
});
