// A run record as text, the one format for every place a run is kept: the browser's database, the
// localStorage of earlier versions (read once, to migrate) and run files. Reading validates it with
// the settings table's schema and the record's own, so an old or damaged record is reported and
// skipped rather than shown half-read.
import { firstIssue } from "../core/firstIssue";
import { z } from "zod";
import { BACKENDS, stepMetricsSchema } from "../core/protocol";
import { TrainingSettingsSchema } from "../core/settings/trainingSettings";
import { TrainerChoiceSchema } from "../core/trainers/trainerView";
import { STRATEGIES } from "../core/types";
import { inProgress, RUN_RECORD_ERROR_KINDS, RUN_STATUSES, runWallMs, type RunRecord } from "../store/runRecord";

const num = z.number();
const { shape } = stepMetricsSchema;
const backend = z.enum(BACKENDS);
const runSchema = z.object({
  id: z.string().min(1),
  createdAt: num,
  label: z.string(),
  modelName: z.string(),
  strategy: z.enum(STRATEGIES),
  backend: backend.nullable(),
  // The settings table's schema: a run keeps exactly the settings it was started with, which the worker accepted.
  settings: TrainingSettingsSchema,
  prompts: z.array(z.object({ kind: z.enum(["train", "holdout"]), question: z.string(), expected: z.string() })),
  status: z.enum(RUN_STATUSES),
  totalSteps: num,
  trainableParameters: num,
  // JSON turns NaN and Infinity into null: a NaN loss is exactly what a failed run may hold.
  steps: z.array(
    z.object({
      ...shape,
      loss: num.nullable().transform((v) => v ?? Number.NaN),
      gradNorm: num.nullable().transform((v) => v ?? Number.NaN),
      evalLoss: num
        .nullable()
        .optional()
        .transform((v) => (v === null ? Number.NaN : v)),
      // Runs saved before input tokens were reported read as 0 (unknown), not as unreadable.
      inputTokens: shape.inputTokens.default(0),
      inputTokensPerSecond: shape.inputTokensPerSecond.default(0),
    }),
  ),
  generations: z.array(z.object({ step: num, texts: z.array(z.string()), ended: z.array(z.boolean()).optional() })),
  wallMs: num,
  runningSince: num.nullable(),
  tokensTrained: num,
  errors: z.array(
    z.object({
      step: num,
      kind: z.enum(RUN_RECORD_ERROR_KINDS),
      message: z.string(),
      nextBackend: backend.nullable(),
    }),
  ),
  adapterInWorker: z.boolean(),
  storedAdapter: z.object({ step: num, bytes: num }).optional(),
  checkpoint: z.object({ step: num, bytes: num, takeMs: num, writeMs: num }).optional(),
  dataFingerprint: z.string().optional(),
  trainer: TrainerChoiceSchema.optional(),
  trainerLog: z.object({ source: z.string(), points: z.array(z.tuple([num, num])) }).optional(),
});

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseJson(text: string): Decoded<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
}

/**
 * The run as it comes back in a new page: a run that was in progress when the page closed is
 * "interrupted" with what it had; no worker holds its adapter any more.
 */
export function restoredRun(run: RunRecord): RunRecord {
  return { ...run, status: inProgress(run) ? "interrupted" : run.status, runningSince: null, adapterInWorker: false };
}

/** A stored record (JSON text) or an already parsed one, validated and restored. */
export function decodeRun(stored: unknown): Decoded<RunRecord> {
  let value = stored;
  if (typeof stored === "string") {
    const json = parseJson(stored);
    if (!json.ok) return json;
    value = json.value;
  }
  const r = runSchema.safeParse(value);
  return r.success ? { ok: true, value: restoredRun(r.data) } : { ok: false, reason: firstIssue(r.error) };
}

/** The record as stored; the running stretch is closed now, so an interrupted run keeps its time up to the last save. */
export function encodeRun(run: RunRecord, now = Date.now()): string {
  return JSON.stringify({ ...run, wallMs: runWallMs(run, now), runningSince: null });
}

/** What a run file's run.json says it is, so other JSON is told apart from a newer format. */
export const RUN_FILE = { format: "finetuning-playground.run", version: 1 } as const;

export function encodeRunFile(run: RunRecord): string {
  return `{"format":${JSON.stringify(RUN_FILE.format)},"version":${RUN_FILE.version},"run":${encodeRun(run)}}\n`;
}

const runFileSchema = z.object({ format: z.literal(RUN_FILE.format), version: num, run: z.unknown() });

/** A run.json's text: its format checked (a newer version is named as such), then the record. */
export function decodeRunFile(text: string): Decoded<RunRecord> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const file = runFileSchema.safeParse(json.value);
  if (!file.success) return { ok: false, reason: `not a playground run file (it has no "format": "${RUN_FILE.format}")` };
  if (file.data.version > RUN_FILE.version)
    return {
      ok: false,
      reason: `made by a newer playground (run file version ${file.data.version}); update this page and import it again`,
    };
  return decodeRun(file.data.run);
}
