// Runs and adapters survive a reload: saved per run into the database (the environment's in-memory
// stand-in), read back validated, in-progress runs come back interrupted; localStorage's runs move in
// once; an unreadable record is skipped with its reason; a full storage says which runs to delete.
import { describe, expect, it } from "vitest";
import { NOTEBOOK_TRAINING } from "../core/playgroundState";
import { fakeEnvironment, type FakeEnvironment } from "./environment";
import { encodeRun } from "./runCodec";
import { JOURNAL_KEY, runDeletion } from "./runsJournal";
import { addGenerations, RUN_LIMITS, thinSteps, type RunRecord } from "../store/runRecord";
import { testAdapter, testRun, testStep as step } from "./testing/runFixtures";
import {
  INDEX_KEY,
  loadAdapter,
  loadStoredRuns,
  RUNS_STORAGE_KEY,
  RunsNotSavedError,
  RunsWriter,
  storageErrorMessage,
} from "./runsPersistence";
import type { SavedRuns } from "../store/state";

const saved = (runs: RunRecord[], baselineRunId: string | null = null): SavedRuns => ({
  runs: Object.fromEntries(runs.map((r) => [r.id, r])),
  runOrder: runs.map((r) => r.id),
  baselineRunId,
});

function setup(options: Parameters<typeof fakeEnvironment>[0] = {}): { env: FakeEnvironment; writer: RunsWriter } {
  const env = fakeEnvironment(options);
  return { env, writer: new RunsWriter(env.database!) };
}

const reload = (env: FakeEnvironment) => loadStoredRuns(env.database!, env.storage);

describe("runs in the database", () => {
  it("round-trip: order, baseline, a running run back interrupted with its time so far, NaN losses", async () => {
    const { env, writer } = setup();
    await writer.save(saved([testRun("a", "finished"), testRun("b", "running")], "a"));
    const back = await reload(env);
    expect(back.runOrder).toEqual(["a", "b"]);
    expect(back.baselineRunId).toBe("a");
    expect(back.runs.a.status).toBe("finished");
    expect(back.runs.b.status).toBe("interrupted");
    expect(back.runs.b.wallMs).toBeGreaterThanOrEqual(1500);
    expect(back.runs.b.runningSince).toBeNull();
    expect(back.runs.a.adapterInWorker).toBe(false);
    expect(Number.isNaN(back.runs.a.steps[1].loss)).toBe(true);
    expect(back.runs.a.settings).toEqual(NOTEBOOK_TRAINING);
    expect(back.runs.a.generations).toEqual([{ step: 0, texts: ["x"] }]);
    expect(back.recordBytes.a).toBe((env.memoryDatabase.items.get("runs")!.get("a") as string).length);
  });

  it("writes only the runs whose record changed, and the order when it changed", async () => {
    const { env, writer } = setup();
    const a = testRun("a", "finished");
    const b = testRun("b", "running");
    expect(await writer.save(saved([a, b]))).toEqual({ runs: 2, adapters: 0, deleted: 0 });
    const b2 = { ...b, steps: [...b.steps, step(3)] };
    expect(await writer.save(saved([a, b2]))).toEqual({ runs: 1, adapters: 0, deleted: 0 });
    expect(await writer.save(saved([a, b2]))).toEqual({ runs: 0, adapters: 0, deleted: 0 });
    expect((await reload(env)).runs.b.steps).toHaveLength(3);
  });

  it("keeps an adapter with its run, byte for byte, and deleting the run deletes its adapter", async () => {
    const { env, writer } = setup();
    const a = testRun("a", "finished");
    const adapter = testAdapter(1000);
    writer.unsavedAdapters.set("a", adapter);
    expect(writer.unsavedAdapters.get("a")).toBe(adapter);
    const withAdapter = { ...a, storedAdapter: { step: 2, bytes: 1000 + adapter.configJson.length } };
    expect(await writer.save(saved([withAdapter, testRun("b", "stopped")]))).toMatchObject({ adapters: 1 });
    expect(writer.unsavedAdapters.get("a")).toBeUndefined();

    const back = await reload(env);
    expect(back.runs.a.storedAdapter).toEqual({ step: 2, bytes: 1027 });
    const kept = await loadAdapter(env.database!, "a");
    expect(kept?.configJson).toBe(adapter.configJson);
    expect(new Uint8Array(kept!.safetensors)).toEqual(new Uint8Array(adapter.safetensors));
    expect(await loadAdapter(env.database!, "b")).toBeNull();

    const writer2 = new RunsWriter(env.database!);
    writer2.loaded(back);
    expect(await writer2.save(saved([back.runs.b]))).toMatchObject({ deleted: 1 });
    expect(env.memoryDatabase.items.get("runs")!.has("a")).toBe(false);
    expect(env.memoryDatabase.items.get("adapters")!.has("a")).toBe(false);
    expect((await reload(env)).runOrder).toEqual(["b"]);
  });

  it("a run saved before input tokens were reported still loads, with 0 for them", async () => {
    const { env } = setup();
    const old = JSON.parse(encodeRun(testRun("a", "finished"))) as { steps: Array<Record<string, unknown>> };
    for (const s of old.steps) {
      delete s.inputTokens;
      delete s.inputTokensPerSecond;
    }
    await env.database!.write([{ kind: "put", store: "runs", key: "a", value: JSON.stringify(old) }]);
    const back = await reload(env);
    expect(back.runs.a.steps[0]).toMatchObject({ tokens: 3, inputTokens: 0, inputTokensPerSecond: 0 });
  });

  it("skips an unreadable record with where it fails, keeps it stored, and still shows the others", async () => {
    const { env, writer } = setup();
    await writer.save(saved([testRun("a", "finished"), testRun("b", "finished", 2)]));
    const bad = JSON.parse(encodeRun(testRun("a", "finished"))) as { settings: Record<string, unknown> };
    bad.settings.learningRate = "fast";
    await env.database!.write([
      { kind: "put", store: "runs", key: "a", value: JSON.stringify(bad) },
      { kind: "put", store: "runs", key: "c", value: "{not json" },
    ]);
    const back = await reload(env);
    expect(back.runOrder).toEqual(["b"]);
    expect(back.skipped).toEqual([
      { id: "a", reason: expect.stringMatching(/^settings\.learningRate: .*number/) as unknown },
      { id: "c", reason: expect.stringMatching(/^not JSON/) as unknown },
    ]);
    // Saving the shown runs leaves the unreadable ones alone; discarding removes them.
    const writer2 = new RunsWriter(env.database!);
    writer2.loaded(back);
    await writer2.save(saved([back.runs.b]));
    expect([...env.memoryDatabase.items.get("runs")!.keys()].sort()).toEqual(["a", "b", "c"]);
    await env.database!.write(["a", "c"].flatMap(runDeletion));
    expect([...env.memoryDatabase.items.get("runs")!.keys()]).toEqual(["b"]);
  });

  it("runs missing from the order (another tab's, a damaged index) are shown after the listed ones, oldest first", async () => {
    const { env } = setup();
    await env.database!.write([
      { kind: "put", store: "runs", key: "late", value: encodeRun(testRun("late", "finished", 30)) },
      { kind: "put", store: "runs", key: "early", value: encodeRun(testRun("early", "finished", 10)) },
      { kind: "put", store: "runs", key: "listed", value: encodeRun(testRun("listed", "finished", 20)) },
      { kind: "put", store: "meta", key: INDEX_KEY, value: { runOrder: ["gone", "listed"], baselineRunId: "gone" } },
      { kind: "put", store: "adapters", key: "orphan", value: testAdapter() },
    ]);
    const back = await reload(env);
    expect(back.runOrder).toEqual(["listed", "early", "late"]);
    expect(back.baselineRunId).toBeNull();
    expect(env.memoryDatabase.items.get("adapters")!.has("orphan")).toBe(false);
  });
});

describe("moving localStorage's runs into the database", () => {
  function legacy(env: FakeEnvironment, runs: RunRecord[], extra: Record<string, string> = {}) {
    const ids = [...runs.map((r) => r.id), ...Object.keys(extra)];
    env.storage!.setItem(RUNS_STORAGE_KEY, JSON.stringify({ runOrder: ids, baselineRunId: ids[0] }));
    for (const r of runs) env.storage!.setItem(`${RUNS_STORAGE_KEY}.${r.id}`, encodeRun(r));
    for (const [id, text] of Object.entries(extra)) env.storage!.setItem(`${RUNS_STORAGE_KEY}.${id}`, text);
  }

  it("moves every run once, as it was (an unreadable one too, skipped), then removes the old keys", async () => {
    const { env } = setup();
    legacy(env, [testRun("a", "finished"), testRun("b", "running")], { broken: '{"id": "broken"}' });
    const back = await reload(env);
    expect([...env.memoryDatabase.items.get("runs")!.keys()]).toEqual(["a", "b", "broken"]);
    expect(back.runOrder).toEqual(["a", "b"]);
    expect(back.baselineRunId).toBe("a");
    expect(back.runs.b.status).toBe("interrupted");
    expect(back.skipped.map((s) => s.id)).toEqual(["broken"]);
    expect(env.storedItems.size).toBe(0);
    expect(env.memoryDatabase.items.get("runs")!.get("broken")).toBe('{"id": "broken"}');
    const again = await reload(env);
    expect(again.runOrder).toEqual(["a", "b"]);
  });

  it("a run already in the database is not overwritten, and both lists are kept", async () => {
    const { env, writer } = setup();
    const newer = { ...testRun("a", "finished"), label: "newer" };
    await writer.save(saved([newer, testRun("z", "finished", 5)]));
    legacy(env, [testRun("a", "finished"), testRun("b", "finished")]);
    const back = await reload(env);
    expect(back.runs.a.label).toBe("newer");
    expect(back.runOrder).toEqual(["a", "b", "z"]);
  });

  it("when the database refuses the move, the runs are shown from localStorage, which keeps them", async () => {
    const { env } = setup({ quotaBytes: 10 });
    legacy(env, [testRun("a", "finished")]);
    const back = await reload(env);
    expect(back.runOrder).toEqual(["a"]);
    expect(back.notInDatabase).toEqual(["a"]);
    expect(back.migrationError).toMatch(/could not be moved .*quota/i);
    expect(env.storedItems.has(RUNS_STORAGE_KEY)).toBe(true);
  });
});

describe("the journal a closing page left in localStorage", () => {
  it("goes into the database first: newer records, deletions (with their adapters), the order; then it is removed", async () => {
    const { env, writer } = setup();
    writer.unsavedAdapters.set("gone", testAdapter());
    await writer.save(saved([testRun("a", "running"), { ...testRun("gone", "finished"), storedAdapter: { step: 2, bytes: 91 } }]));
    const newer = { ...testRun("a", "running"), steps: [step(1), step(2), step(3)] };
    const journal = writer.uncommitted(saved([newer]))!;
    expect(Object.keys(journal.records)).toEqual(["a"]);
    expect(journal.deleted).toEqual(["gone"]);
    env.storage!.setItem(JOURNAL_KEY, JSON.stringify(journal));
    const back = await reload(env);
    expect(back.runOrder).toEqual(["a"]);
    expect(back.runs.a.steps).toHaveLength(3);
    expect(back.runs.a.status).toBe("interrupted");
    expect(env.memoryDatabase.items.get("adapters")!.size).toBe(0);
    expect(env.storedItems.has(JOURNAL_KEY)).toBe(false);
    expect(writer.uncommitted(saved([testRun("b", "finished")]))).not.toBeNull();
  });

  it("when the database refuses it, the runs are shown from it and it stays for the next load", async () => {
    const { env } = setup({ quotaBytes: 10 });
    const journal = { runOrder: ["a"], baselineRunId: null, records: { a: encodeRun(testRun("a", "running")) }, deleted: [] };
    env.storage!.setItem(JOURNAL_KEY, JSON.stringify(journal));
    const back = await reload(env);
    expect(back.runOrder).toEqual(["a"]);
    expect(back.notInDatabase).toEqual(["a"]);
    expect(env.storedItems.has(JOURNAL_KEY)).toBe(true);
  });
});

describe("a full storage", () => {
  it("refuses the save as a whole, says what to delete, and the next save (after a deletion) writes it", async () => {
    const a = testRun("a", "finished");
    const big = { ...testRun("big", "finished", 2), storedAdapter: { step: 2, bytes: 5000 } };
    const { env, writer } = setup();
    writer.unsavedAdapters.set("big", testAdapter(5000));
    await writer.save(saved([a, big]));
    env.memoryDatabase.quotaBytes = env.memoryDatabase.usage() + 100;
    const c = { ...testRun("c", "finished", 3), storedAdapter: { step: 2, bytes: 2027 } };
    writer.unsavedAdapters.set("c", testAdapter(2000));
    const err = await writer.save(saved([a, big, c])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunsNotSavedError);
    const notSaved = err as RunsNotSavedError;
    expect(notSaved.runIds).toEqual(["c"]);
    expect(notSaved.adapterIds).toEqual(["c"]);
    expect(env.memoryDatabase.items.get("runs")!.has("c")).toBe(false); // all or nothing
    expect(writer.unsavedAdapters.get("c")).toBeDefined(); // still served from memory

    const message = storageErrorMessage(notSaved, {
      what: "run c and its adapter",
      largest: [{ label: "run big", bytes: 5027 + 900 }],
      estimate: { usage: 2e9, quota: 2e9 },
    });
    expect(message).toMatch(/storage for this page is full \(1\.9 GB of 1\.9 GB used\), so run c and its adapter could not be saved/);
    expect(message).toMatch(/Delete runs you no longer need, the largest first: run big \(5\.8 KB\)/);
    expect(message).toMatch(/"file ⤓" downloads a run/);

    // Deleting the big run makes room: the same writer now writes c and its adapter.
    expect(await writer.save(saved([a, c]))).toEqual({ runs: 1, adapters: 1, deleted: 1 });
    const back = await reload(env);
    expect(back.runOrder).toEqual(["a", "c"]);
    expect((await loadAdapter(env.database!, "c"))?.safetensors.byteLength).toBe(2000);
  });

  it("another refusal is said as it is, with the same way to keep the run", () => {
    const message = storageErrorMessage(new DOMException("The connection was closed.", "InvalidStateError"), {
      what: "run 7",
      largest: [],
      estimate: null,
    });
    expect(message).toMatch(/^The browser did not save run 7: The connection was closed\. The playground tries again/);
  });
});

describe("the record's bounds", () => {
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
