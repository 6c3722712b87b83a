// Runs in the environment's local storage: written at most every SAVE_EVERY_MS while training (and
// when the page is hidden, so a reload loses nothing), read back and validated at start. A run that
// was in progress when the page closed comes back "interrupted"; the worker's adapters do not
// survive a reload.
import { z } from "zod";
import { BACKENDS } from "../core/protocol";
import { TrainingSettingsSchema } from "../core/settings/trainingSettings";
import { environment, type Environment, type KeyValueStorage } from "./environment";
import { runWallMs, type RunRecord } from "./runRecord";

/** The list of runs and the baseline; each run is stored under its own key, so a step rewrites one run. */
export const RUNS_STORAGE_KEY = "finetuning-playground.runs.v1";
const runKey = (id: string) => `${RUNS_STORAGE_KEY}.${id}`;
const SAVE_EVERY_MS = 1000;

export interface SavedRuns {
  runs: Record<string, RunRecord>;
  runOrder: string[];
  baselineRunId: string | null;
}

const num = z.number();
const stepSchema = z.object({
  step: num,
  totalSteps: num,
  epoch: num,
  loss: num,
  learningRate: num,
  gradNorm: num,
  tokens: num,
  tokensPerSecond: num,
  // Runs saved before input tokens were reported read as 0 (unknown), not as unreadable.
  inputTokens: num.default(0),
  inputTokensPerSecond: num.default(0),
  msPerStep: num,
});
// The settings table's schema: a run keeps exactly the settings it was started with, which the worker accepted.
const settingsSchema = TrainingSettingsSchema;
const backend = z.enum(BACKENDS);
const runSchema = z.object({
  id: z.string(),
  createdAt: num,
  label: z.string(),
  modelName: z.string(),
  strategy: z.enum(["full", "markers", "completion-only", "special-tokens", "chat-template"]),
  backend: backend.nullable(),
  settings: settingsSchema,
  prompts: z.array(z.object({ kind: z.enum(["train", "holdout"]), question: z.string(), expected: z.string() })),
  status: z.enum(["running", "paused", "stopped", "finished", "failed", "starting", "interrupted"]),
  totalSteps: num,
  trainableParameters: num,
  // JSON turns NaN and Infinity into null: a NaN loss is exactly what a failed run may hold.
  steps: z.array(
    z.object({
      ...stepSchema.shape,
      loss: num.nullable().transform((v) => v ?? Number.NaN),
      gradNorm: num.nullable().transform((v) => v ?? Number.NaN),
    }),
  ),
  generations: z.array(z.object({ step: num, texts: z.array(z.string()), ended: z.array(z.boolean()).optional() })),
  wallMs: num,
  runningSince: num.nullable(),
  tokensTrained: num,
  errors: z.array(
    z.object({
      step: num,
      kind: z.enum(["nan", "device-lost", "out-of-memory", "other", "worker"]),
      message: z.string(),
      nextBackend: backend.nullable(),
    }),
  ),
  adapterInWorker: z.boolean(),
  dataFingerprint: z.string().optional(),
  trainerLog: z.object({ source: z.string(), points: z.array(z.tuple([num, num])) }).optional(),
});
const indexSchema = z.object({ runOrder: z.array(z.string()), baselineRunId: z.string().nullable() });

function parse<T>(schema: z.ZodType<T>, text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null; // an older format: skip it rather than show half a run
  } catch {
    return null;
  }
}

/**
 * What was saved last in each storage, by identity: only runs whose record changed since are
 * written again. Per storage, so a test's fresh fake storage gets every run.
 */
const writtenTo = new WeakMap<KeyValueStorage, Map<string, RunRecord>>();

function writtenIn(storage: KeyValueStorage): Map<string, RunRecord> {
  let written = writtenTo.get(storage);
  if (!written) writtenTo.set(storage, (written = new Map()));
  return written;
}

export function loadRuns(storage: KeyValueStorage | null = environment().storage): SavedRuns {
  const index = parse(indexSchema, storage?.getItem(RUNS_STORAGE_KEY));
  if (!storage || !index) return { runs: {}, runOrder: [], baselineRunId: null };
  const written = writtenIn(storage);
  const runs: Record<string, RunRecord> = {};
  for (const id of index.runOrder) {
    const r = parse(runSchema, storage.getItem(runKey(id)));
    if (!r) continue;
    const inProgress = r.status === "running" || r.status === "paused" || r.status === "starting";
    runs[id] = { ...r, status: inProgress ? "interrupted" : r.status, runningSince: null, adapterInWorker: false };
    written.set(id, runs[id]);
  }
  const runOrder = index.runOrder.filter((id) => runs[id]);
  return { runs, runOrder, baselineRunId: index.baselineRunId && runs[index.baselineRunId] ? index.baselineRunId : null };
}

export function saveRuns(saved: SavedRuns, storage: KeyValueStorage | null = environment().storage): void {
  if (!storage) return;
  const written = writtenIn(storage);
  try {
    for (const id of [...written.keys()]) {
      if (!saved.runs[id]) {
        storage.removeItem(runKey(id));
        written.delete(id);
      }
    }
    for (const id of saved.runOrder) {
      const run = saved.runs[id];
      if (written.get(id) === run) continue;
      // The running stretch is closed at save time, so an interrupted run keeps its time up to the last save.
      storage.setItem(runKey(id), JSON.stringify({ ...run, wallMs: runWallMs(run), runningSince: null }));
      written.set(id, run);
    }
    storage.setItem(RUNS_STORAGE_KEY, JSON.stringify({ runOrder: saved.runOrder, baselineRunId: saved.baselineRunId }));
  } catch {
    // Quota exceeded: the runs stay complete in memory for this session; older ones may not come back.
  }
}
let pending: (() => SavedRuns) | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/** The environment whose "hidden" event flushes, and how to stop listening to it. */
let hooked: { env: Environment; off: () => void } | null = null;

function flush(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  const read = pending;
  pending = null;
  if (read) saveRuns(read());
}

/** Saves soon (coalescing the per-step updates), and at once when the page is hidden or closed. */
export function scheduleSaveRuns(read: () => SavedRuns): void {
  pending = read;
  const env = environment();
  // Hooked once per environment: a test that swaps in a fake one gets its lifecycle, not the old one's.
  if (hooked?.env !== env) {
    hooked?.off();
    hooked = { env, off: env.lifecycle.onHidden(flush) };
  }
  if (timer === null) timer = setTimeout(flush, SAVE_EVERY_MS);
}
