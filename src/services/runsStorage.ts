// Keeps the store's runs in the browser's database (runsPersistence.ts): loads them at start, saves
// what changed at most every SAVE_EVERY_MS while training and at once when the page is hidden or
// closed, asks the worker for a run's adapter when the run finishes, stops or pauses and keeps it
// with the run, and reports storage use and failed saves (a full storage says which runs to delete)
// in the store's runsStorage state. startRunsStorage() is called once by the page's entry.
import type { StorageEstimate } from "../core/hub/download";
import { environment, type Environment } from "./environment";
import { runsStorageChanged, storedRunsLoaded } from "../store/actions";
import { store, usePlayground } from "../store/playgroundStore";
import type { PlaygroundState } from "../store/state";
import { keepsAdapter } from "../store/runRecord";
import {
  adapterBytes,
  loadAdapter,
  loadStoredRuns,
  RunsNotSavedError,
  RunsWriter,
  storageErrorMessage,
  type LoadedRuns,
  type StoredAdapter,
} from "./runsPersistence";
import { clearJournal, runDeletion, writeJournal } from "./runsJournal";
import { forgetCheckpoints } from "./runCheckpoints";
import * as bridge from "./workerBridge";

const SAVE_EVERY_MS = 1000;
/** The storage estimate is read again after a save at most this often (and after every adapter or deletion). */
const ESTIMATE_EVERY_MS = 10_000;

interface Session {
  env: Environment;
  writer: RunsWriter;
  timer: ReturnType<typeof setTimeout> | null;
  lastEstimateAt: number;
  /** Runs whose adapter is being exported: true when asked again meanwhile (a continued run that ended again). */
  exporting: Map<string, boolean>;
  /** Counts journals written (runsJournal.ts); a save begun after the latest one makes it unneeded. */
  journals: number;
  stop: () => void;
}

let session: Session | null = null;
/** Without a database: adapters brought in by a run file, for as long as the tab lives. */
const memoryAdapters = new Map<string, StoredAdapter>();

/** Loads the stored runs into the store and keeps saving them; resolves once they are shown. */
export async function startRunsStorage(): Promise<void> {
  await stopRunsStorage();
  const env = environment();
  const db = env.database;
  const inMemory = (notice: string) => runsStorageChanged({ status: "memory", notices: [notice] });
  if (!db) return inMemory("This browser gives the page no database (IndexedDB), so runs and adapters last only as long as this tab.");
  let loaded: LoadedRuns;
  try {
    loaded = await loadStoredRuns(db, env.storage);
  } catch (err) {
    return inMemory(
      `The browser's database did not open (${(err as Error).message}), so runs and adapters last only as long as this tab; "file ⤓" downloads one to keep it.`,
    );
  }
  const writer = new RunsWriter(db);
  writer.loaded(loaded);
  const n = loaded.skipped.length;
  const skipped = `${n === 1 ? "A run" : `${n} runs`} kept in this browser could not be read and ${n === 1 ? "is" : "are"} not shown (saved by another version of the playground, or damaged): ${loaded.skipped.map((r) => `${r.id}: ${r.reason}`).join("; ")}.`;
  const notices = [n ? skipped : null, loaded.migrationError].filter((notice) => notice !== null);
  storedRunsLoaded(loaded, {
    status: "saved",
    notices,
    skippedIds: loaded.skipped.map((r) => r.id),
    recordBytes: writer.recordBytes(),
  });
  const unsubscribe = usePlayground.subscribe(changed);
  const offHidden = env.lifecycle.onHidden(hidden);
  session = {
    env,
    writer,
    timer: null,
    lastEstimateAt: 0,
    exporting: new Map(),
    journals: 0,
    stop: () => {
      unsubscribe();
      offHidden();
    },
  };
  if (store().runOrder.some((id) => !loaded.runs[id]) || loaded.notInDatabase.length) schedule();
  // Checkpoints whose run is gone, or was not read, stay out of the way of the quota.
  void forgetCheckpoints((id) => id in loaded.runs || loaded.skipped.some((r) => r.id === id)).catch(() => {});
  void refreshEstimate(true);
}

/** Stops saving (a test's teardown, or before starting again); what was waiting is saved first. */
export function stopRunsStorage(): Promise<void> {
  const s = session;
  if (!s) return Promise.resolve();
  const saved = flush();
  s.stop();
  if (s.timer !== null) clearTimeout(s.timer);
  session = null;
  return saved;
}

function changed(s: PlaygroundState, prev: PlaygroundState): void {
  if (s.runs === prev.runs && s.runOrder === prev.runOrder && s.baselineRunId === prev.baselineRunId) return;
  schedule();
  // A deleted run's checkpoints go with it (they are kept apart from its record, one per step).
  if (Object.keys(prev.runs).some((id) => !s.runs[id])) void forgetCheckpoints((id) => id in store().runs).catch(() => {});
  // A run that just finished, stopped or paused: its adapter is kept.
  for (const [id, run] of Object.entries(s.runs))
    if (run.status !== prev.runs[id]?.status && keepsAdapter(run) && run.adapterInWorker) void keepAdapterFromWorker(id);
}

/** The page is hidden or closing: what the database has not committed goes to localStorage at once, then a save starts. */
function hidden(): void {
  const s = session;
  if (!s) return;
  const journal = s.writer.uncommitted(store());
  if (journal && writeJournal(s.env.storage, journal)) s.journals++;
  void flush();
}

function schedule(): void {
  if (session && session.timer === null) session.timer = setTimeout(() => void flush(), SAVE_EVERY_MS);
}

/** Saves now; resolves when the database has it (or refused it, which runsStorage.saveError then says). */
export function flush(): Promise<void> {
  const s = session;
  if (!s) return Promise.resolve();
  if (s.timer !== null) clearTimeout(s.timer);
  s.timer = null;
  // The state as it is now (the store replaces it on every change), for the save and the check after it.
  const saved = store();
  const journals = s.journals;
  return s.writer.save(saved).then(
    (wrote) => {
      // Begun after the latest journal, and the database has committed all it held (a save with
      // nothing to write resolves at once, while the one before it may still be in flight).
      if (journals > 0 && journals === s.journals && s.writer.uncommitted(saved) === null) {
        clearJournal(s.env.storage);
        s.journals = 0;
      }
      if (store().runsStorage.saveError !== null) runsStorageChanged({ saveError: null });
      const bytes = s.writer.recordBytes();
      if (JSON.stringify(bytes) !== JSON.stringify(store().runsStorage.recordBytes)) runsStorageChanged({ recordBytes: bytes });
      void refreshEstimate(wrote.adapters > 0 || wrote.deleted > 0);
    },
    async (err: unknown) => {
      const estimate = (await s.env.estimateStorage().catch(() => null)) ?? store().runsStorage.estimate;
      runsStorageChanged({ saveError: unsavedMessage(err, s.writer, estimate), estimate });
    },
  );
}

/** "run 7 and its adapter", "2 runs and 1 adapter", "the list of runs". */
function describeUnsaved(err: RunsNotSavedError): string {
  const runs = store().runs;
  const labels = err.runIds.map((id) => runs[id]?.label ?? id);
  const adapterOnly = err.adapterIds.filter((id) => !err.runIds.includes(id)).map((id) => `the adapter of ${runs[id]?.label ?? id}`);
  if (labels.length === 1 && err.adapterIds.includes(err.runIds[0]) && adapterOnly.length === 0) return `${labels[0]} and its adapter`;
  const parts = [...(labels.length > 3 ? [`${labels.length} runs`] : labels), ...adapterOnly];
  if (parts.length === 0) return "the list of runs";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

function unsavedMessage(err: unknown, writer: RunsWriter, estimate: StorageEstimate | null): string {
  const notSaved = err instanceof RunsNotSavedError ? err : new RunsNotSavedError(err, [], []);
  const bytes = writer.recordBytes();
  const unsaved = new Set([...notSaved.runIds, ...notSaved.adapterIds]);
  const largest = store()
    .runOrder.filter((id) => !unsaved.has(id))
    .map((id) => {
      const run = store().runs[id];
      return { label: run.label, bytes: (bytes[id] ?? 0) + (run.storedAdapter?.bytes ?? 0) };
    })
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  return storageErrorMessage(notSaved, { what: describeUnsaved(notSaved), largest, estimate });
}

async function refreshEstimate(force: boolean): Promise<void> {
  const s = session;
  if (!s || (!force && Date.now() - s.lastEstimateAt < ESTIMATE_EVERY_MS)) return;
  s.lastEstimateAt = Date.now();
  const estimate = await s.env.estimateStorage().catch(() => null);
  if (estimate) runsStorageChanged({ estimate });
}

/** Asks the worker for the run's adapter and keeps it with the run (again if the run ended again meanwhile). */
async function keepAdapterFromWorker(runId: string): Promise<void> {
  const s = session;
  if (!s) return;
  if (s.exporting.has(runId)) {
    s.exporting.set(runId, true);
    return;
  }
  try {
    do {
      s.exporting.set(runId, false);
      const run = store().runs[runId];
      if (!run?.adapterInWorker) break;
      const step = run.steps.at(-1)?.step ?? 0;
      const files = await bridge.exportAdapter(runId);
      if (session !== s || !store().runs[runId]) break;
      keepAdapter(runId, { ...files, step });
    } while (s.exporting.get(runId));
  } catch (err) {
    const label = store().runs[runId]?.label ?? runId;
    runsStorageChanged({
      saveError: `The adapter of ${label} could not be read from the worker to keep it (${(err as Error).message}); download it with "adapter ⤓" while the worker still holds it.`,
    });
  } finally {
    s.exporting.delete(runId);
  }
}

/** Keeps `adapter` with the run and saves at once: a finished run's adapter is the thing worth keeping. */
export function keepAdapter(runId: string, adapter: StoredAdapter): void {
  if (session) session.writer.unsavedAdapters.set(runId, adapter);
  else memoryAdapters.set(runId, adapter);
  store().updateRun(runId, () => ({ storedAdapter: { step: adapter.step, bytes: adapterBytes(adapter) } }));
  void flush();
}

/**
 * A run's PEFT files: the worker's when it holds a newer adapter than the one kept, else the one
 * kept in this browser (also after a reload), else the worker's.
 */
export async function adapterFiles(runId: string): Promise<StoredAdapter> {
  const run = store().runs[runId];
  if (!run) throw new Error("This run was deleted.");
  const step = run.steps.at(-1)?.step ?? 0;
  const fromWorker = async () => ({ ...(await bridge.exportAdapter(runId)), step });
  if (run.adapterInWorker && run.storedAdapter?.step !== step) return fromWorker();
  const unsaved = session?.writer.unsavedAdapters.get(runId) ?? memoryAdapters.get(runId);
  if (unsaved) return unsaved;
  const kept = run.storedAdapter && session ? await loadAdapter(session.writer.db, runId) : null;
  if (kept) return kept;
  if (run.adapterInWorker) return fromWorker();
  throw new Error(
    `${run.label}'s adapter was not kept: the worker lost it (a reload or a restart) before it was saved in this browser. Train the run again to get one.`,
  );
}

/** Removes the records the load could not read (and their adapters) from the database. */
export async function discardUnreadableRuns(): Promise<void> {
  const s = session;
  const ids = store().runsStorage.skippedIds;
  if (!s || ids.length === 0) return;
  await s.writer.db.write(ids.flatMap(runDeletion));
  runsStorageChanged({ skippedIds: [], notices: store().runsStorage.notices.filter((n) => !ids.some((id) => n.includes(id))) });
  void refreshEstimate(true);
}
