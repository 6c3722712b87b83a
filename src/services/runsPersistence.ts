// Runs and their adapters in the browser's database (environment().database, IndexedDB): read back
// and validated at start, written while training (at most every second, coalesced by runsStorage.ts),
// each save one transaction, so a crash leaves the last whole save. Stores (environmentDatabase.ts):
//   runs      run id → the record as JSON text (runCodec.ts; the same text as a run file's run.json)
//   adapters  run id → { configJson, safetensors, step }: PEFT's two files, from the worker or a run file
//   meta      "index" → { runOrder, baselineRunId }
// At load, what a closing page had not committed comes in from localStorage first (runsJournal.ts),
// and the runs that earlier versions kept in localStorage are moved here once (runsMigration.ts).
// A record that cannot be read is skipped with a notice and left stored.
import { z } from "zod";
import { formatBytes } from "../core/dataset/bytes";
import type { StorageEstimate } from "../core/hub/download";
import { errorMessage } from "../core/workerEnvelope";
import type { Database, DatabaseWrite, KeyValueStorage } from "./environment";
import { decodeRun, encodeRun } from "./runCodec";
import type { RunRecord } from "../store/runRecord";
import type { SavedRuns } from "../store/state";
import { clearJournal, journalWrites, readJournal, runDeletion, type RunsJournal } from "./runsJournal";
import { asIndex, INDEX_KEY, moveLegacyRuns, type RunsIndex } from "./runsMigration";

export { INDEX_KEY, RUNS_STORAGE_KEY } from "./runsMigration";

/** A run's PEFT files as the worker exports them, and the step they were trained to. */
const storedAdapterSchema = z.object({ configJson: z.string(), safetensors: z.instanceof(ArrayBuffer), step: z.number() });
export type StoredAdapter = z.infer<typeof storedAdapterSchema>;

export const adapterBytes = (a: Pick<StoredAdapter, "configJson" | "safetensors">) => a.configJson.length + a.safetensors.byteLength;

export interface LoadedRuns extends SavedRuns {
  /** Records that could not be read: still stored, not shown. */
  skipped: Array<{ id: string; reason: string }>;
  /** Why the move from localStorage failed (those runs are shown from localStorage, which keeps them). */
  migrationError: string | null;
  /** Runs shown but not in the database (a failed move): the next save writes them. */
  notInDatabase: string[];
  /** The stored record's size per run (characters of JSON), without the adapter. */
  recordBytes: Record<string, number>;
}

/** Reads every run (moving localStorage's in first), newest last; adapters stay in the database until asked for. */
export async function loadStoredRuns(db: Database, legacy: KeyValueStorage | null): Promise<LoadedRuns> {
  // What the last page had not committed when it closed (runsJournal.ts) goes in first.
  let journal = readJournal(legacy);
  if (journal) {
    try {
      await db.write(journalWrites(journal));
      clearJournal(legacy);
      journal = null;
    } catch {
      // shown from the journal below; the next load tries again
    }
  }
  const [records, storedIndex, adapterKeys] = await Promise.all([db.getAll("runs"), db.get("meta", INDEX_KEY), db.keys("adapters")]);
  let index = asIndex(storedIndex);
  let notInDatabase: string[] = [];
  if (journal) {
    for (const id of journal.deleted) records.delete(id);
    for (const [id, text] of Object.entries(journal.records)) records.set(id, text);
    index = { runOrder: journal.runOrder, baselineRunId: journal.baselineRunId };
    notInDatabase = Object.keys(journal.records);
  }
  const moved = await moveLegacyRuns(db, legacy, records, index);
  if (moved) {
    index = moved.index;
    notInDatabase = [...notInDatabase, ...moved.notInDatabase];
  }
  const runs: Record<string, RunRecord> = {};
  const skipped: LoadedRuns["skipped"] = [];
  const recordBytes: Record<string, number> = {};
  const adapters = new Set(adapterKeys);
  for (const [id, stored] of records) {
    const got = decodeRun(stored);
    if (!got.ok) {
      skipped.push({ id, reason: got.reason });
      continue;
    }
    // The record may name an adapter that never reached the database (the journal's record of a page that closed first).
    const { storedAdapter, ...run } = got.value;
    runs[id] = storedAdapter && adapters.has(id) ? { ...run, storedAdapter } : run;
    recordBytes[id] = typeof stored === "string" ? stored.length : 0;
  }
  // Adapters whose run is gone (none should be: a run and its adapter are deleted together).
  const orphans = adapterKeys.filter((id) => !records.has(id));
  if (orphans.length) await db.write(orphans.map((key) => ({ kind: "delete", store: "adapters", key }))).catch(() => {});
  const listed = (index?.runOrder ?? []).filter((id, i, all) => runs[id] && all.indexOf(id) === i);
  const unlisted = Object.values(runs)
    .filter((r) => !listed.includes(r.id))
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((r) => r.id);
  const baseline = index?.baselineRunId;
  return {
    runs,
    runOrder: [...listed, ...unlisted],
    baselineRunId: baseline && runs[baseline] ? baseline : null,
    skipped,
    migrationError: moved?.error ?? null,
    notInDatabase,
    recordBytes,
  };
}

/** An adapter kept in the database, or null when there is none (or it is not one this page wrote). */
export async function loadAdapter(db: Database, runId: string): Promise<StoredAdapter | null> {
  return storedAdapterSchema.safeParse(await db.get("adapters", runId)).data ?? null;
}

/** A save that the database refused: which runs and adapters it held (they are tried again on the next save). */
export class RunsNotSavedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly runIds: string[],
    readonly adapterIds: string[],
  ) {
    super(errorMessage(cause));
  }
}

/**
 * Writes what changed since the last save: records by identity (a step rewrites one run), adapters
 * waiting to be kept, deletions (a run's adapter with it), the order. What a refused save held is
 * written again by the next one.
 */
export class RunsWriter {
  /** What the database holds for each run, by identity: only runs whose record changed are written. */
  private readonly written = new Map<string, RunRecord>();
  /** What the database has committed for each run, by identity (written is ahead of it while a save is in flight). */
  private readonly committed = new Map<string, RunRecord>();
  /** Runs the database may hold: a deleted run is removed from the database on the next save. */
  private readonly inDatabase = new Set<string>();
  /** Adapters kept with the next save; until it commits (or while refused) they are served from here. */
  readonly unsavedAdapters = new Map<string, StoredAdapter>();
  private readonly adaptersInFlight = new Set<string>();
  private readonly sizes = new Map<string, number>();
  private lastIndex = "";

  constructor(readonly db: Database) {}

  /** The runs a load read: they are in the database as they are. */
  loaded(loaded: LoadedRuns): void {
    for (const id of Object.keys(loaded.runs)) {
      if (loaded.notInDatabase.includes(id)) continue;
      this.written.set(id, loaded.runs[id]);
      this.committed.set(id, loaded.runs[id]);
      this.inDatabase.add(id);
      this.sizes.set(id, loaded.recordBytes[id] ?? 0);
    }
    this.lastIndex = JSON.stringify({ runOrder: loaded.runOrder, baselineRunId: loaded.baselineRunId });
  }

  /** Each stored record's size (characters of JSON), without its adapter. */
  recordBytes(): Record<string, number> {
    return Object.fromEntries(this.sizes);
  }

  /** Resolves with how much it wrote; rejects with RunsNotSavedError. */
  async save(saved: SavedRuns): Promise<{ runs: number; adapters: number; deleted: number }> {
    const writes: DatabaseWrite[] = [];
    const removed = [...this.inDatabase].filter((id) => !saved.runs[id]);
    for (const id of removed) {
      writes.push(...runDeletion(id));
      this.written.delete(id);
      this.sizes.delete(id);
    }
    for (const id of this.unsavedAdapters.keys()) if (!saved.runs[id]) this.unsavedAdapters.delete(id);
    const put: Array<[string, RunRecord]> = [];
    for (const id of saved.runOrder) {
      const run = saved.runs[id];
      if (!run || this.written.get(id) === run) continue;
      const text = encodeRun(run);
      writes.push({ kind: "put", store: "runs", key: id, value: text });
      put.push([id, run]);
      this.written.set(id, run);
      this.inDatabase.add(id);
      this.sizes.set(id, text.length);
    }
    const adapters = [...this.unsavedAdapters].filter(([id]) => !this.adaptersInFlight.has(id));
    for (const [id, adapter] of adapters) {
      writes.push({ kind: "put", store: "adapters", key: id, value: adapter });
      this.adaptersInFlight.add(id);
    }
    const index = JSON.stringify({ runOrder: saved.runOrder, baselineRunId: saved.baselineRunId });
    if (index !== this.lastIndex) writes.push({ kind: "put", store: "meta", key: INDEX_KEY, value: JSON.parse(index) as RunsIndex });
    this.lastIndex = index;
    const wrote = { runs: put.length, adapters: adapters.length, deleted: removed.length };
    if (writes.length === 0) return wrote;
    try {
      await this.db.write(writes);
      for (const id of removed) {
        this.inDatabase.delete(id);
        this.committed.delete(id);
      }
      for (const [id, run] of put) this.committed.set(id, run);
      for (const [id, adapter] of adapters) if (this.unsavedAdapters.get(id) === adapter) this.unsavedAdapters.delete(id);
      return wrote;
    } catch (err) {
      for (const [id, run] of put) if (this.written.get(id) === run) this.written.delete(id);
      this.lastIndex = "";
      throw new RunsNotSavedError(
        err,
        put.map(([id]) => id),
        adapters.map(([id]) => id),
      );
    } finally {
      for (const [id] of adapters) this.adaptersInFlight.delete(id);
    }
  }

  /** What the database has not committed of `saved` (for runsJournal.ts), or null when it has everything. */
  uncommitted(saved: SavedRuns): RunsJournal | null {
    const records: Record<string, string> = {};
    for (const id of saved.runOrder)
      if (saved.runs[id] && this.committed.get(id) !== saved.runs[id]) records[id] = encodeRun(saved.runs[id]);
    const deleted = [...this.inDatabase].filter((id) => !saved.runs[id]);
    if (Object.keys(records).length === 0 && deleted.length === 0) return null;
    return { runOrder: saved.runOrder, baselineRunId: saved.baselineRunId, records, deleted };
  }
}

export const isQuotaError = (err: unknown) => {
  const name = (err as { name?: unknown } | null)?.name;
  return name === "QuotaExceededError" || name === "NS_ERROR_DOM_QUOTA_REACHED";
};

export interface UnsavedContext {
  /** "run 7 and its adapter", "2 runs": what the refused save held. */
  what: string;
  /** The runs taking the most space, largest first. */
  largest: Array<{ label: string; bytes: number }>;
  estimate: StorageEstimate | null;
}

/** Why a save failed and what to do: when the storage is full, which runs to delete to make room. */
export function storageErrorMessage(err: unknown, { what, largest, estimate }: UnsavedContext): string {
  const cause = err instanceof RunsNotSavedError ? err.cause : err;
  const keep = `Until then, only this tab holds ${what} (gone when it closes); "file ⤓" downloads a run to keep it elsewhere.`;
  if (!isQuotaError(cause))
    return `The browser did not save ${what}: ${errorMessage(cause).replace(/\.$/, "")}. The playground tries again on the next change. ${keep}`;
  const used = estimate ? ` (${formatBytes(estimate.usage)} of ${formatBytes(estimate.quota)} used)` : "";
  const candidates = largest.length ? `, the largest first: ${largest.map((r) => `${r.label} (${formatBytes(r.bytes)})`).join(", ")}` : "";
  return `The browser's storage for this page is full${used}, so ${what} could not be saved. Delete runs you no longer need${candidates}; the playground then saves again. ${keep}`;
}
