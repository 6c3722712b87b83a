// The bridge against a stub worker: every message is recorded into the run as it arrives, and a
// worker that dies mid-run leaves the run "interrupted" with its steps kept.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FromWorker, ToWorker } from "../core/protocol";
import { bundledTokenizer } from "../core/testing/bundledTokenizer";
import { usePlayground } from "./playgroundStore";
import { setCurrentTokenizer } from "./tokenizerHolder";
import { startRun, pauseRun } from "./trainingActions";
import { timeVsBaseline } from "../ui/runs/RunsTable";

type Listener = (e: { data?: FromWorker; message?: string }) => void;

class StubWorker {
  static last: StubWorker | null = null;
  posted: ToWorker[] = [];
  listeners = new Map<string, Listener[]>();
  terminated = false;
  constructor() {
    StubWorker.last = this;
  }
  addEventListener(type: string, fn: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  emit(data: FromWorker) {
    this.listeners.get("message")?.forEach((fn) => fn({ data }));
  }
  crash(message: string) {
    this.listeners.get("error")?.forEach((fn) => fn({ message }));
  }
  terminate() {
    this.terminated = true;
  }
  postMessage(msg: ToWorker) {
    this.posted.push(msg);
    queueMicrotask(() => {
      if (msg.type === "init") this.emit({ type: "backend", backend: "cpu", fallbacks: [{ backend: "webgpu", reason: "no adapter" }], adapter: null });
      if (msg.type === "load-model") {
        this.emit({ type: "model-loaded", info: { name: "stub", architecture: "qwen3", parameters: 1000, vocabSize: 10, linearModules: ["q_proj", "v_proj"], defaultTargets: ["q_proj", "v_proj"] } });
      }
    });
  }
}

const metrics = (step: number) => ({ step, totalSteps: 4, epoch: step / 2, loss: 3 - step * 0.5, learningRate: 1e-3, gradNorm: 1, tokens: 7, tokensPerSecond: 100, msPerStep: 70 });
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  Reflect.set(globalThis, "Worker", StubWorker);
  setCurrentTokenizer(bundledTokenizer());
});
afterEach(() => {
  Reflect.deleteProperty(globalThis, "Worker");
});

describe("worker bridge", () => {
  it("records steps, decoded generations and state as they arrive", async () => {
    const runId = await startRun();
    expect(runId).not.toBeNull();
    const w = StubWorker.last!;
    const start = w.posted.find((m) => m.type === "start");
    expect(start && start.type === "start" && start.prompts.length).toBe(6); // five examples and the holdout
    w.emit({ type: "run-started", runId: runId!, totalSteps: 4, trainableParameters: 123 });
    w.emit({ type: "step", runId: runId!, metrics: metrics(1) });
    const hello = bundledTokenizer().encode("Hello");
    w.emit({ type: "generations", runId: runId!, step: 1, outputs: Array.from({ length: 6 }, () => hello) });
    let run = usePlayground.getState().runs[runId!];
    expect(run.status).toBe("running");
    expect(run.steps.map((s) => s.step)).toEqual([1]);
    expect(run.generations[0].texts[0]).toBe("Hello");
    expect(run.tokensTrained).toBe(7);
    pauseRun(runId!);
    expect(w.posted.at(-1)).toEqual({ type: "pause", runId });
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
    await tick();
    w.emit({ type: "run-started", runId, totalSteps: 4, trainableParameters: 1 });
    w.emit({ type: "step", runId, metrics: metrics(1) });
    w.emit({ type: "run-error", runId, step: 2, kind: "device-lost", message: "GPU lost", nextBackend: "wasm" });
    const run = usePlayground.getState().runs[runId];
    expect(run.status).toBe("failed");
    expect(run.errors[0]).toMatchObject({ step: 2, kind: "device-lost", nextBackend: "wasm" });
    expect(run.steps).toHaveLength(1);
  });

  it("compares wall time like the notebook", () => {
    // The notebook's numbers: 61.7 s against 70.8 s, both 75 steps.
    expect(timeVsBaseline(61.7, 75, 70.8, 75)).toBe("13% faster");
    expect(timeVsBaseline(80, 75, 70, 75)).toBe("14% slower");
    // A run stopped early is compared per step, and says so.
    expect(timeVsBaseline(10, 4, 100, 30)).toBe("25% faster per step");
  });
});
