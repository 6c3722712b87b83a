// One training run as the page keeps it: what made it (settings, strategy, model, backend), what the
// worker reported, and the bounds and helpers that keep the record small. Apart from the runs slice so
// that the slice and its persistence both read it without importing each other.
import { z } from "zod";
import { BACKENDS, RUN_ERROR_KINDS, RUN_STATES, stepMetricsSchema, type StepMetrics } from "../core/protocol";
import { TrainingSettingsSchema } from "../core/settings/trainingSettings";
import { TrainerChoiceSchema } from "../core/trainers/trainerView";
import { STRATEGIES } from "../core/types";

/** The bounds that keep a run's record (and the browser's storage) small; see thinSteps / addGenerations. */
export const RUN_LIMITS = {
  /** Runs kept; starting another drops the oldest finished one. */
  maxRuns: 12,
  /** Step metrics kept per run; beyond it every other one is dropped (the chart keeps its shape). */
  maxSteps: 2000,
  /** Generation snapshots kept per run: the first (before training) and the latest ones. */
  maxGenerations: 40,
};

/** "starting": sent to the worker, not yet acknowledged; "interrupted": the worker died or the page closed mid-run. */
export const RUN_STATUSES = [...RUN_STATES, "starting", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run the worker holds or is about to: it keeps its adapter and may still report. */
export const inProgress = (run: { status: RunStatus }) => run.status === "running" || run.status === "paused" || run.status === "starting";

/** Whether a run's adapter is saved: the run is final (finished, stopped) or may end here (paused). */
export const keepsAdapter = (run: { status: RunStatus }) => ["finished", "stopped", "paused"].includes(run.status);

/** The worker's error kinds, "worker": the worker itself died, and "checkpoint": a kept checkpoint was damaged or not saved. */
export const RUN_RECORD_ERROR_KINDS = [...RUN_ERROR_KINDS, "worker", "checkpoint"] as const;

const num = z.number();
const backend = z.enum(BACKENDS);
const { shape } = stepMetricsSchema;
// JSON turns NaN and Infinity into null: a NaN loss is exactly what a failed run may hold.
const steps: z.ZodType<StepMetrics[]> = z.array(
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
);

/** The record, as the type the page uses and the schema every stored or imported run is read with (runCodec.ts). */
export const runRecordSchema = z.object({
  id: z.string().min(1),
  /** Date.now() at start; also the run's label ("run 3 · 14:02"). */
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
  steps,
  generations: z.array(
    z.object({
      step: num,
      /** Decoded with the tokenizer the run was started with, one per prompt. */
      texts: z.array(z.string()),
      /** Per prompt: the answer ended with a stop token (EOS / end marker). Absent in runs saved before. */
      ended: z.array(z.boolean()).optional(),
    }),
  ),
  /** Milliseconds spent running (paused time excluded): the notebook's train_runtime. */
  wallMs: num,
  /** Date.now() when the current running stretch began, or null while not running. */
  runningSince: num.nullable(),
  tokensTrained: num,
  errors: z.array(z.object({ step: num, kind: z.enum(RUN_RECORD_ERROR_KINDS), message: z.string(), nextBackend: backend.nullable() })),
  /** The worker still holds the adapter (false after a reload or a worker restart). */
  adapterInWorker: z.boolean(),
  /**
   * The adapter kept in this browser (IndexedDB, under the run's id): saved from the worker when the
   * run finished, stopped or paused (at `step`), or brought in with an imported run file. Absent before.
   */
  storedAdapter: z.object({ step: num, bytes: num }).optional(),
  /**
   * The newest checkpoint kept in this browser (services/runCheckpoints.ts): the step a reloaded or
   * crashed run resumes from, its size, and what it cost (the worker's ms to take it, the page's to
   * check and write it). Absent before the first one.
   */
  checkpoint: z.object({ step: num, bytes: num, takeMs: num, writeMs: num }).optional(),
  /**
   * trainingDataFingerprint of the examples as trained (core/export/data.ts): an export from this run
   * checks that the page would still train on the same ids and labels. Absent on runs from before exports.
   */
  dataFingerprint: z.string().optional(),
  /**
   * The trainer preset whose ids and labels the run trained on ("As trained by"), with the options set;
   * absent when the masking strategy's were (and on runs from before presets trained).
   */
  trainer: TrainerChoiceSchema.optional(),
  /** The loss an exported run logged on another trainer (its trainer_state.json), drawn over this run's curve. */
  trainerLog: z.object({ source: z.string(), points: z.array(z.tuple([num, num])) }).optional(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;
export type RunPrompt = RunRecord["prompts"][number];
export type RunGenerations = RunRecord["generations"][number];
export type RunError = RunRecord["errors"][number];

/** The eval loss at the run's last evaluation (core/evalSplit.ts); undefined for a run without an eval split. */
export function lastEvalLoss(run: Pick<RunRecord, "steps">): number | undefined {
  return run.steps.findLast((m) => m.evalLoss !== undefined)?.evalLoss;
}

/**
 * Halves the metrics once they exceed the bound, always keeping the latest step. The evaluated steps
 * (a few among many) are halved among themselves, so the eval curve keeps every other point rather
 * than losing those at odd positions.
 */
export function thinSteps(steps: StepMetrics[]): StepMetrics[] {
  if (steps.length <= RUN_LIMITS.maxSteps) return steps;
  const last = steps[steps.length - 1];
  const evaluated = new Set(steps.filter((s) => s.evalLoss !== undefined).filter((_, k) => k % 2 === 0));
  const kept = steps.filter((s, i) => i % 2 === 0 || evaluated.has(s));
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

/** Appends a snapshot (replacing one of the same step), keeping the first and the latest ones. */
export function addGenerations(list: RunGenerations[], g: RunGenerations): RunGenerations[] {
  const next = [...list.filter((x) => x.step !== g.step), g].sort((a, b) => a.step - b.step);
  return next.length > RUN_LIMITS.maxGenerations ? [next[0], ...next.slice(next.length - RUN_LIMITS.maxGenerations + 1)] : next;
}

/** Running stretches are closed into wallMs when the run leaves "running". */
export function withStatus(run: RunRecord, status: RunStatus, now = Date.now()): Partial<RunRecord> {
  const running = status === "running";
  return {
    status,
    wallMs: running ? run.wallMs : runWallMs(run, now),
    runningSince: running ? (run.runningSince ?? now) : null,
  };
}

/** Wall time including the stretch in progress. */
export function runWallMs(run: RunRecord, now = Date.now()): number {
  return run.wallMs + (run.runningSince !== null ? now - run.runningSince : 0);
}
