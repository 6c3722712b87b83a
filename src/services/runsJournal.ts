// The last moment of a page, in localStorage: when the page is hidden or closed, the runs that the
// database has not committed yet are also written here, synchronously, because an IndexedDB
// transaction begun in `pagehide` may never commit (the page is gone before it does: measured in
// Chromium, where a reload mid-run lost the last second of steps). The next load writes them into the
// database and removes the key; a save that commits after it was written removes it too.
import type { DatabaseWrite, KeyValueStorage } from "./environment";
import { z } from "zod";
import { parseJson } from "./runCodec";
import { INDEX_KEY, runsIndexSchema } from "./runsMigration";

export const JOURNAL_KEY = "finetuning-playground.runs.unsaved";

const journalSchema = runsIndexSchema.extend({
  /** Run id → the record as JSON text (runCodec's encodeRun), for runs newer than the database's. */
  records: z.record(z.string(), z.string()),
  /** Runs deleted in the page but maybe still in the database. */
  deleted: z.array(z.string()),
});
export type RunsJournal = z.infer<typeof journalSchema>;

export function readJournal(storage: KeyValueStorage | null): RunsJournal | null {
  const text = storage?.getItem(JOURNAL_KEY);
  if (!text) return null;
  const json = parseJson(text);
  return json.ok ? (journalSchema.safeParse(json.value).data ?? null) : null;
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
