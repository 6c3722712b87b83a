// The worker's handler in Node with a fake postMessage: backend fallback, model loading, a run
// streamed step by step with pause/resume/stop, teacher-forced view, adapter export, and every
// request (a failing or malformed one too) answered exactly once for its id.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { describe, expect, it } from "vitest";
import { NOTEBOOK_LORA, NOTEBOOK_TRAINING, type TrainingSettings } from "../../core/playgroundState";
import { backendPlan, type BackendChoice, type BackendName, type FromWorker, type WorkerResult } from "../../core/protocol";
import { setBackend, type MemoryLimits } from "../backend";
import { TrainingHandler } from "./trainingHandler";

function isResult<T extends WorkerResult["type"]>(result: WorkerResult, type: T): result is Extract<WorkerResult, { type: T }> {
  return result.type === type;
}

function harness(onPost?: (msg: FromWorker, h: TrainingHandler) => void, post?: (msg: FromWorker) => void, limits?: MemoryLimits) {
  const posted: FromWorker[] = [];
  let nextId = 1;
  const h: TrainingHandler = new TrainingHandler({
    post: (msg) => {
      post?.(msg);
      posted.push(msg);
      onPost?.(msg, h);
    },
    setBackend: (name: BackendName) => setBackend(name),
    memoryLimits: limits && (() => limits),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
  });
  /** Posts `request` in the envelope under a fresh id, as the page does; resolves with that id once handled. */
  const send = async (request: unknown) => {
    const id = nextId++;
    await h.handle({ id, request });
    return id;
  };
  /** The answers for `id`: the test expects exactly one. */
  const answers = (id: number) => posted.filter((m) => (m.type === "reply" || m.type === "error") && m.id === id);
  /** The message of the error that answered `id`. */
  const errorFor = (id: number) => {
    const got = answers(id);
    expect(got).toHaveLength(1);
    expect(got[0].type).toBe("error");
    return got[0].type === "error" ? got[0].message : "";
  };
  /** The result that answered `id`, of kind `type`. */
  const resultFor = <T extends WorkerResult["type"]>(id: number, type: T): Extract<WorkerResult, { type: T }> => {
    const got = answers(id);
    expect(got).toHaveLength(1);
    const answer = got[0];
    if (answer.type !== "reply") throw new Error(`request ${id} failed: ${answer.type === "error" ? answer.message : answer.type}`);
    if (!isResult(answer.result, type)) throw new Error(`request ${id} was answered with ${answer.result.type}, not ${type}`);
    return answer.result;
  };
  const of = <T extends FromWorker["type"]>(t: T) => posted.filter((m): m is Extract<FromWorker, { type: T }> => m.type === t);
  return { h, posted, send, answers, errorFor, resultFor, of };
}

/** Settings that move the tiny random test model within a few steps (the Trainer's lr 5e-5 would not). */
const FAST: TrainingSettings = { ...NOTEBOOK_TRAINING, learningRate: 1e-2, lora: { ...NOTEBOOK_LORA, loraAlpha: 16 } };

// Token ids of a tiny vocabulary: 1 = start marker, 2 = end marker.
const examples = [
  { inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] },
  { inputIds: [5, 8, 7, 1, 12, 2], labels: [-100, -100, -100, -100, 12, 2] },
];
const start = (runId: string, maxSteps: number, generateEvery = 2) => ({
  type: "start" as const,
  runId,
  examples,
  prompts: [
    { kind: "train" as const, inputIds: [5, 6, 7, 1] },
    { kind: "holdout" as const, inputIds: [5, 9, 7, 1] },
  ],
  settings: { ...FAST, maxSteps, batchSize: 2, generateEvery, maxNewTokens: 3 },
  stopIds: [2],
  newTokenIds: [],
});

type Harness = ReturnType<typeof harness>;

async function ready(t: Harness) {
  const init = await t.send({ type: "init", backends: ["webgpu", "cpu"], softwareWebgpu: "as-ordered" });
  const load = await t.send({ type: "load-model", model: { kind: "seeded", vocabSize: 64, eosTokenId: 2 } });
  return { init, load };
}

type Adapter = { description: string; software: boolean } | null;

/**
 * Which backends init starts, and what it reports, on a machine whose WebGPU adapter is `adapter` and
 * whose WebGL renderer is `webgl` (by default the same GPU).
 */
async function initOn(choice: BackendChoice, adapter: Adapter, broken: BackendName[] = [], webgl: Adapter = adapter) {
  const started: BackendName[] = [];
  const posted: FromWorker[] = [];
  const h = new TrainingHandler({
    post: (msg) => posted.push(msg),
    setBackend: async (name) => {
      started.push(name);
      if (broken.includes(name)) throw new Error(`${name} is broken here`);
    },
    describeAdapter: async (name) => (name === "webgpu" ? adapter : name === "webgl" ? webgl : null),
    yieldToEvents: () => Promise.resolve(),
  });
  await h.handle({ id: 1, request: { type: "init", ...backendPlan(choice) } });
  const backend = posted.find((m) => m.type === "backend");
  return {
    started,
    backend: backend?.type === "backend" ? backend : null,
    answer: posted.find((m) => m.type === "reply" || m.type === "error"),
  };
}

describe("backend choice", () => {
  const swiftshader = { description: "google swiftshader", software: true };
  it("auto passes a software GPU over for wasm without starting WebGPU or WebGL, and says so", async () => {
    const { started, backend } = await initOn("auto", swiftshader);
    expect(started).toEqual(["wasm"]);
    expect(backend?.backend).toBe("wasm");
    expect(backend?.fallbacks).toEqual(
      ["webgpu", "webgl"].map((b) => ({ backend: b, kind: "software", reason: expect.stringContaining("google swiftshader") })),
    );
  });

  it("auto still uses the software GPU when wasm cannot start", async () => {
    const { started, backend } = await initOn("auto", swiftshader, ["wasm"]);
    expect(started).toEqual(["wasm", "webgpu"]);
    expect(backend?.backend).toBe("webgpu");
    expect(backend?.fallbacks.map((f) => [f.backend, f.kind])).toEqual([
      ["webgl", "software"],
      ["wasm", "failed"],
    ]);
  });

  it("auto passes over WebGL's software renderer where WebGPU is missing (Chrome on Linux)", async () => {
    const { started, backend } = await initOn("auto", null, ["webgpu"], {
      description: "ANGLE (SwiftShader Device (Subzero))",
      software: true,
    });
    expect(started).toEqual(["webgpu", "wasm"]);
    expect(backend?.backend).toBe("wasm");
    expect(backend?.fallbacks.map((f) => [f.backend, f.kind])).toEqual([
      ["webgl", "software"],
      ["webgpu", "failed"],
    ]);
    const hardwareGl = await initOn("auto", null, ["webgpu"], { description: "ANGLE (NVIDIA GeForce RTX 4090)", software: false });
    expect(hardwareGl.started).toEqual(["webgpu", "webgl"]);
  });

  it('"webgpu first" forces the software adapter; auto uses a hardware one first', async () => {
    expect((await initOn("webgpu", swiftshader)).started).toEqual(["webgpu"]);
    const hardware = await initOn("auto", { description: "nvidia hopper", software: false });
    expect(hardware.started).toEqual(["webgpu"]);
    expect(hardware.backend?.fallbacks).toEqual([]);
  });

  it("answers init with an error naming every backend that failed", async () => {
    const { answer } = await initOn("wasm", swiftshader, ["wasm", "cpu"]);
    expect(answer).toMatchObject({
      type: "error",
      id: 1,
      message: expect.stringContaining("wasm: wasm is broken here; cpu: cpu is broken here"),
    });
  });
});

describe("TrainingHandler", () => {
  it("falls back from webgpu to cpu and says why, then loads the bundled model", async () => {
    const t = harness();
    const { init, load } = await ready(t);
    const backend = t.of("backend")[0];
    expect(backend.backend).toBe("cpu");
    expect(backend.fallbacks[0].backend).toBe("webgpu");
    expect(backend.fallbacks[0].reason).toMatch(/navigator\.gpu/);
    expect(t.resultFor(init, "init").backend).toBe("cpu");
    const info = t.resultFor(load, "load-model").info;
    expect(info.architecture).toBe("Qwen3ForCausalLM");
    expect(info.vocabSize).toBe(64);
    expect(info.linearModules).toEqual(expect.arrayContaining(["q_proj", "v_proj", "down_proj"]));
    expect(info.defaultTargets).toEqual(["q_proj", "v_proj"]);
  });

  it("streams steps and generations, learns, and leaks no tensors across runs", async () => {
    const t = harness();
    await ready(t);
    const before = tf.memory().numTensors;
    const started = await t.send(start("a", 30, 10));
    expect(t.resultFor(started, "start")).toMatchObject({ runId: "a", totalSteps: 30 });
    // The reply comes before anything the run streams.
    expect(t.posted.findIndex((m) => m.type === "reply" && m.id === started)).toBeLessThan(
      t.posted.findIndex((m) => m.type === "run-state"),
    );
    const steps = t.of("step").map((m) => m.metrics);
    expect(steps.map((m) => m.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(steps[29].loss).toBeLessThan(steps[0].loss / 5);
    expect(steps[0].learningRate).toBeCloseTo(FAST.learningRate);
    expect(steps[29].learningRate).toBeLessThan(steps[0].learningRate);
    expect(steps.every((m) => m.tokens === 5 && m.gradNorm > 0 && m.msPerStep > 0)).toBe(true);
    // Generations before training (step 0), every 10 steps, and at the end.
    const gens = t.of("generations");
    expect(gens.map((g) => g.step)).toEqual([0, 10, 20, 30]);
    expect(gens[3].outputs[0]).toEqual([10, 11, 2]);
    expect(t.of("run-state").map((s) => s.state)).toEqual(["running", "finished"]);
    const afterRun = tf.memory().numTensors;
    const deleted = await t.send({ type: "delete-run", runId: "a" });
    expect(t.resultFor(deleted, "delete-run").runId).toBe("a");
    expect(tf.memory().numTensors).toBeLessThan(afterRun);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("continues a finished run for more epochs: steps, curve and answers go on; the schedule restarts, the optimizer does not", async () => {
    const t = harness();
    await ready(t);
    await t.send(start("c", 6, 3));
    const refused = await t.send({ type: "continue", runId: "nope", epochs: 2 });
    expect(t.errorFor(refused)).toMatch(/has no run nope/);
    // Two examples in a batch of two: one step per epoch, so 4 epochs are 4 steps.
    const more = await t.send({ type: "continue", runId: "c", epochs: 4 });
    expect(t.resultFor(more, "continue")).toEqual({ type: "continue", runId: "c", totalSteps: 10 });
    const steps = t.of("step").map((m) => m.metrics);
    expect(steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(steps[6].totalSteps).toBe(10);
    // transformers rebuilds the linear schedule for the second train(): back to the peak, then down.
    expect(steps[6].learningRate).toBeCloseTo(steps[0].learningRate);
    expect(steps[9].learningRate).toBeLessThan(steps[6].learningRate);
    // AdamW's moments carry over: the continued loss starts where the first part ended, not at the start.
    expect(steps[6].loss).toBeLessThan(steps[0].loss / 2);
    expect(t.of("generations").map((g) => g.step)).toEqual([0, 3, 6, 9, 10]);
    expect(t.of("run-state").map((s) => s.state)).toEqual(["running", "finished", "running", "finished"]);
    const again = await t.send({ type: "continue", runId: "c", epochs: 0 });
    expect(t.errorFor(again)).toMatch(/request\.epochs: expected a number > 0/);
  });

  it("pauses between steps, resumes, and stops", async () => {
    const t = harness((msg, handler) => {
      if (msg.type === "step" && msg.metrics.step === 3) void handler.handle({ id: 100, request: { type: "pause", runId: "p" } });
    });
    await ready(t);
    await t.send(start("p", 20, 0));
    expect(t.resultFor(100, "pause").runId).toBe("p");
    expect(t.of("step").length).toBe(3);
    expect(t.of("run-state").map((s) => s.state)).toEqual(["running", "paused"]);
    const resumed = t.send({ type: "resume", runId: "p" });
    await new Promise((r) => setTimeout(r, 0));
    const stopped = await t.send({ type: "stop", runId: "p" });
    const resume = await resumed;
    expect(t.resultFor(resume, "resume").runId).toBe("p");
    expect(t.resultFor(stopped, "stop").runId).toBe("p");
    const n = t.of("step").length;
    expect(n).toBeGreaterThan(3);
    expect(n).toBeLessThan(20);
    expect(t.of("run-state").map((s) => s.state)).toEqual(["running", "paused", "running", "stopped"]);
    expect(t.posted.at(-1)).toMatchObject({ type: "run-state", state: "stopped" });
  });

  it("answers the teacher-forced view and exports a PEFT adapter", async () => {
    const t = harness();
    await ready(t);
    await t.send(start("t", 4, 0));
    const tf1 = await t.send({ type: "teacher-forced", runId: "t", inputIds: [5, 6, 7, 1, 10] });
    expect(t.resultFor(tf1, "teacher-forced").predictions).toHaveLength(5);
    const base = await t.send({ type: "teacher-forced", runId: null, inputIds: [5, 6, 7] });
    expect(t.resultFor(base, "teacher-forced").predictions).toHaveLength(3);
    const exported = await t.send({ type: "export-adapter", runId: "t" });
    const adapter = t.resultFor(exported, "export-adapter");
    expect(JSON.parse(adapter.configJson)).toMatchObject({
      peft_type: "LORA",
      r: FAST.lora.r,
      lora_alpha: FAST.lora.loraAlpha,
    });
    expect(adapter.safetensors.byteLength).toBeGreaterThan(1000);
  });

  it("grows the embedding for tokens added at runtime", async () => {
    const t = harness();
    await ready(t);
    await t.send({
      ...start("n", 2, 0),
      newTokenIds: [64, 65],
      examples: [{ inputIds: [64, 6, 65, 10, 2], labels: [-100, -100, -100, 10, 2] }],
    });
    expect(t.of("run-state").at(-1)?.state).toBe("finished");
  });
});

describe("TrainingHandler answers every request, failing ones with an error for their id", () => {
  it("refuses what it cannot do, each for its own id with its own reason", async () => {
    const t = harness();
    // Before any model: a start and a teacher-forced view say what to do first.
    const early = await t.send(start("x", 2));
    expect(t.errorFor(early)).toMatch(/No model is loaded in the training worker yet; wait for it to load/);
    const earlyTf = await t.send({ type: "teacher-forced", runId: null, inputIds: [5] });
    expect(t.errorFor(earlyTf)).toMatch(/No model is loaded .*; load one, then ask again/);
    await ready(t);
    // Sent together, answered apart: each error names its own run.
    const [tf1, exp, pause, resume, stop] = await Promise.all([
      t.send({ type: "teacher-forced", runId: "ghost", inputIds: [5, 6] }),
      t.send({ type: "export-adapter", runId: "phantom" }),
      t.send({ type: "pause", runId: "p1" }),
      t.send({ type: "resume", runId: "r1" }),
      t.send({ type: "stop", runId: "s1" }),
    ]);
    expect(t.errorFor(tf1)).toMatch(/has no run ghost .*start a new run/);
    expect(t.errorFor(exp)).toMatch(/has no run phantom/);
    expect(t.errorFor(pause)).toMatch(/no run p1/);
    expect(t.errorFor(resume)).toMatch(/no run r1/);
    expect(t.errorFor(stop)).toMatch(/no run s1/);
    // Deleting a run the worker does not have is done, not an error.
    expect(t.resultFor(await t.send({ type: "delete-run", runId: "gone" }), "delete-run").runId).toBe("gone");
    expect(t.of("run-error")).toEqual([]);
  });

  it("answers a model that cannot load with the loader's reason, and loads the next one", async () => {
    const t = harness();
    await t.send({ type: "init", backends: ["cpu"], softwareWebgpu: "as-ordered" });
    const weights = [{ name: "model.safetensors", blob: new Blob([new Uint8Array(16)]) }];
    const bad = await t.send({
      type: "load-model",
      model: { kind: "files", name: "gpt2", config: { architectures: ["GPT2LMHeadModel"], model_type: "gpt2" }, weights },
    });
    expect(t.errorFor(bad)).toMatch(/GPT2LMHeadModel/);
    // The failure does not wedge the queue that orders init and load-model.
    const good = await t.send({ type: "load-model", model: { kind: "seeded", vocabSize: 64, eosTokenId: 2 } });
    expect(t.resultFor(good, "load-model").info.vocabSize).toBe(64);
  });

  it("answers a backend that cannot start with the reasons", async () => {
    const t = harness();
    const init = await t.send({ type: "init", backends: ["webgpu"], softwareWebgpu: "as-ordered" });
    expect(t.errorFor(init)).toMatch(/No tfjs backend could start in the training worker \(webgpu: .*navigator\.gpu.*\)\)\.$/);
  });

  it("refuses a malformed message for its id, or as a protocol error when it has none", async () => {
    const t = harness();
    await t.h.handle({ id: 41, request: { type: "start", runId: 3 } });
    expect(t.errorFor(41)).toMatch(/^Bad message to the training worker at request\.runId: .*reload the page\.$/);
    await t.h.handle({ id: 42, request: { type: "teacher-forced", requestId: 7, runId: null, inputIds: [] } });
    expect(t.errorFor(42)).toMatch(/request.*requestId/);
    await t.h.handle({ type: "pause", runId: "no envelope" });
    await t.h.handle({ id: "one", request: { type: "pause", runId: "x" } });
    expect(t.of("protocol-error").map((m) => m.message)).toEqual([expect.stringMatching(/at id:/), expect.stringMatching(/at id:/)]);
    expect(t.answers(41).concat(t.answers(42))).toHaveLength(2);
  });

  it("answers with an error when its reply cannot be posted, and never throws", async () => {
    // A reply the page cannot receive (postMessage throws DataCloneError) still settles its id.
    const t = harness(undefined, (msg) => {
      if (msg.type === "reply" && msg.result.type === "teacher-forced") throw new Error("DataCloneError: could not clone");
    });
    await ready(t);
    const id = await t.send({ type: "teacher-forced", runId: null, inputIds: [5, 6] });
    expect(t.errorFor(id)).toMatch(/DataCloneError/);
    // A post that always throws: handle() still resolves.
    const broken = new TrainingHandler({
      post: () => {
        throw new Error("gone");
      },
      setBackend,
      yieldToEvents: async () => {},
    });
    await expect(broken.handle({ id: 1, request: { type: "pause", runId: "x" } })).resolves.toBeUndefined();
  });
});

describe("TrainingHandler message order", () => {
  it("lets a page post init, load-model and start at once", async () => {
    const t = harness();
    const ids = await Promise.all([
      t.send({ type: "init", backends: ["cpu"], softwareWebgpu: "as-ordered" }),
      t.send({ type: "load-model", model: { kind: "seeded", vocabSize: 64, eosTokenId: 2 } }),
      t.send(start("all-at-once", 2, 0)),
    ]);
    expect(t.posted.filter((m) => m.type === "error")).toEqual([]);
    expect(ids.map((id) => t.answers(id).length)).toEqual([1, 1, 1]);
    expect(t.of("run-error")).toEqual([]);
    expect(t.of("run-state").at(-1)?.state).toBe("finished");
  });
});

describe("TrainingHandler vocabulary check", () => {
  it("refuses ids from another tokenizer with where they are and what to do", async () => {
    const t = harness();
    await ready(t);
    const id = await t.send({ ...start("v", 2, 0), examples: [examples[0], { inputIds: [5, 6, 900, 2], labels: [-100, -100, 900, 2] }] });
    const message = t.errorFor(id);
    expect(message).toMatch(/Token id 900 \(example 2, input id at position 2\) is outside the model's vocabulary of 64/);
    expect(message).toMatch(/Load the model's own tokenizer/);
    expect(t.of("run-state")).toEqual([]);
  });

  const bad = (ex: { inputIds: number[]; labels: number[] }) => ({ ...start("b", 2, 0), examples: [examples[0], ex] });
  it.each([
    [
      "a label past the vocabulary",
      bad({ inputIds: [5, 6, 2], labels: [-100, 70, 2] }),
      /Token id 70 \(example 2, label at position 1\) is outside the model's vocabulary of 64/,
    ],
    [
      "an input id of 1e12",
      bad({ inputIds: [5, 1e12, 2], labels: [-100, 6, 2] }),
      /Token id 1000000000000 \(example 2, input id at position 1\)/,
    ],
    [
      "a prompt id past the vocabulary",
      { ...start("b", 2, 0), prompts: [{ kind: "train", inputIds: [5, 64] }] },
      /\(prompt 1, input id at position 1\)/,
    ],
    [
      "an added token id of 1e12",
      { ...start("b", 2, 0), newTokenIds: [64, 1e12] },
      /Added token id 1000000000000 \(newTokenIds\[1\]\) is past the model's vocabulary of 64 plus the 2 added tokens/,
    ],
    [
      "a negative input id",
      bad({ inputIds: [5, -3, 2], labels: [-100, 6, 2] }),
      /at request\.examples\.1\.inputIds\.1: expected a token id ≥ 0/,
    ],
    [
      "-100 as an input id",
      bad({ inputIds: [-100, 6, 2], labels: [-100, 6, 2] }),
      /at request\.examples\.1\.inputIds\.0: .*-100 belongs in labels/,
    ],
    [
      "a negative label other than -100",
      bad({ inputIds: [5, 6, 2], labels: [-1, 6, 2] }),
      /at request\.examples\.1\.labels\.0: expected a token id ≥ 0, or -100/,
    ],
    [
      "a fractional id",
      bad({ inputIds: [5, 6.5, 2], labels: [-100, 6, 2] }),
      /at request\.examples\.1\.inputIds\.1: expected a whole token id/,
    ],
    [
      "fewer labels than input ids",
      bad({ inputIds: [5, 6, 7, 2], labels: [-100, 6, 2] }),
      /at request\.examples\.1\.labels: example 2 has 3 labels for 4 input ids; expected one label per input id/,
    ],
    ["more labels than input ids", bad({ inputIds: [5, 2], labels: [-100, 6, 2] }), /example 2 has 3 labels for 2 input ids/],
    [
      "r = 1e9",
      { ...start("b", 2, 0), settings: { ...start("b", 2, 0).settings, lora: { ...FAST.lora, r: 1e9 } } },
      /at request\.settings\.lora\.r/,
    ],
    ["epochs 1e300", { ...start("b", 2, 0), settings: { ...start("b", 2, 0).settings, epochs: 1e300 } }, /at request\.settings\.epochs/],
  ])("refuses %s, saying where", async (_name, request, message) => {
    const t = harness();
    await ready(t);
    const id = await t.send(request);
    expect(t.errorFor(id)).toMatch(message);
    expect(t.of("run-state")).toEqual([]);
  });

  it("refuses a teacher-forced view of ids past the vocabulary", async () => {
    const t = harness();
    await ready(t);
    const id = await t.send({ type: "teacher-forced", runId: null, inputIds: [5, 6, 99] });
    expect(t.errorFor(id)).toMatch(/Token id 99 \(teacher-forced view, input id at position 2\) is outside the model's vocabulary of 64/);
  });
});

describe("memory", () => {
  it("refuses a run whose largest step cannot fit before it starts, saying what to lower; a run that fits starts", async () => {
    const tight = harness(undefined, undefined, { backend: "wasm", totalBytes: 50_000, tensorBytes: null });
    await ready(tight);
    const refused = await tight.send(start("big", 2, 0));
    expect(tight.errorFor(refused)).toMatch(
      /needs about 0\.\d+ GB at its largest step \(batch 2 × 7 tokens × vocabulary 64\), more than the wasm backend can hold.*Lower the batch size or max_seq_length.*gradient_accumulation_steps keeps the same update/,
    );
    expect(tight.of("run-state")).toEqual([]);

    const buffer = harness(undefined, undefined, { backend: "webgpu", totalBytes: null, tensorBytes: 1000 });
    await ready(buffer);
    expect(buffer.errorFor(await buffer.send(start("big", 2, 0)))).toMatch(
      /logits \(batch 2 × 7 tokens × vocabulary 64\) take .* largest buffer the webgpu backend allows/,
    );

    const roomy = harness(undefined, undefined, { backend: "wasm", totalBytes: 4 * 1024 ** 3, tensorBytes: null });
    await ready(roomy);
    expect(roomy.resultFor(await roomy.send(start("ok", 2, 0)), "start").totalSteps).toBe(2);
  });

  it("with packing, counts and trains packed rows: the two examples (7 + 6 tokens) make one row of 13", async () => {
    const packed = () => {
      const base = start("packed", 0, 0);
      return { ...base, settings: { ...base.settings, epochs: 1, batchSize: 1, maxSeqLength: 16, packing: "bfd" as const } };
    };
    const tight = harness(undefined, undefined, { backend: "wasm", totalBytes: 50_000, tensorBytes: null });
    await ready(tight);
    expect(tight.errorFor(await tight.send(packed()))).toMatch(/batch 1 × 13 tokens/);
    const roomy = harness(undefined, undefined, { backend: "wasm", totalBytes: 4 * 1024 ** 3, tensorBytes: null });
    await ready(roomy);
    // One epoch of one row at batch 1: one step (two unpacked).
    expect(roomy.resultFor(await roomy.send(packed()), "start").totalSteps).toBe(1);
  });
});
