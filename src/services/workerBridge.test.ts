// The bridge against a stub worker: every event is recorded into the run as it arrives, every call
// settles for its own id (resolved by its reply, rejected with the worker's message by its error),
// and a worker that dies rejects every waiting call and leaves its runs "interrupted", steps kept.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MASKING } from "../core/defaults";
import { BUNDLED_MODEL_MASKING, BUNDLED_MODEL_TRAINING, NOTEBOOK_TRAINING } from "../core/playgroundState";
import type { FromWorker, ToWorkerEnvelope } from "../core/protocol";
import { bundledTokenizer } from "../core/testing/bundledTokenizer";
import { publicFile } from "../core/testing/publicFiles";
import { timeVsBaseline } from "../ui/runs/RunsTable";
import { fakeEnvironment, setEnvironment } from "./environment";
import { loadBundledModel } from "./modelLoading";
import { usePlayground } from "../store/playgroundStore";
import { setCurrentTokenizer } from "../store/tokenizerHolder";
import { pauseRun, startRun } from "./trainingActions";
import { ensureModel, exportAdapter, teacherForced, terminateWorker } from "./workerBridge";

type Listener = (e: { data?: unknown; message?: string }) => void;
/** What the stub answers to a request: messages to post back (none: it never answers). */
type Responder = (env: ToWorkerEnvelope) => FromWorker[];

const info = {
  name: "stub",
  architecture: "qwen3",
  parameters: 1000,
  vocabSize: 10,
  linearModules: ["q_proj", "v_proj"],
  defaultTargets: ["q_proj", "v_proj"],
};

/** Answers init and load-model as a healthy worker does; everything else waits for the test. */
const healthy: Responder = ({ id, request }) => {
  if (request.type === "init")
    return [
      { type: "backend", backend: "cpu", fallbacks: [{ backend: "webgpu", kind: "failed", reason: "no adapter" }], adapter: null },
      { type: "reply", id, result: { type: "init", backend: "cpu" } },
    ];
  if (request.type === "load-model") return [{ type: "reply", id, result: { type: "load-model", info } }];
  return [];
};

class StubWorker {
  static last: StubWorker | null = null;
  static respond: Responder = healthy;
  posted: ToWorkerEnvelope[] = [];
  listeners = new Map<string, Listener[]>();
  terminated = false;
  constructor() {
    StubWorker.last = this;
  }
  addEventListener(type: string, fn: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  emit(data: unknown) {
    this.listeners.get("message")?.forEach((fn) => fn({ data }));
  }
  crash(message: string) {
    this.listeners.get("error")?.forEach((fn) => fn({ message }));
  }
  unreadable() {
    this.listeners.get("messageerror")?.forEach((fn) => fn({}));
  }
  terminate() {
    this.terminated = true;
  }
  postMessage(env: ToWorkerEnvelope) {
    this.posted.push(env);
    queueMicrotask(() => StubWorker.respond(env).forEach((m) => this.emit(m)));
  }
  /** The id the page gave its last request of `type`. */
  idOf(type: string): number {
    const env = this.posted.findLast((e) => e.request.type === type);
    if (!env) throw new Error(`no ${type} was posted`);
    return env.id;
  }
}

const metrics = (step: number) => ({
  step,
  totalSteps: 4,
  epoch: step / 2,
  loss: 3 - step * 0.5,
  learningRate: 1e-3,
  gradNorm: 1,
  tokens: 7,
  tokensPerSecond: 100,
  inputTokens: 21,
  inputTokensPerSecond: 300,
  msPerStep: 70,
});
const tick = () => new Promise((r) => setTimeout(r, 0));
/** An error answer for every request of the given types, with `message`. */
const refusing =
  (types: string[], message: (env: ToWorkerEnvelope) => string): Responder =>
  (env) =>
    types.includes(env.request.type) ? [{ type: "error", id: env.id, message: message(env) }] : healthy(env);

beforeEach(async () => {
  Reflect.set(globalThis, "Worker", StubWorker);
  StubWorker.respond = healthy;
  setEnvironment(fakeEnvironment({ appFile: publicFile }));
  setCurrentTokenizer(bundledTokenizer());
  // A run trains the model loaded last: the bundled one, through the same downloader as a hub model.
  await loadBundledModel();
  expect(usePlayground.getState().modelLoad.error).toBeNull();
});
afterEach(() => {
  terminateWorker("The test ended.");
  Reflect.deleteProperty(globalThis, "Worker");
  setEnvironment(null);
});

describe("worker bridge", () => {
  it("records steps, decoded generations and state as they arrive", async () => {
    const runId = await startRun();
    expect(runId).not.toBeNull();
    const w = StubWorker.last!;
    const start = w.posted.find((e) => e.request.type === "start")?.request;
    expect(start && start.type === "start" && start.prompts.length).toBe(6); // five examples and the holdout
    w.emit({ type: "reply", id: w.idOf("start"), result: { type: "start", runId: runId!, totalSteps: 4, trainableParameters: 123 } });
    w.emit({ type: "step", runId: runId!, metrics: metrics(1) });
    const hello = bundledTokenizer().encode("Hello");
    w.emit({ type: "generations", runId: runId!, step: 1, outputs: Array.from({ length: 6 }, () => hello) });
    await tick();
    let run = usePlayground.getState().runs[runId!];
    expect(run.status).toBe("running");
    expect(run.trainableParameters).toBe(123);
    expect(run.steps.map((s) => s.step)).toEqual([1]);
    expect(run.generations[0].texts[0]).toBe("Hello");
    expect(run.tokensTrained).toBe(7);
    pauseRun(runId!);
    expect(w.posted.at(-1)).toEqual({ id: expect.any(Number), request: { type: "pause", runId } });
    w.emit({ type: "run-state", runId: runId!, state: "paused" });
    expect(usePlayground.getState().runs[runId!].runningSince).toBeNull();
    w.emit({ type: "run-state", runId: runId!, state: "running" });
    w.emit({ type: "step", runId: runId!, metrics: metrics(2) });
    w.crash("boom");
    run = usePlayground.getState().runs[runId!];
    expect(run.status).toBe("interrupted");
    expect(run.steps).toHaveLength(2);
    expect(run.errors[0].kind).toBe("worker");
    expect(w.terminated).toBe(true);
    expect(usePlayground.getState().engine.workerError).toContain("boom");
  });

  it("a run error keeps the run's data and offers the next backend", async () => {
    const runId = (await startRun())!;
    const w = StubWorker.last!;
    w.emit({ type: "reply", id: w.idOf("start"), result: { type: "start", runId, totalSteps: 4, trainableParameters: 1 } });
    w.emit({ type: "step", runId, metrics: metrics(1) });
    w.emit({ type: "run-error", runId, step: 2, kind: "device-lost", message: "GPU lost", nextBackend: "wasm" });
    await tick();
    const run = usePlayground.getState().runs[runId];
    expect(run.status).toBe("failed");
    expect(run.errors[0]).toMatchObject({ step: 2, kind: "device-lost", nextBackend: "wasm" });
    expect(run.steps).toHaveLength(1);
  });

  it("a start the worker refuses fails the run with the worker's reason", async () => {
    StubWorker.respond = refusing(["start"], () => "Run r0 is still training; pause or stop it first.");
    const runId = (await startRun())!;
    await tick();
    const run = usePlayground.getState().runs[runId];
    expect(run.status).toBe("failed");
    expect(run.errors).toEqual([
      { step: 0, kind: "other", message: "Run r0 is still training; pause or stop it first.", nextBackend: null },
    ]);
  });

  it("compares wall time like the notebook", () => {
    // The notebook's numbers: 61.7 s against 70.8 s, both 75 steps.
    expect(timeVsBaseline(61.7, 75, 70.8, 75)).toBe("13% faster");
    expect(timeVsBaseline(80, 75, 70, 75)).toBe("14% slower");
    // A run stopped early is compared per step, and says so.
    expect(timeVsBaseline(10, 4, 100, 30)).toBe("25% faster per step");
  });
});

describe("worker bridge calls settle for their id", () => {
  it("teacherForced and exportAdapter reject with the worker's message when it answers an error", async () => {
    StubWorker.respond = refusing(["teacher-forced", "export-adapter"], ({ request }) =>
      request.type === "teacher-forced"
        ? `The training worker has no run ${request.runId}; start a new run.`
        : "Exporting failed: out of memory.",
    );
    await expect(teacherForced("ghost", [1, 2, 3])).rejects.toThrow("The training worker has no run ghost; start a new run.");
    await expect(exportAdapter("phantom")).rejects.toThrow("Exporting failed: out of memory.");
  });

  it("resolves each call with its own reply, whatever order the replies come in", async () => {
    await ensureModel("stub", { kind: "seeded", vocabSize: 10, eosTokenId: 2 });
    StubWorker.respond = () => [];
    const w = StubWorker.last!;
    const first = teacherForced(null, [1, 2]);
    const second = exportAdapter("r");
    await tick();
    w.emit({
      type: "reply",
      id: w.idOf("export-adapter"),
      result: { type: "export-adapter", runId: "r", configJson: "{}", safetensors: new ArrayBuffer(8) },
    });
    w.emit({ type: "reply", id: w.idOf("teacher-forced"), result: { type: "teacher-forced", predictions: [4, 5] } });
    await expect(first).resolves.toEqual([4, 5]);
    await expect(second).resolves.toMatchObject({ configJson: "{}" });
  });

  it("rejects a call whose reply fails the page's schema, saying where", async () => {
    await ensureModel("stub", { kind: "seeded", vocabSize: 10, eosTokenId: 2 });
    StubWorker.respond = () => [];
    const w = StubWorker.last!;
    const asked = teacherForced(null, [1]);
    await tick();
    w.emit({ type: "reply", id: w.idOf("teacher-forced"), result: { type: "teacher-forced", predictions: ["seven"] } });
    await expect(asked).rejects.toThrow(/Bad message from the training worker at result\.predictions\.0/);
  });

  it("rejects a load the worker refuses with its message, as the model panel shows it", async () => {
    StubWorker.respond = refusing(["load-model"], () => 'config.json: architecture "GPT2LMHeadModel" is not supported.');
    await expect(ensureModel("gpt2", { kind: "seeded", vocabSize: 10, eosTokenId: 2 })).rejects.toThrow(/GPT2LMHeadModel/);
    expect(usePlayground.getState().loadedModel).toBeNull();
  });

  it.each([
    [
      "crashes",
      (w: StubWorker) => w.crash("boom"),
      /^The training worker crashed: boom\. The training worker stopped before answering (the teacher-forced view|the adapter export|the model load): start again to restart it, or reload the page\.$/,
    ],
    [
      "sends what the page cannot read",
      (w: StubWorker) => w.unreadable(),
      /^The training worker sent a message the page could not read\. The training worker stopped before answering/,
    ],
    [
      "is terminated",
      () => terminateWorker("Restarted the worker on another backend."),
      /^Restarted the worker on another backend\. The training worker stopped before answering/,
    ],
  ])("rejects every waiting call when the worker %s", async (_, kill, message) => {
    await ensureModel("stub", { kind: "seeded", vocabSize: 10, eosTokenId: 2 });
    StubWorker.respond = () => []; // a worker that never answers again
    const w = StubWorker.last!;
    const calls = [teacherForced(null, [1, 2]), exportAdapter("r"), ensureModel("other", { kind: "seeded", vocabSize: 12, eosTokenId: 2 })];
    await tick();
    kill(w);
    const settled = await Promise.allSettled(calls);
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      expect(s.status === "rejected" && s.reason instanceof Error && s.reason.message).toMatch(message);
    }
    expect(w.terminated).toBe(true);
    // A call after the death starts a fresh worker rather than waiting on the dead one.
    StubWorker.respond = healthy;
    await expect(ensureModel("stub", { kind: "seeded", vocabSize: 10, eosTokenId: 2 })).resolves.toEqual(info);
    expect(StubWorker.last).not.toBe(w);
  });
});

describe("the bundled model's defaults", () => {
  const hubDefaults = () => {
    const { lora, ...rest } = structuredClone(NOTEBOOK_TRAINING);
    usePlayground.getState().setTraining(rest);
    usePlayground.getState().setLora(lora);
    usePlayground.getState().setMasking(structuredClone(DEFAULT_MASKING));
  };

  it("are swapped in when the user switches back from another model, if untouched", async () => {
    usePlayground.getState().setModel({ kind: "hub", id: "owner/model", revision: "main" });
    hubDefaults();
    await loadBundledModel();
    expect(usePlayground.getState().training).toEqual(BUNDLED_MODEL_TRAINING);
    expect(usePlayground.getState().masking).toEqual(BUNDLED_MODEL_MASKING);
  });

  it("do not replace the user's choice when the bundled model loads again (reload, worker restart)", async () => {
    hubDefaults(); // "use the Trainer's" and the notebook's markers, chosen on the bundled model
    await loadBundledModel();
    expect(usePlayground.getState().training).toEqual(NOTEBOOK_TRAINING);
    expect(usePlayground.getState().masking).toEqual(DEFAULT_MASKING);
  });
});
