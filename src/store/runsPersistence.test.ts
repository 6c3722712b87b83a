// Runs survive a reload: saved per run, read back validated, in-progress runs come back interrupted.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_TRAINING } from "../core/playgroundState";
import { fakeEnvironment, setEnvironment } from "./environment";
import { loadRuns, RUNS_STORAGE_KEY, saveRuns, scheduleSaveRuns } from "./runsPersistence";
import { addGenerations, RUN_LIMITS, thinSteps, type RunRecord } from "./runRecord";

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

const step = (n: number) => ({
  step: n,
  totalSteps: 10,
  epoch: 1,
  loss: n === 2 ? Number.NaN : 1 / n,
  learningRate: 1e-3,
  gradNorm: 1,
  tokens: 3,
  tokensPerSecond: 10,
  inputTokens: 21,
  inputTokensPerSecond: 70,
  msPerStep: 5,
});

function run(id: string, status: RunRecord["status"]): RunRecord {
  return {
    id,
    createdAt: 1,
    label: id,
    modelName: "m",
    strategy: "markers",
    backend: "webgpu",
    settings: DEFAULT_TRAINING,
    prompts: [{ kind: "train", question: "q", expected: "a" }],
    status,
    totalSteps: 10,
    trainableParameters: 5,
    steps: [step(1), step(2)],
    generations: [{ step: 0, texts: ["x"] }],
    wallMs: 1000,
    runningSince: status === "running" ? Date.now() - 500 : null,
    tokensTrained: 6,
    errors: [],
    adapterInWorker: true,
  };
}

afterEach(() => setEnvironment(null));

describe("runs persistence", () => {
  it("round-trips runs; a running one comes back interrupted with its time so far; NaN losses survive", () => {
    const storage = memoryStorage();
    const runs = { a: run("a", "finished"), b: run("b", "running") };
    saveRuns({ runs, runOrder: ["a", "b"], baselineRunId: "a" }, storage);
    const back = loadRuns(storage);
    expect(back.runOrder).toEqual(["a", "b"]);
    expect(back.baselineRunId).toBe("a");
    expect(back.runs.a.status).toBe("finished");
    expect(back.runs.b.status).toBe("interrupted");
    expect(back.runs.b.wallMs).toBeGreaterThanOrEqual(1500);
    expect(back.runs.a.adapterInWorker).toBe(false);
    expect(Number.isNaN(back.runs.a.steps[1].loss)).toBe(true);
    saveRuns({ runs: { b: back.runs.b }, runOrder: ["b"], baselineRunId: null }, storage);
    expect(loadRuns(storage).runOrder).toEqual(["b"]);
  });

  it("a run saved before input tokens were reported still loads, with 0 for them", () => {
    const storage = memoryStorage();
    saveRuns({ runs: { a: run("a", "finished") }, runOrder: ["a"], baselineRunId: null }, storage);
    const key = RUNS_STORAGE_KEY + ".a";
    const old = JSON.parse(storage.getItem(key)!);
    for (const s of old.steps) {
      delete s.inputTokens;
      delete s.inputTokensPerSecond;
    }
    storage.setItem(key, JSON.stringify(old));
    const back = loadRuns(storage);
    expect(back.runs.a.steps[0]).toMatchObject({ tokens: 3, inputTokens: 0, inputTokensPerSecond: 0 });
  });

  it("scheduleSaveRuns waits, and flushes to the environment's storage at once when the page is hidden", () => {
    const env = fakeEnvironment();
    setEnvironment(env);
    const runs = { a: run("a", "running") };
    scheduleSaveRuns(() => ({ runs, runOrder: ["a"], baselineRunId: null }));
    expect(env.storedItems.has(RUNS_STORAGE_KEY)).toBe(false); // coalescing: nothing written yet
    env.hide();
    expect(env.storedItems.has(RUNS_STORAGE_KEY)).toBe(true);
    const back = loadRuns(env.storage);
    expect(back.runOrder).toEqual(["a"]);
    expect(back.runs.a.status).toBe("interrupted");
  });

  it("keeps the bounds", () => {
    const many = Array.from({ length: RUN_LIMITS.maxSteps + 1 }, (_, i) => step(i + 1));
    const thin = thinSteps(many);
    expect(thin.length).toBeLessThanOrEqual(RUN_LIMITS.maxSteps);
    expect(thin.at(-1)!.step).toBe(RUN_LIMITS.maxSteps + 1);
    let gens: RunRecord["generations"] = [];
    for (let s = 0; s < 100; s += 5) gens = addGenerations(gens, { step: s, texts: [] });
    gens = Array.from({ length: 60 }, (_, i) => i).reduce((g, s) => addGenerations(g, { step: s * 5, texts: [] }), gens);
    expect(gens.length).toBe(RUN_LIMITS.maxGenerations);
    expect(gens[0].step).toBe(0);
    expect(gens.at(-1)!.step).toBe(295);
  });
});
