// Runs that versions before the database kept in localStorage (the list under RUNS_STORAGE_KEY, each
// run under `${RUNS_STORAGE_KEY}.${id}`), moved into the database once: each record's text as it was
// (an unreadable one too, so it is skipped with a notice rather than lost), then the old keys removed.
import { z } from "zod";
import { errorMessage } from "../core/workerEnvelope";
import type { Database, DatabaseWrite, KeyValueStorage } from "./environment";
import { parseJson } from "./runCodec";

export const RUNS_STORAGE_KEY = "finetuning-playground.runs.v1";
/** The runs' order and baseline, under "index" in the database's meta store. */
export const INDEX_KEY = "index";

/** A baseline that is not a run id reads as none. */
export const runsIndexSchema = z.object({ runOrder: z.array(z.string()), baselineRunId: z.string().nullable().catch(null) });
export type RunsIndex = z.infer<typeof runsIndexSchema>;

export const asIndex = (value: unknown): RunsIndex | null => runsIndexSchema.safeParse(value).data ?? null;

/** The runs an earlier version left in localStorage: each record's text, and every key to remove once moved. */
function legacyRuns(storage: KeyValueStorage | null): { index: RunsIndex; texts: Map<string, string>; keys: string[] } | null {
  const text = storage?.getItem(RUNS_STORAGE_KEY);
  if (!storage || !text) return null;
  // A damaged list: its runs cannot be found, and the keys are left where they are.
  const json = parseJson(text);
  const index = json.ok ? asIndex(json.value) : null;
  if (!index) return null;
  const texts = new Map<string, string>();
  for (const id of index.runOrder) {
    const record = storage.getItem(`${RUNS_STORAGE_KEY}.${id}`);
    if (record !== null) texts.set(id, record);
  }
  return { index, texts, keys: [RUNS_STORAGE_KEY, ...index.runOrder.map((id) => `${RUNS_STORAGE_KEY}.${id}`)] };
}

/**
 * Moves localStorage's runs into the database (and into `records`, what the load shows); null when
 * there are none. A failed move says why, and the runs are then shown from localStorage, which keeps them.
 */
export async function moveLegacyRuns(db: Database, legacy: KeyValueStorage | null, records: Map<string, unknown>, index: RunsIndex | null) {
  const old = legacyRuns(legacy);
  if (!old) return null;
  const moved = [...old.texts].filter(([id]) => !records.has(id));
  // The database's order with localStorage's runs first: they are older.
  const merged: RunsIndex = {
    runOrder: [...new Set([...old.index.runOrder, ...(index?.runOrder ?? [])])],
    baselineRunId: index?.baselineRunId ?? old.index.baselineRunId,
  };
  for (const [id, text] of moved) records.set(id, text);
  try {
    await db.write([
      ...moved.map(([id, text]): DatabaseWrite => ({ kind: "put", store: "runs", key: id, value: text })),
      { kind: "put", store: "meta", key: INDEX_KEY, value: merged },
    ]);
    for (const key of old.keys) legacy!.removeItem(key);
    return { index: merged, error: null, notInDatabase: [] };
  } catch (err) {
    return {
      index: merged,
      error: `The runs an earlier version kept in localStorage could not be moved into the browser's database (${errorMessage(err)}); they are shown from localStorage, which keeps them until a move works.`,
      notInDatabase: moved.map(([id]) => id),
    };
  }
}
