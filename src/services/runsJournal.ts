// The last moment of a page, in localStorage: when the page is hidden or closed, the runs that the
// database has not committed yet are also written here, synchronously, because an IndexedDB
// transaction begun in `pagehide` may never commit (the page is gone before it does: measured in
// Chromium, where a reload mid-run lost the last second of steps). The next load writes them into the
// database and removes the key; a save that commits after it was written removes it too.
import type { DatabaseWrite, KeyValueStorage } from "./environment";
import { asIndex, INDEX_KEY } from "./runsMigration";

export const JOURNAL_KEY = "finetuning-playground.runs.unsaved";

export interface RunsJournal {
  runOrder: string[];
  baselineRunId: string | null;
  /** Run id → the record as JSON text (runCodec's encodeRun), for runs newer than the database's. */
  records: Record<string, string>;
  /** Runs deleted in the page but maybe still in the database. */
  deleted: string[];
}

export function readJournal(storage: KeyValueStorage | null): RunsJournal | null {
  const text = storage?.getItem(JOURNAL_KEY);
  if (!text) return null;
  try {
    const j = JSON.parse(text) as Partial<RunsJournal>;
    const index = asIndex(j);
    const records = j.records && typeof j.records === "object" ? Object.entries(j.records) : null;
    const deleted = Array.isArray(j.deleted) && j.deleted.every((id) => typeof id === "string");
    if (!index || !deleted || !records?.every(([, v]) => typeof v === "string")) return null;
    return { ...index, records: j.records!, deleted: j.deleted! };
  } catch {
    return null;
  }
}

/** Writes the journal; false when localStorage refuses it (full or blocked): the database's last save then stands. */
export function writeJournal(storage: KeyValueStorage | null, journal: RunsJournal): boolean {
  try {
    storage?.setItem(JOURNAL_KEY, JSON.stringify(journal));
    return storage !== null;
  } catch {
    return false;
  }
}

export function clearJournal(storage: KeyValueStorage | null): void {
  storage?.removeItem(JOURNAL_KEY);
}

/** A run's deletion from the database: its record and its adapter go together. */
export const runDeletion = (key: string): DatabaseWrite[] => [
  { kind: "delete", store: "runs", key },
  { kind: "delete", store: "adapters", key },
];

/** The journal as one database transaction: its records, its deletions, its order. */
export function journalWrites(j: RunsJournal): DatabaseWrite[] {
  return [
    ...Object.entries(j.records).map(([key, value]): DatabaseWrite => ({ kind: "put", store: "runs", key, value })),
    ...j.deleted.flatMap(runDeletion),
    { kind: "put", store: "meta", key: INDEX_KEY, value: { runOrder: j.runOrder, baselineRunId: j.baselineRunId } },
  ];
}
