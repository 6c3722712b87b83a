// The store's runs kept in the (fake) browser database: loaded at start (localStorage's moved in),
// a run that finishes has its adapter fetched from the worker and kept, and after a "reload" the
// adapter downloads from the database; deleting a run deletes its adapter; a full storage says
// which runs to delete; hiding the page saves at once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeEnvironment, setEnvironment, type FakeEnvironment } from "./environment";
import { usePlayground } from "../store/playgroundStore";
import { encodeRun } from "./runCodec";
import { JOURNAL_KEY } from "./runsJournal";
import { loadStoredRuns, RUNS_STORAGE_KEY } from "./runsPersistence";
import { adapterFiles, flush, startRunsStorage, stopRunsStorage } from "./runsStorage";
import { testAdapter, testRun, testStep } from "./testing/runFixtures";
import * as bridge from "./workerBridge";

vi.mock("./workerBridge", () => ({ exportAdapter: vi.fn() }));
const exportAdapter = vi.mocked(bridge.exportAdapter);

let env: FakeEnvironment;
const store = () => usePlayground.getState();
const initial = usePlayground.getState();

function emptyStore(): void {
  usePlayground.setState({ runs: {}, runOrder: [], baselineRunId: null, currentRunId: null, runsStorage: initial.runsStorage });
}

/** A new page on the same browser storage. */
async function reload(): Promise<void> {
  await stopRunsStorage();
  emptyStore();
  await startRunsStorage();
}

beforeEach(() => {
  env = fakeEnvironment();
  setEnvironment(env);
  emptyStore();
  exportAdapter.mockReset();
  exportAdapter.mockImplementation(async () => {
    const { configJson, safetensors } = testAdapter(4096);
    return { configJson, safetensors };
  });
});
afterEach(async () => {
  await stopRunsStorage();
  setEnvironment(null);
});

describe("runs storage in the page", () => {
  it("shows the stored runs, the ones localStorage had included, newest current", async () => {
    await env.database!.write([{ kind: "put", store: "runs", key: "a", value: encodeRun(testRun("a", "finished", 1)) }]);
    env.storage!.setItem(RUNS_STORAGE_KEY, JSON.stringify({ runOrder: ["b"], baselineRunId: "b" }));
    env.storage!.setItem(`${RUNS_STORAGE_KEY}.b`, encodeRun(testRun("b", "running", 2)));
    await startRunsStorage();
    expect(store().runOrder).toEqual(["b", "a"]);
    expect(store().runs.b.status).toBe("interrupted");
    expect(store().currentRunId).toBe("a");
    expect(store().runsStorage).toMatchObject({ status: "saved", saveError: null, notices: [] });
    expect(store().runsStorage.recordBytes.a).toBeGreaterThan(100);
    await vi.waitFor(() => expect(store().runsStorage.estimate?.quota).toBe(1024 ** 3));
    expect(env.storedItems.size).toBe(0);
  });

  it("keeps a finished run's adapter: after a reload it downloads from the database, not the worker", async () => {
    await startRunsStorage();
    store().addRun({ ...testRun("r", "running"), adapterInWorker: true });
    store().updateRun("r", () => ({ status: "finished", runningSince: null }));
    await vi.waitFor(() => expect(store().runs.r.storedAdapter).toEqual({ step: 2, bytes: 4096 + 27 }));
    expect(exportAdapter).toHaveBeenCalledTimes(1);
    await flush();
    expect(env.memoryDatabase.items.get("adapters")!.has("r")).toBe(true);

    await reload();
    expect(store().runs.r).toMatchObject({ status: "finished", adapterInWorker: false, storedAdapter: { step: 2 } });
    const files = await adapterFiles("r");
    expect(files.configJson).toContain("LORA");
    expect(new Uint8Array(files.safetensors)).toEqual(new Uint8Array(testAdapter(4096).safetensors));
    expect(exportAdapter).toHaveBeenCalledTimes(1);
  });

  it("a run continued after its adapter was kept downloads the worker's newer one", async () => {
    await startRunsStorage();
    store().addRun({ ...testRun("r", "running"), adapterInWorker: true, storedAdapter: { step: 1, bytes: 10 } });
    await adapterFiles("r");
    expect(exportAdapter).toHaveBeenCalledTimes(1);
  });

  it("deleting a run deletes its adapter from the database", async () => {
    await startRunsStorage();
    store().addRun({ ...testRun("r", "running"), adapterInWorker: true });
    store().updateRun("r", () => ({ status: "stopped", runningSince: null }));
    await vi.waitFor(() => expect(env.memoryDatabase.items.get("adapters")!.has("r")).toBe(true));
    store().deleteRun("r");
    await flush();
    expect(env.memoryDatabase.items.get("runs")!.size).toBe(0);
    expect(env.memoryDatabase.items.get("adapters")!.size).toBe(0);
    await reload();
    expect(store().runOrder).toEqual([]);
  });

  it("a full storage says which run was not saved and which runs to delete; deleting one saves it", async () => {
    await startRunsStorage();
    store().addRun({ ...testRun("old", "finished", 1), label: "run 1", adapterInWorker: false });
    await flush();
    env.memoryDatabase.quotaBytes = env.memoryDatabase.usage() + 1000;
    store().addRun({ ...testRun("new", "running", 2), label: "run 2", adapterInWorker: true });
    store().updateRun("new", () => ({ status: "finished", runningSince: null }));
    await vi.waitFor(() => expect(store().runsStorage.saveError).not.toBeNull());
    const message = store().runsStorage.saveError!;
    expect(message).toMatch(/storage for this page is full \(.* of .* used\), so run 2 and its adapter could not be saved/);
    // The size reads in bytes or KB: a record holds every setting, so it grows past 1,000 bytes as the table grows.
    expect(message).toMatch(/Delete runs you no longer need, the largest first: run 1 \(\d+(\.\d)? (bytes|KB)\)/);
    // Still downloadable in this tab, from memory.
    expect((await adapterFiles("new")).safetensors.byteLength).toBe(4096);

    env.memoryDatabase.quotaBytes = 1024 ** 3; // as if deleting run 1 made room
    store().deleteRun("old");
    await flush();
    expect(store().runsStorage.saveError).toBeNull();
    expect(env.memoryDatabase.items.get("adapters")!.has("new")).toBe(true);
  });

  it("hiding the page saves at once, without waiting for the next save", async () => {
    await startRunsStorage();
    store().addRun(testRun("r", "running"));
    expect(env.memoryDatabase.items.get("runs")!.has("r")).toBe(false);
    env.hide();
    await vi.waitFor(() => expect(env.memoryDatabase.items.get("runs")!.has("r")).toBe(true));
    // The save committed, so the journal written in the same moment is not needed any more.
    await vi.waitFor(() => expect(env.storedItems.has(JOURNAL_KEY)).toBe(false));
  });

  it("a page closed before its last save commits: the journal in localStorage brings the last steps back", async () => {
    await startRunsStorage();
    store().addRun(testRun("r", "running"));
    await flush();
    store().updateRun("r", (r) => ({ steps: [...r.steps, testStep(3)] }));
    const write = env.memoryDatabase.write;
    env.memoryDatabase.write = () => new Promise(() => {}); // the page is gone before any transaction commits
    void flush(); // the coalesced save, begun just before the page closed
    env.hide(); // pagehide: the journal; its save has nothing new to write and resolves at once
    await new Promise((resolve) => setTimeout(resolve, 0));
    // As measured in Chromium: that empty save must not remove the journal while the one before it never committed.
    expect(JSON.parse(env.storedItems.get(JOURNAL_KEY)!)).toMatchObject({ runOrder: ["r"], deleted: [] });
    env.memoryDatabase.write = write;

    const next = await loadStoredRuns(env.database!, env.storage);
    expect(next.runs.r.steps.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(next.runs.r.status).toBe("interrupted");
    expect(env.storedItems.has(JOURNAL_KEY)).toBe(false);
    expect((await loadStoredRuns(env.database!, env.storage)).runs.r.steps).toHaveLength(3);
  });

  it("an unreadable record is a notice, not a crash", async () => {
    await env.database!.write([
      { kind: "put", store: "runs", key: "bad", value: '{"id":"bad"}' },
      { kind: "put", store: "runs", key: "ok", value: encodeRun(testRun("ok", "finished")) },
    ]);
    await startRunsStorage();
    expect(store().runOrder).toEqual(["ok"]);
    expect(store().runsStorage.notices).toEqual([expect.stringMatching(/^A run kept in this browser could not be read .*bad: /)]);
    expect(store().runsStorage.skippedIds).toEqual(["bad"]);
  });

  it("without a database, runs last as long as the tab, and the page says so", async () => {
    setEnvironment(fakeEnvironment({ database: "none" }));
    await startRunsStorage();
    expect(store().runsStorage.status).toBe("memory");
    expect(store().runsStorage.notices[0]).toMatch(/no database \(IndexedDB\)/);
  });
});
